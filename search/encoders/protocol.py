"""What every encoder provides, and the array checks they share."""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable

import numpy as np
from numpy.typing import NDArray


@runtime_checkable
class Encoder(Protocol):
    """Turns texts into L2-normalised float32 rows of shape ``(len(texts), dimension)``.

    A class named as an ``ERFA_ENCODER`` BACKEND also has a classmethod
    ``model_id_for(**options) -> str``: the model id its instances will report, computed
    without loading the model (system checks and index bookkeeping need it cheaply).
    """

    model_id: str
    dimension: int

    def encode_queries(self, texts: list[str]) -> NDArray[np.float32]: ...

    def encode_passages(self, texts: list[str]) -> NDArray[np.float32]: ...


def normalise_rows(vectors: NDArray[Any]) -> NDArray[np.float32]:
    """L2-normalise each row and return a C-contiguous float32 array of shape (n, d)."""
    array = np.ascontiguousarray(vectors, dtype=np.float32)
    if array.ndim != 2:
        raise ValueError(f"Expected a 2-d array of shape (n, d), got shape {array.shape}.")
    norms = np.linalg.norm(array, axis=1, keepdims=True)
    return np.ascontiguousarray(array / np.maximum(norms, 1e-12), dtype=np.float32)


def check_texts(texts: list[str]) -> list[str]:
    if isinstance(texts, str):
        raise TypeError("Expected a list of texts, got a single string.")
    return list(texts)


def empty_rows(dimension: int) -> NDArray[np.float32]:
    return np.empty((0, dimension), dtype=np.float32)
