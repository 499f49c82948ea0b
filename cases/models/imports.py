"""Uploaded documents waiting for their import: one row per file, with its state.

The admin upload stores each file here (under a private prefix of the default storage, where
a worker on another machine reads it as well) and enqueues one import task per file; the
status page reads the rows. The stored file is deleted once the task has imported it or
reported why not.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.models import ContentLanguage


def _stored_name(instance, filename: str) -> str:
    # A random name: the original one is kept in ``name``, and nothing guessable is stored.
    return f"document-imports/{uuid.uuid4().hex}"


class DocumentImport(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Importing")
        IMPORTED = "imported", _("Imported")
        UPDATED = "updated", _("Updated")
        DUPLICATE = "duplicate", _("Skipped as duplicate")
        FAILED = "failed", _("Failed")

    batch = models.UUIDField(db_index=True)
    name = models.CharField(max_length=255)
    size = models.PositiveBigIntegerField(default=0)
    file = models.FileField(upload_to=_stored_name, blank=True, max_length=255)
    parent = models.ForeignKey(
        "cases.CaseIndexPage", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    publish = models.BooleanField(default=False)
    language = models.CharField(max_length=2, blank=True, choices=ContentLanguage.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The uploader's admin language at upload time: the worker writes the message in it.
    interface_language = models.CharField(max_length=10, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    message = models.TextField(blank=True)
    page = models.ForeignKey(
        "cases.CaseStudyPage", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("document import")
        verbose_name_plural = _("document imports")

    def __str__(self) -> str:
        return f"{self.name} ({self.state})"

    @property
    def finished(self) -> bool:
        return self.state not in (self.State.QUEUED, self.State.RUNNING)
