"""Saved queries against one new page: the search side of alerts (alerts/ uses only this).

A saved search keeps its query vector, so matching a newly indexed page against thousands
of them costs no encoding: ``page_candidates`` compares the page's passage vectors with
every saved vector in one matrix product, on each query's own language scale (as
``query.semantic_side`` does), and keeps those that reach the relevance decision's low
floor, or hold the query's words. Only those candidates go through ``confirm``: the saved
search itself, restricted to that one page, with the relevance decision of search
(relevance.decide against the query's background in the whole corpus, and words).
Visibility and filters are the caller's: ``search.visibility`` and ``SearchFilters``.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from django.utils.safestring import SafeString
from numpy.typing import NDArray

from portal.language import detect_language

from .analysis import analyse, query_words, word_variants
from .conf import search_setting
from .models import Chunk, IndexState
from .page_vectors import page_vectors
from .query import encode_query, keyword_side, semantic_side
from .relevance import Relevance, decide, keyword_relevance, query_calibration
from .results import SearchMode
from .snippets import make_snippet, query_terms
from .state import active_state


@dataclass(frozen=True)
class PagePassages:
    """One page's passages in the served index: what candidates are computed from."""

    page_id: int
    chunk_ids: list[int]
    texts: list[str]
    languages: list[str]
    matrix: NDArray[np.float32]  # (passages, dimension)
    terms: frozenset[str]  # every index term of its passages (search/analysis.py)


@dataclass(frozen=True)
class ConfirmedMatch:
    relevance: Relevance
    passage: str  # the passage that matched best, for the snippet
    score: float


def served_model() -> tuple[str, int] | None:
    """The served model's id and dimension; None before anything is indexed."""
    state = active_state()
    return (state.model_id, state.dimension) if state else None


def encode_saved_query(query: str) -> tuple[str, NDArray[np.float32]]:
    """A query's vector as search encodes it (moderators' synonyms included), with the
    model id; empty before anything is indexed."""
    state = active_state()
    if state is None:
        return "", np.empty((0,), dtype=np.float32)
    return state.model_id, encode_query(query, state)[0]


def encode_saved_queries(queries: Sequence[str]) -> tuple[str, NDArray[np.float32]]:
    """Many saved queries at once (after a model switch, or for a benchmark), each as
    ``encode_saved_query`` encodes it, as rows of one matrix."""
    state = active_state()
    if state is None or not queries:
        return "", np.empty((0, 0), dtype=np.float32)
    return state.model_id, np.vstack([encode_query(query, state) for query in queries])


def page_passages(page_id: int) -> PagePassages | None:
    """The page's passages in the served index (attached documents' included, as search
    finds a page through them); None when it has none."""
    state = active_state()
    if state is None:
        return None
    rows = list(
        Chunk.objects.filter(page_id=page_id, model_id=state.model_id)
        .order_by("ordinal")
        .values_list("id", "text", "language", "vector")
    )
    if not rows:
        return None
    terms: set[str] = set()
    for _chunk_id, text, language, _vector in rows:
        terms.update(analyse(text, language))
    return PagePassages(
        page_id=page_id,
        chunk_ids=[row[0] for row in rows],
        texts=[row[1] for row in rows],
        languages=[row[2] for row in rows],
        matrix=np.vstack([Chunk.decode_vector(row[3]) for row in rows]),
        terms=frozenset(terms),
    )


def best_scores(
    query_vectors: NDArray[np.float32], query_languages: Sequence[str], page: PagePassages
) -> tuple[NDArray[np.float32], NDArray[np.int64]]:
    """Each saved query's best passage score on the page, on the query language's scale
    (as ``query._language_offsets`` puts it), and which passage it was."""
    if query_vectors.ndim != 2 or query_vectors.shape[1] != page.matrix.shape[1]:
        raise ValueError(
            f"Expected query vectors of shape (n, {page.matrix.shape[1]}), "
            f"got {query_vectors.shape}."
        )
    scores = query_vectors @ page.matrix.T  # (queries, passages): the one matrix product
    vectors = page_vectors()
    means = vectors.language_means if vectors is not None else {}
    if means:
        codes = list(means)
        by_language = query_vectors @ np.vstack([means[code] for code in codes]).T
        position = {code: column for column, code in enumerate(codes)}
        home_column = np.array([position.get(lang, -1) for lang in query_languages])
        known = home_column >= 0
        home = np.where(known, by_language[np.arange(len(home_column)), home_column], 0.0)
        for passage, language in enumerate(page.languages):
            if language in position:
                offset = home - by_language[:, position[language]]
                scores[:, passage] += np.where(known, offset, 0.0).astype(np.float32)
    best = scores.argmax(axis=1)
    return scores[np.arange(len(best)), best], best


def holds_words(query: str, page: PagePassages, *, every: bool) -> bool:
    """Whether the page holds every (or any) word of ``query`` as the keyword side sees it."""
    variants = _query_variants(query)
    if not variants:
        return False
    found = [not page.terms.isdisjoint(terms) for terms in variants]
    return all(found) if every else any(found)


@functools.lru_cache(maxsize=100_000)
def _query_variants(query: str) -> tuple[frozenset[str], ...]:
    """Per word of a saved query, its index terms in any language: stemming 10,000 saved
    queries for every published page would cost more than the matrix product."""
    return tuple(frozenset(word_variants(word)) for word in query_words(query))


def page_candidates(
    query_vectors: NDArray[np.float32],
    query_languages: Sequence[str],
    queries: Sequence[str],
    modes: Sequence[str],
    page: PagePassages,
) -> NDArray[np.int64]:
    """Positions of the saved queries that may find ``page``: by meaning, a passage at or
    above the relevance decision's low floor (nothing below is ever relevant); by words,
    the page holds the query's words (every word in hybrid mode, any in keyword mode)."""
    low_floor = query_calibration().low_floor
    scores, _ = best_scores(query_vectors, query_languages, page)
    meaning = np.array([mode != SearchMode.KEYWORD for mode in modes], dtype=bool)
    chosen = set(np.flatnonzero(meaning & (scores >= low_floor)).tolist())
    for position, (query, mode) in enumerate(zip(queries, modes, strict=True)):
        if (
            position not in chosen
            and mode != SearchMode.SEMANTIC
            and holds_words(query, page, every=mode == SearchMode.HYBRID)
        ):
            chosen.add(position)
    return np.array(sorted(chosen), dtype=np.int64)


def query_language(query: str) -> str:
    return detect_language(query) or ""


def confirm(
    query: str,
    query_vector: NDArray[np.float32],
    mode: str,
    page: PagePassages,
    state: IndexState | None = None,
    known_chunks: dict | None = None,
) -> ConfirmedMatch | None:
    """Whether ``page`` is a result of the saved search, restricted to that page: by
    meaning, the relevance decision over it against the query's background in the whole
    corpus; by words, the keyword side's coverage (every word in hybrid mode).
    ``known_chunks``: one dict shared by the confirmations of one batch (see
    ``query.semantic_side``)."""
    state = state or active_state()
    if state is None:
        return None
    mode = SearchMode(mode)
    if mode is not SearchMode.KEYWORD:
        vector = np.ascontiguousarray(query_vector, dtype=np.float32).reshape(1, -1)
        side = semantic_side(
            query, vector, state, int(search_setting("SEMANTIC_K")), known_chunks=known_chunks
        )
        scores, best = best_scores(vector, [query_language(query)], page)
        decision = decide([(page.page_id, float(scores[0]))], query_calibration(), side.background)
        if page.page_id in decision:
            return ConfirmedMatch(
                decision.relevant[page.page_id], page.texts[int(best[0])], float(scores[0])
            )
    if mode is SearchMode.SEMANTIC:
        return None
    limit = int(search_setting("CANDIDATE_LIMIT"))
    for match in keyword_side(query, state, limit):
        if match.page_id == page.page_id:
            relevance = keyword_relevance(match.coverage)
            if relevance is None and mode is SearchMode.HYBRID:
                return None
            passage = (
                page.texts[page.chunk_ids.index(match.chunk_id)]
                if (match.chunk_id in page.chunk_ids)
                else page.texts[0]
            )
            return ConfirmedMatch(relevance or Relevance.WEAK, passage, float(match.score))
    return None


def snippet_for(query: str, passage: str) -> SafeString:
    """The passage as search shows it: whole sentences, escaped, the query's words marked."""
    return make_snippet(passage, query_terms(query))
