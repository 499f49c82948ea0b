"""What "consistent" means after a kill, checked the same way by every kill test."""

from collections import Counter

import numpy as np
from wagtail.models import Page

from search import indexing, vector_sync
from search.documents import search_document_of
from search.models import Chunk, IndexState, PageSearchMeta
from search.query import search
from search.text import document_passages


def indexed_pages() -> set[int]:
    return set(Chunk.objects.values_list("page_id", flat=True))


def assert_search_consistent() -> None:
    """Only live pages are indexed, each with every one of its passages exactly once, and
    the vector index this process serves holds exactly the chunk rows."""
    state = IndexState.objects.active()
    live = set(indexing.indexable_page_ids())
    assert indexed_pages() <= live
    assert set(PageSearchMeta.objects.values_list("page_id", flat=True)) <= live
    for page_id in indexed_pages():
        passages = document_passages(search_document_of(Page.objects.get(pk=page_id)))
        rows = Chunk.objects.filter(page_id=page_id, model_id=state.model_id)
        assert list(rows.order_by("ordinal").values_list("ordinal", "text")) == [
            (passage.ordinal, passage.text) for passage in passages
        ]
    chunk_ids = Chunk.objects.filter(model_id=state.model_id).values_list("id", flat=True)
    served = vector_sync.current_index(state.model_id, state.dimension, state.generation)
    assert Counter(served.ids().tolist()) == Counter(chunk_ids)


def chunk_snapshot() -> dict:
    """The index's rows by page: what a resumed run must have written as a clean one does."""
    rows = Chunk.objects.order_by("page_id", "ordinal").values_list(
        "page_id", "ordinal", "language", "kind", "text", "text_hash", "model_id", "vector"
    )
    snapshot: dict = {}
    for page_id, *fields, vector in rows:
        snapshot.setdefault(page_id, []).append((*fields, np.frombuffer(bytes(vector), "<f4")))
    return snapshot


def assert_same_chunks(resumed: dict, clean: dict) -> None:
    assert resumed.keys() == clean.keys()
    for page_id, chunks in resumed.items():
        assert [c[:-1] for c in chunks] == [c[:-1] for c in clean[page_id]]
        for mine, theirs in zip(chunks, clean[page_id], strict=True):
            # Encoded in another process: equal up to the order of floating-point sums.
            assert np.allclose(mine[-1], theirs[-1], atol=1e-5)


def found(query: str) -> list[int]:
    return [hit.page_id for hit in search(query, log=False).hits]
