"""The search engine's truth: passages with their vectors, the index state, query logs.

The FAISS files under ``ERFA_INDEX_DIR`` are derived from these rows and can always be
rebuilt from them without re-encoding.
"""

from __future__ import annotations

import numpy as np
from django.db import models
from django.utils.translation import gettext_lazy as _
from numpy.typing import NDArray

from .documents import DocumentKind


class Chunk(models.Model):
    """One passage of a page, encoded by one model."""

    page = models.ForeignKey(
        "wagtailcore.Page",
        on_delete=models.CASCADE,
        related_name="search_chunks",
        verbose_name=_("page"),
    )
    ordinal = models.PositiveIntegerField(_("ordinal"))
    language = models.CharField(_("language"), max_length=8)
    kind = models.CharField(_("kind"), max_length=20, choices=[(k, k) for k in DocumentKind])
    text = models.TextField(_("text"))
    text_hash = models.CharField(_("text hash"), max_length=64)
    model_id = models.CharField(_("model id"), max_length=255)
    vector = models.BinaryField(_("vector"))
    updated = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["page_id", "ordinal"]
        constraints = [
            models.UniqueConstraint(
                fields=["model_id", "page", "ordinal"], name="search_chunk_unique_ordinal"
            )
        ]
        indexes = [models.Index(fields=["model_id", "text_hash"])]
        verbose_name = _("chunk")
        verbose_name_plural = _("chunks")

    def __str__(self):
        return f"{self.page_id}#{self.ordinal} ({self.model_id})"

    def get_vector(self) -> NDArray[np.float32]:
        return np.frombuffer(bytes(self.vector), dtype=np.float32)


class PageSearchMeta(models.Model):
    """A page's filter fields as its SearchDocument declared them when last indexed."""

    page = models.OneToOneField(
        "wagtailcore.Page",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="search_meta",
        verbose_name=_("page"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=[(k, k) for k in DocumentKind])
    title = models.CharField(_("title"), max_length=255)
    language = models.CharField(_("language"), max_length=8)
    countries = models.JSONField(_("countries"), default=list)
    topics = models.JSONField(_("topics"), default=list)
    organisations = models.JSONField(_("organisations"), default=list)
    date = models.DateField(_("date"), null=True, blank=True)
    indexed = models.DateTimeField(_("indexed"), auto_now=True)

    class Meta:
        verbose_name = _("page search metadata")
        verbose_name_plural = _("page search metadata")

    def __str__(self):
        return self.title

    @property
    def year(self) -> int | None:
        return self.date.year if self.date else None


class IndexStateQuerySet(models.QuerySet):
    def active(self) -> IndexState | None:
        return self.filter(status=IndexState.Status.ACTIVE).first()


class IndexState(models.Model):
    """Which model's vectors are served, which one is being built, and their generations.

    ``generation`` moves whenever the model's Chunk rows change; a process whose
    in-memory index was loaded at another generation reloads it before searching.
    """

    class Status(models.TextChoices):
        ACTIVE = "active", _("active")
        BUILDING = "building", _("building")

    model_id = models.CharField(_("model id"), max_length=255, unique=True)
    encoder = models.JSONField(_("encoder setting"))
    dimension = models.PositiveIntegerField(_("dimension"))
    generation = models.PositiveBigIntegerField(_("generation"), default=0)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    objects = IndexStateQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["status"],
                condition=models.Q(status="active"),
                name="search_indexstate_one_active",
            )
        ]
        verbose_name = _("index state")
        verbose_name_plural = _("index states")

    def __str__(self):
        return f"{self.model_id} ({self.status}, generation {self.generation})"


class SearchQueryLog(models.Model):
    """What was searched, for analytics. Deliberately holds no user, IP or session."""

    query = models.CharField(_("query"), max_length=500)
    language = models.CharField(_("language"), max_length=8, blank=True)
    mode = models.CharField(_("mode"), max_length=10)
    result_count = models.PositiveIntegerField(_("result count"))
    created = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created"]
        verbose_name = _("search query")
        verbose_name_plural = _("search queries")

    def __str__(self):
        return self.query
