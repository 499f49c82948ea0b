"""The served index generation, the ``index_changed`` signal, and the one reset of caches.

A process keeps derived data in memory (the FAISS index, page vectors, the active state);
each piece is valid for one index generation. The database's generation counter tells a
process when its copy is stale; ``reset_caches()`` drops every copy at once (tests call
it between database states, and indexing calls it after changing the generation here).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from django.dispatch import Signal

from . import vector_sync
from .conf import search_setting
from .models import IndexState

# Sent after the served index changed (a page indexed or removed, a model switched), with
# ``model_id`` and ``generation``. Other apps listen to this, not to search's models.
index_changed = Signal()

_state_cache: dict[str, tuple[float, IndexState | None]] = {}
_state_lock = threading.Lock()
_cache_resetters: list[Callable[[], None]] = []


def active_state() -> IndexState | None:
    """The served index's state, read from the database at most once per TTL per process."""
    ttl = float(search_setting("STATE_TTL"))
    now = time.monotonic()
    with _state_lock:
        cached = _state_cache.get("active")
        if cached and now - cached[0] < ttl:
            return cached[1]
    state = IndexState.objects.active()
    with _state_lock:
        _state_cache["active"] = (now, state)
    return state


def forget_state() -> None:
    """Read the active state from the database on the next call (after a generation bump)."""
    with _state_lock:
        _state_cache.clear()


def register_cache(reset: Callable[[], None]) -> Callable[[], None]:
    """Have ``reset_caches()`` call ``reset``; modules with a per-process cache register it."""
    _cache_resetters.append(reset)
    return reset


def reset_caches() -> None:
    """Forget every per-process cache of derived search data."""
    forget_state()
    vector_sync.forget_loaded()
    for reset in _cache_resetters:
        reset()


def announce_index_changed(state: IndexState) -> None:
    index_changed.send(sender=IndexState, model_id=state.model_id, generation=state.generation)
