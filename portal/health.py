"""``/health/``: whether this web process can serve, for a load balancer.

Four checks, each cheap (no query is encoded): the database answers; the task queue answers
(the task table, or Redis); this process's vector index is at the database's generation (a
node that cannot catch up is out of date and says so); the served index's encoder is loaded.
200 when all pass, 503 with the reasons otherwise. The body names this node (host and
process), so per-node generation and lag can be read through the load balancer; it holds no
setting, address or credential.
"""

from __future__ import annotations

import os
import socket
import time
from typing import Any

from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from search import vector_sync
from search.encoders import config_for_index, get_encoder, is_loaded
from search.generations import lag_behind
from search.models import IndexState

from .task_queue import check_queue, queue_kind


def node_name() -> str:
    """This process, as the health report and ``search_index_status`` name it."""
    return f"{socket.gethostname()}:{os.getpid()}"


def index_lag(state: IndexState) -> dict[str, Any]:
    """This process's in-memory index of ``state`` against the database's generation:
    how many generations and seconds it is behind (None: not loaded in this process)."""
    served = vector_sync.loaded_generation(state.model_id)
    lag, lag_seconds = lag_behind(state, served)
    return {
        "model": state.model_id,
        "database_generation": state.generation,
        "served_generation": served,
        "lag": lag,
        "lag_seconds": lag_seconds,
    }


def _check_database() -> dict[str, Any]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return {"ok": True, "vendor": connection.vendor}


def _check_queue() -> dict[str, Any]:
    check_queue()
    return {"ok": True, "backend": queue_kind()}


def _check_index(state: IndexState | None) -> dict[str, Any]:
    if state is None:
        return {"ok": True, "model": None, "note": "no index yet"}
    behind_before = index_lag(state)["lag"]
    # What the next search would do first: load the index, or bring it forward from the
    # change log (the changed pages' passages only). A node that cannot is out of date.
    vector_sync.current_index(state.model_id, state.dimension, state.generation)
    report = index_lag(state)
    report["caught_up"] = behind_before
    report["ok"] = report["lag"] == 0
    return report


def _check_encoder(state: IndexState | None) -> dict[str, Any]:
    config = config_for_index(state) if state else None
    loaded = is_loaded(config)
    # Workers load it after the fork (portal/gunicorn.py); after a model switch the first
    # check loads the new one, as the first search would. Nothing is encoded here.
    encoder = get_encoder(config)
    return {"ok": True, "model": encoder.model_id, "loaded_before_check": loaded}


@never_cache
@require_GET
def health(request):
    started = time.perf_counter()
    report: dict[str, Any] = {"node": node_name()}
    reasons: list[str] = []

    def run(name: str, check, *args) -> None:
        try:
            report[name] = check(*args)
        except Exception as error:  # noqa: BLE001 - any failure is a reason, never a 500
            report[name] = {"ok": False, "error": type(error).__name__}
            reasons.append(f"{name}: {type(error).__name__}")
            return
        if not report[name]["ok"]:
            reasons.append(f"{name}: {_why(name, report[name])}")

    run("database", _check_database)
    state = None
    if report["database"]["ok"]:
        try:
            state = IndexState.objects.active()
        except DatabaseError as error:
            reasons.append(f"index: {type(error).__name__}")
    run("queue", _check_queue)
    if report["database"]["ok"]:
        run("index", _check_index, state)
    else:
        report["index"] = {"ok": False, "error": "database unavailable"}
    run("encoder", _check_encoder, state)
    report["status"] = "ok" if not reasons else "unavailable"
    report["reasons"] = reasons
    report["seconds"] = round(time.perf_counter() - started, 4)
    return JsonResponse(report, status=200 if not reasons else 503)


def _why(name: str, part: dict[str, Any]) -> str:
    if name == "index":
        return f"{part['lag']} generation(s) behind the database"
    return "failed"
