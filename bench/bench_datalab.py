"""Data lab page load on the demo content: p50/p95 of /datalab/ and /datalab/map/.

The demo is loaded into a throwaway database (indexing in one batch, as ``load_demo``
does at its end), the semantic map is computed once, as its background task would, and
then each page is requested many times through ``django.test.Client`` (the whole Django
stack without a socket). The map is never computed on a request: the figures measure
drawing the stored snapshot. Goal: p50 < 300 ms for both pages.

    .venv/bin/python bench/bench_datalab.py
    .venv/bin/python bench/bench_datalab.py --quick     # fewer repetitions
"""

from __future__ import annotations

import io
import time

import _support
from _support import Stopwatch, latency_summary, log

GOAL_P50_MS = 300
PAGES = {
    "overview": "/datalab/",
    "overview_filtered": "/datalab/?country=SE&from=2019&to=2023&topic=efficiency",
    "map": "/datalab/map/",
    "map_by_topic": "/datalab/map/?colour=topic",
    "experts_topic": "/datalab/experts/?topic=data-and-analytics",
    "experts_query": "/datalab/experts/?q=chattbot+som+svarar+medborgare",
    "compare": "/datalab/compare/?org=skatteverket&org=skattestyrelsen&org=digst",
}


def load_demo() -> dict:
    from django.core.management import call_command
    from django.test import override_settings

    # Tasks wait (a dummy backend): the search loader indexes everything in one batch and
    # the data lab loader computes the map once, instead of once per published page.
    with (
        override_settings(
            TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
        ),
        Stopwatch() as watch,
    ):
        call_command("load_demo", stdout=io.StringIO())
    from datalab.models import DatalabSnapshot

    snapshot = DatalabSnapshot.objects.get()
    return {
        "load_demo_s": round(watch.seconds, 1),
        "cases_on_map": len(snapshot.payload["points"]),
        "themes": len(snapshot.payload["themes"]),
        "map_compute_s": snapshot.seconds,
    }


def measure(client, path: str, repetitions: int) -> dict:
    for _ in range(3):  # warm-up: first imports, template compilation, caches
        assert client.get(path).status_code == 200, path
    seconds = []
    for _ in range(repetitions):
        started = time.perf_counter()
        response = client.get(path)
        seconds.append(time.perf_counter() - started)
        assert response.status_code == 200, path
    return {**latency_summary(seconds), "bytes": len(response.content)}


def main() -> None:
    arguments = _support.argument_parser(__doc__.splitlines()[0]).parse_args()
    repetitions = 20 if arguments.quick else 200
    _support.setup_django()
    with _support.fresh_database("datalab"):
        log("loading the demo content (encodes every passage once) …")
        demo = load_demo()
        log(f"demo loaded: {demo}")
        from django.test import Client

        from datalab.semantic_map import content_fingerprint

        client = Client(HTTP_HOST="localhost", HTTP_ACCEPT_LANGUAGE="sv")
        figures = {name: measure(client, path, repetitions) for name, path in PAGES.items()}
        with Stopwatch() as watch:
            for _ in range(repetitions):
                content_fingerprint()
        demo["fingerprint_ms"] = round(watch.seconds / repetitions * 1000, 2)

    rows = [
        [name, PAGES[name], f["p50_ms"], f["p95_ms"], f["n"], f["bytes"]]
        for name, f in figures.items()
    ]
    _support.print_table(["page", "path", "p50 ms", "p95 ms", "n", "bytes"], rows, "Page load")
    goal_met = all(figures[name]["p50_ms"] < GOAL_P50_MS for name in ("overview", "map"))
    print(
        f"\nGoal p50 < {GOAL_P50_MS} ms for /datalab/ and /datalab/map/: {'met' if goal_met else 'NOT met'}"
    )
    print(f"Demo: {demo}")
    _support.write_results(
        "datalab",
        {"pages": figures, "demo": demo, "goal_p50_ms": GOAL_P50_MS, "goal_met": goal_met},
        {"repetitions": repetitions, "client": "django.test.Client", "database": "sqlite"},
        enabled=not arguments.no_write,
    )


if __name__ == "__main__":
    main()
