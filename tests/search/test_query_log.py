"""The search log is kept as single searches for a while, then as daily totals only."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from search import query_log
from search.models import SearchQueryDay, SearchQueryLog
from search.tasks import prune_search_log_task

pytestmark = pytest.mark.django_db


def log(query, results, *, days_ago, language="sv", mode="hybrid"):
    entry = SearchQueryLog.objects.create(
        query=query, language=language, mode=mode, result_count=results
    )
    # Noon, so that "n days ago" is one calendar day whatever the time the test runs at.
    moment = timezone.localtime() - timedelta(days=days_ago)
    moment = moment.replace(hour=12, minute=0, second=0, microsecond=0)
    SearchQueryLog.objects.filter(pk=entry.pk).update(created=moment)
    return entry


def prune(**options) -> str:
    out = StringIO()
    call_command("prune_search_log", stdout=out, **options)
    return out.getvalue()


def test_old_searches_become_daily_totals_without_identifiers():
    for query, results in [("Chatbot", 5), ("chatbot", 3), ("chatbot", 4)]:
        log(query, results, days_ago=100)
    log("chatbot", 7, days_ago=100, mode="keyword")
    log("chatbot", 1, days_ago=101)
    recent = log("chatbot", 9, days_ago=3)

    output = prune()

    assert "Rolled up 5 search(es) from 2 day(s)" in output
    assert list(SearchQueryLog.objects.values_list("pk", flat=True)) == [recent.pk]
    day = timezone.localdate() - timedelta(days=100)
    total = SearchQueryDay.objects.get(date=day, mode="hybrid")
    assert (total.query, total.language, total.searches) == ("chatbot", "sv", 3)
    assert (total.min_results, total.max_results, total.total_results) == (3, 5, 12)
    assert total.mean_results == 4
    assert SearchQueryDay.objects.get(date=day, mode="keyword").searches == 1
    assert SearchQueryDay.objects.get(date=day - timedelta(days=1)).searches == 1
    fields = {field.name for field in SearchQueryDay._meta.get_fields()}
    assert not fields & {"user", "session", "ip", "ip_address", "created"}


def test_pruning_again_counts_nothing_twice():
    log("öppna data", 12, days_ago=200)
    prune()
    assert "Rolled up 0 search(es)" in prune()
    assert SearchQueryDay.objects.get().searches == 1
    # A row for a day already rolled up (a clock put right, say) is added, not duplicated.
    log("öppna data", 2, days_ago=200)
    prune()
    total = SearchQueryDay.objects.get()
    assert (total.searches, total.min_results, total.max_results) == (2, 2, 12)


def test_the_retention_period_is_a_setting(settings):
    log("robotar", 2, days_ago=10)
    prune()
    assert SearchQueryLog.objects.count() == 1
    settings.ERFA_SEARCH_LOG_RETENTION_DAYS = 7
    assert "Would roll up 1 search(es)" in prune(dry_run=True)
    assert SearchQueryLog.objects.count() == 1
    assert prune_search_log_task.enqueue().return_value == 1
    assert not SearchQueryLog.objects.exists()
    assert SearchQueryDay.objects.get().query == "robotar"


def test_query_counts_read_the_log_and_the_totals_together():
    log("Robotar", 2, days_ago=150)
    log("robotar", 4, days_ago=150)
    log("robotar", 1, days_ago=2)
    log("sällsynt", 0, days_ago=150)
    before = query_log.query_counts(min_searches=2)
    assert before == [{"normalised": "robotar", "times": 3, "most": 4}]
    query_log.roll_up()
    assert SearchQueryLog.objects.count() == 1
    assert query_log.query_counts(min_searches=2) == before
    assert query_log.query_counts() == before + [{"normalised": "sällsynt", "times": 1, "most": 0}]
