"""Background work of indicator runs: a run is computed by a worker, never on a request."""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import translation
from django.utils.translation import get_language, gettext, gettext_noop
from django_tasks import task

from .import_jobs import fail, run_queued_import
from .models import ImportBatch, IndicatorRun
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


@task()
def import_batch_task(batch_id: int, language: str = "sv") -> str:
    """Import one confirmed upload; returns the batch's final status. A batch that is no
    longer queued (imported meanwhile, or deleted) is skipped."""
    batch = ImportBatch.objects.filter(pk=batch_id, status=ImportBatch.Status.QUEUED).first()
    if batch is None:
        return "missing"
    with translation.override(language):
        try:
            return run_queued_import(batch).status
        except Exception:
            # The import's transaction rolled back: nothing was written. End the batch, so
            # that its page stops saying "importing".
            logger.exception("Indicator import %s failed", batch_id)
            fail(
                batch, gettext("The import stopped with an unexpected error; nothing was written.")
            )
            raise


def queue_import(batch: ImportBatch, *, valid_rows_only: bool, series: str | None) -> None:
    """Queue a previewed ``batch``; the task starts once the transaction commits."""
    fields = {
        "status": ImportBatch.Status.QUEUED,
        "valid_rows_only": valid_rows_only,
        "series_code": series or "",
        "progress_rows": 0,
        "progress_total": 0,
    }
    ImportBatch.objects.filter(pk=batch.pk).update(**fields)
    for name, value in fields.items():
        setattr(batch, name, value)
    # The report is written in the uploader's language, as the preview's was.
    language = get_language() or "sv"
    transaction.on_commit(lambda: import_batch_task.enqueue(batch.pk, language))
