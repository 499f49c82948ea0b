"""JSON API, read-only: ``GET /api/indicators/series/``, ``…/indicators/`` and
``…/observations/`` (schema at /api/docs). Every list goes through indicators.visibility:
an anonymous client never receives a members-only series, its indicators or observations."""

from __future__ import annotations

from enum import StrEnum

from django.db.models import QuerySet
from ninja import Field, Query, Router, Schema

from portal.converters import MAX_ID
from portal.models import Country

from .visibility import visible_indicators, visible_observations, visible_series

router = Router(tags=["indicators"])

MAX_LIMIT = 500
SLUG_PATTERN = r"^[-a-zA-Z0-9_]+$"
LANGUAGES = ("sv", "da", "en")

CountryCode = StrEnum("CountryCode", {code: code for code in Country.values})


class PageParams(Schema):
    limit: int = Field(100, ge=1, le=MAX_LIMIT)
    # Bounded, so an offset past what a 64-bit column holds is refused, not a database error.
    offset: int = Field(0, ge=0, le=MAX_ID)


class IndicatorParams(PageParams):
    series: str | None = Field(None, max_length=80, pattern=SLUG_PATTERN)


class ObservationParams(IndicatorParams):
    indicator: int | None = Field(None, ge=1, le=MAX_ID)
    organisation: str | None = Field(None, max_length=80, pattern=SLUG_PATTERN)
    year: int | None = Field(None, ge=1, le=9999)
    country: CountryCode | None = None


class Names(Schema):
    sv: str
    da: str
    en: str


class SeriesOut(Schema):
    code: str
    names: Names
    description: Names
    source: str
    source_url: str
    licence: str
    members_only: bool
    is_demo: bool


class IndicatorOut(Schema):
    id: int
    series: str
    code: str
    names: Names
    unit: str
    scale_min: float | None
    scale_max: float | None
    higher_is_better: bool | None
    currency: str
    price_year: int | None


class ObservationOut(Schema):
    series: str
    indicator: int
    indicator_code: str
    organisation: str
    organisation_name: str
    country: str
    year: int
    value: float
    note: str


class SeriesPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[SeriesOut]


class IndicatorPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[IndicatorOut]


class ObservationPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[ObservationOut]


class ValidationErrorOut(Schema):
    """Django Ninja's answer to a parameter that does not parse (a word for a number, say)."""

    detail: list[dict]


NOT_VALID = {422: ValidationErrorOut}


def _names(obj, field: str = "name") -> dict:
    return {language: getattr(obj, f"{field}_{language}") or "" for language in LANGUAGES}


def _page(queryset: QuerySet, params: PageParams, item) -> dict:
    return {
        "count": queryset.count(),
        "limit": params.limit,
        "offset": params.offset,
        "items": [item(obj) for obj in queryset[params.offset : params.offset + params.limit]],
    }


@router.get("/series/", response={200: SeriesPage, **NOT_VALID}, url_name="indicator_series")
def series_endpoint(request, params: Query[PageParams]):
    """Indicator series this client may see, by code."""
    series = visible_series(request=request).order_by("code")
    return _page(
        series,
        params,
        lambda item: {
            "code": item.code,
            "names": _names(item),
            "description": _names(item, "description"),
            "source": item.source,
            "source_url": item.source_url,
            "licence": item.licence,
            "members_only": item.members_only,
            "is_demo": item.is_demo,
        },
    )


@router.get("/indicators/", response={200: IndicatorPage, **NOT_VALID}, url_name="indicator_list")
def indicators_endpoint(request, params: Query[IndicatorParams]):
    """Indicators of visible series, optionally of one series (by its code)."""
    indicators = visible_indicators(request=request).select_related("series")
    if params.series:
        indicators = indicators.filter(series__code=params.series)
    return _page(
        indicators.order_by("series__code", "order", "code", "pk"),
        params,
        lambda item: {
            "id": item.pk,
            "series": item.series.code,
            "code": item.code,
            "names": _names(item),
            "unit": item.unit,
            "scale_min": item.scale_min,
            "scale_max": item.scale_max,
            "higher_is_better": item.higher_is_better,
            "currency": item.currency,
            "price_year": item.price_year,
        },
    )


@router.get(
    "/observations/", response={200: ObservationPage, **NOT_VALID}, url_name="observation_list"
)
def observations_endpoint(request, params: Query[ObservationParams]):
    """Yearly values of visible indicators, filtered by series (code), indicator (id),
    organisation (slug), year and country."""
    observations = visible_observations(request=request).select_related(
        "indicator__series", "organisation"
    )
    if params.series:
        observations = observations.filter(indicator__series__code=params.series)
    if params.indicator:
        observations = observations.filter(indicator_id=params.indicator)
    if params.organisation:
        observations = observations.filter(organisation__slug=params.organisation)
    if params.year:
        observations = observations.filter(year=params.year)
    if params.country:
        observations = observations.filter(organisation__country=params.country.value)
    return _page(
        observations.order_by("indicator_id", "organisation__slug", "year", "pk"),
        params,
        lambda item: {
            "series": item.indicator.series.code,
            "indicator": item.indicator_id,
            "indicator_code": item.indicator.code,
            "organisation": item.organisation.slug,
            "organisation_name": item.organisation.name,
            "country": item.organisation.country,
            "year": item.year,
            "value": item.value,
            "note": item.note,
        },
    )
