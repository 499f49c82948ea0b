"""Each process's keyword index, kept current: loaded from the saved base, caught up on
the pages changed since (search/changes.py), built from Chunk rows only when neither
works. A publish costs other processes a re-read of that page's passages. The saved base
falls behind by ``MAX_DELTA_PAGES`` pages at most before the indexing worker writes a new
one (``refresh_saved_base``), so no web process builds one on a request.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable

from .changes import changes_since
from .conf import search_setting
from .keywords import KeywordIndex, Row
from .models import Chunk, PageSearchMeta, SearchSynonym
from .state import register_cache
from .vectors import index_directory

MAX_DELTA_PAGES = 200


# The process's keyword index and synonyms ----------------------------------------------

_cache: dict[str, KeywordIndex] = {}
_synonyms: dict[str, tuple[float, dict[str, list[str]]]] = {}
_cache_lock = threading.Lock()


@register_cache
def _forget() -> None:
    with _cache_lock:
        _cache.clear()
        _synonyms.clear()


def current_keyword_index(model_id: str, generation: int) -> KeywordIndex:
    """This process's keyword index of the served passages at ``generation``: caught up
    from the change log where it can be, else loaded from disk, else built from rows."""
    with _cache_lock:
        index = _cache.get(model_id)
    if index is None or index.generation != generation:
        index = _caught_up(index, model_id, generation) if index else None
        if index is None:
            index = _caught_up(KeywordIndex.load(index_directory(model_id)), model_id, generation)
        if index is None:
            index = KeywordIndex.build(_index_rows(model_id), generation)
            index.save(index_directory(model_id))
        with _cache_lock:
            _cache[model_id] = index
    return index


def _caught_up(index: KeywordIndex | None, model_id: str, generation: int):
    if index is None or index.base_generation > generation:
        return None
    if index.generation == generation:
        return index
    delta = changes_since(model_id, index.generation, generation)
    if delta is None:
        return None
    pages = index.delta_pages | delta.pages
    if len(pages) > MAX_DELTA_PAGES:
        return None
    return index.with_changes(pages, _index_rows(model_id, pages), generation)


def refresh_saved_base(model_id: str, generation: int) -> None:
    """Write a new base when the saved one is more than ``MAX_DELTA_PAGES`` pages behind
    (called by the indexing worker, so web processes never build one on a request)."""
    saved = KeywordIndex.load(index_directory(model_id))
    if saved is not None and _caught_up(saved, model_id, generation) is not None:
        return
    KeywordIndex.build(_index_rows(model_id), generation).save(index_directory(model_id))


def _index_rows(model_id: str, pages: set[int] | None = None) -> Iterable[Row]:
    chunks = Chunk.objects.filter(model_id=model_id)
    metas = PageSearchMeta.objects.all()
    if pages is not None:
        chunks, metas = chunks.filter(page_id__in=pages), metas.filter(page_id__in=pages)
    first_chunk: dict[int, tuple[int, str]] = {}
    rows = chunks.order_by("page_id", "ordinal").values_list("id", "page_id", "language", "text")
    for chunk_id, page_id, language, text in rows.iterator(2000):
        first_chunk.setdefault(page_id, (chunk_id, language))
        yield chunk_id, page_id, language, text
    for page_id, title in metas.values_list("page_id", "title").iterator(2000):
        if page_id in first_chunk:
            chunk_id, language = first_chunk[page_id]
            yield chunk_id, page_id, language, title


def synonyms() -> dict[str, list[str]]:
    """Each one-word synonym term (lower case) with the terms it stands for."""
    ttl = float(search_setting("STATE_TTL"))
    now = time.monotonic()
    with _cache_lock:
        cached = _synonyms.get("all")
        if cached and now - cached[0] < ttl:
            return cached[1]
    table: dict[str, list[str]] = {}
    for group in SearchSynonym.objects.all():
        terms = group.term_list()
        for term in terms:
            if len(term.split()) == 1:
                table.setdefault(term.lower(), []).extend(t for t in terms if t != term)
    with _cache_lock:
        _synonyms["all"] = (now, table)
    return table
