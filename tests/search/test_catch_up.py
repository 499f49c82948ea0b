"""A process that holds the index in memory catches up on a publish from the change log:
the changed page's passages only, no reload of the index files, no re-read of every row."""

import pytest

from search import vectors
from search.keyword_sync import current_keyword_index
from search.models import IndexChange, IndexState
from search.page_vectors import page_vectors
from search.query import search

pytestmark = pytest.mark.django_db


def test_a_publish_reaches_a_process_holding_older_indexes(make_page, monkeypatch):
    first = make_page("Nyckeltal för IT-kostnader", "Vi jämför IT-kostnader med nyckeltal.")
    assert [hit.page_id for hit in search("nyckeltal").hits] == [first.pk]
    page_vectors()  # this process now holds every derived index at this generation

    def no_reload(*args, **kwargs):
        raise AssertionError("caught up from the change log, not from files")

    monkeypatch.setattr(vectors.VectorIndex, "load", no_reload)
    monkeypatch.setattr(vectors.VectorIndex, "from_rows", no_reload)
    second = make_page("Chattbot i kundtjänsten", "En chattbot svarar på frågor dygnet runt.")
    state = IndexState.objects.active()
    assert IndexChange.objects.filter(generation=state.generation, page_id=second.pk).exists()

    assert [hit.page_id for hit in search("chattbot").hits] == [second.pk]
    assert second.pk in page_vectors().page_ids
    index = current_keyword_index(state.model_id, state.generation)
    assert index.delta_pages == {second.pk}


def test_unpublishing_removes_the_page_everywhere(make_page):
    page = make_page("Chattbot i kundtjänsten", "En chattbot svarar på frågor dygnet runt.")
    assert [hit.page_id for hit in search("chattbot").hits] == [page.pk]
    page.unpublish()
    from search.tasks import index_subtree_task

    index_subtree_task.call(page.pk)
    assert search("chattbot").hits == []
    assert page.pk not in page_vectors().page_ids
