"""Pruning the search log (raw rows into daily totals) changes none of the data lab's figures."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from datalab import dashboard
from datalab.forms import DashboardFilters
from search.models import SearchQueryDay, SearchQueryLog

pytestmark = pytest.mark.django_db


def _log(query, results, days_ago):
    entry = SearchQueryLog.objects.create(query=query, mode="hybrid", result_count=results)
    moment = (timezone.localtime() - timedelta(days=days_ago)).replace(hour=12, minute=0)
    SearchQueryLog.objects.filter(pk=entry.pk).update(created=moment)


@pytest.fixture
def searches_over_two_years():
    for query, results, days_ago in [
        ("chatbot", 5, 400),
        ("Chatbot", 6, 200),
        ("chatbot", 4, 100),
        ("chatbot", 3, 5),
        ("blockkedja", 0, 300),
        ("blockkedja", 0, 120),
        ("blockkedja", 1, 1),
        ("robotar", 2, 95),
        ("robotar", 2, 94),
        ("Robotar", 9, 93),
        ("öppna data", 12, 500),
        ("öppna data", 12, 2),
        ("öppna data", 11, 1),
        ("anna svensson", 0, 150),  # one visitor's words: never shown
    ]:
        _log(query, results, days_ago)


def _charts() -> dict:
    this_year = timezone.localdate().year
    filters = [
        DashboardFilters(),
        DashboardFilters(year_from=this_year),
        DashboardFilters(year_to=this_year - 1),
        DashboardFilters(year_from=this_year - 1, year_to=this_year - 1),
    ]
    return {
        (chart.__name__, str(f)): chart(f).rows
        for chart in (dashboard.top_queries, dashboard.unmet_queries)
        for f in filters
    }


def test_chart_totals_are_the_same_before_and_after_pruning(searches_over_two_years):
    before = _charts()
    assert before["top_queries", str(DashboardFilters())] == [
        ["chatbot", 4, 6],
        ["blockkedja", 3, 1],
        ["robotar", 3, 9],
        ["öppna data", 3, 12],
    ]
    assert before["unmet_queries", str(DashboardFilters())] == [["blockkedja", 3, 1]]

    call_command("prune_search_log", stdout=StringIO())

    assert SearchQueryLog.objects.count() == 4  # the last few days only
    assert SearchQueryDay.objects.exists()
    assert _charts() == before
