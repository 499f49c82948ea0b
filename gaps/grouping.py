"""From the search log to search gaps: poor searches grouped by meaning across languages.

A search is poor when it found fewer than ``ERFA_GAP_MAX_RESULTS`` (default 2) results:
the log's ``result_count`` is the count after search's relevance decision, so "relevant"
here means what search itself showed. A day's roll-up (``SearchQueryDay``) counts as poor
when its searches found fewer than that on average (it keeps no single search).

Each run (``find_gaps``; ``manage.py find_search_gaps`` or ``tasks.find_search_gaps_task``):

1. reads the poor searches of the raw log and the daily roll-up, per normalised query
   (``query_log.NORMALISED``, the log's one rule for "the same search");
2. encodes the queries it has no vector for yet, as search encodes them, with the served
   model (``search.saved_queries.encode_saved_queries``);
3. keeps every query in the gap it joined before, so gap identities are stable; a new query
   joins the nearest open gap when their similarity reaches ``GAP_SIMILARITY``, else starts
   a gap of its own: greedy, most searched first;
4. recomputes every count from the log (searches, weeks, first and last seen, label,
   trending) rather than adding to them, so running it twice over one log changes nothing;
5. matches the open gaps with the networks' topics (gaps/networks.py).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import numpy as np
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Max
from django.db.models.functions import TruncDate
from django.utils import timezone
from numpy.typing import NDArray

from search.models import SearchQueryDay, SearchQueryLog
from search.query_log import MAX_QUERY, NORMALISED
from search.saved_queries import encode_saved_queries, query_language, served_model

from .models import GapQuery, GapWeek, SearchGap
from .networks import match_networks
from .similarity import GAP_SIMILARITY, centred, centring_vector, normalised

DEFAULT_MAX_RESULTS = 2
ENCODE_BATCH = 200

# Trending: the last four weeks' weekly rate is at least twice that of the eight weeks
# before, and at least MIN_TRENDING searches in those four weeks (a new gap trends once it
# has them: it had no searches before).
RECENT_DAYS = 28
BEFORE_DAYS = 56
TRENDING_RATIO = 2.0
MIN_TRENDING = 3


def max_results() -> int:
    return int(getattr(settings, "ERFA_GAP_MAX_RESULTS", DEFAULT_MAX_RESULTS))


@dataclass
class PoorQuery:
    """One normalised query's poor searches, per day."""

    text: str
    days: Counter = field(default_factory=Counter)  # date -> searches
    last_seen: datetime | None = None
    modes: Counter = field(default_factory=Counter)

    @property
    def searches(self) -> int:
        return sum(self.days.values())

    def add(self, day: date, searches: int, last: datetime, mode: str) -> None:
        self.days[day] += searches
        self.modes[mode] += searches
        self.last_seen = max(self.last_seen or last, last)


@dataclass
class GapRun:
    queries: int = 0  # distinct poor queries
    encoded: int = 0
    new_gaps: int = 0
    gaps: int = 0  # gaps whose counts were recomputed
    trending: int = 0


def _start_of_day(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def poor_searches() -> dict[str, PoorQuery]:
    """Every poor search in the log, by normalised query."""
    limit = max_results()
    found: dict[str, PoorQuery] = {}
    raw = (
        SearchQueryLog.objects.filter(result_count__lt=limit)
        .annotate(normalised=NORMALISED, day=TruncDate("created"))
        .values("normalised", "day", "mode")
        .annotate(n=Count("pk"), last=Max("created"))
        .order_by()
    )
    for row in raw:
        text = row["normalised"][:MAX_QUERY].strip()
        if text:
            found.setdefault(text, PoorQuery(text)).add(
                row["day"], row["n"], row["last"], row["mode"]
            )
    daily = SearchQueryDay.objects.filter(total_results__lt=F("searches") * limit)
    for text, day, mode, searches in daily.values_list("query", "date", "mode", "searches"):
        text = text.strip()  # rolled up under NORMALISED already
        if text:
            end_of_day = _start_of_day(day) + timedelta(days=1) - timedelta(microseconds=1)
            found.setdefault(text, PoorQuery(text)).add(day, searches, end_of_day, mode)
    return found


def find_gaps(
    *, now: datetime | None = None, progress: Callable[[str, int, int], None] | None = None
) -> GapRun:
    """Group the log's poor searches into gaps and recompute their counts (idempotent)."""
    run = GapRun()
    served = served_model()
    if served is None:
        return run  # nothing indexed, so nothing was searched for either
    model_id = served[0]
    poor = poor_searches()
    run.queries = len(poor)
    known = {gq.query: gq for gq in GapQuery.objects.select_related("gap")}
    vectors = {text: gq.vector_array() for text, gq in known.items() if gq.model_id == model_id}
    missing = sorted(text for text in poor if text not in vectors)
    for start in range(0, len(missing), ENCODE_BATCH):
        batch = missing[start : start + ENCODE_BATCH]
        encoded_by, matrix = encode_saved_queries(batch)
        if encoded_by != model_id:
            return run  # the served model changed meanwhile: the next run starts over
        vectors.update(zip(batch, matrix, strict=True))
        run.encoded += len(batch)
        if progress:
            progress("encode", run.encoded, len(missing))
    centre = centring_vector(model_id)
    try:
        with transaction.atomic():
            run.new_gaps = _assign(poor, known, vectors, model_id, centre)
            gaps = list(SearchGap.objects.order_by("pk"))
            today = timezone.localdate(now or timezone.now())
            for done, gap in enumerate(gaps, 1):
                _recount(gap, poor, vectors, model_id, today)
                run.trending += gap.trending
                if progress:
                    progress("count", done, len(gaps))
            run.gaps = len(gaps)
    except IntegrityError:
        # An overlapping run gave one of these queries a gap first (GapQuery.query is
        # unique): this run's changes are rolled back, that run's stand.
        return GapRun(queries=run.queries, encoded=run.encoded)
    match_networks(model_id, centre)
    return run


def _assign(
    poor: dict[str, PoorQuery],
    known: dict[str, GapQuery],
    vectors: dict[str, NDArray[np.float32]],
    model_id: str,
    centre: NDArray[np.float32],
) -> int:
    """Put each query without a gap into the nearest open gap, or a new one; returns how
    many gaps were started. Queries that have a gap keep it (their vector is refreshed)."""
    stale = [gq for text, gq in known.items() if gq.model_id != model_id and text in vectors]
    for gq in stale:
        gq.set_vector(model_id, vectors[gq.query])
    GapQuery.objects.bulk_update(stale, ["model_id", "vector"])
    members: dict[int, list[NDArray[np.float32]]] = defaultdict(list)
    for text, gq in known.items():
        if text in vectors and gq.gap.status == SearchGap.Status.OPEN:
            members[gq.gap_id].append(vectors[text])
    new_queries = sorted(
        (q for text, q in poor.items() if text not in known),
        key=lambda q: (-q.searches, len(q.text), q.text),
    )
    gap_ids = list(members)
    sums = [np.sum(members[pk], axis=0) for pk in gap_ids]
    # Centred centroids, one row per gap, with room for every gap this run may start.
    rows = np.zeros((len(gap_ids) + len(new_queries), centre.shape[0]), dtype=np.float32)
    if sums:
        rows[: len(sums)] = centred(np.vstack([normalised(total) for total in sums]), centre)
    new_gaps, added = 0, []
    now = timezone.now()
    for query in new_queries:
        vector = vectors[query.text]
        similarity = rows[: len(gap_ids)] @ centred(vector[None, :], centre)[0]
        best = int(similarity.argmax()) if len(gap_ids) else -1
        if best < 0 or similarity[best] < GAP_SIMILARITY:
            gap = SearchGap(label=query.text, first_seen=now, last_seen=now)
            gap.set_centroid(model_id, vector)
            gap.save()
            best = len(gap_ids)
            gap_ids.append(gap.pk)
            sums.append(vector.copy())
            new_gaps += 1
        else:
            sums[best] = sums[best] + vector
        rows[best] = centred(normalised(sums[best])[None, :], centre)[0]
        gq = GapQuery(
            gap_id=gap_ids[best],
            query=query.text,
            language=query_language(query.text),
            last_seen=query.last_seen or now,
        )
        gq.set_vector(model_id, vector)
        added.append(gq)
        known[query.text] = gq
    GapQuery.objects.bulk_create(added)
    return new_gaps


def _recount(
    gap: SearchGap,
    poor: dict[str, PoorQuery],
    vectors: dict[str, NDArray[np.float32]],
    model_id: str,
    today: date,
) -> None:
    queries = list(gap.queries.all())
    days: Counter = Counter()
    for gq in queries:
        stats = poor.get(gq.query)
        gq.searches = stats.searches if stats else 0
        if stats:
            gq.last_seen = stats.last_seen or gq.last_seen
            gq.mode = stats.modes.most_common(1)[0][0]
            days.update(stats.days)
    GapQuery.objects.bulk_update(queries, ["searches", "last_seen", "mode"])
    gap.searches = sum(days.values())
    if days:
        gap.first_seen = _start_of_day(min(days))
        gap.last_seen = max(gq.last_seen for gq in queries)
    label = min(queries, key=lambda gq: (-gq.searches, len(gq.query), gq.query), default=None)
    gap.label = label.query if label else gap.label
    member_vectors = [vectors[gq.query] for gq in queries if gq.query in vectors]
    if member_vectors:
        gap.set_centroid(model_id, normalised(np.sum(member_vectors, axis=0)))
    recent_from = today - timedelta(days=RECENT_DAYS - 1)
    before_from = recent_from - timedelta(days=BEFORE_DAYS)
    gap.recent_searches = sum(n for day, n in days.items() if day >= recent_from)
    before = sum(n for day, n in days.items() if before_from <= day < recent_from)
    gap.trending = gap.recent_searches >= MIN_TRENDING and (
        gap.recent_searches / (RECENT_DAYS / 7) >= TRENDING_RATIO * before / (BEFORE_DAYS / 7)
    )
    gap.save()
    weeks: Counter = Counter()
    for day, n in days.items():
        weeks[day - timedelta(days=day.weekday())] += n
    GapWeek.objects.filter(gap=gap).delete()
    GapWeek.objects.bulk_create(
        GapWeek(gap=gap, week=week, searches=n) for week, n in sorted(weeks.items())
    )
