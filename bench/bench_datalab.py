"""Data lab pages on the demo content: JavaScript shipped and time to interactive in Chromium,
and server time per page.

The demo is loaded into a throwaway database (indexing in one batch, as ``load_demo``
does at its end), the semantic map is computed once, as its background task would, and the
site is served from that database on a loopback port (Django's live-server thread, static
files from the finders). Then, for each page:

- in Chromium (playwright, Debian's /usr/bin/chromium as in the browser tests; `make
  browsers` installs it), each load in a fresh browser context (an empty cache): the
  JavaScript fetched (bytes as transferred, bytes uncompressed, and gzip-compressed bytes,
  what a server that compresses, such as whitenoise after ``collectstatic``, sends), and the
  navigation timing of ``performance.getEntriesByType('navigation')``: ``domInteractive``,
  ``domContentLoadedEventEnd`` (deferred scripts have run: the page is interactive) and
  ``loadEventEnd``, the median of the runs, with ``responseStart`` (the first byte: the
  server's part) and DOMContentLoaded less it (the browser's part);
- through ``django.test.Client`` (the whole Django stack without a socket): p50/p95 server
  time.

Goals (issue 14): at most 1.5 MB of JavaScript (compressed) per page and interactive within
1 s; p50 < 300 ms on the server for /datalab/ and /datalab/map/.

    .venv/bin/python bench/bench_datalab.py
    .venv/bin/python bench/bench_datalab.py --quick     # fewer repetitions
"""

from __future__ import annotations

import gzip
import io
import os
import statistics
import time

import _support
from _support import Stopwatch, latency_summary, log

CHROMIUM = "/usr/bin/chromium"
GOAL_P50_MS = 300
GOAL_JS_BYTES = 1_500_000
GOAL_INTERACTIVE_MS = 1000
PAGES = {
    "overview": "/datalab/",
    "overview_filtered": "/datalab/?country=SE&from=2019&to=2023&topic=efficiency",
    "map": "/datalab/map/",
    "map_by_topic": "/datalab/map/?colour=topic",
    "experts_topic": "/datalab/experts/?topic=data-and-analytics",
    "experts_query": "/datalab/experts/?q=chattbot+som+svarar+medborgare",
    "compare": "/datalab/compare/?org=skatteverket&org=skattestyrelsen&org=digst",
}
# Phone and desktop, as the accessibility tests use them.
VIEWPORT = {"width": 1280, "height": 800}


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


def measure_server(client, path: str, repetitions: int) -> dict:
    for _ in range(3):  # warm-up: first imports, template compilation, caches
        assert client.get(path).status_code == 200, path
    seconds = []
    for _ in range(repetitions):
        started = time.perf_counter()
        response = client.get(path)
        seconds.append(time.perf_counter() - started)
        assert response.status_code == 200, path
    return {**latency_summary(seconds), "bytes": len(response.content)}


def measure_browser(browser, base_url: str, path: str, runs: int) -> dict:
    """JavaScript fetched and navigation timing of ``path``, each run with an empty cache."""
    timings: dict[str, list[float]] = {
        "first_byte": [],
        "interactive": [],
        "dcl": [],
        "load": [],
        "browser": [],
    }
    scripts: dict[str, dict] = {}
    for _ in range(runs):
        context = browser.new_context(viewport=VIEWPORT, locale="sv-SE")
        page = context.new_page()
        responses = []
        page.on(
            "response",
            lambda response, responses=responses: (
                responses.append(response) if response.request.resource_type == "script" else None
            ),
        )
        response = page.goto(base_url + path, wait_until="load")
        assert response.ok, (path, response.status)
        entry = page.evaluate(
            "(() => { const n = performance.getEntriesByType('navigation')[0];"
            " return {first_byte: n.responseStart, interactive: n.domInteractive,"
            " dcl: n.domContentLoadedEventEnd, load: n.loadEventEnd,"
            " browser: n.domContentLoadedEventEnd - n.responseStart}; })()"
        )
        for key in timings:
            timings[key].append(entry[key])
        for script in responses:
            body = script.body()
            scripts[script.url.removeprefix(base_url)] = {
                "transferred": script.request.sizes()["responseBodySize"],
                "raw": len(body),
                "gzip": len(gzip.compress(body, compresslevel=9)),
            }
        context.close()
    return {
        "scripts": sorted(scripts),
        "js_transferred_bytes": sum(script["transferred"] for script in scripts.values()),
        "js_raw_bytes": sum(script["raw"] for script in scripts.values()),
        "js_gzip_bytes": sum(script["gzip"] for script in scripts.values()),
        "first_byte_ms": round(statistics.median(timings["first_byte"]), 1),
        # From the first byte of the page to DOMContentLoaded: what the browser adds to the
        # server's time (parsing, style sheets, deferred scripts).
        "browser_ms": round(statistics.median(timings["browser"]), 1),
        "dom_interactive_ms": round(statistics.median(timings["interactive"]), 1),
        "interactive_ms": round(statistics.median(timings["dcl"]), 1),
        "interactive_ms_max": round(max(timings["dcl"]), 1),
        "load_ms": round(statistics.median(timings["load"]), 1),
        "runs": runs,
    }


def serve():
    """The site on a loopback port, from this process's database (a thread)."""
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.db import connections
    from django.test.testcases import LiveServerThread

    connections.close_all()  # the thread opens its own connection to the same file
    thread = LiveServerThread("127.0.0.1", StaticFilesHandler, port=0)
    thread.daemon = True
    thread.start()
    thread.is_ready.wait()
    if thread.error:
        raise thread.error
    return thread, f"http://127.0.0.1:{thread.port}"


def main() -> None:
    arguments = _support.argument_parser(__doc__.splitlines()[0]).parse_args()
    repetitions = 20 if arguments.quick else 200
    runs = 3 if arguments.quick else 7
    # Playwright's sync API runs an event loop in this thread; Django stays synchronous.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    _support.setup_django()
    with _support.fresh_database("datalab"):
        log("loading the demo content (encodes every passage once) …")
        demo = load_demo()
        log(f"demo loaded: {demo}")
        from django.test import Client

        from datalab.semantic_map import content_fingerprint

        client = Client(HTTP_HOST="localhost", HTTP_ACCEPT_LANGUAGE="sv")
        server = {name: measure_server(client, path, repetitions) for name, path in PAGES.items()}
        with Stopwatch() as watch:
            for _ in range(repetitions):
                content_fingerprint()
        demo["fingerprint_ms"] = round(watch.seconds / repetitions * 1000, 2)

        from playwright.sync_api import sync_playwright

        thread, base_url = serve()
        log(f"serving the demo at {base_url}; measuring in Chromium ({runs} loads a page) …")
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
                measure_browser(browser, base_url, "/datalab/", 1)  # warm-up
                browser_figures = {
                    name: measure_browser(browser, base_url, path, runs)
                    for name, path in PAGES.items()
                }
                version = browser.version
                browser.close()
        finally:
            thread.terminate()

    figures = {
        name: {"path": PAGES[name], "server": server[name], "browser": browser_figures[name]}
        for name in PAGES
    }
    rows = [
        [
            name,
            f["path"],
            f["browser"]["js_transferred_bytes"],
            f["browser"]["js_gzip_bytes"],
            f["browser"]["first_byte_ms"],
            f["browser"]["browser_ms"],
            f["browser"]["interactive_ms"],
            f["browser"]["load_ms"],
            f["server"]["p50_ms"],
            f["server"]["p95_ms"],
            f["server"]["bytes"],
        ]
        for name, f in figures.items()
    ]
    _support.print_table(
        [
            "page",
            "path",
            "JS bytes (transferred)",
            "JS bytes (gzip)",
            "first byte ms",
            "browser ms",
            "interactive ms",
            "load ms",
            "server p50 ms",
            "server p95 ms",
            "HTML bytes",
        ],
        rows,
        "Data lab pages",
    )
    goals = {
        "js_gzip_bytes_max": GOAL_JS_BYTES,
        "interactive_ms_max": GOAL_INTERACTIVE_MS,
        "server_p50_ms": GOAL_P50_MS,
    }
    met = {
        "js": all(f["browser"]["js_gzip_bytes"] <= GOAL_JS_BYTES for f in figures.values()),
        "interactive": all(
            f["browser"]["interactive_ms"] <= GOAL_INTERACTIVE_MS for f in figures.values()
        ),
        "server": all(
            figures[name]["server"]["p50_ms"] < GOAL_P50_MS for name in ("overview", "map")
        ),
    }
    print(
        f"\nJavaScript ≤ {GOAL_JS_BYTES:,} bytes compressed on every page: "
        f"{'met' if met['js'] else 'NOT met'}"
        f"\nInteractive (DOMContentLoaded, median) ≤ {GOAL_INTERACTIVE_MS} ms on every page: "
        f"{'met' if met['interactive'] else 'NOT met'}"
        f"\nServer p50 < {GOAL_P50_MS} ms for /datalab/ and /datalab/map/: "
        f"{'met' if met['server'] else 'NOT met'}"
    )
    print(f"Demo: {demo}")
    _support.write_results(
        "datalab",
        {"pages": figures, "demo": demo, "goals": goals, "goals_met": met},
        {
            "repetitions": repetitions,
            "browser_runs": runs,
            "client": "django.test.Client; Chromium via playwright, fresh context per load",
            "chromium": version,
            "viewport": VIEWPORT,
            "server": "Django LiveServerThread (no compression; gzip figures computed)",
            "database": "sqlite",
        },
        enabled=not arguments.no_write,
    )


if __name__ == "__main__":
    main()
