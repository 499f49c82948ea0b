"""Relevance decisions side by side: which pages a query's result list should hold.

The demo content is loaded and indexed as ``load_demo`` does; each query of the three
hand-labelled sets (bench/QUERIES.md: descriptive, short, off-topic) is encoded once and
its nearest pages by meaning and by words are fetched once. Each candidate rule then
decides, from the same scores, which pages are relevant; hybrid lists fuse them with the
pages that hold every word of the query, as ``search.query`` does. Rules are compared on
the even-numbered queries (where the chosen settings were picked) and reported on the
odd-numbered ones, never the reverse.

    .venv/bin/python bench/bench_relevance.py
"""

from __future__ import annotations

import json
import math

import _support
from _support import Stopwatch, log

QUERY_FILES = {
    "demo": "demo_queries.json",
    "short": "short_queries.json",
    "offtopic": "offtopic_queries.json",
}
CUTOFF = 10


def rules() -> dict:
    from search.relevance import Calibration, query_calibration

    inf = float("inf")
    return {
        # Every page passes: what the ranking alone allows, the ceiling of any decision.
        "no decision (ranking's ceiling)": Calibration(-1.0, -1.0, inf, inf, inf, inf, inf),
        "one floor 0.84 (before)": Calibration(0.84, 0.84, inf, inf, inf, 0.87, 0.84),
        "one floor 0.85 + gap 0.04": Calibration(0.85, 0.85, inf, inf, 0.04, 0.87, 0.85),
        "background z >= 9 only (floor 0.80)": Calibration(inf, 0.80, 9.0, 9.0, inf, inf, inf),
        "floor 0.85, or z >= 9 over 0.80, gap 0.04": Calibration(
            0.85, 0.80, 9.0, 9.0, 0.04, 0.87, 0.85
        ),
        "chosen (ERFA_SEARCH defaults)": query_calibration(),
    }


def candidates(sets: dict) -> dict:
    """Per query: pages by meaning (score on the query's scale) and by words (coverage)."""
    from search.conf import search_setting
    from search.models import Chunk
    from search.query import encode_query, keyword_side, semantic_side
    from search.state import active_state

    state = active_state()
    every_chunk = Chunk.objects.count()
    found = {}
    for name, entries in sets.items():
        for number, entry in enumerate(entries):
            vector = encode_query(entry["query"], state)
            side = semantic_side(entry["query"], vector, state, every_chunk)
            words = keyword_side(entry["query"], state, int(search_setting("KEYWORD_TOP_N")))
            found[(name, number)] = (
                [(page, match.score) for page, match in side.matches.items()],
                [(match.page_id, match.coverage) for match in words],
            )
    return found


def evaluate(sets: dict, ids: dict, found: dict, calibration, half: int | None) -> dict:
    from search.query import reciprocal_rank_fusion
    from search.relevance import decide, keyword_relevance

    rows: dict[str, list[dict]] = {name: [] for name in sets}
    for name, entries in sets.items():
        for number, entry in enumerate(entries):
            if half is not None and number % 2 != half:
                continue
            by_meaning, by_words = found[(name, number)]
            relevant = list(decide(by_meaning, calibration).relevant)
            words = [page for page, coverage in by_words if keyword_relevance(coverage)]
            ranked = [page for page, _ in reciprocal_rank_fusion([relevant, words])]
            answers = {ids[slug] for slug in entry["relevant"] if slug in ids}
            rows[name].append(_metrics(ranked, answers))
    return {
        name: {key: round(sum(r[key] for r in group) / len(group), 3) for key in group[0]}
        for name, group in rows.items()
        if group
    }


def _metrics(ranked: list[int], answers: set[int]) -> dict:
    top = ranked[:CUTOFF]
    hits = [page in answers for page in top]
    ideal = sum(1 / math.log2(i + 2) for i in range(min(len(answers), CUTOFF)))
    dcg = sum(1 / math.log2(i + 2) for i, hit in enumerate(hits) if hit)
    return {
        "ndcg@10": dcg / ideal if ideal else 0.0,
        "recall@10": sum(hits) / min(len(answers), CUTOFF) if answers else 0.0,
        "precision": sum(hits) / len(top) if top else (0.0 if answers else 1.0),
        "empty": 0.0 if ranked else 1.0,
        "results": float(len(ranked)),
    }


def main() -> int:
    parser = _support.argument_parser(__doc__.splitlines()[0])
    args = parser.parse_args()
    _support.setup_django()
    from django.core.management import call_command
    from wagtail.models import Page

    from search.state import reset_caches

    sets = {
        name: json.loads((_support.BENCH_DIR / file_name).read_text("utf-8"))
        for name, file_name in QUERY_FILES.items()
    }
    figures: dict = {}
    with _support.fresh_database("relevance"), Stopwatch() as watch:
        call_command("load_demo", verbosity=0)
        reset_caches()
        ids = dict(Page.objects.values_list("slug", "id"))
        found = candidates(sets)
        for label, calibration in rules().items():
            figures[label] = {
                "fitted on (even)": evaluate(sets, ids, found, calibration, 0),
                "reported on (odd)": evaluate(sets, ids, found, calibration, 1),
            }
    log(
        f"demo loaded and {sum(map(len, sets.values()))} queries evaluated in {watch.seconds:.0f} s"
    )
    table = []
    for label, halves in figures.items():
        for half, by_set in halves.items():
            table.append(
                [
                    label,
                    half,
                    by_set["demo"]["ndcg@10"],
                    by_set["short"]["recall@10"],
                    by_set["short"]["precision"],
                    by_set["short"]["results"],
                    by_set["offtopic"]["empty"],
                ]
            )
    _support.print_table(
        [
            "rule",
            "queries",
            "demo nDCG@10",
            "short recall@10",
            "short precision",
            "short results",
            "off-topic empty",
        ],
        table,
        title="Relevance decisions on the demo (hybrid: meaning decided + every word)",
    )
    _support.write_results(
        "relevance",
        figures,
        {"sets": {name: len(entries) for name, entries in sets.items()}, "cutoff": CUTOFF},
        enabled=not args.no_write,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
