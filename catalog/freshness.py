"""When the catalogue must be built again: a fingerprint of what it is made from.

Building the catalogue takes seconds at a thousand cases (bench/bench_dcat.py) and harvesters
fetch it over and over, so each serialisation is kept in the cache under a fingerprint that a
handful of aggregate queries read. Whatever can change what an anonymous visitor may see
changes the fingerprint at once: publishing, unpublishing, moving or editing a page (its
publication time and Wagtail's action log), adding or removing a view restriction, and a
series turning members-only. Edits outside the admin that change no count and leave no log
entry (an organisation renamed from a shell) reach the catalogue within ``CACHE_SECONDS``.
The same fingerprint is the ETag, so a harvester that has the current catalogue gets a 304.
"""

from __future__ import annotations

import hashlib

from django.apps import apps
from django.core.cache import cache
from django.db import DatabaseError
from django.db.models import Count, Max, Q
from wagtail.models import ModelLogEntry, Page, PageLogEntry, PageViewRestriction

from portal.models import Organisation, Topic
from portal.site_url import base_url

from .config import catalog_settings

CACHE_SECONDS = 15 * 60


def _series_state() -> tuple:
    if not apps.is_installed("indicators"):
        return ()
    from indicators.models import IndicatorSeries

    try:
        return tuple(
            IndicatorSeries.objects.aggregate(
                n=Count("pk"), last=Max("pk"), members=Count("pk", filter=Q(members_only=True))
            ).values()
        )
    except DatabaseError:  # installed, tables not migrated yet: as catalog.indicator_series
        return ()


def fingerprint() -> str:
    """Changes whenever the catalogue an anonymous visitor gets may have changed."""
    state = (
        tuple(
            Page.objects.aggregate(
                live=Count("pk", filter=Q(live=True)),
                published=Max("last_published_at"),
                revised=Max("latest_revision_created_at"),
            ).values()
        ),
        tuple(PageViewRestriction.objects.aggregate(n=Count("pk"), last=Max("pk")).values()),
        PageLogEntry.objects.aggregate(last=Max("pk"))["last"],
        ModelLogEntry.objects.aggregate(last=Max("pk"))["last"],
        tuple(Organisation.objects.aggregate(n=Count("pk"), last=Max("pk")).values()),
        tuple(Topic.objects.aggregate(n=Count("pk"), last=Max("pk")).values()),
        _series_state(),
        catalog_settings(),
        base_url(),
    )
    return hashlib.sha256(repr(state).encode()).hexdigest()[:32]


def cached_serialisation(export_format: str, key: str, build) -> str:
    """The catalogue in ``export_format`` for fingerprint ``key``, built by ``build()`` only
    when no process has built it for that fingerprint yet (as far as the cache is shared)."""
    return cache.get_or_set(f"catalog:{export_format}:{key}", build, CACHE_SECONDS)
