"""Similar initiatives: pages whose mean passage vector lies closest to a page's.

A page vector is the mean of its chunk vectors, centred on the mean of all pages in the
same language, then normalised. Uncentred, every page of a public-administration corpus
resembles every other (median cosine 0.88 on the demo) and pages in the same language
resemble each other most; centring removes both, so a Danish case finds its Swedish
counterpart. A few thousand pages make a matrix of a few MB, computed from Chunk rows
once per index generation per process.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np
from django.conf import settings
from numpy.typing import NDArray
from wagtail.models import Page

from .documents import DocumentKind
from .encoders import normalise_rows
from .models import Chunk, PageSearchMeta
from .query import active_state, visible_page_ids

MAX_SIMILAR = 5
# Centred cosine; on the demo corpus unrelated pairs score around 0 (90th percentile
# 0.11) and cases on one subject 0.2–0.55 across languages.
DEFAULT_SIMILAR_FLOOR = 0.15
# A language with fewer pages is centred on the mean of all pages instead.
MIN_PAGES_TO_CENTRE = 3


@dataclass(frozen=True)
class SimilarPage:
    page_id: int
    title: str
    url: str
    kind: str
    language: str
    score: float


@dataclass(frozen=True)
class PageVectors:
    generation: int
    page_ids: NDArray[np.int64]
    matrix: NDArray[np.float32]  # (pages, dimension), unit rows
    # Mean page vector (before centring) of each language with enough pages; the query
    # side uses it to compare passages across languages on one scale.
    language_means: dict[str, NDArray[np.float32]]


_cache: dict[str, PageVectors] = {}
_lock = threading.Lock()


def similar_floor() -> float:
    return float(getattr(settings, "ERFA_SIMILAR_FLOOR", DEFAULT_SIMILAR_FLOOR))


def page_vectors() -> PageVectors | None:
    """Every indexed page's vector for the served model, at the current generation."""
    state = active_state()
    if state is None:
        return None
    with _lock:
        cached = _cache.get(state.model_id)
        if cached is not None and cached.generation == state.generation:
            return cached
    sums: dict[int, NDArray[np.float32]] = {}
    for page_id, vector in Chunk.objects.filter(model_id=state.model_id).values_list(
        "page_id", "vector"
    ):
        row = np.frombuffer(bytes(vector), dtype=np.float32)
        sums[page_id] = sums[page_id] + row if page_id in sums else row.copy()
    page_ids = np.fromiter(sums, dtype=np.int64, count=len(sums))
    language_means: dict[str, NDArray[np.float32]] = {}
    if sums:
        matrix = normalise_rows(np.stack(list(sums.values())))
        means, labels = _language_means(page_ids, matrix)
        for language in set(labels.tolist()):
            rows = labels == language
            if language and rows.sum() >= MIN_PAGES_TO_CENTRE:
                language_means[language] = matrix[rows].mean(axis=0)
        matrix = normalise_rows(matrix - means)
    else:
        matrix = np.empty((0, state.dimension), dtype=np.float32)
    vectors = PageVectors(state.generation, page_ids, matrix, language_means)
    with _lock:
        _cache[state.model_id] = vectors
    return vectors


def _language_means(
    page_ids: NDArray[np.int64], matrix: NDArray[np.float32]
) -> tuple[NDArray[np.float32], NDArray[np.str_]]:
    """For each row, the mean vector of the pages in its language; and each row's language."""
    languages = dict(
        PageSearchMeta.objects.filter(page_id__in=page_ids.tolist()).values_list(
            "page_id", "language"
        )
    )
    labels = np.array([languages.get(int(page_id), "") for page_id in page_ids])
    means = np.empty_like(matrix)
    means[:] = matrix.mean(axis=0)
    for language in set(labels.tolist()):
        rows = labels == language
        if rows.sum() >= MIN_PAGES_TO_CENTRE:
            means[rows] = matrix[rows].mean(axis=0)
    return means, labels


def similar_pages(
    page_id: int,
    *,
    limit: int = MAX_SIMILAR,
    kinds: tuple[str, ...] = (DocumentKind.CASE,),
    request=None,
    user=None,
) -> list[SimilarPage]:
    """Up to ``limit`` pages of the given kinds most like ``page_id``, in any language.

    Never the page itself, never a page twice, nothing below the similarity floor and
    only pages this visitor may view.
    """
    vectors = page_vectors()
    if vectors is None or page_id not in vectors.page_ids:
        return []
    position = int(np.flatnonzero(vectors.page_ids == page_id)[0])
    scores = vectors.matrix @ vectors.matrix[position]
    floor = similar_floor()
    order = [int(i) for i in np.argsort(-scores) if i != position and scores[i] >= floor]
    candidates = [int(vectors.page_ids[i]) for i in order]
    score_of = {int(vectors.page_ids[i]): float(scores[i]) for i in order}
    metas = PageSearchMeta.objects.filter(page_id__in=candidates, kind__in=kinds).in_bulk()
    visible = visible_page_ids(list(metas), request=request, user=user)
    chosen = [candidate for candidate in candidates if candidate in metas and candidate in visible]
    chosen = chosen[:limit]
    pages = Page.objects.in_bulk(chosen)
    return [
        SimilarPage(
            page_id=candidate,
            title=metas[candidate].title,
            url=pages[candidate].get_url(request=request) if candidate in pages else "",
            kind=metas[candidate].kind,
            language=metas[candidate].language,
            score=round(score_of[candidate], 6),
        )
        for candidate in chosen
    ]
