"""Before and after: an organisation's indicators around the years a case ran, so that a
reader sees whether the results moved."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from portal.models import Organisation

from .figures import rounded
from .models import Indicator
from .money import load_prices
from .visibility import visible_indicators, visible_observations

# A window wider than this is cut to the year before, the first, the last and the year after.
MOST_YEARS = 6


@dataclass
class Movement:
    indicator: Indicator
    values: list[float | None]  # one per year of the table
    change: float | None  # the last value against the first
    better: bool | None  # whether the change is for the better (None: no direction)


@dataclass
class BeforeAfter:
    organisation: Organisation
    years: list[int]
    start: int
    end: int
    rows: list[Movement]
    money_notes: list[str]


def _window(start: int, end: int, available: set[int]) -> list[int]:
    years = [year for year in range(start - 1, end + 2) if year in available]
    if len(years) > MOST_YEARS:
        keep = {start - 1, start, end, end + 1}
        years = [year for year in years if year in keep]
    return years


def before_and_after(
    organisation: Organisation, start: int, end: int, *, request=None, user=None
) -> BeforeAfter | None:
    """``organisation``'s visible indicators from the year before ``start`` to the year
    after ``end``; None when it has no data in those years."""
    rows = (
        visible_observations(request=request, user=user)
        .filter(organisation=organisation, year__gte=start - 1, year__lte=end + 1)
        .values_list("indicator_id", "year", "value")
        .order_by()
    )
    values: dict[int, dict[int, float]] = defaultdict(dict)
    for indicator_id, year, value in rows:
        values[indicator_id][year] = value
    if not values:
        return None
    indicators = (
        visible_indicators(request=request, user=user)
        .filter(pk__in=values)
        .select_related("series")
        .order_by("series__code", "order", "code")
    )
    years = _window(start, end, {year for by_year in values.values() for year in by_year})
    prices = load_prices()
    movements, notes = [], []
    for indicator in indicators:
        converted = [
            prices.convert(values[indicator.pk][year], indicator, year)
            if year in values[indicator.pk]
            else None
            for year in years
        ]
        known = [value for value in converted if value is not None]
        if len(known) < 2:
            continue
        change = known[-1] - known[0]
        better = None
        if indicator.higher_is_better is not None and change:
            better = (change > 0) == indicator.higher_is_better
        movements.append(
            Movement(indicator, [rounded(v) for v in converted], rounded(change), better)
        )
        note = prices.note(indicator)
        if note and note not in notes:
            notes.append(note)
    if not movements:
        return None
    return BeforeAfter(organisation, years, start, end, movements, notes)
