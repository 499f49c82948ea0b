"""Search speed: indexing throughput of the whole pipeline, and search latency over the API.

(a) Throughput: real pages (NTREX news documents in Swedish and Danish, SweFAQ answers) go
    through ``search.indexing.rebuild()``: page -> passages -> encoder -> Chunk rows -> FAISS.
    The same passages then go through the bare encoder in one call. Goal: the pipeline
    keeps at least 80 % of the bare encoder's passages per second.
(b) Latency: ``GET /api/search/`` through ``django.test.Client`` (the whole Django stack,
    middleware, view and JSON, without a socket), hybrid against keyword-only, at about 1k,
    10k and 100k chunks. The 1k corpus is (a)'s real pages with real vectors. The 10k and
    100k corpora are generated pages (real sentences from the evaluation data) whose chunk
    vectors are SYNTHETIC clustered unit vectors written straight into Chunk rows: encoding
    100k passages takes hours on 2 cores. Queries are always encoded for real. Goals at
    100k chunks: hybrid p50 <= 1.5x keyword p50 and <= 50 ms.

    .venv/bin/python bench/bench_search_speed.py            # full (tens of minutes on 2 cores)
    .venv/bin/python bench/bench_search_speed.py --quick    # small corpora, for iterating
"""

from __future__ import annotations

import html
import json
import os
import random
import time

import _support
from _support import DATA_DIR, Stopwatch, log

CHUNKS_PER_PAGE = 20
SENTENCES_PER_CHUNK = 3


# (a) Throughput ----------------------------------------------------------------------------


def real_entries(documents: int | None) -> list[dict]:
    """NTREX documents in Swedish and Danish (title = headline) and the SweFAQ answers."""
    folder = DATA_DIR / "ntrex128"
    document_ids = (folder / "DOCUMENT_IDS.tsv").read_text("utf-8").splitlines()
    grouped: dict[str, list[int]] = {}
    for number, document_id in enumerate(document_ids):
        grouped.setdefault(document_id, []).append(number)
    chosen = list(grouped.values())[:documents]
    entries = []
    for lang, suffix in (("sv", "swe"), ("da", "dan")):
        lines = (folder / f"newstest2019-ref.{suffix}.txt").read_text("utf-8").splitlines()
        entries += [
            {"title": lines[numbers[0]], "language": lang, "body": [lines[n] for n in numbers]}
            for numbers in chosen
        ]
    answers = set()
    for split in ("test", "dev"):
        for line in (DATA_DIR / "swefaq" / f"swefaq_{split}.jsonl").open(encoding="utf-8"):
            answers.update(json.loads(line)["candidate_answers"])
    answers = sorted(answers)[: documents * 2 if documents else None]
    entries += [{"title": a.split(". ")[0][:80], "language": "sv", "body": [a]} for a in answers]
    return entries


def case_pages(entries: list[dict], offset: int = 0) -> list:
    from cases.models import CaseStudyPage

    return [
        CaseStudyPage(
            title=entry["title"][:255],
            slug=f"p{offset + number}",
            summary="",
            language=entry["language"],
            country="DK" if entry["language"] == "da" else "SE",
            problem="".join(f"<p>{html.escape(text)}</p>" for text in entry["body"]),
        )
        for number, entry in enumerate(entries)
    ]


def throughput(documents: int | None) -> dict:
    """Index real pages through the pipeline, then encode the same passages bare."""
    from wagtail.models import Page

    from search.encoders import get_encoder
    from search.indexing import indexable_page_ids, rebuild, search_document_of
    from search.text import document_passages

    encoder = get_encoder()
    encoder.encode_passages(["Uppvärmning av kodaren."])  # load and warm up outside the clock
    index = _support.case_index()
    _support.add_live_pages(index, case_pages(real_entries(documents)))
    _support.update_keyword_index()
    texts = [
        passage.text_for_encoding
        for page in Page.objects.filter(id__in=indexable_page_ids()).specific()
        for passage in document_passages(search_document_of(page))
    ]
    log(f"(a) throughput over {len(texts)} passages")
    with Stopwatch() as bare_before:
        encoder.encode_passages(texts)
    log(f"    bare encoder: {len(texts) / bare_before.seconds:.2f} passages/s")
    with Stopwatch() as pipeline:
        summary = rebuild(progress=False)
    log(f"    pipeline:     {summary.passages / pipeline.seconds:.2f} passages/s")
    with Stopwatch() as bare_after:
        encoder.encode_passages(texts)
    log(f"    bare encoder: {len(texts) / bare_after.seconds:.2f} passages/s (again)")
    # The machine is shared: the bare encoder runs before and after the pipeline, and the
    # pipeline is compared with the mean of the two.
    bare_rate = 2 * len(texts) / (bare_before.seconds + bare_after.seconds)
    pipeline_rate = summary.passages / pipeline.seconds
    return {
        "pages": summary.pages,
        "passages": summary.passages,
        "encoded": summary.encoded,
        "reused": summary.reused,
        "pipeline_s": round(pipeline.seconds, 1),
        "pipeline_passages_per_s": round(pipeline_rate, 2),
        "bare_encoder_s": [round(bare_before.seconds, 1), round(bare_after.seconds, 1)],
        "bare_encoder_passages_per_s": round(bare_rate, 2),
        "pipeline_share_of_bare": round(pipeline_rate / bare_rate, 3),
        "goal_share": 0.8,
    }


# (b) Latency -------------------------------------------------------------------------------


def sentence_pool() -> list[tuple[str, str]]:
    """(sentence, language) from FLORES and NTREX: real Swedish, Danish and English text."""
    pool = []
    for name, lang in (("swe_Latn", "sv"), ("dan_Latn", "da"), ("eng_Latn", "en")):
        path = DATA_DIR / "flores200-devtest" / f"{name}.devtest"
        pool += [(line, lang) for line in path.read_text("utf-8").splitlines() if line]
    for suffix, lang in (("swe", "sv"), ("dan", "da"), ("eng", "en")):
        name = f"newstest2019-{'src' if lang == 'en' else 'ref'}.{suffix}.txt"
        path = DATA_DIR / "ntrex128" / name
        pool += [(line, lang) for line in path.read_text("utf-8").splitlines() if line]
    return pool


def add_synthetic_pages(pages: int, offset: int, seed: int = 7) -> int:
    """Pages of real sentences whose Chunk rows carry synthetic clustered unit vectors.

    Each page has CHUNKS_PER_PAGE chunks of SENTENCES_PER_CHUNK sentences of one language;
    its body is the same text, so Wagtail's keyword index holds what the chunks hold.
    Returns the number of chunks written.
    """
    import hashlib

    import numpy as np
    from wagtail.models import Page

    from cases.models import CaseIndexPage
    from search.models import Chunk, IndexState, PageSearchMeta

    rng = random.Random(seed + offset)
    pool = sentence_pool()
    by_language: dict[str, list[str]] = {}
    for sentence, lang in pool:
        by_language.setdefault(lang, []).append(sentence)
    state = IndexState.objects.active()
    plans = []
    for _ in range(pages):
        lang = rng.choice(("sv", "da", "en"))
        chunks = [
            " ".join(rng.sample(by_language[lang], SENTENCES_PER_CHUNK))
            for _ in range(CHUNKS_PER_PAGE)
        ]
        title = chunks[0].split(". ")[0][:80]
        plans.append({"title": title, "language": lang, "body": chunks})
    index = CaseIndexPage.objects.get()
    created = _support.add_live_pages(index, case_pages(plans, offset=offset))
    vectors = _support.clustered_unit_vectors(
        pages * CHUNKS_PER_PAGE, state.dimension, seed=seed + offset
    )
    chunk_rows, metas = [], []
    for page, plan in zip(created, plans, strict=True):
        for ordinal, text in enumerate(plan["body"]):
            row = len(chunk_rows)
            chunk_rows.append(
                Chunk(
                    page_id=page.pk,
                    ordinal=ordinal,
                    language=plan["language"],
                    kind="case",
                    text=text,
                    text_hash=hashlib.sha256(text.encode()).hexdigest(),
                    model_id=state.model_id,
                    vector=np.asarray(vectors[row], dtype=np.float32).tobytes(),
                )
            )
        metas.append(
            PageSearchMeta(
                page_id=page.pk,
                kind="case",
                title=plan["title"],
                language=plan["language"],
                countries=["DK" if plan["language"] == "da" else "SE"],
            )
        )
    Chunk.objects.bulk_create(chunk_rows, batch_size=2000)
    PageSearchMeta.objects.bulk_create(metas, batch_size=2000)
    assert Page.objects.filter(pk__in=[page.pk for page in created]).live().count() == pages
    return len(chunk_rows)


def prepare_index() -> dict:
    """Move the generation on (as indexing does) and build the FAISS file before timing."""
    from django.db import transaction

    from search import vector_sync
    from search.generations import bump_generation
    from search.models import Chunk, IndexState
    from search.state import reset_caches

    state = IndexState.objects.active()
    with transaction.atomic():
        bump_generation(state, None)
    reset_caches()
    with Stopwatch() as watch:
        index = vector_sync.current_index(state.model_id, state.dimension, state.generation)
    return {
        "chunks": Chunk.objects.count(),
        "index_kind": index.kind.value,
        "index_build_s": round(watch.seconds, 1),
    }


def query_texts() -> list[str]:
    entries = json.loads((_support.BENCH_DIR / "demo_queries.json").read_text("utf-8"))
    return [entry["query"] for entry in entries]


def measure_latency(queries: list[str], rounds: int) -> dict:
    """p50/p95 of GET /api/search/ per mode; the modes alternate query by query, so both
    see the same load on a shared machine."""
    from django.test import Client

    client = Client()
    timings: dict[str, list[float]] = {"keyword": [], "hybrid": []}
    counts: dict[str, list[int]] = {"keyword": [], "hybrid": []}
    for mode in timings:  # warm-up: encoder, index and caches loaded
        assert client.get("/api/search/", {"q": queries[0], "mode": mode}).status_code == 200
    for round_number in range(rounds):
        for number, text in enumerate(queries):
            order = ("keyword", "hybrid") if (number + round_number) % 2 else ("hybrid", "keyword")
            for mode in order:
                started = time.perf_counter()
                response = client.get("/api/search/", {"q": text, "mode": mode})
                timings[mode].append(time.perf_counter() - started)
                assert response.status_code == 200, response.content[:200]
                counts[mode].append(response.json()["count"])
    figures = {mode: _support.latency_summary(values) for mode, values in timings.items()}
    for mode in timings:
        figures[mode]["mean_results"] = round(sum(counts[mode]) / len(counts[mode]), 1)
    figures["hybrid_over_keyword_p50"] = round(
        figures["hybrid"]["p50_ms"] / figures["keyword"]["p50_ms"], 2
    )
    figures["load_average_1min"] = round(os.getloadavg()[0], 2)
    return figures


def latency(levels: list[int], rounds: int) -> dict:
    from search.models import Chunk

    queries = query_texts()
    figures = {}
    real = Chunk.objects.count()
    pages_added = 0
    for target in levels:
        label = f"{target // 1000}k"
        missing = target - Chunk.objects.count()
        if missing > 0:
            with Stopwatch() as watch:
                pages = -(-missing // CHUNKS_PER_PAGE)
                add_synthetic_pages(pages, offset=100_000 + pages_added)
                pages_added += pages
                _support.update_keyword_index()
            log(f"(b) {label}: generated {pages} pages in {watch.seconds:.0f} s")
        level = prepare_index()
        level["real_chunks"] = real
        level["synthetic_chunks"] = level["chunks"] - real
        log(
            f"(b) {label}: {level['chunks']} chunks ({level['synthetic_chunks']} synthetic),"
            f" {level['index_kind']} index built in {level['index_build_s']} s"
        )
        level.update(measure_latency(queries, rounds))
        log(
            f"    keyword p50 {level['keyword']['p50_ms']} ms, hybrid p50"
            f" {level['hybrid']['p50_ms']} ms ({level['hybrid_over_keyword_p50']}x)"
        )
        figures[label] = level
    return figures


def main() -> int:
    parser = _support.argument_parser(__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="passes over the query set")
    parser.add_argument(
        "--documents",
        type=int,
        default=15,
        help="NTREX documents per language for (a), with twice as many SweFAQ answers; "
        "0 = all (about 1,000 passages: over an hour on 2 shared cores)",
    )
    args = parser.parse_args()
    _support.setup_django()
    from search.encoders import get_encoder

    documents = 4 if args.quick else (args.documents or None)
    levels = [1_000, 5_000] if args.quick else [1_000, 10_000, 100_000]
    rounds = 1 if args.quick else args.rounds
    figures = {}
    with _support.fresh_database("speed"):
        figures["throughput"] = throughput(documents)
        figures["latency"] = latency(levels, rounds)
    report(figures)
    parameters = {
        "quick": args.quick,
        "encoder": get_encoder().model_id,
        "omp_num_threads": os.environ.get("OMP_NUM_THREADS", "(library default)"),
        "http": "django.test.Client against GET /api/search/ (full Django stack, no socket)",
        "synthetic": "10k/100k levels: generated pages of real sentences; chunk vectors are "
        "synthetic clustered unit vectors written as Chunk rows; queries encoded for real",
        "chunks_per_generated_page": CHUNKS_PER_PAGE,
        "queries": "bench/demo_queries.json (60 sv/da/en queries)",
        "rounds": rounds,
        "throughput_documents_per_language": documents or "all",
    }
    name = "search_speed_quick" if args.quick else "search_speed"
    _support.write_results(name, figures, parameters, enabled=not args.no_write)
    return 0


def report(figures: dict) -> None:
    t = figures["throughput"]
    _support.print_table(
        ["passages", "pipeline p/s", "bare encoder p/s", "pipeline / bare", "goal"],
        [
            [
                t["passages"],
                t["pipeline_passages_per_s"],
                t["bare_encoder_passages_per_s"],
                t["pipeline_share_of_bare"],
                f"≥ 0.8: {'met' if t['pipeline_share_of_bare'] >= 0.8 else 'MISSED'}",
            ]
        ],
        title="(a) Indexing throughput: pipeline vs bare encoder",
    )
    rows = []
    for label, level in figures["latency"].items():
        goal = ""
        if label == "100k":
            ok = level["hybrid_over_keyword_p50"] <= 1.5 and level["hybrid"]["p50_ms"] <= 50
            goal = f"≤ 1.5x and ≤ 50 ms: {'met' if ok else 'MISSED'}"
        rows.append(
            [
                label,
                level["chunks"],
                level["synthetic_chunks"],
                level["index_kind"],
                level["keyword"]["p50_ms"],
                level["keyword"]["p95_ms"],
                level["hybrid"]["p50_ms"],
                level["hybrid"]["p95_ms"],
                level["hybrid_over_keyword_p50"],
                goal,
            ]
        )
    _support.print_table(
        [
            "level",
            "chunks",
            "synthetic",
            "index",
            "kw p50 ms",
            "kw p95 ms",
            "hy p50 ms",
            "hy p95 ms",
            "hy/kw",
            "goal",
        ],
        rows,
        title="(b) GET /api/search/ latency (django.test.Client); synthetic = chunk vectors "
        "generated, not encoded",
    )


if __name__ == "__main__":
    raise SystemExit(main())
