"""JSON API: ``GET /api/search/`` and ``GET /api/similar/<page_id>/`` (schema at /api/docs)."""

from __future__ import annotations

from django.http import Http404
from ninja import Query, Router, Schema, Status

from .query import (
    MAX_QUERY_LENGTH,
    QueryTooLong,
    SearchFilters,
    SearchHit,
    SearchMode,
    search,
    visible_page_ids,
)
from .similar import similar_pages

router = Router(tags=["search"])


class SearchParams(Schema):
    q: str = ""
    mode: SearchMode = SearchMode.HYBRID
    type: list[str] = []
    country: list[str] = []
    language: list[str] = []
    topic: list[str] = []
    organisation: list[str] = []
    year: list[int] = []
    limit: int = 10
    offset: int = 0


class ResultOut(Schema):
    page_id: int
    title: str
    url: str
    type: str
    language: str
    organisations: list[str]
    score: float
    snippet: str
    matched_by: str


class SearchOut(Schema):
    count: int
    results: list[ResultOut]
    facets: dict[str, dict[str, int]]


class ErrorOut(Schema):
    detail: str


def _result(hit: SearchHit) -> dict:
    return {
        "page_id": hit.page_id,
        "title": hit.title,
        "url": hit.url,
        "type": hit.kind,
        "language": hit.language,
        "organisations": hit.organisations,
        "score": hit.score,
        "snippet": str(hit.snippet),
        "matched_by": hit.matched_by.value,
    }


@router.get("/search/", response={200: SearchOut, 400: ErrorOut}, url_name="search")
def search_endpoint(request, params: Query[SearchParams]):
    """Hybrid search in rank order. ``snippet`` is HTML: escaped text with ``<mark>``ed words.

    Facet counts cover every match, not only this page of results; ``count`` likewise.
    """
    if len(params.q) > MAX_QUERY_LENGTH:
        return Status(400, {"detail": str(QueryTooLong(len(params.q)))})
    results = search(
        params.q,
        mode=params.mode,
        filters=SearchFilters(
            kinds=tuple(params.type),
            countries=tuple(params.country),
            languages=tuple(params.language),
            topics=tuple(params.topic),
            organisations=tuple(params.organisation),
            years=tuple(params.year),
        ),
        request=request,
        limit=max(1, min(params.limit, 100)),
        offset=max(0, params.offset),
    )
    return Status(
        200,
        {
            "count": results.count,
            "results": [_result(hit) for hit in results.hits],
            "facets": results.facet_counts(),
        },
    )


class SimilarOut(Schema):
    page_id: int
    title: str
    url: str
    type: str
    language: str
    score: float


@router.get("/similar/{page_id}/", response=list[SimilarOut], url_name="similar")
def similar_endpoint(request, page_id: int):
    """Up to five similar cases, in any language; 404 for a page this visitor may not see."""
    if page_id not in visible_page_ids([page_id], request=request):
        raise Http404  # the same answer whether the page is hidden or absent
    return [
        {
            "page_id": item.page_id,
            "title": item.title,
            "url": item.url,
            "type": item.kind,
            "language": item.language,
            "score": item.score,
        }
        for item in similar_pages(page_id, request=request)
    ]
