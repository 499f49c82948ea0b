"""A newly indexed page against every saved search: candidates by one matrix product,
confirmed by the saved search itself, as its owner would see it.

1. the page's passage vectors against all saved query vectors (search/saved_queries.py):
   candidates are the saved searches whose best passage reaches the relevance decision's
   low floor on their language's scale, or whose words the page holds;
2. the saved filters against the page's index entry (no query);
3. visibility through search.visibility: once for everybody when the page is public, else
   once per owner;
4. the relevance decision of search for each remaining candidate, restricted to the page;
5. matches written once (unique per saved search and page); the task sends the digests
   of "immediately" searches (alerts/tasks.py).

The saved vectors are read from the database once per process and kept while no saved
search is added or removed (``_SavedVectors``): at 10,000 searches the read is most of the
cost of a match otherwise.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

import numpy as np
from django.contrib.auth import get_user_model
from django.db.models import Count, Max
from numpy.typing import NDArray
from wagtail.models import Page

from search import saved_queries
from search.models import PageSearchMeta
from search.visibility import visible_page_ids

from .models import Frequency, SavedSearch, SavedSearchMatch

REENCODE_BATCH = 500  # saved queries re-encoded per run after a model switch


@dataclass(frozen=True)
class _SavedVectors:
    key: tuple
    ids: NDArray[np.int64]
    matrix: NDArray[np.float32]
    languages: list[str]
    queries: list[str]
    modes: list[str]


@dataclass
class MatchReport:
    page_id: int
    saved_searches: int = 0
    candidates: int = 0
    confirmed: list[int] = field(default_factory=list)  # saved search ids newly matched
    immediate: list[int] = field(default_factory=list)  # those whose digest goes at once


_cache: dict[str, _SavedVectors] = {}
_lock = threading.Lock()


def forget_saved_vectors() -> None:
    with _lock:
        _cache.clear()


def saved_vectors(model_id: str) -> _SavedVectors:
    """Every saved search's vector for ``model_id``, as one matrix."""
    rows = SavedSearch.objects.filter(model_id=model_id)
    summary = rows.aggregate(count=Count("id"), top=Max("id"))
    key = (summary["count"], summary["top"])
    with _lock:
        cached = _cache.get(model_id)
    if cached is not None and cached.key == key:
        return cached
    ids, vectors, languages, queries, modes = [], [], [], [], []
    for pk, vector, language, query, mode in (
        rows.order_by("id").values_list("id", "vector", "language", "query", "mode").iterator(2000)
    ):
        ids.append(pk)
        vectors.append(np.frombuffer(bytes(vector), dtype=np.float32))
        languages.append(language)
        queries.append(query)
        modes.append(mode)
    matrix = np.vstack(vectors) if vectors else np.empty((0, 0), dtype=np.float32)
    loaded = _SavedVectors(key, np.array(ids, dtype=np.int64), matrix, languages, queries, modes)
    with _lock:
        _cache[model_id] = loaded
    return loaded


def reencode_stale(model_id: str, batch: int = REENCODE_BATCH) -> int:
    """Encode again the saved queries whose vector another model wrote (after the served
    model changed); at most ``batch`` per call. Returns how many."""
    stale = list(SavedSearch.objects.exclude(model_id=model_id).order_by("id")[:batch])
    if not stale:
        return 0
    encoded_by, vectors = saved_queries.encode_saved_queries([s.query for s in stale])
    if encoded_by != model_id:
        return 0  # the served model changed again meanwhile: the next run catches up
    for saved, vector in zip(stale, vectors, strict=True):
        saved.set_vector(encoded_by, vector)
    SavedSearch.objects.bulk_update(stale, ["model_id", "vector"])
    return len(stale)


def match_page(page_id: int) -> MatchReport:
    """Match one indexed page against every saved search; returns what was found."""
    report = MatchReport(page_id)
    served = saved_queries.served_model()
    meta = PageSearchMeta.objects.filter(page_id=page_id).first()
    if served is None or meta is None or not Page.objects.filter(pk=page_id, live=True).exists():
        return report
    model_id, _dimension = served
    reencode_stale(model_id)
    saved = saved_vectors(model_id)
    report.saved_searches = len(saved.ids)
    page = saved_queries.page_passages(page_id)
    if page is None or not len(saved.ids):
        return report
    positions = saved_queries.page_candidates(
        saved.matrix, saved.languages, saved.queries, saved.modes, page
    )
    report.candidates = len(positions)
    if not len(positions):
        return report
    candidate_ids = saved.ids[positions].tolist()
    already = set(
        SavedSearchMatch.objects.filter(
            page_id=page_id, saved_search_id__in=candidate_ids
        ).values_list("saved_search_id", flat=True)
    )
    candidates = [
        search
        for search in SavedSearch.objects.filter(id__in=candidate_ids).exclude(id__in=already)
        if search.search_filters.accepts(meta)
    ]
    allowed = _owners_who_may_see(page_id, {search.user_id for search in candidates})
    position_of = {
        int(pk): int(pos) for pk, pos in zip(saved.ids[positions], positions, strict=True)
    }
    matches = []
    known_chunks: dict = {}  # the candidates' Chunk lookups, each read once
    for search in candidates:
        if search.user_id not in allowed:
            continue
        confirmed = saved_queries.confirm(
            search.query,
            saved.matrix[position_of[search.pk]],
            search.mode,
            page,
            known_chunks=known_chunks,
        )
        if confirmed is not None:
            matches.append(
                SavedSearchMatch(
                    saved_search=search,
                    page_id=page_id,
                    passage=confirmed.passage,
                    relevance=confirmed.relevance.value,
                )
            )
    _write(matches, report)
    return report


def _owners_who_may_see(page_id: int, owner_ids: set[int]) -> set[int]:
    """The owners among ``owner_ids`` who may see the page (search.visibility's rule)."""
    if not owner_ids:
        return set()
    if visible_page_ids([page_id]):  # public: everybody may
        return owner_ids
    users = get_user_model().objects.filter(pk__in=owner_ids, is_active=True)
    return {user.pk for user in users if visible_page_ids([page_id], user=user)}


def _write(matches: list[SavedSearchMatch], report: MatchReport) -> None:
    if not matches:
        return
    SavedSearchMatch.objects.bulk_create(matches, ignore_conflicts=True)
    report.confirmed = [match.saved_search_id for match in matches]
    report.immediate = [
        match.saved_search_id
        for match in matches
        if match.saved_search.frequency == Frequency.IMMEDIATELY
    ]
