"""The peers' yearly median and quartiles per indicator, for the organisation profile, cached.

Profiled at 300 organisations × 40 indicators × 10 years: reading the peers' ~116,000
observations and sorting them by year took about half of the profile page (of ~200 ms CPU
on SQLite). The peer groups repeat (the filters' group is the same for every agency with
the same filters, bar the agency itself), so the statistics are kept per data version,
currency, indicators (with what their conversion depends on) and peer group. A new data
version (``versions.py``: observations, rates, indices) leaves the old entries unused.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict, defaultdict

from .figures import YearStatistics, fetch_rows, year_statistics
from .models import Indicator, Observation
from .money import Prices
from .versions import data_version

_CACHE_SIZE = 64
# Each entry: (the statistics, how many amounts could not be converted).
_cache: OrderedDict[tuple, tuple[dict[int, list[YearStatistics]], int]] = OrderedDict()
_lock = threading.Lock()


def peer_statistics(
    indicators: list[Indicator], peer_ids: list[int], prices: Prices
) -> dict[int, list[YearStatistics]]:
    """{indicator id: its peers' statistics by year}; ``indicators`` are those the visitor
    may see (observations are visible exactly when their indicator is)."""
    peers = hashlib.blake2b(repr(sorted(peer_ids)).encode(), digest_size=16).hexdigest()
    key = (
        data_version(),
        prices.currency,
        prices.price_year,
        tuple((i.pk, i.currency, i.price_year) for i in indicators),
        peers,
    )
    with _lock:
        entry = _cache.get(key)
        if entry is not None:
            _cache.move_to_end(key)
    if entry is None:
        left_out = prices.left_out
        statistics = _compute(indicators, peer_ids, prices)
        entry = (statistics, prices.left_out - left_out)
        with _lock:
            _cache[key] = entry
            while len(_cache) > _CACHE_SIZE:
                _cache.popitem(last=False)
    else:
        prices.left_out += entry[1]  # the chart's note counts them, as if just converted
    return entry[0]


def _compute(indicators, peer_ids, prices: Prices) -> dict[int, list[YearStatistics]]:
    by_id = {indicator.pk: indicator for indicator in indicators}
    money = {indicator.pk for indicator in indicators if indicator.is_money}
    values: dict[int, dict[int, list[float]]] = defaultdict(lambda: defaultdict(list))
    rows = (
        Observation.objects.filter(indicator__in=indicators, organisation__in=peer_ids)
        .values_list("indicator_id", "year", "value")
        .order_by()
    )
    for indicator_id, year, value in fetch_rows(rows) if indicators and peer_ids else []:
        if indicator_id in money:
            value = prices.convert(value, by_id[indicator_id], year)
            if value is None:
                continue
        values[indicator_id][year].append(value)
    return {pk: year_statistics(values[pk]) for pk in by_id}


def clear_cache() -> None:
    with _lock:
        _cache.clear()
