"""The task queue behind django-tasks, whichever backend ERFA_TASKS_BACKEND chose.

Two real backends: the database (django-tasks-db, run by ``manage.py db_worker``) and Redis
(django-tasks-rq, run by ``manage.py rqworker``). Only RQ retries a failed task on its own,
so every RQ job gets a retry policy here, with growing intervals (RQ's scheduler, which
``rqworker --with-scheduler`` runs, requeues it when its interval is up). Every task is
idempotent (mail goes through ``portal.mail.send_once``, indexing rewrites a page's rows), so a
retry or an administrator's re-run does no harm. A task that failed for good is listed by
``failed_tasks()`` for either backend, and ``rerun()`` enqueues it again.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

import django_rq
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django_rq.queues import DjangoRQ
from django_tasks import task_backends
from django_tasks.utils import get_module_path
from django_tasks_db.models import DBTaskResult
from django_tasks_rq.backend import Job
from rq import Retry
from rq.exceptions import InvalidJobOperationError, NoSuchJobError
from rq.registry import FailedJobRegistry

# RQ retries a failed job this many times, waiting these many seconds before each retry
# (the last interval repeats). A task that still fails is left in RQ's failed registry.
RQ_RETRY_INTERVALS = [10, 60, 300]


class QueueKind:
    DATABASE = "database"
    RQ = "rq"
    IMMEDIATE = "immediate"
    OTHER = "other"


def queue_kind() -> str:
    """Which kind of backend serves the default task queue."""
    path = get_module_path(type(task_backends["default"]))
    if path.startswith("django_tasks_db."):
        return QueueKind.DATABASE
    if path.startswith("django_tasks_rq."):
        return QueueKind.RQ
    if path.startswith("django_tasks.backends.immediate."):
        return QueueKind.IMMEDIATE
    return QueueKind.OTHER


def _rq_retry_policy() -> Retry:
    intervals = getattr(settings, "ERFA_RQ_RETRY_INTERVALS", RQ_RETRY_INTERVALS)
    return Retry(max=len(intervals), interval=intervals)


class RetryingQueue(DjangoRQ):
    """django-rq's queue, giving every job it creates the project's retry policy.

    django-tasks-rq creates its jobs without one; the queue class is the one place RQ lets
    us add it (``RQ_QUEUES[...]["QUEUE_CLASS"]``) without copying the backend."""

    def create_job(self, *args: Any, **kwargs: Any) -> Job:
        if kwargs.get("retry") is None:
            kwargs["retry"] = _rq_retry_policy()
        return super().create_job(*args, **kwargs)


def check_queue() -> None:
    """Raise if the queue cannot take a task now: the task table cannot be read (database
    backend) or Redis does not answer (RQ)."""
    kind = queue_kind()
    if kind == QueueKind.DATABASE:
        DBTaskResult.objects.only("pk").first()
    elif kind == QueueKind.RQ:
        django_rq.get_connection("default").ping()


@dataclass(frozen=True)
class FailedTask:
    id: str
    task_path: str
    args: list
    kwargs: dict
    error: str  # the exception's class and message: the last line of its traceback
    failed_at: datetime.datetime | None
    attempts: int


def failed_tasks(limit: int = 200) -> list[FailedTask]:
    """Tasks that failed for good (after RQ's retries), newest first."""
    kind = queue_kind()
    if kind == QueueKind.DATABASE:
        return _failed_database_tasks(limit)
    if kind == QueueKind.RQ:
        return _failed_rq_jobs(limit)
    return []


def rerun(task_id: str) -> bool:
    """Enqueue a failed task again with its arguments; False when there is no such failed
    task (already re-run, or pruned)."""
    kind = queue_kind()
    if kind == QueueKind.DATABASE:
        return _rerun_database_task(task_id)
    if kind == QueueKind.RQ:
        return _rerun_rq_job(task_id)
    return False


def _last_line(traceback: str) -> str:
    lines = [line for line in (traceback or "").strip().splitlines() if line.strip()]
    return lines[-1][:500] if lines else ""


def _failed_database_tasks(limit: int) -> list[FailedTask]:
    results = DBTaskResult.objects.failed().order_by("-finished_at")[:limit]
    return [
        FailedTask(
            id=str(result.pk),
            task_path=result.task_path,
            args=list(result.args_kwargs.get("args", [])),
            kwargs=dict(result.args_kwargs.get("kwargs", {})),
            error=_last_line(result.traceback) or result.exception_class_path,
            failed_at=result.finished_at,
            attempts=len(result.worker_ids) or 1,
        )
        for result in results
    ]


def _rerun_database_task(task_id: str) -> bool:
    with transaction.atomic():
        try:
            result = DBTaskResult.objects.failed().select_for_update().get(pk=task_id)
        except (DBTaskResult.DoesNotExist, ValidationError):
            return False
        arguments = result.args_kwargs
        result.task.enqueue(*arguments["args"], **arguments["kwargs"])
        # The new run has a result of its own; keeping the failure would list it twice.
        result.delete()
    return True


def _rq_failed_registry():
    queue = django_rq.get_queue("default", job_class=Job)
    return queue, FailedJobRegistry(queue=queue)


def _failed_rq_jobs(limit: int) -> list[FailedTask]:
    queue, registry = _rq_failed_registry()
    job_ids = registry.get_job_ids(0, limit - 1, desc=True)
    jobs = [job for job in queue.job_class.fetch_many(job_ids, connection=queue.connection) if job]
    failed = []
    for job in jobs:
        results = job.results()
        failed.append(
            FailedTask(
                id=job.id,
                task_path=job.func_name,
                args=list(job.args),
                kwargs=dict(job.kwargs),
                error=_last_line(results[0].exc_string if results else "") or "",
                failed_at=job.ended_at,
                attempts=len(job.retry_intervals or []) - (job.retries_left or 0) + 1,
            )
        )
    return failed


def _rerun_rq_job(task_id: str) -> bool:
    queue, registry = _rq_failed_registry()
    if task_id not in registry.get_job_ids():
        return False
    try:
        job = queue.job_class.fetch(task_id, connection=queue.connection)
        # Its retries renewed before RQ's own requeue (the same job, its history kept).
        retry = _rq_retry_policy()
        job.retries_left = retry.max
        job.retry_intervals = retry.intervals
        job.save()
        registry.requeue(job)
    except (InvalidJobOperationError, NoSuchJobError):
        return False
    return True
