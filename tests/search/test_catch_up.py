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


def test_a_starting_process_reads_page_vectors_from_the_saved_file(make_page, monkeypatch):
    """At 100k passages a starting worker spent tens of seconds reading every Chunk vector
    for the page vectors; the indexing worker saves the page sums beside the index."""
    from search import page_vectors as module
    from search.indexing import refresh_saved_files
    from search.state import reset_caches

    first = make_page("Nyckeltal för IT-kostnader", "Vi jämför IT-kostnader med nyckeltal.")
    second = make_page("Chattbot i kundtjänsten", "En chattbot svarar på frågor dygnet runt.")
    refresh_saved_files()
    expected = page_vectors()
    reset_caches()  # as a freshly started process

    read_rows = []
    original = module._current_sums

    def counting(model_id, generation, known):
        read_rows.append(known is None)
        return original(model_id, generation, known)

    monkeypatch.setattr(module, "_current_sums", counting)
    loaded = page_vectors()
    assert read_rows == [False]  # caught up from the saved sums, not from every row
    assert sorted(loaded.page_ids.tolist()) == sorted([first.pk, second.pk])
    order = [int(p) for p in expected.page_ids]
    rows = [loaded.position(p) for p in order]
    assert abs(loaded.matrix[rows] - expected.matrix).max() < 1e-6


def test_unreadable_saved_page_sums_are_rebuilt_from_the_rows(make_page):
    from search.page_vectors import SUMS_FILE, load_saved_sums
    from search.vectors import index_directory

    make_page("Nyckeltal för IT-kostnader", "Vi jämför IT-kostnader med nyckeltal.")
    state = IndexState.objects.active()
    directory = index_directory(state.model_id)
    directory.mkdir(parents=True, exist_ok=True)
    (directory / SUMS_FILE).write_bytes(b"not an npz file")
    assert load_saved_sums(state.model_id, state.generation) is None
    assert len(page_vectors().page_ids) == 1  # rebuilt from the rows


def test_a_base_from_another_state_is_refused_without_counting_its_generations():
    """Generations start from the clock (microseconds) when a state is created, so a saved
    base from an earlier state can lie billions of generations behind. Checking the log by
    building the range of every generation in between took 23 GB in CI."""
    import tracemalloc

    from search.changes import changes_since

    tracemalloc.start()
    try:
        assert changes_since("a-model", 1_000, 1_000 + 10_000_000) is None
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 5_000_000  # bytes: no set of ten million generations
