"""The FAISS vector index: a cache of the Chunk rows of one model, kept on local disk.

Ids in the index are Chunk primary keys. Exact inner-product search (vectors are unit
length, so this is cosine similarity) up to ``ERFA_SEARCH["EXACT_LIMIT"]`` vectors; HNSW
above, chosen automatically.

On disk, ``ERFA_INDEX_DIR/<model-slug>/`` holds ``index-<generation>.faiss`` files and one
``meta.json`` naming the current one with its model id, dimension, generation, count and
checksum. A new index file is written under a fresh name and ``meta.json`` is replaced
atomically, so a process killed at any moment leaves the old index or the new one, never
a broken one. A file that is missing, corrupt or at another generation than the
database's is rebuilt from Chunk rows, without the encoder.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import tempfile
import threading
from dataclasses import asdict, dataclass
from enum import StrEnum
from pathlib import Path

import faiss
import numpy as np
from django.conf import settings
from numpy.typing import NDArray

from .conf import search_setting

logger = logging.getLogger(__name__)

HNSW_NEIGHBOURS = 32
HNSW_EF_CONSTRUCTION = 80
HNSW_EF_SEARCH = 128
META_FILE = "meta.json"
FORMAT_VERSION = 1


class IndexKind(StrEnum):
    FLAT = "flat"  # exact inner product
    HNSW = "hnsw"  # approximate, graph-based


class IndexFileError(Exception):
    """The index on disk is missing, corrupt, or not the one that was asked for."""


@dataclass(frozen=True)
class IndexMetadata:
    model_id: str
    dimension: int
    generation: int
    count: int
    kind: str
    checksum: str
    index_file: str
    format: int = FORMAT_VERSION


def exact_limit() -> int:
    return int(search_setting("EXACT_LIMIT"))


def kind_for_size(count: int) -> IndexKind:
    return IndexKind.FLAT if count <= exact_limit() else IndexKind.HNSW


def model_slug(model_id: str) -> str:
    """A directory name for a model id: readable, and unique thanks to a short hash."""
    readable = re.sub(r"[^a-z0-9]+", "-", model_id.lower()).strip("-")[-60:]
    digest = hashlib.sha256(model_id.encode("utf-8")).hexdigest()[:10]
    return f"{readable}-{digest}"


def index_directory(model_id: str) -> Path:
    return Path(settings.ERFA_INDEX_DIR) / model_slug(model_id)


def _check_vectors(vectors: NDArray[np.float32], dimension: int) -> NDArray[np.float32]:
    array = np.asarray(vectors)
    if array.ndim == 1:
        array = array.reshape(1, -1)
    if array.ndim != 2 or array.shape[1] != dimension:
        raise ValueError(f"Expected vectors of shape (n, {dimension}), got {array.shape}.")
    if array.dtype != np.float32:
        raise ValueError(f"Expected float32 vectors, got {array.dtype}.")
    return np.ascontiguousarray(array)


def _check_ids(ids: NDArray[np.int64] | list[int]) -> NDArray[np.int64]:
    return np.ascontiguousarray(np.asarray(ids, dtype=np.int64).reshape(-1))


class VectorIndex:
    """An id-mapped FAISS index of one model's vectors at one generation."""

    def __init__(self, model_id: str, dimension: int, kind: IndexKind = IndexKind.FLAT):
        self.model_id = model_id
        self.dimension = int(dimension)
        self.kind = IndexKind(kind)
        self.generation = 0
        self._index = faiss.IndexIDMap2(self._new_inner_index())

    def _new_inner_index(self) -> faiss.Index:
        if self.kind is IndexKind.HNSW:
            inner = faiss.IndexHNSWFlat(self.dimension, HNSW_NEIGHBOURS, faiss.METRIC_INNER_PRODUCT)
            inner.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
            inner.hnsw.efSearch = HNSW_EF_SEARCH
            return inner
        return faiss.IndexFlatIP(self.dimension)

    def __len__(self) -> int:
        return int(self._index.ntotal)

    # Building ---------------------------------------------------------------------------

    @classmethod
    def build(
        cls,
        model_id: str,
        dimension: int,
        ids: NDArray[np.int64] | list[int],
        vectors: NDArray[np.float32],
        generation: int = 0,
        kind: IndexKind | None = None,
    ) -> VectorIndex:
        """An index over the given vectors, exact or approximate by their number."""
        ids = _check_ids(ids)
        index = cls(model_id, dimension, kind or kind_for_size(len(ids)))
        index.add(ids, vectors)
        index.generation = generation
        return index

    @classmethod
    def from_rows(cls, model_id: str, dimension: int, generation: int) -> VectorIndex:
        """Rebuild from the Chunk rows of ``model_id``: no encoder involved."""
        ids, vectors = load_chunk_vectors(model_id, dimension)
        return cls.build(model_id, dimension, ids, vectors, generation)

    def add(self, ids: NDArray[np.int64] | list[int], vectors: NDArray[np.float32]) -> None:
        ids = _check_ids(ids)
        vectors = _check_vectors(vectors, self.dimension)
        if len(ids) != len(vectors):
            raise ValueError(f"Got {len(ids)} ids for {len(vectors)} vectors.")
        if len(ids):
            self._index.add_with_ids(vectors, ids)

    def remove(self, ids: NDArray[np.int64] | list[int]) -> bool:
        """Remove vectors by id; False where the index kind cannot (HNSW keeps them).

        Vectors left behind for deleted chunks are harmless: search results are mapped
        back to Chunk rows and ids without a row are dropped.
        """
        ids = _check_ids(ids)
        if self.kind is not IndexKind.FLAT:
            return False
        if len(ids):
            self._index.remove_ids(ids)
        return True

    # Searching --------------------------------------------------------------------------

    def search(
        self, query: NDArray[np.float32], k: int
    ) -> tuple[NDArray[np.int64], NDArray[np.float32]]:
        """The ids and inner products of the ``k`` nearest vectors, best first."""
        query = _check_vectors(query, self.dimension)
        if len(query) != 1:
            raise ValueError(f"Expected one query vector, got {len(query)}.")
        k = min(int(k), len(self))
        if k <= 0:
            return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float32)
        # One query needs no threads; they would fight the encoder's OpenMP runtime.
        faiss.omp_set_num_threads(1)
        scores, ids = self._index.search(query, k)
        found = ids[0] >= 0
        return ids[0][found].astype(np.int64), scores[0][found].astype(np.float32)

    def ids(self) -> NDArray[np.int64]:
        """The chunk ids the index holds (deleted chunks' ids too, until a rebuild)."""
        return faiss.vector_to_array(self._index.id_map).astype(np.int64)

    # Persistence ------------------------------------------------------------------------

    def save(self, directory: Path | None = None) -> Path:
        """Write atomically: a new index file, then ``meta.json`` replaced in one rename.

        Never replaces an index of a newer generation written meanwhile by another process.
        """
        directory = Path(directory or index_directory(self.model_id))
        directory.mkdir(parents=True, exist_ok=True)
        current = read_metadata(directory)
        if current and current.model_id == self.model_id and current.generation > self.generation:
            return directory
        data = faiss.serialize_index(self._index).tobytes()
        index_file = f"index-{self.generation}-{os.urandom(4).hex()}.faiss"
        _write_atomically(directory / index_file, data)
        metadata = IndexMetadata(
            model_id=self.model_id,
            dimension=self.dimension,
            generation=self.generation,
            count=len(self),
            kind=self.kind.value,
            checksum=hashlib.sha256(data).hexdigest(),
            index_file=index_file,
        )
        _write_atomically(directory / META_FILE, json.dumps(asdict(metadata)).encode("utf-8"))
        _remove_old_files(directory, keep={index_file, current.index_file if current else ""})
        return directory

    @classmethod
    def load(cls, model_id: str, dimension: int, directory: Path | None = None) -> VectorIndex:
        """Load and validate the index on disk; IndexFileError when it cannot be trusted."""
        directory = Path(directory or index_directory(model_id))
        metadata = read_metadata(directory)
        if metadata is None:
            raise IndexFileError(f"No index metadata in {directory}.")
        if metadata.model_id != model_id or metadata.dimension != dimension:
            raise IndexFileError(
                f"The index in {directory} holds {metadata.model_id} ({metadata.dimension}"
                f" dimensions), not {model_id} ({dimension} dimensions)."
            )
        try:
            data = (directory / metadata.index_file).read_bytes()
        except OSError as error:
            raise IndexFileError(f"Cannot read {metadata.index_file}: {error}") from error
        if hashlib.sha256(data).hexdigest() != metadata.checksum:
            raise IndexFileError(f"Checksum mismatch in {directory / metadata.index_file}.")
        try:
            faiss_index = faiss.deserialize_index(np.frombuffer(data, dtype=np.uint8))
        except RuntimeError as error:
            raise IndexFileError(f"FAISS cannot read {metadata.index_file}: {error}") from error
        if faiss_index.ntotal != metadata.count or faiss_index.d != dimension:
            raise IndexFileError(f"{metadata.index_file} does not match its metadata.")
        index = cls.__new__(cls)
        index.model_id, index.dimension = model_id, dimension
        index.kind, index.generation = IndexKind(metadata.kind), metadata.generation
        index._index = faiss_index
        return index


def read_metadata(directory: Path) -> IndexMetadata | None:
    try:
        raw = json.loads((Path(directory) / META_FILE).read_text("utf-8"))
        if raw.get("format") != FORMAT_VERSION:
            return None
        return IndexMetadata(**raw)
    except (OSError, ValueError, TypeError):
        return None


def _write_atomically(path: Path, data: bytes) -> None:
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _remove_old_files(directory: Path, keep: set[str]) -> None:
    # The previous index file stays: a reader may have read meta.json just before the swap.
    for path in directory.glob("index-*.faiss"):
        if path.name not in keep:
            path.unlink(missing_ok=True)


def load_chunk_vectors(
    model_id: str, dimension: int, page_ids: list[int] | None = None
) -> tuple[NDArray[np.int64], NDArray[np.float32]]:
    """Chunk ids and vectors of a model from the database (optionally of some pages)."""
    from .models import Chunk

    rows = Chunk.objects.filter(model_id=model_id)
    if page_ids is not None:
        rows = rows.filter(page_id__in=page_ids)
    ids: list[int] = []
    buffers: list[bytes] = []
    for chunk_id, vector in rows.order_by("id").values_list("id", "vector").iterator(2000):
        ids.append(chunk_id)
        buffers.append(bytes(vector))
    vectors = np.frombuffer(b"".join(buffers), dtype=np.float32).reshape(-1, dimension)
    return np.asarray(ids, dtype=np.int64), np.ascontiguousarray(vectors)


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
    # Imported here, like Chunk below: this module is also used without Django's apps.
    from .changes import changes_since
    from .models import Chunk

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
            from .models import Chunk

            rows = Chunk.objects.filter(model_id=model_id).count()
            if kind_for_size(rows) is not index.kind or len(index) > rows * 1.2 + 100:
                index = None
        if index is None:
            index = VectorIndex.from_rows(model_id, dimension, generation)
        _save_quietly(index)
        _loaded[model_id] = index
        return index


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
