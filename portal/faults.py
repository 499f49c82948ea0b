"""Deterministic fault points: places where a test may have this process killed.

``ERFA_FAULT_POINT=<name>[:<n>]`` in the environment makes the n-th call (the first by
default) of ``fault_point(name)`` kill the process with SIGKILL: no rollback, no ``finally``,
no ``on_commit``, as when the OOM killer or a power cut strikes. The tests in
``tests/robustness/`` use it to show that nothing is lost, duplicated or half-written when a
process dies at that moment. Without the variable a call costs one comparison.

The points, by name:

- ``search.rebuild.page``: ``rebuild_search_index`` has committed one more page's chunks;
- ``search.index_file.replace``: an index file is written and synced, not yet renamed;
- ``search.enqueue``: a page change is committed, its indexing task not yet enqueued;
- ``cases.import.file``: an imported file's case is written, its transaction not committed;
- ``network.registration.created``: a registration row is written, not committed;
- ``network.email.enqueue``: a registration change is committed, its e-mail not enqueued.
"""

from __future__ import annotations

import os
import signal


def _target(value: str) -> tuple[str, int] | None:
    name, _, count = value.strip().partition(":")
    return (name, int(count or 1)) if name else None


_TARGET = _target(os.environ.get("ERFA_FAULT_POINT", ""))
_hits = 0


def fault_point(name: str) -> None:
    """Die here if the environment names this point (and this is its n-th call)."""
    global _hits
    if _TARGET is None or name != _TARGET[0]:
        return
    _hits += 1
    if _hits >= _TARGET[1]:
        os.kill(os.getpid(), signal.SIGKILL)
