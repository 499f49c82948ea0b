"""Saved runs and the indicator API at the issue's size: 300 organisations × 40 indicators ×
10 years (~116k observations, generated as in bench_indicators_pages.py), on SQLite.

Times ``indicators.runs.execute_run`` for each method over all 40 indicators (k-means with
k=3; correlation of two; peers of one organisation), the API's observations list (one page
of 100, filtered by year) and the search match provider for one indicator query.

    .venv/bin/python bench/bench_indicator_runs.py
"""

from __future__ import annotations

import time

import _support
import bench_indicators_pages as pages
from _support import latency_summary, log

REPETITIONS = 5


def main() -> None:
    _support.setup_django()
    _support.fresh_database("indicator-runs").__enter__()  # closed when the process exits
    from django.test import Client, override_settings

    with override_settings(
        TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    ):
        data = pages.generate()
    from indicators.models import Indicator, IndicatorRun
    from indicators.runs import execute_run
    from indicators.search_matches import indicator_scores
    from portal.models import Organisation

    ids = list(Indicator.objects.order_by("pk").values_list("pk", flat=True))
    organisation = Organisation.objects.get(slug=data["organisation"]).pk
    runs = {
        "kmeans_k3_40_indicators": (IndicatorRun.Method.KMEANS, {"indicators": ids, "k": 3}),
        "correlation_2_indicators": (IndicatorRun.Method.CORRELATION, {"indicators": ids[:2]}),
        "peers_40_indicators": (
            IndicatorRun.Method.PEERS,
            {"indicators": ids, "organisation": organisation},
        ),
    }
    figures = {"observations": data["observations"]}
    for name, (method, parameters) in runs.items():
        log(name)
        seconds = []
        for _repetition in range(REPETITIONS):
            run = IndicatorRun.objects.create(title=name, method=method, parameters=parameters)
            started = time.perf_counter()
            execute_run(run)
            seconds.append(time.perf_counter() - started)
            assert run.status == IndicatorRun.Status.DONE, run.error
        figures[name] = latency_summary(seconds)
    with override_settings(ALLOWED_HOSTS=["*"]):
        client = Client()
        seconds = []
        for _repetition in range(REPETITIONS * 4):
            started = time.perf_counter()
            assert client.get("/api/indicators/observations/?year=2020").status_code == 200
            seconds.append(time.perf_counter() - started)
        figures["api_observations_page"] = latency_summary(seconds)
    indicator_scores("warm-up")  # builds the name vectors once
    seconds = []
    for _repetition in range(REPETITIONS * 4):
        started = time.perf_counter()
        indicator_scores("IT-kostnad per anställd")
        seconds.append(time.perf_counter() - started)
    figures["search_match_provider"] = latency_summary(seconds)
    for name, value in figures.items():
        print(f"{name}: {value}")


if __name__ == "__main__":
    main()
