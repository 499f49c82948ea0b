"""The indicator pages' charts, made from visible observations only.

Each function returns a ``datalab.charts.Chart``: its rows are the table under the chart and
the CSV/JSON downloads, its plot is drawn from those rows. Every observation comes through
``visibility.visible_observations``: a members-only series never reaches a chart an
anonymous visitor sees.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from datalab.axis_charts import line_plot, scatter_plot
from datalab.charts import PALETTE, Chart, Series
from portal.models import Country, GovernmentLevel, Organisation, Sector

from .filters import IndicatorFilters, size_band, size_band_label
from .models import Indicator
from .money import Prices
from .visibility import visible_observations

MEDIAN_COLOUR, BAND_COLOUR, HIGHLIGHT_COLOUR, OTHERS_COLOUR = (
    PALETTE[0],
    PALETTE[5],
    PALETTE[3],
    PALETTE[0],
)


@dataclass(frozen=True)
class YearStatistics:
    year: int
    count: int
    median: float
    lower_quartile: float
    upper_quartile: float


def rounded(value: float | None, digits: int = 2) -> float | None:
    if value is None:
        return None
    return int(value) if float(value).is_integer() else round(float(value), digits)


def _quantile(ordered: list[float], fraction: float) -> float:
    """As ``numpy.percentile``'s default (linear) on sorted values; in plain Python, as a
    profile asks for 400 of them on short lists (measured: numpy's took 0.2 s of them)."""
    position = fraction * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def year_statistics(values_by_year: dict[int, list[float]]) -> list[YearStatistics]:
    statistics = []
    for year in sorted(values_by_year):
        ordered = sorted(values_by_year[year])
        if not ordered:
            continue
        statistics.append(
            YearStatistics(
                year,
                len(ordered),
                _quantile(ordered, 0.5),
                _quantile(ordered, 0.25),
                _quantile(ordered, 0.75),
            )
        )
    return statistics


def fetch_rows(queryset) -> list[tuple]:
    """The tuples of a ``values_list`` queryset, read with the database cursor: the same
    SQL (the visibility rule included), without building a Python row object per tuple,
    which took half of a profile's time at 26k observations."""
    try:
        sql, params = queryset.query.get_compiler(using=queryset.db).as_sql()
    except EmptyResultSet:  # e.g. ``indicator__in=[]``: nothing to read
        return []
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def indicator_values(
    indicator: Indicator,
    organisations,
    prices: Prices,
    *,
    request=None,
    user=None,
) -> dict[int, dict[int, float]]:
    """{organisation id: {year: value}} of ``indicator``, converted to comparable money."""
    rows = (
        visible_observations(request=request, user=user)
        .filter(indicator=indicator, organisation__in=organisations)
        .values_list("organisation_id", "year", "value")
        .order_by()
    )
    values: dict[int, dict[int, float]] = defaultdict(dict)
    for organisation_id, year, value in fetch_rows(rows):
        converted = prices.convert(value, indicator, year)
        if converted is not None:
            values[organisation_id][year] = converted
    return values


def _unit(indicator: Indicator, prices: Prices) -> str:
    return prices.currency if indicator.is_money else indicator.unit


def _profile_urls(organisations) -> list[str]:
    # One reverse per chart, not one per agency (300 reverses took a fifth of the page).
    pattern = reverse("indicators:organisation", args=["--slug--"])
    return [pattern.replace("--slug--", organisation.slug) for organisation in organisations]


def distribution_chart(
    indicator: Indicator,
    values: dict[int, dict[int, float]],
    organisations: dict[int, Organisation],
    year: int | None,
    highlight: Organisation | None,
    prices: Prices,
) -> Chart:
    """The agencies' values in one year, ranked: a dot per agency, the highlighted one marked."""
    ranked = sorted(
        ((organisations[pk], by_year[year]) for pk, by_year in values.items() if year in by_year),
        key=lambda item: (-item[1], item[0].name),
    )
    if indicator.higher_is_better is False:
        ranked.reverse()
    unit = _unit(indicator, prices)
    chart = Chart(
        key="distribution",
        title=_("%(indicator)s across agencies, %(year)s")
        % {"indicator": indicator.name, "year": year},
        description=_("Each agency's value, best first where the indicator has a direction."),
        columns=[_("Agency"), _("Rank"), _("Country"), f"{_('Value')} ({unit})"],
        rows=[
            [org.name, rank, org.get_country_display(), rounded(value)]
            for rank, (org, value) in enumerate(ranked, start=1)
        ],
        links=_profile_urls(org for org, _value in ranked),
    )
    others = Series(str(_("Agencies")), OTHERS_COLOUR)
    legend = [others]
    if highlight is not None and any(org.pk == highlight.pk for org, _v in ranked):
        legend.append(Series(highlight.name, HIGHLIGHT_COLOUR))
    chart.plot = scatter_plot(
        [
            (
                rank,
                value,
                HIGHLIGHT_COLOUR if highlight and org.pk == highlight.pk else OTHERS_COLOUR,
                f"{rank}. {org.name}: {rounded(value)} {unit}",
                bool(highlight and org.pk == highlight.pk),
            )
            for rank, (org, value) in enumerate(ranked, start=1)
        ],
        legend=legend,
        x_title=str(_("Agencies, ranked")),
        y_title=unit,
    )
    return chart


def trend_chart(
    indicator: Indicator,
    values: dict[int, dict[int, float]],
    highlight: Organisation | None,
    prices: Prices,
    *,
    key: str = "trend",
    title=None,
    group_name=None,
    statistics: list[YearStatistics] | None = None,
) -> Chart:
    """Median and quartiles of the agencies over the years (``statistics``, where the caller
    has them already), with one agency's own line."""
    if statistics is None:
        by_year: dict[int, list[float]] = defaultdict(list)
        for pk, per_year in values.items():
            if highlight is not None and pk == highlight.pk and group_name is not None:
                continue  # a profile compares the agency with its peers, not with itself
            for year, value in per_year.items():
                by_year[year].append(value)
        statistics = year_statistics(by_year)
    own = values.get(highlight.pk, {}) if highlight is not None else {}
    years = sorted({s.year for s in statistics} | set(own))
    stats_by_year = {s.year: s for s in statistics}
    unit = _unit(indicator, prices)
    group = group_name or _("agencies")
    columns = [_("Year"), _("Median"), _("Lower quartile"), _("Upper quartile"), _("Agencies")]
    if highlight is not None:
        columns.append(highlight.name)
    rows = []
    for year in years:
        s = stats_by_year.get(year)
        row = [
            year,
            rounded(s.median) if s else None,
            rounded(s.lower_quartile) if s else None,
            rounded(s.upper_quartile) if s else None,
            s.count if s else 0,
        ]
        if highlight is not None:
            row.append(rounded(own.get(year)))
        rows.append(row)
    chart = Chart(
        key=key,
        title=title or _("%(indicator)s over the years") % {"indicator": indicator.name},
        description=_(
            "Median of the %(group)s (line) and the middle half of them (band), in %(unit)s."
        )
        % {"group": group, "unit": unit},
        columns=columns,
        rows=rows,
    )
    median = Series(str(_("Median of the %(group)s") % {"group": group}), MEDIAN_COLOUR)
    lines = [(median, [row[1] for row in rows], True)]
    if highlight is not None:
        lines.append((Series(highlight.name, HIGHLIGHT_COLOUR), [row[5] for row in rows], False))
    chart.plot = line_plot(
        years,
        lines,
        band=(
            Series(str(_("Middle half (quartiles)")), BAND_COLOUR),
            [row[2] for row in rows],
            [row[3] for row in rows],
        ),
        emphasis=highlight.name if highlight is not None else "",
        y_title=unit,
    )
    return chart


class ColourBy:
    SIZE = "size"
    COUNTRY = "country"
    LEVEL = "level"
    SECTOR = "sector"
    CHOICES = (
        (SIZE, _("Size")),
        (COUNTRY, _("Country")),
        (LEVEL, _("Level of government")),
        (SECTOR, _("Sector")),
    )


def _group_of(organisation: Organisation, colour_by: str) -> str:
    if colour_by == ColourBy.COUNTRY:
        return str(dict(Country.choices).get(organisation.country, organisation.country))
    if colour_by == ColourBy.LEVEL:
        return str(dict(GovernmentLevel.choices).get(organisation.government_level, _("Unknown")))
    if colour_by == ColourBy.SECTOR:
        return str(dict(Sector.choices).get(organisation.sector, _("Unknown")))
    return size_band_label(size_band(organisation.employees))


def scatter_chart(
    x_indicator: Indicator,
    y_indicator: Indicator,
    x_values: dict[int, dict[int, float]],
    y_values: dict[int, dict[int, float]],
    organisations: dict[int, Organisation],
    year: int | None,
    highlight: Organisation | None,
    colour_by: str,
    prices: Prices,
) -> Chart:
    """Two indicators across agencies in one year: one point per agency with both values."""
    both = sorted(
        (
            (organisations[pk], x_values[pk][year], y_values[pk][year])
            for pk in set(x_values) & set(y_values)
            if year in x_values[pk] and year in y_values[pk]
        ),
        key=lambda item: item[0].name,
    )
    groups = [_group_of(org, colour_by) for org, _x, _y in both]
    legend = [
        Series(name, PALETTE[number % len(PALETTE)])
        for number, name in enumerate(sorted(set(groups)))
    ]
    colours = {item.name: item.colour for item in legend}
    x_unit, y_unit = _unit(x_indicator, prices), _unit(y_indicator, prices)
    correlation = None
    if len(both) > 2:
        with np.errstate(invalid="ignore", divide="ignore"):  # a constant measure has no r
            correlation = float(
                np.corrcoef([x for _o, x, _y in both], [y for _o, _x, y in both])[0, 1]
            )
    description = _("One point per agency with both values in %(year)s.") % {"year": year}
    if correlation is not None and np.isfinite(correlation):
        description = f"{description} " + _(
            "Correlation across the agencies (Pearson's r): %(r)s."
        ) % {"r": f"{correlation:.2f}"}
    chart = Chart(
        key="scatter",
        title=_("%(y)s against %(x)s, %(year)s")
        % {"x": x_indicator.name, "y": y_indicator.name, "year": year},
        description=description,
        columns=[
            _("Agency"),
            dict(ColourBy.CHOICES)[colour_by],
            f"{x_indicator.name} ({x_unit})",
            f"{y_indicator.name} ({y_unit})",
        ],
        rows=[
            [org.name, group, rounded(x), rounded(y)]
            for (org, x, y), group in zip(both, groups, strict=True)
        ],
        links=_profile_urls(org for org, _x, _y in both),
    )
    chart.plot = scatter_plot(
        [
            (
                x,
                y,
                colours[group],
                f"{org.name} ({group}): {rounded(x)} / {rounded(y)}",
                bool(highlight and org.pk == highlight.pk),
            )
            for (org, x, y), group in zip(both, groups, strict=True)
        ],
        legend=legend,
        x_title=f"{x_indicator.name} ({x_unit})",
        y_title=f"{y_indicator.name} ({y_unit})",
    )
    return chart


def filtered_organisations(filters: IndicatorFilters) -> dict[int, Organisation]:
    return {org.pk: org for org in filters.organisations()}
