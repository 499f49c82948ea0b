"""Each process's vector index, kept at the database's generation.

Kept in memory between queries; brought forward from the change log after a publish
(the changed pages' passages only), reloaded from disk when the log cannot tell, and
rebuilt from Chunk rows (then saved for the other processes) when the file is missing,
corrupt or behind.
"""

from __future__ import annotations

import logging
import threading

import numpy as np
from numpy.typing import NDArray

from .changes import changes_since
from .models import Chunk
from .vectors import IndexFileError, VectorIndex, kind_for_size

logger = logging.getLogger(__name__)

# An HNSW index's side index of vectors added since it was built stays this small.
RECENT_LIMIT = 1_000
RECENT_SHARE = 0.05

# The process's loaded indexes ---------------------------------------------------------

_loaded: dict[str, VectorIndex] = {}
_loaded_lock = threading.Lock()


def current_index(model_id: str, dimension: int, generation: int) -> VectorIndex:
    """This process's index of a model at the database's generation.

    Kept in memory between queries; reloaded from disk when the generation moved, and
    rebuilt from Chunk rows (then saved for the other processes) when the file is
    missing, corrupt or behind.
    """
    with _loaded_lock:
        index = _loaded.get(model_id)
        if index is not None and index.generation == generation and index.dimension == dimension:
            return index
        behind = (
            index is not None and index.dimension == dimension and index.generation < generation
        )
        if behind and _catch_up(index, generation):
            return index
        try:
            index = VectorIndex.load(model_id, dimension)
            if index.generation != generation:
                raise IndexFileError(
                    f"Index file at generation {index.generation}, database at {generation}."
                )
        except IndexFileError as error:
            logger.info("Rebuilding the %s index from its chunks: %s", model_id, error)
            index = VectorIndex.from_rows(model_id, dimension, generation)
            _save_quietly(index)
        _loaded[model_id] = index
        return index


def _catch_up(index: VectorIndex, generation: int) -> bool:
    """Bring a loaded index to ``generation`` from the change log: the changed pages'
    passages only, so a publish costs other processes milliseconds, not a reload. False
    when the log cannot tell (a rebuild, or too far behind)."""
    delta = changes_since(index.model_id, index.generation, generation)
    if delta is None:
        return False
    index.remove(delta.removed_chunk_ids)
    rows = list(
        Chunk.objects.filter(model_id=index.model_id, page_id__in=delta.pages)
        .order_by("id")
        .values_list("id", "vector")
    )
    if rows:
        ids = np.asarray([chunk_id for chunk_id, _ in rows], dtype=np.int64)
        fresh = ~np.isin(ids, index.ids())
        vectors = np.frombuffer(b"".join(bytes(v) for _, v in rows), dtype=np.float32)
        vectors = vectors.reshape(-1, index.dimension)
        index.add(ids[fresh], np.ascontiguousarray(vectors[fresh]))
    index.generation = generation
    return True


def apply_changes(
    model_id: str,
    dimension: int,
    generation: int,
    removed_ids: list[int],
    added_ids: list[int],
    added_vectors: NDArray[np.float32],
) -> VectorIndex:
    """Bring the index to ``generation`` after one page's chunks changed, and save it.

    Applies the change to the index of the previous generation where one is at hand;
    otherwise (or when the size crosses the exact/approximate threshold, or too many
    stale vectors piled up in an HNSW index) rebuilds from Chunk rows.
    """
    with _loaded_lock:
        index = _loaded.get(model_id)
        if index is None or index.generation != generation - 1:
            try:
                index = VectorIndex.load(model_id, dimension)
            except IndexFileError:
                index = None
        if index is not None and index.generation == generation - 1:
            index.remove(removed_ids)
            index.add(added_ids, added_vectors)
            index.generation = generation
            rows = Chunk.objects.filter(model_id=model_id).count()
            # Past the exact/approximate threshold, too many stale vectors in a graph, or a
            # side index grown large (searched exactly): time for a rebuild from the rows.
            too_many_recent = index.recent_count > max(RECENT_LIMIT, rows * RECENT_SHARE)
            if (
                kind_for_size(rows) is not index.kind
                or len(index) > rows * 1.2 + 100
                or too_many_recent
            ):
                index = None
        if index is None:
            index = VectorIndex.from_rows(model_id, dimension, generation)
        _save_quietly(index)
        _loaded[model_id] = index
        return index


def loaded_generation(model_id: str) -> int | None:
    """The generation of this process's in-memory index of a model (None: not loaded)."""
    with _loaded_lock:
        index = _loaded.get(model_id)
        return None if index is None else index.generation


def forget_loaded(model_id: str | None = None) -> None:
    """Drop this process's in-memory index (all of them without a model id)."""
    with _loaded_lock:
        if model_id is None:
            _loaded.clear()
        else:
            _loaded.pop(model_id, None)


def _save_quietly(index: VectorIndex) -> None:
    # A read-only or full disk must not break search: the index is still served from memory.
    try:
        index.save()
    except OSError as error:
        logger.warning("Could not save the %s index: %s", index.model_id, error)
