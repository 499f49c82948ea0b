"""The admin's confirmed import, run as a background task with its progress on the batch.

Confirming queues the batch (``tasks.queue_import``); the task (``tasks.import_batch_task``) reads
the stored file, checks it again against the data as it is then and writes it
(``run_queued_import``). The batch's ``progress_rows`` / ``progress_total`` count the file's
rows as they are checked, written outside the import's transaction so that the status page
sees them; the writes themselves are one transaction, so the page says "writing" until the
final report replaces it.
"""

from __future__ import annotations

import time
from pathlib import PurePath

from django.core.files.storage import default_storage
from django.utils.translation import gettext

from .importing import import_file
from .models import ImportBatch

STORAGE_FOLDER = "indicator_imports"
PROGRESS_SECONDS = 0.5  # at most two progress writes a second
Status = ImportBatch.Status


def stored_file_name(batch: ImportBatch) -> str:
    """Where the upload keeps the file between the preview and the import, by checksum."""
    return f"{STORAGE_FOLDER}/{batch.file_sha256}{PurePath(batch.file_name).suffix.lower()}"


def run_queued_import(batch: ImportBatch) -> ImportBatch:
    """Import a queued batch's stored file; the batch ends imported, rejected or failed."""
    name = stored_file_name(batch)
    if not default_storage.exists(name):
        return fail(batch, gettext("The uploaded file is no longer stored; upload it again."))
    with default_storage.open(name, "rb") as file:
        data = file.read()
    # Claimed by one worker only: a second delivery of the task finds it no longer queued.
    if not ImportBatch.objects.filter(pk=batch.pk, status=Status.QUEUED).update(
        status=Status.IMPORTING
    ):
        return batch
    last_write = 0.0

    def progress(stage: str, done: int, total: int | None) -> None:
        nonlocal last_write
        if stage != "read":
            return
        # Kept on the instance too: the import's final save of the batch writes the last.
        batch.progress_rows, batch.progress_total = done, max(total or 0, done)
        if time.monotonic() - last_write >= PROGRESS_SECONDS:
            last_write = time.monotonic()
            ImportBatch.objects.filter(pk=batch.pk).update(
                progress_rows=batch.progress_rows, progress_total=batch.progress_total
            )

    report = import_file(
        batch.file_name,
        data,
        series=batch.series_code or None,
        user=batch.uploaded_by,
        valid_rows_only=batch.valid_rows_only,
        progress=progress,
        batch=batch,
    )
    if report.written:
        default_storage.delete(name)
    batch.refresh_from_db()
    return batch


def fail(batch: ImportBatch, message: str) -> ImportBatch:
    """End ``batch`` as failed, its report the one ``message``."""
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=Status.FAILED, report=[{"row": 0, "reason_code": "failed", "message": message}]
    )
    batch.refresh_from_db()
    return batch
