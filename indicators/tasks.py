"""Background work of indicator runs: a run is computed by a worker, never on a request."""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils.translation import gettext_noop
from django_tasks import task

from .models import IndicatorRun
from .runs import execute_run

logger = logging.getLogger(__name__)


@task()
def execute_run_task(run_id: int) -> str:
    """Compute one run; returns its final status. A run deleted meanwhile is skipped."""
    run = IndicatorRun.objects.filter(pk=run_id).first()
    if run is None:
        return "missing"
    try:
        execute_run(run)
    except Exception:
        # Anything unforeseen still ends the run, so its page stops saying "running".
        logger.exception("Indicator run %s failed", run_id)
        IndicatorRun.objects.filter(pk=run_id).update(
            status=IndicatorRun.Status.FAILED,
            progress=100,
            error=gettext_noop("The analysis stopped with an unexpected error."),
        )
        raise
    return run.status


def enqueue_run(run: IndicatorRun) -> None:
    """Queue ``run`` (again) from the start; the task starts once the transaction commits."""
    IndicatorRun.objects.filter(pk=run.pk).update(
        status=IndicatorRun.Status.QUEUED, progress=0, error=""
    )
    run.status, run.progress, run.error = IndicatorRun.Status.QUEUED, 0, ""
    transaction.on_commit(lambda: execute_run_task.enqueue(run.pk))
