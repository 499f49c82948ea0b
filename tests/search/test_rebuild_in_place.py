"""A rebuild of the served index moves its generation page by page, so a process serving
it never misses a committed chunk, even if the rebuild dies before its end (the kill test
is in tests/robustness/test_search_kills.py)."""

import pytest

from search import indexing, vector_sync
from search.models import Chunk, IndexChange, IndexState
from search.state import index_changed

pytestmark = pytest.mark.django_db


class Died(BaseException):
    pass


def _served_ids(state) -> list[int]:
    state.refresh_from_db()
    index = vector_sync.current_index(state.model_id, state.dimension, state.generation)
    return sorted(index.ids().tolist())


def test_each_page_a_rebuild_writes_reaches_the_processes_serving_the_index(
    make_page, monkeypatch, django_capture_on_commit_callbacks
):
    first = make_page("Chattbot", "En chattbot svarar på frågor dygnet runt.")
    state = IndexState.objects.get()
    _served_ids(state)  # this process serves the index from memory, at this generation
    later = [
        make_page("Videomöten", "Vi införde videomöten för rådgivning.", publish=False),
        make_page("Nyckeltal", "Vi jämför IT-kostnader med nyckeltal.", publish=False),
    ]
    for page in later:
        page.live = True
        page.save()  # live, and never indexed: as if their tasks had been lost
    indexed = []
    index_page = indexing.index_page

    def dies_after_the_second_page(page_id, **kwargs):
        result = index_page(page_id, **kwargs)
        indexed.append(page_id)
        if len(indexed) == 2:
            raise Died
        return result

    monkeypatch.setattr(indexing, "index_page", dies_after_the_second_page)
    announced = []
    index_changed.connect(lambda **kwargs: announced.append(kwargs), weak=False, dispatch_uid=1)
    try:
        with django_capture_on_commit_callbacks(execute=True), pytest.raises(Died):
            indexing.rebuild(progress=False)
    finally:
        index_changed.disconnect(dispatch_uid=1)

    assert set(Chunk.objects.values_list("page_id", flat=True)) == {first.pk, later[0].pk}
    assert IndexChange.objects.filter(page_id=later[0].pk).exists()
    assert _served_ids(state) == sorted(Chunk.objects.values_list("id", flat=True))
    assert announced == []  # the data lab and the like hear of it once, at the end
