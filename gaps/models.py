"""Search gaps: what visitors looked for and did not find, grouped by meaning.

A gap is made of logged searches (``search.SearchQueryLog`` and its daily roll-up), which
hold no visitor identity; it keeps only normalised query texts and counts. Its counts are
recomputed from the log on every run (gaps/grouping.py), so a run repeated over the same
log changes nothing. Query texts are for coordinators and moderators only, and only for
gaps of at least ``MIN_SEARCHES_SHOWN`` searches (gaps/views.py).
"""

from __future__ import annotations

import numpy as np
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from numpy.typing import NDArray

from search.models import Chunk

# Fewer logged searches than this: the gap is not listed at all (one person's searches
# could be recognised by their wording).
MIN_SEARCHES_SHOWN = 3


def _vector_bytes(vector: NDArray[np.float32]) -> bytes:
    return np.ascontiguousarray(vector, dtype=np.float32).tobytes()


class SearchGapQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=SearchGap.Status.OPEN)

    def shown(self):
        """Gaps whose query texts may be shown to coordinators and moderators."""
        return self.filter(searches__gte=MIN_SEARCHES_SHOWN)


class SearchGap(models.Model):
    """Searches that found little, one need across languages, labelled by its most
    typical query."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        ANSWERED = "answered", _("Answered")

    label = models.CharField(_("label"), max_length=500)
    model_id = models.CharField(_("model id"), max_length=255)
    centroid = models.BinaryField(_("centroid"))
    first_seen = models.DateTimeField(_("first searched"))
    last_seen = models.DateTimeField(_("last searched"))
    searches = models.PositiveIntegerField(_("searches"), default=0)
    recent_searches = models.PositiveIntegerField(_("searches in the last four weeks"), default=0)
    trending = models.BooleanField(_("trending"), default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    answered_by = models.ForeignKey(
        "wagtailcore.Page",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered by"),
    )
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    # The networks whose profile the gap is close to (gaps/networks.py), kept by each run.
    networks = models.ManyToManyField(
        "network.NetworkPage", blank=True, related_name="search_gaps", verbose_name=_("networks")
    )

    objects = SearchGapQuerySet.as_manager()

    class Meta:
        ordering = ["-trending", "-searches", "label"]
        verbose_name = _("search gap")
        verbose_name_plural = _("search gaps")

    def __str__(self):
        return self.label

    def centroid_array(self) -> NDArray[np.float32]:
        return Chunk.decode_vector(self.centroid)

    def set_centroid(self, model_id: str, vector: NDArray[np.float32]) -> None:
        self.model_id = model_id
        self.centroid = _vector_bytes(vector)

    def typical_queries(self, limit: int = 5) -> list[str]:
        return list(
            self.queries.order_by("-searches", "query").values_list("query", flat=True)[:limit]
        )

    def mark_answered(self, page_id: int) -> None:
        self.status = self.Status.ANSWERED
        self.answered_by_id = page_id
        self.answered_at = timezone.now()
        self.save(update_fields=["status", "answered_by", "answered_at"])


class GapQuery(models.Model):
    """One normalised query of a gap, with its vector as search encodes it."""

    gap = models.ForeignKey(
        SearchGap, on_delete=models.CASCADE, related_name="queries", verbose_name=_("gap")
    )
    query = models.CharField(_("query (normalised)"), max_length=500, unique=True)
    language = models.CharField(_("language"), max_length=8, blank=True)
    mode = models.CharField(_("search by"), max_length=10, default="hybrid")
    searches = models.PositiveIntegerField(_("searches"), default=0)
    last_seen = models.DateTimeField(_("last searched"))
    model_id = models.CharField(_("model id"), max_length=255)
    vector = models.BinaryField(_("query vector"))

    class Meta:
        ordering = ["-searches", "query"]
        verbose_name = _("gap query")
        verbose_name_plural = _("gap queries")

    def __str__(self):
        return self.query

    def vector_array(self) -> NDArray[np.float32]:
        return Chunk.decode_vector(self.vector)

    def set_vector(self, model_id: str, vector: NDArray[np.float32]) -> None:
        self.model_id = model_id
        self.vector = _vector_bytes(vector)


class GapWeek(models.Model):
    """A gap's searches in one week (starting Monday): what trends are computed from."""

    gap = models.ForeignKey(
        SearchGap, on_delete=models.CASCADE, related_name="weeks", verbose_name=_("gap")
    )
    week = models.DateField(_("week starting"))
    searches = models.PositiveIntegerField(_("searches"))

    class Meta:
        ordering = ["gap", "week"]
        constraints = [
            models.UniqueConstraint(fields=["gap", "week"], name="gaps_one_row_per_week")
        ]
        verbose_name = _("searches of a week")
        verbose_name_plural = _("searches per week")

    def __str__(self):
        return f"{self.gap_id} {self.week} ×{self.searches}"


class GapAgendaItem(models.Model):
    """A gap a coordinator put on a meeting's agenda: once per gap and meeting."""

    gap = models.ForeignKey(
        SearchGap, on_delete=models.CASCADE, related_name="agenda_items", verbose_name=_("gap")
    )
    meeting = models.ForeignKey(
        "network.MeetingPage",
        on_delete=models.CASCADE,
        related_name="gap_agenda_items",
        verbose_name=_("meeting"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("added by"),
    )
    created = models.DateTimeField(_("added"), default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["gap", "meeting"], name="gaps_once_per_meeting")
        ]
        verbose_name = _("gap on an agenda")
        verbose_name_plural = _("gaps on agendas")

    def __str__(self):
        return f"{self.gap} → {self.meeting_id}"


class CallForExperiencesQuerySet(models.QuerySet):
    def open(self):
        return self.filter(is_open=True)


class CallForExperiences(models.Model):
    """A network's request to its members to share cases on a subject. Its title and text
    are the coordinator's own words: they are shown on the public network page and mailed
    to the members, so they never carry logged query text on their own."""

    gap = models.ForeignKey(
        SearchGap,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="calls",
        verbose_name=_("gap"),
    )
    network = models.ForeignKey(
        "network.NetworkPage",
        on_delete=models.CASCADE,
        related_name="calls_for_experiences",
        verbose_name=_("network"),
    )
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"), max_length=2000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created = models.DateTimeField(_("created"), default=timezone.now)
    is_open = models.BooleanField(_("open"), default=True)

    objects = CallForExperiencesQuerySet.as_manager()

    class Meta:
        ordering = ["-created"]
        verbose_name = _("call for experiences")
        verbose_name_plural = _("calls for experiences")

    def __str__(self):
        return self.title
