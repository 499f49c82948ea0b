"""Matches that are not pages, shown above the page results (indicators, organisation profiles).

The search index, its relevance decision and its invariants concern pages only: Chunk rows,
one vector per passage, visibility through Wagtail's page privacy. Objects that are not pages
(issue 12's indicator and organisation profile views) do not join that index; an app offers
them through a *match provider* named in ``settings.ERFA_SEARCH_MATCH_PROVIDERS`` (dotted
paths, like Django's backends). Search calls each as ``provider(query, request=request,
limit=limit)`` and shows the ``ExtraMatch`` items it returns; the provider answers for their
visibility (the visitor is in ``request``). Search never imports the providing app.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

MAX_EXTRA_MATCHES = 5


@dataclass(frozen=True)
class ExtraMatch:
    title: str
    url: str
    kind: str  # what it is, in the visitor's language ("Indicator", "Organisation profile")
    description: str = ""
    score: float = 0.0  # 0–1: providers' items are merged best first
    language: str = ""  # of ``title``, when it is known


def extra_matches(query: str, *, request, limit: int = MAX_EXTRA_MATCHES) -> list[ExtraMatch]:
    """Every provider's matches for ``query``, best first, at most ``limit``."""
    if not query.strip():
        return []
    found: list[ExtraMatch] = []
    for path in getattr(settings, "ERFA_SEARCH_MATCH_PROVIDERS", ()):
        try:
            found += import_string(path)(query, request=request, limit=limit)
        except Exception:
            # A provider's fault must not take the page search down with it.
            logger.exception("Search match provider %s failed", path)
    return sorted(found, key=lambda match: -match.score)[:limit]
