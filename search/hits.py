"""One page of search results as hits: what each result shows and why it matched."""

from __future__ import annotations

from typing import TYPE_CHECKING

from wagtail.models import Page

from portal.language import detect_language

from .facets import organisation_names
from .keywords import KeywordMatch
from .models import Chunk, PageSearchMeta
from .relevance import Decision, Relevance, keyword_relevance
from .results import MatchedBy, SearchHit, document_source
from .snippets import best_passage, make_snippet, query_terms
from .state import active_state

if TYPE_CHECKING:
    from .query import SemanticMatch


def page_hits(
    page_slice: list[tuple[int, float]],
    metas: dict[int, PageSearchMeta],
    semantic: dict[int, SemanticMatch],
    decision: Decision | None,
    keyword: dict[int, KeywordMatch],
    query: str,
    request,
) -> list[SearchHit]:
    """The hits of one page of results: each page's best passage as snippet, why it
    matched (words, meaning and in which language, or both), its relevance label, and the
    attached file and page a passage comes from."""
    if not page_slice:
        return []
    page_ids = [page_id for page_id, _ in page_slice]
    pages = Page.objects.in_bulk(page_ids)
    names = organisation_names()
    state = active_state()
    chunks: dict[int, list[tuple[int, str]]] = {}
    # Which attached file, and which page of it, a passage comes from.
    sources: dict[tuple[int, str], tuple[int, str, int | None]] = {}
    if state is not None:
        for chunk_id, page_id, text, document_id, file_name, file_page in Chunk.objects.filter(
            page_id__in=page_ids, model_id=state.model_id
        ).values_list("id", "page_id", "text", "document_id", "file_name", "file_page"):
            chunks.setdefault(page_id, []).append((chunk_id, text))
            if document_id is not None:
                sources.setdefault((page_id, text), (document_id, file_name, file_page))
    terms = query_terms(query)
    query_language = detect_language(query) if query else ""
    hits = []
    for page_id, score in page_slice:
        meta, page = metas[page_id], pages.get(page_id)
        match = semantic.get(page_id)
        by_meaning = decision is not None and page_id in decision
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
            decision.relevant[page_id]
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
                organisations=[names.get(slug, slug) for slug in meta.organisations],
                score=round(float(score), 6),
                matched_by=matched_by,
                snippet=make_snippet(passage, terms),
                date=meta.date,
                relevance=relevance,
                matched_words=keyword[page_id].words if by_words else (),
                passage_language=match.language if by_meaning and match else "",
                query_language=query_language,
                source=document_source(*sources[(page_id, passage)])
                if (page_id, passage) in sources
                else None,
            )
        )
    return hits
