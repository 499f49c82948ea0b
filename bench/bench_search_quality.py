"""Retrieval quality of Erfa's search, measured through its own indexing and query path.

Each data set is loaded as case study pages in a throwaway database, indexed by
``search.indexing.rebuild()`` (passages, encoder, Chunk rows, FAISS) and Wagtail's
``update_index``, and queried with ``search.query.search()`` in every mode, exactly as the
search page and the API do. Data is read in place from ../shared/data (see its README for
the reference figures of bare models on the same data).

    .venv/bin/python bench/bench_search_quality.py            # everything (about an hour on 2 busy cores)
    .venv/bin/python bench/bench_search_quality.py --quick    # small subsets, for iterating
    .venv/bin/python bench/bench_search_quality.py --only swefaq demo --experiments
"""

from __future__ import annotations

import html
import json
import math
import os
import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

import _support
from _support import DATA_DIR, Stopwatch, log

MODES = ("semantic", "keyword", "hybrid")
DATASETS = ("swefaq", "tatoeba", "ntrex", "demo")
GOALS = {
    "swefaq": ("ndcg@10", 0.72),
    "tatoeba": ("top1", 0.95),
    "ntrex": ("top1", 0.90),
    "demo short->": ("recall@10", 0.90),
    "demo offtopic->": ("empty", 0.95),
}
CUTOFF = 10
# Subsampling of the larger sets (1 / None = everything): encoding runs at about one
# 250-token passage per second on 2 shared cores, so the full NTREX set takes an hour.
SAMPLE = {"tatoeba_step": 1, "ntrex_documents": None, "ntrex_query_step": 1}


@dataclass
class QuerySet:
    """Queries with the page ids that answer them, and an optional result filter."""

    name: str
    queries: list[tuple[str, frozenset[int]]]
    languages: tuple[str, ...] = ()  # restrict results to these page languages
    notes: list[str] = field(default_factory=list)  # one per query, to break figures down


# Metrics -----------------------------------------------------------------------------------


def rank_metrics(ranked: list[int], relevant: frozenset[int]) -> dict[str, float]:
    """nDCG@10, reciprocal rank @10, top-1 and recall@10 of one ranked list (binary gains)."""
    top = ranked[:CUTOFF]
    gains = [1.0 if page_id in relevant else 0.0 for page_id in top]
    dcg = sum(gain / math.log2(position + 2) for position, gain in enumerate(gains))
    ideal = sum(1.0 / math.log2(position + 2) for position in range(min(len(relevant), CUTOFF)))
    first = next((position for position, gain in enumerate(gains, 1) if gain), None)
    return {
        "ndcg@10": dcg / ideal if ideal else 0.0,
        "mrr@10": 1.0 / first if first else 0.0,
        "top1": 1.0 if first == 1 else 0.0,
        "recall@10": sum(gains) / min(len(relevant), CUTOFF) if relevant else 0.0,
        # Of what the list shows, how much is relevant (an empty list for an empty answer
        # is perfectly precise; an empty list where answers exist is not).
        "precision": (sum(gains) / len(top) if top else (0.0 if relevant else 1.0)),
        "empty": 0.0 if ranked else 1.0,
    }


def mean_metrics(rows: list[dict[str, float]]) -> dict[str, float]:
    return {key: round(sum(row[key] for row in rows) / len(rows), 4) for key in rows[0]}


def evaluate(query_set: QuerySet, mode: str) -> tuple[dict[str, float], list[dict[str, float]]]:
    """Run every query through ``search.query.search()`` and average the metrics."""
    from django.db import DatabaseError

    from search.query import QueryTooLong, SearchFilters, search

    filters = SearchFilters(languages=query_set.languages)
    rows = []
    for text, relevant in query_set.queries:
        try:
            results = search(text, mode=mode, filters=filters, limit=CUTOFF, log=False)
            ranked = [hit.page_id for hit in results.hits]
            failed = 0.0
        except QueryTooLong:
            # A few NTREX sentences exceed the search box's 500 characters: the search
            # refuses them with a clear message, which counts here as a search that failed.
            ranked, failed = [], 1.0
        except DatabaseError:
            # SQLite's FTS5 rejects some queries with quotes and punctuation (a search bug,
            # reported): such a query counts as a failed search with no results.
            ranked, failed = [], 1.0
        rows.append({**rank_metrics(ranked, relevant), "errors": failed})
    return mean_metrics(rows), rows


def evaluate_modes(query_set: QuerySet, modes=MODES) -> dict:
    figures = {}
    for mode in modes:
        with Stopwatch() as watch:
            summary, rows = evaluate(query_set, mode)
        summary["seconds"] = round(watch.seconds, 1)
        if query_set.notes:
            by_note = defaultdict(list)
            for note, row in zip(query_set.notes, rows, strict=True):
                by_note[note].append(row)
            summary["by_note"] = {note: mean_metrics(group) for note, group in by_note.items()}
        figures[mode] = summary
        log(f"  {query_set.name} {mode}: {_brief(summary)}")
    return figures


def _brief(summary: dict) -> str:
    keys = ("ndcg@10", "mrr@10", "top1", "recall@10")
    return ", ".join(f"{key} {summary[key]:.3f}" for key in keys)


def memoise_query_vectors() -> None:
    """Encode each query once per process: semantic and hybrid modes share the vector.

    Only the evaluation's wall time changes (latency is bench_search_speed's business).
    """
    from search.encoders import get_encoder

    encoder = get_encoder()
    if getattr(encoder, "_bench_memoised", False):
        return
    encode = encoder.encode_queries

    @lru_cache(maxsize=20_000)
    def one(text: str):
        return encode([text])

    def encode_queries(texts):
        import numpy as np

        return np.vstack([one(text) for text in texts])

    encoder.encode_queries = encode_queries
    encoder._bench_memoised = True


# Loading pages -----------------------------------------------------------------------------


def paragraphs_html(texts: list[str]) -> str:
    return "".join(f"<p>{html.escape(text)}</p>" for text in texts if text.strip())


def headline(text: str, limit: int = 80) -> str:
    """A page title drawn from the text itself: its first sentence, cut at a word."""
    first = re.split(r"(?<=[.!?])\s", text.strip(), maxsplit=1)[0]
    if len(first) <= limit:
        return first
    return first[:limit].rsplit(" ", 1)[0] + " …"


def load_case_pages(entries: list[dict]) -> tuple[list[int], dict]:
    """Create one live case study per entry, then build both indexes the way Erfa does.

    ``entries`` hold title, language, country and body paragraphs. Returns the page ids in
    entry order and the timings of each step.
    """
    from cases.models import CaseStudyPage
    from search.indexing import rebuild

    index = _support.case_index()
    pages = [
        CaseStudyPage(
            title=entry["title"][:255],
            slug=f"p{number}",
            summary="",
            language=entry["language"],
            country=entry["country"],
            problem=paragraphs_html(entry["paragraphs"]),
        )
        for number, entry in enumerate(entries)
    ]
    timings = {}
    with Stopwatch() as watch:
        _support.add_live_pages(index, pages)
    timings["create_pages_s"] = round(watch.seconds, 1)
    with Stopwatch() as watch:
        _support.update_keyword_index()
    timings["keyword_index_s"] = round(watch.seconds, 1)
    with Stopwatch() as watch:
        summary = rebuild(progress=False)
    timings["semantic_index_s"] = round(watch.seconds, 1)
    timings["passages"] = summary.passages
    timings["pages"] = summary.pages
    log(
        f"  indexed {summary.pages} pages, {summary.passages} passages "
        f"in {watch.seconds:.0f} s ({summary.passages / max(watch.seconds, 1e-9):.1f} passages/s)"
    )
    return [page.pk for page in pages], timings


# SweFAQ ------------------------------------------------------------------------------------


def swefaq(quick: bool, experiments: bool) -> dict:
    splits = ["test"] if quick else ["test", "dev"]
    rows = []
    for split in splits:
        with open(DATA_DIR / "swefaq" / f"swefaq_{split}.jsonl", encoding="utf-8") as file:
            rows += [json.loads(line) for line in file if line.strip()]
    answers = sorted({answer for row in rows for answer in row["candidate_answers"]})
    log(f"SweFAQ ({'+'.join(splits)}): {len(rows)} questions, {len(answers)} answers as pages")
    entries = [
        {"title": headline(a), "language": "sv", "country": "SE", "paragraphs": a.split("\n")}
        for a in answers
    ]
    page_ids, timings = load_case_pages(entries)
    page_of = dict(zip(answers, page_ids, strict=True))
    queries = [
        (row["question"], frozenset({page_of[row["candidate_answers"][row["label"]]]}))
        for row in rows
    ]
    query_set = QuerySet("swefaq", queries)
    figures = {"corpus": len(answers), "queries": len(queries), **timings}
    figures["modes"] = evaluate_modes(query_set)
    figures["bare_model"] = bare_model_swefaq(rows, answers)
    if experiments:
        figures["experiments"] = hybrid_experiments(query_set)
    return figures


def bare_model_swefaq(rows: list[dict], answers: list[str]) -> dict:
    """The configured encoder alone on the raw answers, as the data's README measured it:
    separates what Erfa's path (titles, passages, floor, fusion) adds from the model."""
    import numpy as np

    from search.encoders import get_encoder

    encoder = get_encoder()
    with Stopwatch() as watch:
        corpus = encoder.encode_passages(answers)
    position = {answer: number for number, answer in enumerate(answers)}
    metrics = []
    for row in rows:
        scores = corpus @ encoder.encode_queries([row["question"]])[0]
        ranked = [int(i) for i in np.argsort(-scores)[:CUTOFF]]
        metrics.append(
            rank_metrics(ranked, frozenset({position[row["candidate_answers"][row["label"]]]}))
        )
    summary = mean_metrics(metrics)
    summary["encode_s"] = round(watch.seconds, 1)
    log(f"  swefaq bare encoder: {_brief(summary)}")
    return summary


def _search_settings(**tunables):
    """``ERFA_SEARCH`` with ``tunables`` changed, for the length of one evaluation."""
    from django.conf import settings
    from django.test import override_settings

    return override_settings(ERFA_SEARCH={**getattr(settings, "ERFA_SEARCH", {}), **tunables})


def hybrid_experiments(query_set: QuerySet) -> dict:
    """Hybrid ranking under alternative settings, to show what tuning would change.

    Settings the search app reads (the semantic floor) are
    overridden; the fusion constant is not exposed, so that variant replaces the module's
    function for the duration of one evaluation only.
    """
    from functools import partial
    from unittest import mock

    from search import query

    variants = {
        "floor 0 (no relevance floor)": (_search_settings(SEMANTIC_FLOOR=0.0),),
        "floor 0.80": (_search_settings(SEMANTIC_FLOOR=0.80),),
        "RRF k=10": (
            mock.patch.object(
                query, "reciprocal_rank_fusion", partial(query.reciprocal_rank_fusion, k=10)
            ),
        ),
    }
    figures = {}
    for name, patches in variants.items():
        for patch in patches:
            patch.__enter__()
        try:
            figures[name] = evaluate_modes(
                QuerySet(f"{query_set.name} [{name}]", query_set.queries, query_set.languages),
                modes=("keyword", "hybrid") if "keyword" in name else ("hybrid",),
            )
        finally:
            for patch in reversed(patches):
                patch.__exit__(None, None, None)
    return figures


# Tatoeba -----------------------------------------------------------------------------------


def tatoeba(quick: bool, experiments: bool) -> dict:
    stem = "opusmt.dan-swe.tatoeba-test-v2021-08-07"
    danish = (DATA_DIR / "tatoeba" / f"{stem}.dan").read_text("utf-8").splitlines()
    swedish = (DATA_DIR / "tatoeba" / f"{stem}.swe").read_text("utf-8").splitlines()
    pairs = list(zip(danish, swedish, strict=True))
    pairs = pairs[:: 5 if quick else SAMPLE["tatoeba_step"]]
    sentences = sorted({(da, "da") for da, _ in pairs} | {(sv, "sv") for _, sv in pairs})
    log(f"Tatoeba da–sv: {len(pairs)} pairs, {len(sentences)} distinct sentences as pages")
    entries = [
        {
            "title": text,
            "language": lang,
            "country": "DK" if lang == "da" else "SE",
            "paragraphs": [],
        }
        for text, lang in sentences
    ]
    page_ids, timings = load_case_pages(entries)
    page_of = dict(zip(sentences, page_ids, strict=True))
    translations = defaultdict(set)
    for da, sv in pairs:
        translations[(sv, "sv")].add(page_of[(da, "da")])
        translations[(da, "da")].add(page_of[(sv, "sv")])
    figures = {"corpus": len(sentences), "pairs": len(pairs), **timings}
    for source, target in (("sv", "da"), ("da", "sv")):
        queries = [
            (text, frozenset(found))
            for (text, lang), found in sorted(translations.items())
            if lang == source
        ]
        query_set = QuerySet(f"tatoeba {source}→{target}", queries, languages=(target,))
        figures[f"{source}->{target}"] = {"queries": len(queries), **evaluate_modes(query_set)}
    return figures


# NTREX -------------------------------------------------------------------------------------


def ntrex(quick: bool, experiments: bool) -> dict:
    folder = DATA_DIR / "ntrex128"
    document_ids = (folder / "DOCUMENT_IDS.tsv").read_text("utf-8").splitlines()
    lines = {
        "sv": (folder / "newstest2019-ref.swe.txt").read_text("utf-8").splitlines(),
        "da": (folder / "newstest2019-ref.dan.txt").read_text("utf-8").splitlines(),
    }
    documents: dict[str, list[int]] = {}
    for number, document_id in enumerate(document_ids):
        documents.setdefault(document_id, []).append(number)
    documents = dict(list(documents.items())[: 20 if quick else SAMPLE["ntrex_documents"]])
    keys = [(document_id, lang) for lang in ("sv", "da") for document_id in documents]
    entries = [
        {
            "title": lines[lang][documents[document_id][0]],
            "language": lang,
            "country": "SE" if lang == "sv" else "DK",
            "paragraphs": [lines[lang][number] for number in documents[document_id]],
        }
        for document_id, lang in keys
    ]
    log(f"NTREX: {len(documents)} documents per language ({len(entries)} pages)")
    page_ids, timings = load_case_pages(entries)
    page_of = dict(zip(keys, page_ids, strict=True))
    figures = {"documents": len(documents), **timings}
    for source, target in (("sv", "da"), ("da", "sv")):
        # A sentence that occurs more than once (a few do) is answered by any of its documents.
        answers = defaultdict(set)
        for document_id, numbers in documents.items():
            for number in numbers:
                answers[lines[source][number]].add(page_of[(document_id, target)])
        queries = [(text, frozenset(found)) for text, found in answers.items() if text.strip()]
        queries = queries[:: SAMPLE["ntrex_query_step"]]
        query_set = QuerySet(f"ntrex {source}→{target}", queries, languages=(target,))
        figures[f"{source}->{target}"] = {"queries": len(queries), **evaluate_modes(query_set)}
        if experiments:
            figures[f"{source}->{target}"]["experiments"] = hybrid_experiments(query_set)
    return figures


# Demo corpus -------------------------------------------------------------------------------


QUERY_FILES = {
    "demo": "demo_queries.json",  # descriptive queries, mostly cross-lingual
    "short": "short_queries.json",  # 1-4 words, half of them English
    "offtopic": "offtopic_queries.json",  # nonsense and near-domain: must find nothing
}


def demo(quick: bool, experiments: bool) -> dict:
    """The demo content, queried with the three hand-labelled sets in bench/ (QUERIES.md)."""
    from django.core.management import call_command
    from wagtail.models import Page

    from search.models import Chunk

    with Stopwatch() as watch:
        call_command("load_demo", verbosity=0)
    figures = {
        "pages_indexed": Chunk.objects.values("page").distinct().count(),
        "passages": Chunk.objects.count(),
        "load_demo_s": round(watch.seconds, 1),
    }
    for name, file_name in QUERY_FILES.items():
        entries = json.loads((_support.BENCH_DIR / file_name).read_text("utf-8"))
        slugs = {slug for entry in entries for slug in entry["relevant"]}
        ids = dict(Page.objects.filter(slug__in=slugs).values_list("slug", "id"))
        missing = sorted(slugs - set(ids))
        if missing:
            log(f"  {file_name} names pages that load_demo does not create: {missing}")
        queries = [
            (entry["query"], frozenset(ids[slug] for slug in entry["relevant"] if slug in ids))
            for entry in entries
        ]
        notes = [
            f"{entry.get('note', entry.get('kind'))} ({entry['language']})" for entry in entries
        ]
        query_set = QuerySet(name, queries, notes=notes)
        key = "modes" if name == "demo" else f"{name}->"
        figures[key] = evaluate_modes(query_set)
        figures[key]["queries"] = len(queries)
        figures[key]["missing_slugs"] = missing
        if experiments and name == "demo":
            figures["experiments"] = hybrid_experiments(query_set)
    return figures


RUNNERS = {"swefaq": swefaq, "tatoeba": tatoeba, "ntrex": ntrex, "demo": demo}


# Report ------------------------------------------------------------------------------------


def report(figures: dict) -> None:
    rows = []
    for dataset, data in figures.items():
        for direction, modes in _mode_groups(dataset, data):
            for mode in MODES:
                values = modes[mode]
                goal = ""
                goal_key = f"{dataset} {direction}".strip()
                goal_key = goal_key if goal_key in GOALS else dataset
                if mode == "hybrid" and goal_key in GOALS:
                    metric, target = GOALS[goal_key]
                    goal = f"{metric} ≥ {target}: {'met' if values[metric] >= target else 'MISSED'}"
                rows.append(
                    [
                        f"{dataset} {direction}".strip(),
                        mode,
                        values["ndcg@10"],
                        values["mrr@10"],
                        values["top1"],
                        values["recall@10"],
                        values["precision"],
                        values["empty"],
                        goal,
                    ]
                )
        if "bare_model" in data:
            bare = data["bare_model"]
            rows.append(
                [
                    dataset,
                    "bare encoder",
                    bare["ndcg@10"],
                    bare["mrr@10"],
                    bare["top1"],
                    bare["recall@10"],
                    bare["precision"],
                    bare["empty"],
                    "reference 0.692 / 0.637",
                ]
            )
    _support.print_table(
        [
            "data set",
            "mode",
            "nDCG@10",
            "MRR@10",
            "top-1",
            "recall@10",
            "precision",
            "empty",
            "goal",
        ],
        rows,
        title="Retrieval quality through Erfa's indexing and query path",
    )
    for dataset, data in figures.items():
        for name, modes in data.get("experiments", {}).items():
            for mode, values in modes.items():
                print(f"  {dataset} [{name}] {mode}: {_brief(values)}")


def _mode_groups(dataset: str, data: dict):
    if "modes" in data:
        yield "", data["modes"]
    for key, value in data.items():
        if "->" in key:
            yield key, value


def main() -> int:
    parser = _support.argument_parser(__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="+", choices=DATASETS, default=list(DATASETS))
    parser.add_argument(
        "--experiments", action="store_true", help="also try alternative hybrid settings"
    )
    parser.add_argument(
        "--tatoeba-step", type=int, default=1, help="use every n-th Tatoeba pair (default all)"
    )
    parser.add_argument(
        "--ntrex-documents", type=int, default=None, help="first n NTREX documents (default all)"
    )
    parser.add_argument(
        "--ntrex-query-step", type=int, default=1, help="every n-th NTREX sentence as a query"
    )
    args = parser.parse_args()
    SAMPLE.update(
        tatoeba_step=args.tatoeba_step,
        ntrex_documents=args.ntrex_documents,
        ntrex_query_step=args.ntrex_query_step,
    )
    # Quality does not depend on threads, and on a shared 2-core machine one OpenMP thread
    # per process encodes several times faster than two spinning against other work.
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    _support.setup_django()
    from search.encoders import get_encoder

    memoise_query_vectors()
    figures = {}
    name = "search_quality_quick" if args.quick else "search_quality"
    parameters = {
        "quick": args.quick,
        "encoder": get_encoder().model_id,
        "omp_num_threads": os.environ["OMP_NUM_THREADS"],
        "page_type": "cases.CaseStudyPage (demo: load_demo content)",
        "cutoff": CUTOFF,
        "sample": SAMPLE,
    }
    for dataset in args.only:
        with _support.fresh_database(dataset), Stopwatch() as watch:
            figures[dataset] = RUNNERS[dataset](args.quick, args.experiments)
        figures[dataset]["total_s"] = round(watch.seconds, 1)
        # Written after each data set: a long run keeps what it measured if cut short.
        _support.write_results(name, figures, parameters, enabled=not args.no_write, merge=True)
    report(figures)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
