"""The FAISS vector index: a cache of the Chunk rows of one model, kept on local disk.

Ids in the index are Chunk primary keys. Exact inner-product search (vectors are unit
length, so this is cosine similarity) up to ``ERFA_SEARCH["EXACT_LIMIT"]`` vectors; above,
chosen automatically, an HNSW graph over 8-bit scalar-quantised vectors (``hnsw-sq8``:
about 660 bytes a vector on disk instead of 1,800 for a float32 graph; recall@10 against
exact search in bench/results/vectors.json).

On disk, ``ERFA_INDEX_DIR/<model-slug>/`` holds ``index-<generation>.faiss`` files and one
``meta.json`` naming the current one with its model id, dimension, generation, count and
checksum. A new index file is written under a fresh name and ``meta.json`` is replaced
atomically, so a process killed at any moment leaves the old index or the new one, never
a broken one. A file that is missing, corrupt or at another generation than the
database's is rebuilt from Chunk rows, without the encoder.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import re
import tempfile
import time
from dataclasses import asdict, dataclass
from enum import StrEnum
from pathlib import Path

import faiss
import numpy as np
from django.conf import settings
from numpy.typing import NDArray

from portal.faults import fault_point

from .conf import search_setting

logger = logging.getLogger(__name__)

HNSW_NEIGHBOURS = 32
HNSW_EF_CONSTRUCTION = 80
HNSW_EF_SEARCH = 128
# Scalar quantisation is trained on at most this many vectors (a per-dimension range).
SQ_TRAINING_SAMPLE = 200_000
META_FILE = "meta.json"
# Seconds after which a temporary file in an index directory is left over from a dead writer.
TEMPORARY_FILE_AGE = 3600
READ_BLOCK = 1 << 22
# Format 2 adds the hnsw-sq8 kind. Its files say format 2, so a process of an earlier
# version (which reads format 1 only) treats them as missing and rebuilds from Chunk rows
# instead of failing on a kind it does not know; flat files stay format 1.
FORMAT_VERSION = 2
READABLE_FORMATS = frozenset({1, 2})


class IndexKind(StrEnum):
    FLAT = "flat"  # exact inner product
    # Approximate, graph-based, float32 vectors: built by earlier versions only. Such a file
    # still loads and serves; the next rebuild (or page change, see vector_sync) replaces it
    # with an hnsw-sq8 one, since that is what kind_for_size() now chooses.
    HNSW = "hnsw"
    HNSW_SQ8 = "hnsw-sq8"  # approximate, graph-based, 8-bit scalar-quantised vectors

    @property
    def is_graph(self) -> bool:
        return self is not IndexKind.FLAT

    @property
    def file_format(self) -> int:
        return 2 if self is IndexKind.HNSW_SQ8 else 1


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
    # Vectors added after an HNSW graph was built live in an exact side index (see add()).
    recent_file: str = ""
    recent_checksum: str = ""
    recent_count: int = 0


def exact_limit() -> int:
    return int(search_setting("EXACT_LIMIT"))


def kind_for_size(count: int) -> IndexKind:
    return IndexKind.FLAT if count <= exact_limit() else IndexKind.HNSW_SQ8


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
        self._index = self._new_index()
        self._recent = faiss.IndexIDMap2(faiss.IndexFlatIP(self.dimension))
        self._sealed = False  # True once built: further vectors go to the side index

    def _new_index(self) -> faiss.Index:
        if self.kind is IndexKind.FLAT:
            return faiss.IndexIDMap2(faiss.IndexFlatIP(self.dimension))
        if self.kind is IndexKind.HNSW:
            inner = faiss.IndexHNSWFlat(self.dimension, HNSW_NEIGHBOURS, faiss.METRIC_INNER_PRODUCT)
        else:
            inner = faiss.IndexHNSWSQ(
                self.dimension,
                faiss.ScalarQuantizer.QT_8bit,
                HNSW_NEIGHBOURS,
                faiss.METRIC_INNER_PRODUCT,
            )
        inner.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
        inner.hnsw.efSearch = HNSW_EF_SEARCH
        # IndexIDMap, not IndexIDMap2: nothing reconstructs a vector by id, and the
        # reverse map would add about 40 bytes a vector of memory at a million vectors.
        return faiss.IndexIDMap(inner)

    def __len__(self) -> int:
        return int(self._index.ntotal + self._recent.ntotal)

    @property
    def recent_count(self) -> int:
        """Vectors added since the graph was built (searched exactly beside it)."""
        return int(self._recent.ntotal)

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
        index._sealed = True
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
        if not len(ids):
            return
        # A vector added to a built HNSW graph can end up with a link or two among near
        # duplicates and then never be reached (measured at 25k chunks: a published page
        # was not found by its own text). Such vectors go to an exact side index instead,
        # searched beside the graph, until the next rebuild folds them in.
        if self.kind.is_graph and self._sealed:
            self._recent.add_with_ids(vectors, ids)
            return
        if not self._index.is_trained:
            # The quantiser's per-dimension ranges come from the vectors it is built on;
            # later additions go to the exact side index, so they are never clipped.
            step = max(1, len(vectors) // SQ_TRAINING_SAMPLE)
            self._index.train(np.ascontiguousarray(vectors[::step]))
        self._index.add_with_ids(vectors, ids)

    def remove(self, ids: NDArray[np.int64] | list[int]) -> bool:
        """Remove vectors by id; False where the index kind cannot (a graph keeps them).

        Vectors left behind for deleted chunks are harmless: search results are mapped
        back to Chunk rows and ids without a row are dropped.
        """
        ids = _check_ids(ids)
        if len(ids) and self._recent.ntotal:
            self._recent.remove_ids(ids)
        if self.kind.is_graph:
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
        # An empty part is skipped: a quantised index built on no vectors is untrained.
        parts = [part for part in (self._index, self._recent) if part.ntotal]
        answers = [part.search(query, min(k, int(part.ntotal))) for part in parts]
        scores = np.hstack([part_scores for part_scores, _ in answers])
        ids = np.hstack([part_ids for _, part_ids in answers])
        if len(answers) > 1:
            order = np.argsort(-scores[0], kind="stable")[:k]
            scores, ids = scores[:, order], ids[:, order]
        found = ids[0] >= 0
        return ids[0][found].astype(np.int64), scores[0][found].astype(np.float32)

    def ids(self) -> NDArray[np.int64]:
        """The chunk ids the index holds (deleted chunks' ids too, until a rebuild)."""
        return np.concatenate(
            [faiss.vector_to_array(index.id_map) for index in (self._index, self._recent)]
        ).astype(np.int64)

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
        # A view, not a bytes copy: at a million vectors the copy alone is 660 MB.
        data = memoryview(faiss.serialize_index(self._index))
        index_file = f"index-{self.generation}-{os.urandom(4).hex()}.faiss"
        _write_atomically(directory / index_file, data)
        recent = faiss.serialize_index(self._recent).tobytes() if self._recent.ntotal else b""
        recent_file = f"index-{self.generation}-recent-{os.urandom(4).hex()}.faiss"
        if recent:
            _write_atomically(directory / recent_file, recent)
        metadata = IndexMetadata(
            model_id=self.model_id,
            dimension=self.dimension,
            generation=self.generation,
            count=int(self._index.ntotal),
            kind=self.kind.value,
            checksum=hashlib.sha256(data).hexdigest(),
            index_file=index_file,
            recent_file=recent_file if recent else "",
            recent_checksum=hashlib.sha256(recent).hexdigest() if recent else "",
            recent_count=self.recent_count,
            format=self.kind.file_format,
        )
        _write_atomically(directory / META_FILE, json.dumps(asdict(metadata)).encode("utf-8"))
        kept = {index_file, metadata.recent_file}
        if current:
            kept |= {current.index_file, current.recent_file}
        _remove_old_files(directory, keep=kept)
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
            kind = IndexKind(metadata.kind)
        except ValueError as error:
            raise IndexFileError(f"Unknown index kind {metadata.kind!r} in {directory}.") from error
        faiss_index = _read_index(directory, metadata.index_file, metadata.checksum)
        if faiss_index.ntotal != metadata.count or faiss_index.d != dimension:
            raise IndexFileError(f"{metadata.index_file} does not match its metadata.")
        if kind.is_graph:
            # The file keeps the search depth it was built with; serve with today's.
            faiss.downcast_index(faiss_index.index).hnsw.efSearch = HNSW_EF_SEARCH
        index = cls(model_id, dimension, kind)
        index.generation = metadata.generation
        index._index, index._sealed = faiss_index, True
        if metadata.recent_file:
            recent = _read_index(directory, metadata.recent_file, metadata.recent_checksum)
            if recent.ntotal != metadata.recent_count or recent.d != dimension:
                raise IndexFileError(f"{metadata.recent_file} does not match its metadata.")
            index._recent = recent
        return index


def _read_index(directory: Path, name: str, checksum: str) -> faiss.Index:
    # Hashed as a stream, then read by FAISS from the file: holding the file's bytes as
    # well would double a node's memory while it loads (664 MB more at 1M vectors). Index
    # files are never rewritten in place (each has a fresh name).
    path = directory / name
    digest = hashlib.sha256()
    try:
        with path.open("rb") as file:
            while block := file.read(READ_BLOCK):
                digest.update(block)
    except OSError as error:
        raise IndexFileError(f"Cannot read {name}: {error}") from error
    if digest.hexdigest() != checksum:
        raise IndexFileError(f"Checksum mismatch in {path}.")
    try:
        return faiss.read_index(str(path))
    except RuntimeError as error:
        raise IndexFileError(f"FAISS cannot read {name}: {error}") from error


def read_metadata(directory: Path) -> IndexMetadata | None:
    try:
        raw = json.loads((Path(directory) / META_FILE).read_text("utf-8"))
        if raw.get("format") not in READABLE_FORMATS:
            return None
        return IndexMetadata(**raw)
    except (OSError, ValueError, TypeError):
        return None


def _write_atomically(path: Path, data: bytes | memoryview) -> None:
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        fault_point("search.index_file.replace")
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _remove_old_files(directory: Path, keep: set[str]) -> None:
    # The previous index file stays: a reader may have read meta.json just before the swap.
    for path in directory.glob("index-*.faiss"):
        if path.name not in keep:
            path.unlink(missing_ok=True)
    # A process killed while writing leaves its temporary file (as large as the index)
    # behind; one older than any write in progress could be is removed here.
    stale = time.time() - TEMPORARY_FILE_AGE
    for path in directory.glob("*.tmp"):
        with contextlib.suppress(OSError):
            if path.stat().st_mtime < stale:
                path.unlink()


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
