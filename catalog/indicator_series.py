"""Public indicator series as catalogue datasets, where the indicators app is installed.

The catalogue does not depend on the indicators app: without it (or before its tables
exist) there are simply no series. Which series are public is the indicators app's own rule
(``indicators.visibility.visible_series`` for an anonymous visitor), never a second one.
"""

from __future__ import annotations

from django.apps import apps
from django.conf import settings
from django.db import DatabaseError
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.translation import gettext as _

from portal.site_url import absolute_url

from .vocabularies import LICENCE, LICENCE_CODES

UI_LANGUAGES = ("sv", "da", "en")


def public_series() -> list:
    """The series an anonymous visitor may see, or none where there is no indicators app."""
    if not apps.is_installed("indicators"):
        return []
    try:
        from indicators.visibility import visible_series
    except ImportError:
        return []
    try:
        return list(visible_series(user=None).prefetch_related("indicators").order_by("code"))
    except DatabaseError:  # the app is installed but its tables are not migrated yet
        return []


def descriptions(series) -> dict[str, str]:
    """A description in each language; DCAT-AP requires one, so a series without its own
    is described by its name and source."""
    texts = {}
    for language in UI_LANGUAGES:
        own = getattr(series, f"description_{language}", "")
        with translation.override(language):
            text = own or _("Indicator series “%(name)s”, source: %(source)s.") % {
                "name": series.name_in(language),
                "source": series.source,
            }
            if series.is_demo:
                text = _("Demo data, not real figures.") + " " + text
        texts[language] = text
    return texts


def licence_uri(series) -> str | None:
    """The series' licence in the EU licence table, or None where its name is not known."""
    code = LICENCE_CODES.get((series.licence or "").strip().lower())
    return str(LICENCE[code]) if code else None


def indicator_pages(series) -> list[tuple[str, str, str]]:
    """(code, name, address) of each indicator's page, where its data can be read and
    downloaded as CSV or JSON."""
    pages = []
    for indicator in series.indicators.all():
        with translation.override(settings.LANGUAGE_CODE):
            try:
                path = reverse("indicators:indicator", args=[series.code, indicator.code])
            except NoReverseMatch:
                continue
            pages.append((indicator.code, indicator.name, absolute_url(path)))
    return pages
