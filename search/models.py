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
    # A passage of a document attached to the page (search/attachments.py): which document,
    # its file name and the PDF page the passage starts on. Empty for the page's own text.
    # No foreign-key constraint: deleting a document re-indexes its pages (search/signals.py),
    # which removes these rows with the FAISS bookkeeping a cascade would skip.
    document = models.ForeignKey(
        "wagtaildocs.Document",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("document"),
    )
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    file_page = models.PositiveIntegerField(_("page in the file"), null=True, blank=True)

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

    @staticmethod
    def decode_vector(stored: bytes | memoryview) -> NDArray[np.float32]:
        """A stored ``vector`` column value as a (read-only) float32 array."""
        return np.frombuffer(bytes(stored), dtype=np.float32)


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
    """What was searched, for analytics. Deliberately holds no user, IP or session; rolled up
    into ``SearchQueryDay`` and deleted after ``ERFA_SEARCH_LOG_RETENTION_DAYS``."""

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


class SearchQueryDay(models.Model):
    """Searches of one day rolled up from ``SearchQueryLog`` once its rows pass their
    retention (``query_log.roll_up``): one row per normalised query, language and mode, with
    how often it was searched and what it found. No user, session or time of day."""

    date = models.DateField(_("date"))
    query = models.CharField(_("query (normalised)"), max_length=500)
    language = models.CharField(_("language"), max_length=8, blank=True)
    mode = models.CharField(_("mode"), max_length=10)
    searches = models.PositiveIntegerField(_("searches"))
    min_results = models.PositiveIntegerField(_("fewest results"))
    max_results = models.PositiveIntegerField(_("most results"))
    total_results = models.PositiveBigIntegerField(_("results in all"))

    class Meta:
        ordering = ["-date", "query"]
        constraints = [
            models.UniqueConstraint(
                fields=["date", "query", "language", "mode"], name="search_query_day_unique"
            )
        ]
        verbose_name = _("searches of a day")
        verbose_name_plural = _("searches per day")

    def __str__(self):
        return f"{self.date} {self.query} ×{self.searches}"

    @property
    def mean_results(self) -> float:
        return self.total_results / self.searches if self.searches else 0.0


class SearchSynonym(models.Model):
    """Words that mean the same to the keyword side: an acronym and its name, say.

    Moderators keep the list in the admin; a query holding any of the terms also finds
    passages holding another ("ESV" finds "Ekonomistyrningsverket" and the reverse).
    """

    terms = models.CharField(
        _("terms"),
        max_length=500,
        help_text=_(
            "Words or names that mean the same, separated by commas, e.g. "
            "“ESV, Ekonomistyrningsverket”."
        ),
    )
    updated = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["terms"]
        verbose_name = _("search synonym")
        verbose_name_plural = _("search synonyms")

    def __str__(self):
        return self.terms

    def term_list(self) -> list[str]:
        return [term.strip() for term in self.terms.split(",") if term.strip()]


class IndexChange(models.Model):
    """Which pages one index generation changed: lets every process bring its in-memory
    indexes up to date by re-reading those pages only. ``page`` empty: everything changed
    (a rebuild), so a process reloads from scratch."""

    model_id = models.CharField(_("model id"), max_length=255)
    generation = models.PositiveBigIntegerField(_("generation"))
    page_id = models.PositiveIntegerField(_("page id"), null=True, blank=True)
    # Chunk ids the change deleted, so a process can drop their vectors without a rebuild.
    removed_chunk_ids = models.JSONField(_("removed chunk ids"), default=list, blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["model_id", "generation"])]
        verbose_name = _("index change")
        verbose_name_plural = _("index changes")

    def __str__(self):
        return f"{self.model_id} generation {self.generation}: page {self.page_id or 'all'}"
