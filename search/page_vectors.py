"""Page vectors: each indexed page as one unit vector, for similar initiatives and the map.

A page vector is the mean of its own chunk vectors, centred on the mean of all pages in the
same language, then normalised. Passages of documents attached to a page (a PDF report, say)
are left out: they are searchable, and a hit inside one finds the page, but a 300-page report
would otherwise outweigh the page's own few passages a hundredfold, and similar initiatives
and the semantic map would compare reports instead of what the pages say. Uncentred, every page of a public-administration corpus
resembles every other (median cosine 0.88 on the demo) and pages in the same language
resemble each other most; centring removes both, so a Danish case finds its Swedish
counterpart. A few thousand pages make a matrix of a few MB.

The page sums are saved beside the vector index (``page-sums.npz``, written by the indexing
worker with the keyword base), so a starting process reads one file and catches up on the
pages changed since, instead of reading every Chunk vector from the database: at 100k
passages that read took a starting worker tens of seconds. Like every derived file it is a
cache: missing, unreadable or from another model, it is rebuilt from the rows.
"""

from __future__ import annotations

import os
import tempfile
import threading
from dataclasses import dataclass

import numpy as np
from django.db.models import Count, Max
from numpy.typing import NDArray

from .changes import changes_since
from .encoders import normalise_rows
from .models import Chunk, PageSearchMeta
from .state import active_state, register_cache
from .vectors import index_directory

# A language with fewer pages is centred on the mean of all pages instead.
MIN_PAGES_TO_CENTRE = 3
SUMS_FILE = "page-sums.npz"
MAX_BEHIND_PAGES = 200  # a starting process re-reads at most this many pages' passages


@dataclass(frozen=True)
class PageVectors:
    model_id: str
    generation: int
    page_ids: NDArray[np.int64]
    matrix: NDArray[np.float32]  # (pages, dimension), unit rows
    # Mean page vector (before centring) of each language with enough pages; the query
    # side uses it to compare passages across languages on one scale.
    language_means: dict[str, NDArray[np.float32]]

    def position(self, page_id: int) -> int | None:
        found = np.flatnonzero(self.page_ids == page_id)
        return int(found[0]) if found.size else None


@dataclass
class _PageSums:
    """Per page, the sum of its passage vectors and its language, at one generation."""

    generation: int
    sums: dict[int, NDArray[np.float32]]
    languages: dict[int, str]


_sums: dict[str, _PageSums] = {}
_cache: dict[str, PageVectors] = {}
_lock = threading.Lock()


@register_cache
def _forget() -> None:
    with _lock:
        _cache.clear()
        _sums.clear()


def page_vectors() -> PageVectors | None:
    """Every indexed page's vector for the served model, at the current generation.

    After a publish only the changed pages' passages are re-read (search/changes.py);
    the centring and language means are recomputed from the page sums, which takes
    milliseconds for thousands of pages.
    """
    state = active_state()
    if state is None:
        return None
    with _lock:
        cached = _cache.get(state.model_id)
        if cached is not None and cached.generation == state.generation:
            return cached
        sums = _sums.get(state.model_id)
    if sums is None:
        sums = load_saved_sums(state.model_id, state.generation)
    sums = _current_sums(state.model_id, state.generation, sums)
    page_ids = np.fromiter(sums.sums, dtype=np.int64, count=len(sums.sums))
    language_means: dict[str, NDArray[np.float32]] = {}
    if len(page_ids):
        matrix = normalise_rows(np.stack(list(sums.sums.values())))
        labels = np.array([sums.languages.get(int(page_id), "") for page_id in page_ids])
        means = _language_means(labels, matrix)
        for language in set(labels.tolist()):
            rows = labels == language
            if language and rows.sum() >= MIN_PAGES_TO_CENTRE:
                language_means[language] = matrix[rows].mean(axis=0)
        matrix = normalise_rows(matrix - means)
    else:
        matrix = np.empty((0, state.dimension), dtype=np.float32)
    vectors = PageVectors(state.model_id, state.generation, page_ids, matrix, language_means)
    with _lock:
        _cache[state.model_id] = vectors
        _sums[state.model_id] = sums
    return vectors


def _current_sums(model_id: str, generation: int, known: _PageSums | None) -> _PageSums:
    delta = changes_since(model_id, known.generation, generation) if known else None
    if known is None or delta is None:
        pages = None  # every page
        sums: dict[int, NDArray[np.float32]] = {}
        languages: dict[int, str] = {}
    else:
        pages = delta.pages
        sums = {page: vector for page, vector in known.sums.items() if page not in pages}
        languages = {page: lang for page, lang in known.languages.items() if page not in pages}
    rows = Chunk.objects.filter(model_id=model_id, document__isnull=True)
    metas = PageSearchMeta.objects.all()
    if pages is not None:
        rows, metas = rows.filter(page_id__in=pages), metas.filter(page_id__in=pages)
    fresh: dict[int, NDArray[np.float32]] = {}
    for page_id, vector in rows.values_list("page_id", "vector").iterator(2000):
        row = Chunk.decode_vector(vector)
        fresh[page_id] = fresh[page_id] + row if page_id in fresh else row.copy()
    sums.update(fresh)
    fresh_languages = dict(metas.filter(page_id__in=list(fresh)).values_list("page_id", "language"))
    languages.update(fresh_languages)
    return _PageSums(generation, sums, languages)


def load_saved_sums(model_id: str, generation: int) -> _PageSums | None:
    """The saved page sums, if readable and not ahead of ``generation``."""
    path = index_directory(model_id) / SUMS_FILE
    try:
        with np.load(path, allow_pickle=False) as saved:
            saved_generation = int(saved["generation"])
            if saved_generation > generation or str(saved["model_id"]) != model_id:
                return None
            page_ids = saved["page_ids"].tolist()
            return _PageSums(
                saved_generation,
                dict(zip(page_ids, saved["sums"], strict=True)),
                dict(zip(page_ids, saved["languages"].tolist(), strict=True)),
            )
    except (OSError, ValueError, KeyError):
        return None


def save_sums(model_id: str, generation: int) -> None:
    """Write the page sums at ``generation`` atomically, unless the saved ones are fewer
    than ``MAX_BEHIND_PAGES`` changed pages behind (see the module docstring)."""
    path = index_directory(model_id) / SUMS_FILE
    try:
        with np.load(path, allow_pickle=False) as saved:
            saved_generation = int(saved["generation"])
            delta = (
                changes_since(model_id, saved_generation, generation)
                if saved_generation <= generation and str(saved["model_id"]) == model_id
                else None
            )
        if delta is not None and len(delta.pages) <= MAX_BEHIND_PAGES:
            return
    except (OSError, ValueError, KeyError):
        pass
    with _lock:
        known = _sums.get(model_id)
    if known is None:
        known = load_saved_sums(model_id, generation)
    sums = _current_sums(model_id, generation, known)
    page_ids = np.fromiter(sums.sums, dtype=np.int64, count=len(sums.sums))
    directory = index_directory(model_id)
    directory.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=directory, suffix=".tmp", delete=False) as file:
        np.savez(
            file,
            generation=np.int64(generation),
            model_id=np.str_(model_id),
            page_ids=page_ids,
            sums=np.stack(list(sums.sums.values())).astype(np.float32)
            if len(page_ids)
            else np.empty((0, 0), dtype=np.float32),
            languages=np.array([sums.languages.get(int(p), "") for p in page_ids], dtype=str),
        )
    os.replace(file.name, path)
    with _lock:
        _sums[model_id] = sums


def _language_means(labels: NDArray[np.str_], matrix: NDArray[np.float32]) -> NDArray[np.float32]:
    """For each row, the mean vector of the pages in its language (all pages' mean for a
    language with too few pages to centre on)."""
    means = np.empty_like(matrix)
    means[:] = matrix.mean(axis=0)
    for language in set(labels.tolist()):
        rows = labels == language
        if rows.sum() >= MIN_PAGES_TO_CENTRE:
            means[rows] = matrix[rows].mean(axis=0)
    return means


def served_model_id() -> str:
    """The model id of the served index ("" before anything is indexed)."""
    state = active_state()
    return state.model_id if state else ""


def indexed_versions(page_ids: list[int]) -> dict[int, tuple[int, object]]:
    """Per page: how many passages the served index holds and when the latest changed."""
    return {
        row["page_id"]: (row["n"], row["latest"])
        for row in Chunk.objects.filter(
            model_id=served_model_id(), page_id__in=page_ids, document__isnull=True
        )
        .values("page_id")
        .annotate(n=Count("pk"), latest=Max("updated"))
        .order_by()
    }


def indexed_passages(page_ids: list[int]) -> dict[int, list[str]]:
    """Per page: the text of its own passages (no attached documents') in the served index,
    in reading order."""
    passages: dict[int, list[str]] = {page_id: [] for page_id in page_ids}
    for page_id, text in (
        Chunk.objects.filter(
            model_id=served_model_id(), page_id__in=page_ids, document__isnull=True
        )
        .order_by("page_id", "ordinal")
        .values_list("page_id", "text")
    ):
        passages[page_id].append(text)
    return passages
