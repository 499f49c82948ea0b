"""The search log over time: single searches for the recent past, daily totals beyond it.

Every search is logged as a ``SearchQueryLog`` row (query, language, mode, result count,
time; never who). Rows older than ``ERFA_SEARCH_LOG_RETENTION_DAYS`` days (whole days in the
site's time zone) are rolled up into ``SearchQueryDay`` (per day, normalised query, language
and mode: how often, fewest, most and total results) and deleted: ``roll_up``, run by
``manage.py prune_search_log`` from cron or by ``tasks.prune_search_log_task``.

Whoever reads the log reads both through ``query_counts``, so figures do not change when
rows are rolled up. A query counts as the same search under one rule, ``NORMALISED``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max, Min, Sum
from django.db.models.functions import Lower, TruncDate
from django.utils import timezone

from .models import SearchQueryDay, SearchQueryLog

DEFAULT_RETENTION_DAYS = 90
# Searches that differ only in case are the same search (the database's LOWER()).
NORMALISED = Lower("query")
MAX_QUERY = SearchQueryDay._meta.get_field("query").max_length


def retention_days() -> int:
    return int(getattr(settings, "ERFA_SEARCH_LOG_RETENTION_DAYS", DEFAULT_RETENTION_DAYS))


@dataclass(frozen=True)
class RollUp:
    cutoff: datetime  # rows logged before this were rolled up
    rows: int  # raw rows rolled up and deleted
    days: int  # days they were logged on
    totals: int  # daily total rows created or added to


def _start_of_day(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def roll_up(
    *, days: int | None = None, now: datetime | None = None, dry_run: bool = False
) -> RollUp:
    """Roll raw rows logged more than ``days`` whole days ago into daily totals and delete
    them. One transaction per day; idempotent, and two runs at once never count a row twice
    (the day's rows are locked before they are counted)."""
    now = now or timezone.now()
    keep = retention_days() if days is None else days
    cutoff = _start_of_day(timezone.localdate(now) - timedelta(days=keep))
    old = SearchQueryLog.objects.filter(created__lt=cutoff).order_by()
    day_list = sorted(set(old.annotate(day=TruncDate("created")).values_list("day", flat=True)))
    if dry_run:
        return RollUp(cutoff=cutoff, rows=old.count(), days=len(day_list), totals=0)
    rows = totals = 0
    for day in day_list:
        day_rows, day_totals = _roll_up_day(day, cutoff)
        rows += day_rows
        totals += day_totals
    return RollUp(cutoff=cutoff, rows=rows, days=len(day_list), totals=totals)


@transaction.atomic
def _roll_up_day(day: date, cutoff: datetime) -> tuple[int, int]:
    end = min(_start_of_day(day + timedelta(days=1)), cutoff)
    rows = SearchQueryLog.objects.filter(created__gte=_start_of_day(day), created__lt=end)
    rows = rows.order_by()
    if not list(rows.select_for_update().values_list("pk", flat=True)):
        return 0, 0  # another run has rolled this day up meanwhile
    groups = (
        rows.annotate(normalised=NORMALISED)
        .values("normalised", "language", "mode")
        .annotate(
            n=Count("pk"),
            fewest=Min("result_count"),
            most=Max("result_count"),
            sum=Sum("result_count"),
        )
    )
    totals = 0
    for group in groups:
        total, created = SearchQueryDay.objects.select_for_update().get_or_create(
            date=day,
            query=group["normalised"][:MAX_QUERY],
            language=group["language"],
            mode=group["mode"],
            defaults={
                "searches": group["n"],
                "min_results": group["fewest"],
                "max_results": group["most"],
                "total_results": group["sum"],
            },
        )
        if not created:
            total.searches += group["n"]
            total.min_results = min(total.min_results, group["fewest"])
            total.max_results = max(total.max_results, group["most"])
            total.total_results += group["sum"]
            total.save()
        totals += 1
    deleted, _per_model = rows.delete()
    return deleted, totals


def query_counts(
    *, year_from: int | None = None, year_to: int | None = None, min_searches: int = 1
) -> list[dict]:
    """How often each search was made, over the raw log and the daily totals together:
    ``[{"normalised": text, "times": searches, "most": most results}]``, most searched
    first (then by text), only those made at least ``min_searches`` times. The period is the
    year the search was made in."""
    raw = SearchQueryLog.objects.all()
    daily = SearchQueryDay.objects.all()
    if year_from:
        raw = raw.filter(created__year__gte=year_from)
        daily = daily.filter(date__year__gte=year_from)
    if year_to:
        raw = raw.filter(created__year__lte=year_to)
        daily = daily.filter(date__year__lte=year_to)
    counts: dict[str, list[int]] = {}
    for rows in (
        raw.annotate(normalised=NORMALISED)
        .values("normalised")
        .annotate(times=Count("pk"), most=Max("result_count")),
        daily.annotate(normalised=NORMALISED)
        .values("normalised")
        .annotate(times=Sum("searches"), most=Max("max_results")),
    ):
        for text, times, most in rows.order_by().values_list("normalised", "times", "most"):
            count = counts.setdefault(text, [0, 0])
            count[0] += times
            count[1] = max(count[1], most)
    result = [
        {"normalised": text, "times": times, "most": most}
        for text, (times, most) in counts.items()
        if times >= min_searches
    ]
    result.sort(key=lambda row: (-row["times"], row["normalised"]))
    return result
