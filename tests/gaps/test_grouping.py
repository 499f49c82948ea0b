"""Poor searches become gaps: one need across sv/da/en is one gap, counted from the log."""

import pytest

from gaps import grouping
from gaps.models import GapQuery, GapWeek, SearchGap
from search.models import SearchQueryDay

pytestmark = pytest.mark.django_db

IT_SV = "nyckeltal för it-kostnader"
IT_DA = "nøgletal for it-omkostninger"
IT_EN = "benchmarking IT costs"
CLIMATE = "klimatanpassning i kommuner"


def _gap_of(query: str) -> SearchGap:
    return GapQuery.objects.get(query=query.lower()).gap


def _state():
    return sorted(
        (
            gap.pk,
            gap.label,
            gap.searches,
            tuple(sorted(gap.queries.values_list("query", "searches"))),
        )
        for gap in SearchGap.objects.all()
    ), sorted(GapWeek.objects.values_list("gap_id", "week", "searches"))


def test_one_need_in_three_languages_is_one_gap_and_another_need_another(indexed, log_search):
    log_search(IT_SV, 3)
    log_search(IT_DA, 2, days_ago=3)
    log_search(IT_EN, 1, results=1)
    log_search(CLIMATE, 3)
    log_search("nyckeltal", 4, results=5)  # found enough: no gap

    run = grouping.find_gaps()

    assert run.new_gaps == 2
    it_gap = _gap_of(IT_SV)
    assert _gap_of(IT_DA) == it_gap
    assert _gap_of(IT_EN) == it_gap
    assert _gap_of(CLIMATE) != it_gap
    assert it_gap.label == IT_SV  # the most searched
    assert it_gap.searches == 6
    assert it_gap.typical_queries() == [IT_SV, IT_DA, IT_EN.lower()]
    assert not GapQuery.objects.filter(query="nyckeltal").exists()
    assert it_gap.trending  # six searches this month, none in the eight weeks before


def test_running_again_over_the_same_log_changes_nothing(indexed, log_search):
    log_search(IT_SV, 3)
    log_search(IT_DA, 2, days_ago=10)
    log_search(CLIMATE, 3, days_ago=40)
    grouping.find_gaps()
    before = _state()

    grouping.find_gaps()

    assert _state() == before
    log_search(IT_DA, 1)
    grouping.find_gaps()
    assert _gap_of(IT_DA).searches == 6  # recounted, not added to
    assert SearchGap.objects.count() == 2


def test_daily_totals_count_and_a_steady_gap_does_not_trend(indexed, log_search):
    import datetime

    from django.utils import timezone

    today = timezone.localdate()
    for weeks_ago in range(1, 12):
        SearchQueryDay.objects.create(
            date=today - datetime.timedelta(weeks=weeks_ago),
            query=CLIMATE,
            language="sv",
            mode="hybrid",
            searches=2,
            min_results=0,
            max_results=1,
            total_results=1,
        )
    SearchQueryDay.objects.create(  # found plenty that day: not poor
        date=today - datetime.timedelta(days=2),
        query=IT_SV,
        language="sv",
        mode="hybrid",
        searches=5,
        min_results=4,
        max_results=9,
        total_results=30,
    )
    grouping.find_gaps()

    gap = _gap_of(CLIMATE)
    assert gap.searches == 22
    assert gap.recent_searches in (6, 8)  # 3–4 weekly totals fall in the last 28 days
    assert not gap.trending
    assert sum(GapWeek.objects.filter(gap=gap).values_list("searches", flat=True)) == 22
    assert not GapQuery.objects.filter(query=IT_SV).exists()


def test_nothing_indexed_means_no_gaps(db, log_search):
    log_search(IT_SV, 3)
    assert grouping.find_gaps().new_gaps == 0
    assert not SearchGap.objects.exists()
