"""JSON API: ``GET /api/search/`` and ``GET /api/similar/<page_id>/`` (schema at /api/docs)."""

from __future__ import annotations

from django.http import Http404
from ninja import Path, Query, Router, Schema, Status

from portal.converters import MAX_ID

from .facets import FACETS, SearchFilters
from .query import MAX_QUERY_LENGTH, QueryTooLong, SearchHit, SearchMode, search
from .similar import similar_pages
from .visibility import visible_page_ids

router = Router(tags=["search"])


# One list parameter per facet, typed as the facet's values are.
SearchParams = type(
    "SearchParams",
    (Schema,),
    {
        "__annotations__": {
            "q": str,
            "mode": SearchMode,
            **{facet.name: list[facet.value_type] for facet in FACETS},
            "limit": int,
            "offset": int,
        },
        "q": "",
        "mode": SearchMode.HYBRID,
        **{facet.name: [] for facet in FACETS},
        "limit": 10,
        "offset": 0,
    },
)


class SourceOut(Schema):
    """The file attached to the page that the snippet comes from."""

    file_name: str
    page: int | None  # PDF page number; None for formats without pages
    label: str  # "report.pdf, page 12" in the visitor's language
    url: str  # the file, at that page (#page=12)


class ResultOut(Schema):
    page_id: int
    title: str
    url: str
    type: str
    language: str
    organisations: list[str]
    score: float
    relevance: str | None
    snippet: str
    matched_by: str
    why: str
    source: SourceOut | None  # set when the snippet is from an attached document


class SearchOut(Schema):
    count: int
    count_is_exact: bool
    results: list[ResultOut]
    facets: dict[str, dict[str, int]]


class ErrorOut(Schema):
    detail: str


class ValidationErrorOut(Schema):
    """Django Ninja's answer to a parameter that does not parse (a word for a number, say)."""

    detail: list[dict]


# Every answer an endpoint can give is in the schema, so clients (and schemathesis) know them.
NOT_VALID = {422: ValidationErrorOut}


def _result(hit: SearchHit) -> dict:
    return {
        "page_id": hit.page_id,
        "title": hit.title,
        "url": hit.url,
        "type": hit.kind,
        "language": hit.language,
        "organisations": hit.organisations,
        "score": hit.score,
        "relevance": hit.relevance.value if hit.relevance else None,
        "snippet": str(hit.snippet),
        "matched_by": hit.matched_by.value,
        "why": hit.why,
        "source": _source(hit.source),
    }


def _source(source) -> dict | None:
    if source is None:
        return None
    return {
        "file_name": source.file_name,
        "page": source.page,
        "label": str(source.label),
        "url": source.url,
    }


@router.get("/search/", response={200: SearchOut, 400: ErrorOut, **NOT_VALID}, url_name="search")
def search_endpoint(request, params: Query[SearchParams]):
    """Hybrid search in rank order. ``snippet`` is HTML: escaped text with ``<mark>``ed words.

    Facet counts cover every match, not only this page of results; ``count`` likewise.
    """
    if len(params.q) > MAX_QUERY_LENGTH:
        return Status(400, {"detail": str(QueryTooLong(len(params.q)))})
    results = search(
        params.q,
        mode=params.mode,
        filters=SearchFilters.from_values(lambda name: getattr(params, name)),
        request=request,
        limit=max(1, min(params.limit, 100)),
        offset=max(0, params.offset),
    )
    return Status(
        200,
        {
            "count": results.count,
            "count_is_exact": results.count_is_exact,
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
    relevance: str


@router.get(
    "/similar/{page_id}/",
    response={200: list[SimilarOut], 404: ErrorOut, **NOT_VALID},
    url_name="similar",
)
def similar_endpoint(request, page_id: int = Path(..., ge=1, le=MAX_ID)):
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
            "relevance": item.relevance.value,
        }
        for item in similar_pages(page_id, request=request)
    ]
