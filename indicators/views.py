"""The indicator pages: the series, one indicator across agencies and over the years, one
organisation's profile against its peers, and two indicators compared.

Like the rest of the data lab they work without JavaScript: charts are SVG drawn on the
server over tables of the same rows, every filter is a GET parameter, and each chart's
CSV/XLSX/JSON download repeats the page's filters. Every series, indicator and observation
comes through ``visibility``: a members-only series is never in an anonymous visitor's page,
chart or download (an indicator of one answers 404, as if it did not exist).
"""

from __future__ import annotations

from collections import defaultdict

from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from datalab.charts import Chart
from portal.csv_export import PEOPLE_FORMATS, table_response
from portal.models import Organisation

from .figures import (
    ColourBy,
    distribution_chart,
    fetch_rows,
    indicator_values,
    scatter_chart,
    trend_chart,
)
from .filters import FILTER_NAMES, IndicatorFilterForm, IndicatorFilters
from .models import Indicator
from .money import load_prices
from .peer_statistics import peer_statistics
from .peers import cases_by_organisation, similar_organisations
from .visibility import visible_indicators, visible_observations, visible_series

EXPORT_FORMATS = (*PEOPLE_FORMATS, "json")
PEERS_BY_FILTERS, PEERS_BY_PROFILE = "filters", "similar"
SIMILAR_PEER_GROUP = 10  # organisations in the peer group "similar profile"
SIMILAR_SHOWN = 5  # of them, named beside the profile with their cases


def index(request):
    series = visible_series(request=request).prefetch_related("indicators")
    organisations = Organisation.objects.filter(
        pk__in=visible_observations(request=request).values("organisation_id")
    ).order_by("name")
    return render(
        request,
        "indicators/index.html",
        {"series_list": series, "organisations": organisations},
    )


def _indicator(request, series: str, code: str) -> Indicator:
    return get_object_or_404(
        visible_indicators(request=request).select_related("series"),
        series__code=series,
        code=code,
    )


def _highlight(request) -> Organisation | None:
    slug = request.GET.get("organisation", "")
    return Organisation.objects.filter(slug=slug).first() if slug else None


def _years(request, indicators: list[Indicator]) -> list[int]:
    return sorted(
        set(
            visible_observations(request=request)
            .filter(indicator__in=indicators)
            .values_list("year", flat=True)
            .distinct()
        ),
        reverse=True,
    )


def _indicator_charts(request, indicator: Indicator):
    years = _years(request, [indicator])
    form = IndicatorFilterForm(request.GET, years=years)
    filters = form.filters()
    highlight = _highlight(request)
    organisations = {org.pk: org for org in filters.organisations()}
    if highlight is not None:
        organisations.setdefault(highlight.pk, highlight)
    # Amounts in the indicator's own currency unless the visitor asks for another.
    prices = load_prices(filters.currency or indicator.currency or "SEK")
    values = indicator_values(indicator, list(organisations), prices, request=request)
    year = filters.year if filters.year in years else (years[0] if years else None)
    charts = {
        "distribution": distribution_chart(
            indicator, values, organisations, year, highlight, prices
        ),
        "trend": trend_chart(indicator, values, highlight, prices),
    }
    return form, filters, highlight, charts, prices.note(indicator), year


def indicator_page(request, series: str, code: str):
    indicator = _indicator(request, series, code)
    form, filters, highlight, charts, money_note, year = _indicator_charts(request, indicator)
    return render(
        request,
        "indicators/indicator.html",
        {
            "indicator": indicator,
            "form": form,
            "charts": list(charts.values()),
            "money_note": money_note,
            "year": year,
            "highlight": highlight,
            "query_string": _query_string(request),
            "organisations": Organisation.objects.order_by("name"),
        },
    )


def indicator_data(request, series: str, code: str, chart: str):
    indicator = _indicator(request, series, code)
    _form, filters, highlight, charts, _note, year = _indicator_charts(request, indicator)
    if chart not in charts:
        raise Http404
    context = {**filters.as_dict(), "year": year, "organisation": highlight and highlight.slug}
    return _export(charts[chart], request.GET.get("format", "json"), context)


def _peer_form(request, organisation: Organisation) -> IndicatorFilterForm:
    """The filters that choose the peers; an organisation is first compared with its own
    country and level of government."""
    if any(name in request.GET for name in FILTER_NAMES):
        form = IndicatorFilterForm(request.GET)
    else:
        form = IndicatorFilterForm(
            {"country": organisation.country, "level": organisation.government_level}
        )
    del form.fields["year"]  # a profile shows every year
    return form


def _profile(request, organisation: Organisation, similar=None):
    """The organisation's visible indicators over the years against its peers' median
    (``similar``: its most similar organisations, where the caller has them already)."""
    form = _peer_form(request, organisation)
    filters: IndicatorFilters = form.filters()
    mode = PEERS_BY_PROFILE if request.GET.get("peers") == PEERS_BY_PROFILE else PEERS_BY_FILTERS
    if mode == PEERS_BY_PROFILE:
        if similar is None:
            similar = similar_organisations(organisation, request=request, count=SIMILAR_PEER_GROUP)
        peer_ids = [peer.organisation.pk for peer in similar]
        group_name = _("agencies with the most similar profile")
    else:
        peer_ids = list(
            filters.organisations().exclude(pk=organisation.pk).values_list("pk", flat=True)
        )
        group_name = _("peer agencies")
    observations = visible_observations(request=request)
    indicators = list(
        visible_indicators(request=request)
        .filter(pk__in=observations.filter(organisation=organisation).values("indicator_id"))
        .select_related("series")
        .order_by("series__code", "order", "code")
    )
    # Amounts in the agency's own currency unless the visitor asks for another.
    prices = load_prices(filters.currency or ("DKK" if organisation.country == "DK" else "SEK"))
    # The peers' statistics are cached per data version and peer group; only the agency's
    # own values are read on each request.
    statistics = peer_statistics(indicators, peer_ids, prices)
    rows = (
        observations.filter(indicator__in=indicators, organisation=organisation)
        .values_list("indicator_id", "organisation_id", "year", "value")
        .order_by()
    )
    by_indicator: dict[int, dict[int, dict[int, float]]] = defaultdict(lambda: defaultdict(dict))
    by_id = {indicator.pk: indicator for indicator in indicators}
    money = {indicator.pk for indicator in indicators if indicator.is_money}
    for indicator_id, organisation_id, year, value in fetch_rows(rows):
        if indicator_id in money:
            value = prices.convert(value, by_id[indicator_id], year)
            if value is None:
                continue
        by_indicator[indicator_id][organisation_id][year] = value
    charts = []
    for indicator in indicators:
        chart = trend_chart(
            indicator,
            by_indicator[indicator.pk],
            organisation,
            prices,
            key=f"{indicator.series.code}-{indicator.code}",
            title=indicator.name,
            group_name=group_name,
            statistics=statistics[indicator.pk],
        )
        chart.money_note = prices.note(indicator)
        chart.indicator = indicator
        charts.append(chart)
    return form, mode, charts, len(peer_ids)


def organisation_page(request, slug: str):
    organisation = get_object_or_404(Organisation, slug=slug)
    similar = similar_organisations(organisation, request=request, count=SIMILAR_PEER_GROUP)
    form, mode, charts, peer_count = _profile(request, organisation, similar)
    cases = cases_by_organisation([organisation.pk], request=request).get(organisation.pk, [])
    return render(
        request,
        "indicators/organisation.html",
        {
            "organisation": organisation,
            "form": form,
            "peers_mode": mode,
            "peer_count": peer_count,
            "charts": charts,
            "cases": cases,
            "similar": similar[:SIMILAR_SHOWN],
            "query_string": _query_string(request),
        },
    )


def organisation_data(request, slug: str, chart: str):
    organisation = get_object_or_404(Organisation, slug=slug)
    _form, mode, charts, _count = _profile(request, organisation)
    found = next((item for item in charts if item.key == chart), None)
    if found is None:
        raise Http404
    return _export(found, request.GET.get("format", "json"), {"organisation": slug, "peers": mode})


def _indicator_key(indicator: Indicator) -> str:
    return f"{indicator.series.code}.{indicator.code}"


def _default_pair(indicators: list[Indicator]) -> tuple[Indicator | None, Indicator | None]:
    """Technology against collaboration where the data has them (the agencies' two groups
    show there), otherwise the first two indicators."""

    def find(word: str):
        return next((i for i in indicators if word in i.code), None)

    x, y = find("technolog"), find("collaborat")
    if x and y:
        return x, y
    return (indicators[0], indicators[1]) if len(indicators) > 1 else (None, None)


def compare(request):
    indicators = list(
        visible_indicators(request=request)
        .select_related("series")
        .order_by("series__code", "order")
    )
    by_key = {_indicator_key(indicator): indicator for indicator in indicators}
    default_x, default_y = _default_pair(indicators)
    x = by_key.get(request.GET.get("x", ""), default_x)
    y = by_key.get(request.GET.get("y", ""), default_y)
    colour_by = request.GET.get("colour", ColourBy.SIZE)
    if colour_by not in dict(ColourBy.CHOICES):
        colour_by = ColourBy.SIZE
    chart = money_notes = None
    years = _years(request, [i for i in (x, y) if i])
    form = IndicatorFilterForm(request.GET, years=years)
    filters = form.filters()
    highlight = _highlight(request)
    if x and y:
        organisations = {org.pk: org for org in filters.organisations()}
        if highlight is not None:
            organisations.setdefault(highlight.pk, highlight)
        prices = load_prices(filters.currency or x.currency or y.currency or "SEK")
        x_values = indicator_values(x, list(organisations), prices, request=request)
        y_values = indicator_values(y, list(organisations), prices, request=request)
        common = sorted(
            {year for v in x_values.values() for year in v}
            & {year for v in y_values.values() for year in v},
            reverse=True,
        )
        year = filters.year if filters.year in common else (common[0] if common else None)
        chart = scatter_chart(
            x, y, x_values, y_values, organisations, year, highlight, colour_by, prices
        )
        money_notes = [note for note in {prices.note(x), prices.note(y)} if note]
        if "format" in request.GET:
            context = {
                **filters.as_dict(),
                "year": year,
                "x": _indicator_key(x),
                "y": _indicator_key(y),
                "colour": colour_by,
            }
            return _export(chart, request.GET["format"], context)
    elif "format" in request.GET:
        raise Http404
    return render(
        request,
        "indicators/compare.html",
        {
            "form": form,
            "indicators": [(_indicator_key(i), i) for i in indicators],
            "x_key": x and _indicator_key(x),
            "y_key": y and _indicator_key(y),
            "colour_by": colour_by,
            "colour_choices": ColourBy.CHOICES,
            "chart": chart,
            "money_notes": money_notes,
            "highlight": highlight,
            "organisations": Organisation.objects.order_by("name"),
            "query_string": _query_string(request),
        },
    )


def _query_string(request) -> str:
    query = request.GET.copy()
    query.pop("format", None)
    return query.urlencode()


def _export(chart: Chart, export_format: str, filters: dict) -> HttpResponse:
    if export_format not in EXPORT_FORMATS:
        raise Http404
    if export_format in PEOPLE_FORMATS:
        return table_response(chart.key, chart.header(), chart.rows, export_format)
    return JsonResponse(chart.to_json(filters), json_dumps_params={"ensure_ascii": False})
