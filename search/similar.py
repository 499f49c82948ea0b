"""Similar initiatives: pages whose page vector lies closest to a page's (see page_vectors)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from wagtail.models import Page

from portal.models import Country, Organisation

from .documents import DocumentKind
from .models import PageSearchMeta
from .page_vectors import page_vectors
from .relevance import Relevance, decide, similar_calibration
from .visibility import visible_page_ids

MAX_SIMILAR = 5
# Nearest pages looked at per result asked for: enough to survive kind and visibility.
CANDIDATES_PER_RESULT = 20


@dataclass(frozen=True)
class SimilarPage:
    page_id: int
    title: str
    url: str
    kind: str
    language: str
    score: float
    relevance: Relevance
    # For the cards on a case page: organisation names, country names, the page's summary.
    organisations: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    summary: str = ""


def similar_pages(
    page_id: int,
    *,
    limit: int = MAX_SIMILAR,
    kinds: tuple[str, ...] = (DocumentKind.CASE,),
    request=None,
    user=None,
    exclude: Iterable[int] = (),
) -> list[SimilarPage]:
    """Up to ``limit`` pages of the given kinds most like ``page_id``, in any language.

    Never the page itself, never a page twice, only pages the relevance decision keeps
    (search/relevance.py, page-to-page calibration) and only pages this visitor may view.
    Pages in ``exclude`` (say, the related cases the page lists already) are left out.
    """
    excluded = {int(page) for page in exclude}
    vectors = page_vectors()
    if vectors is None or page_id not in vectors.page_ids:
        return []
    position = vectors.position(page_id)
    scores = vectors.matrix @ vectors.matrix[position]
    order = [
        int(i)
        for i in np.argsort(-scores)
        if i != position and int(vectors.page_ids[i]) not in excluded
    ]
    metas = PageSearchMeta.objects.filter(
        page_id__in=[int(vectors.page_ids[i]) for i in order[: limit * CANDIDATES_PER_RESULT]],
        kind__in=kinds,
    ).in_bulk()
    visible = visible_page_ids(list(metas), request=request, user=user)
    ranking = [
        (int(vectors.page_ids[i]), float(scores[i]))
        for i in order
        if int(vectors.page_ids[i]) in metas and int(vectors.page_ids[i]) in visible
    ]
    decision = decide(ranking, similar_calibration())
    score_of = dict(ranking)
    chosen = list(decision.relevant)[:limit]
    pages = {page.pk: page for page in Page.objects.filter(pk__in=chosen).specific()}
    organisation_names = dict(
        Organisation.objects.filter(
            slug__in={slug for candidate in chosen for slug in metas[candidate].organisations}
        ).values_list("slug", "name")
    )
    country_names = dict(Country.choices)
    return [
        SimilarPage(
            page_id=candidate,
            title=metas[candidate].title,
            url=pages[candidate].get_url(request=request) if candidate in pages else "",
            kind=metas[candidate].kind,
            language=metas[candidate].language,
            score=round(score_of[candidate], 6),
            relevance=decision.relevant[candidate],
            organisations=tuple(
                organisation_names.get(slug, slug) for slug in metas[candidate].organisations
            ),
            countries=tuple(country_names.get(code, code) for code in metas[candidate].countries),
            summary=_summary(pages.get(candidate)),
        )
        for candidate in chosen
    ]


def _summary(page) -> str:
    """A page's summary for a card: its ``summary`` field, else its search description."""
    if page is None:
        return ""
    return str(getattr(page, "summary", "") or page.search_description or "").strip()
