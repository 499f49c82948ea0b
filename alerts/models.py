"""Saved searches, the pages they found, and each user's "pause all".

A saved search keeps its query vector (encoded once when saved, with the model id that
wrote it), so a newly published page is compared with thousands of saved searches without
encoding any of them again (alerts/matching.py).
"""

from __future__ import annotations

import numpy as np
from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from numpy.typing import NDArray

from search.facets import SearchFilters
from search.models import Chunk
from search.results import SearchMode


class Frequency(models.TextChoices):
    IMMEDIATELY = "immediately", _("As soon as something new is found")
    DAILY = "daily", _("Once a day")
    WEEKLY = "weekly", _("Once a week")
    NEVER = "never", _("No e-mail, only on this page")


class SavedSearchQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(user=user)


class SavedSearch(models.Model):
    """A user's search (query, mode and filters) that alerts them to new matching pages."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="saved_searches",
        verbose_name=_("user"),
    )
    query = models.CharField(_("query"), max_length=500)
    mode = models.CharField(
        _("search by"), max_length=10, choices=[(m.value, m.value) for m in SearchMode]
    )
    # The chosen values per facet, by facet name (SearchFilters.by_facet).
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    frequency = models.CharField(
        _("e-mail"), max_length=12, choices=Frequency.choices, default=Frequency.DAILY
    )
    language = models.CharField(_("query language"), max_length=8, blank=True)
    model_id = models.CharField(_("model id"), max_length=255, blank=True)
    vector = models.BinaryField(_("query vector"), blank=True, default=b"")
    created = models.DateTimeField(_("created"), default=timezone.now)
    last_viewed = models.DateTimeField(_("last looked"), default=timezone.now)
    last_sent = models.DateTimeField(_("last e-mail"), null=True, blank=True)

    objects = SavedSearchQuerySet.as_manager()

    class Meta:
        ordering = ["-created"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "query", "mode", "filters"], name="alerts_saved_search_unique"
            )
        ]
        verbose_name = _("saved search")
        verbose_name_plural = _("saved searches")

    def __str__(self):
        return self.query

    def get_absolute_url(self) -> str:
        return reverse("alerts:saved_searches")

    @property
    def search_filters(self) -> SearchFilters:
        stored = self.filters or {}
        return SearchFilters.from_values(lambda name: stored.get(name, ()))

    def search_url(self) -> str:
        """The search page showing this search's results now."""
        from urllib.parse import urlencode

        params = [("q", self.query), ("mode", self.mode)]
        params += [
            (name, value) for name, values in (self.filters or {}).items() for value in values
        ]
        return f"{reverse('search:search')}?{urlencode(params)}"

    def vector_array(self) -> NDArray[np.float32]:
        return Chunk.decode_vector(self.vector)

    def set_vector(self, model_id: str, vector: NDArray[np.float32]) -> None:
        self.model_id = model_id
        self.vector = np.ascontiguousarray(vector, dtype=np.float32).tobytes()


class SavedSearchMatch(models.Model):
    """A page a saved search found. ``sent`` is set in the transaction that sends it, so an
    item is never sent twice for one saved search."""

    saved_search = models.ForeignKey(
        SavedSearch, on_delete=models.CASCADE, related_name="matches", verbose_name=_("search")
    )
    page = models.ForeignKey(
        "wagtailcore.Page", on_delete=models.CASCADE, related_name="+", verbose_name=_("page")
    )
    passage = models.TextField(_("passage that matched"), blank=True)
    relevance = models.CharField(_("relevance"), max_length=10, blank=True)
    found = models.DateTimeField(_("found"), default=timezone.now, db_index=True)
    sent = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        ordering = ["-found"]
        constraints = [
            models.UniqueConstraint(fields=["saved_search", "page"], name="alerts_match_once")
        ]
        verbose_name = _("saved search match")
        verbose_name_plural = _("saved search matches")

    def __str__(self):
        return f"{self.saved_search_id} → {self.page_id}"


class AlertSetting(models.Model):
    """A user's "pause all": while paused, no saved search of theirs sends e-mail (matches
    are still collected and listed)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="alert_setting",
        verbose_name=_("user"),
    )
    paused = models.BooleanField(_("all e-mail paused"), default=False)

    class Meta:
        verbose_name = _("alert setting")
        verbose_name_plural = _("alert settings")

    def __str__(self):
        return f"{self.user} ({'paused' if self.paused else 'active'})"

    @classmethod
    def is_paused(cls, user) -> bool:
        return cls.objects.filter(user=user, paused=True).exists()
