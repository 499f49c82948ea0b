"""FAISS: recall@10 of the approximate index that search/vectors.py chooses, against exact.

``search.vectors.VectorIndex.build()`` picks the index kind by size (exact inner product up
to ERFA_SEARCH["EXACT_LIMIT"] vectors, an HNSW graph over 8-bit scalar-quantised vectors
above); this benchmark builds it on synthetic 384-dimensional unit vectors at 100k and 1M,
and reports build time, peak memory, single-query latency (one thread, as search runs it),
bytes per vector (index file size / count, and the resident memory the index adds),
recall@10 against exact search (also at other HNSW search depths), and what a node pays to
start: seconds and memory for ``VectorIndex.load()`` of the saved index in a fresh process.
Clustered vectors (points around many topic centres, like text embeddings) are the
meaningful case; uniform noise on the sphere, where no point has real neighbours, is
reported beside it as a worst case. Goal: recall@10 >= 0.95.

    nice .venv/bin/python bench/bench_vectors.py             # 100k and 1M (1M x 384 float32 = 1.5 GB)
    nice .venv/bin/python bench/bench_vectors.py --sizes 1000000 --distributions clustered
    .venv/bin/python bench/bench_vectors.py --quick         # 50k, for iterating
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import _support
from _support import Stopwatch, log

DIMENSION = 384
K = 10
MODEL = "bench"
EF_SEARCH_SWEEP = (32, 64, 128, 256)


def configure() -> None:
    """search.vectors reads its settings through Django; nothing else is needed here."""
    sys.path.insert(0, str(_support.REPO_DIR))
    from django.conf import settings

    if not settings.configured:
        settings.configure(ERFA_INDEX_DIR=_support.REPO_DIR / "var" / "unused-bench-index")


def measure(size: int, distribution: str, queries: int, seed: int = 1) -> dict:
    import faiss
    import numpy as np

    from search.vectors import HNSW_EF_SEARCH, VectorIndex, kind_for_size

    make = (
        _support.clustered_unit_vectors
        if distribution == "clustered"
        else _support.uniform_unit_vectors
    )
    data = make(size + queries, DIMENSION, seed=seed)
    base, probes = data[:size], np.ascontiguousarray(data[size:])
    del data
    ids = np.arange(size, dtype=np.int64)

    faiss.omp_set_num_threads(os.cpu_count() or 1)
    with Stopwatch() as exact_watch:
        _, truth = faiss.knn(probes, base, K, metric=faiss.METRIC_INNER_PRODUCT)

    rss_before, peak_before = _rss_bytes(), _peak_rss_bytes()
    with Stopwatch() as build_watch:
        index = VectorIndex.build(MODEL, DIMENSION, ids, base)
    rss_growth = _rss_bytes() - rss_before
    peak_growth = _peak_rss_bytes() - peak_before
    serialised = faiss.serialize_index(index._index).nbytes
    log(f"  {distribution} {size:,}: {index.kind.value} built in {build_watch.seconds:.1f} s")

    recall, latencies = _recall_and_latencies(index, probes, truth)
    sweep = {}
    if index.kind.is_graph:
        graph = faiss.downcast_index(index._index.index).hnsw
        for depth in EF_SEARCH_SWEEP:
            graph.efSearch = depth
            depth_recall, depth_latencies = _recall_and_latencies(index, probes, truth)
            sweep[str(depth)] = {
                "recall@10": round(depth_recall, 4),
                "p50_ms": _support.latency_summary(depth_latencies)["p50_ms"],
            }
        graph.efSearch = HNSW_EF_SEARCH
    with tempfile.TemporaryDirectory(prefix="erfa-bench-vectors-") as folder:
        with Stopwatch() as save_watch:
            index.save(Path(folder))
        start_cost = _load_in_fresh_process(Path(folder))
    del index
    exact_latencies = []
    flat = faiss.IndexFlatIP(DIMENSION)
    flat.add(base)
    faiss.omp_set_num_threads(1)
    for probe in probes[: min(queries, 200)]:
        started = time.perf_counter()
        flat.search(probe.reshape(1, -1), K)
        exact_latencies.append(time.perf_counter() - started)
    figures = {
        "vectors": size,
        "distribution": distribution,
        "index_kind": kind_for_size(size).value,
        "recall@10": round(recall, 4),
        "recall_by_ef_search": sweep,
        "build_s": round(build_watch.seconds, 1),
        "build_peak_memory_growth_mb": round(peak_growth / 2**20),
        "process_peak_rss_mb": round(_peak_rss_bytes() / 2**20),
        "save_s": round(save_watch.seconds, 1),
        "node_start": start_cost,
        "query": _support.latency_summary(latencies),
        "exact_query": _support.latency_summary(exact_latencies),
        "exact_batch_ground_truth_s": round(exact_watch.seconds, 1),
        "bytes_per_vector_serialised": round(serialised / size, 1),
        "bytes_per_vector_rss_growth": round(rss_growth / size, 1),
        "bytes_per_vector_rss_after_load": round(start_cost["rss_growth_bytes"] / size, 1),
        "raw_float32_bytes_per_vector": DIMENSION * 4,
    }
    log(
        f"  recall@10 {recall:.4f}, query p50 {figures['query']['p50_ms']} ms "
        f"(exact {figures['exact_query']['p50_ms']} ms), "
        f"{figures['bytes_per_vector_serialised']:.0f} B/vector, "
        f"load {start_cost['load_s']} s"
    )
    return figures


def _recall_and_latencies(index, probes, truth) -> tuple[float, list[float]]:
    import numpy as np

    found, latencies = [], []
    for probe in probes:
        started = time.perf_counter()
        result, _ = index.search(probe.reshape(1, -1), K)
        latencies.append(time.perf_counter() - started)
        found.append(result)
    overlaps = [
        len(set(row.tolist()) & set(t.tolist())) / K for row, t in zip(found, truth, strict=True)
    ]
    return float(np.mean(overlaps)), latencies


def _load_in_fresh_process(folder: Path) -> dict:
    """What a node pays at start: VectorIndex.load() of the saved files, in a new process."""
    files = sum(path.stat().st_size for path in folder.glob("index-*.faiss"))
    output = subprocess.run(
        [sys.executable, __file__, "--load-only", str(folder)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return {**json.loads(output.strip().splitlines()[-1]), "file_bytes": files}


def load_only(folder: Path) -> None:
    configure()
    from search.vectors import VectorIndex

    rss_before = _rss_bytes()
    with Stopwatch() as watch:
        index = VectorIndex.load(MODEL, DIMENSION, folder)
    growth = _rss_bytes() - rss_before
    figures = {
        "load_s": round(watch.seconds, 2),
        "rss_growth_bytes": growth,
        "rss_growth_mb": round(growth / 2**20),
        "peak_rss_growth_mb": round((_high_water_mark_bytes() - rss_before) / 2**20),
        "vectors": len(index),
        **_catch_up_after_one_publish(index),
    }
    print(json.dumps(figures))


def _catch_up_after_one_publish(index) -> dict:
    """The index work of search.vector_sync._catch_up() for one republished page of ten
    passages: drop its old chunk ids, keep the new ones the index lacks, add them (to the
    exact side index of a graph), then the first search finds them. The database reads
    (change log, the page's Chunk rows) come on top: bench_search_http.py measures those."""
    import numpy as np

    fresh = _support.clustered_unit_vectors(10, DIMENSION, seed=99)
    new_ids = np.arange(10, dtype=np.int64) + 10**9
    with Stopwatch() as catch_up:
        index.remove(np.arange(10, dtype=np.int64))
        missing = ~np.isin(new_ids, index.ids())
        index.add(new_ids[missing], np.ascontiguousarray(fresh[missing]))
    with Stopwatch() as first_search:
        found, _ = index.search(fresh[:1], K)
    return {
        "catch_up_one_page_ms": round(catch_up.seconds * 1000, 1),
        "first_search_after_ms": round(first_search.seconds * 1000, 2),
        "new_passage_found_first": bool(len(found) and found[0] == new_ids[0]),
    }


def _rss_bytes() -> int:
    """Current resident set size (Linux), for the memory an index adds to a process."""
    with open("/proc/self/statm") as file:
        return int(file.read().split()[1]) * resource.getpagesize()


def _high_water_mark_bytes() -> int:
    """Peak resident set size since exec (VmHWM): ru_maxrss would count the parent's peak,
    which survives fork and exec on Linux."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    return 0


def _peak_rss_bytes() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # kB on Linux


def main() -> int:
    parser = _support.argument_parser(__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", type=int, default=[100_000, 1_000_000])
    parser.add_argument(
        "--distributions",
        nargs="+",
        choices=("clustered", "uniform"),
        default=["clustered", "uniform"],
    )
    parser.add_argument("--queries", type=int, default=500)
    parser.add_argument("--load-only", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.load_only:
        load_only(args.load_only)
        return 0
    configure()
    from search.vectors import (
        HNSW_EF_CONSTRUCTION,
        HNSW_EF_SEARCH,
        HNSW_NEIGHBOURS,
        SQ_TRAINING_SAMPLE,
        exact_limit,
    )

    sizes = [50_000] if args.quick else args.sizes
    results = []
    for size in sizes:
        for distribution in args.distributions:
            results.append(measure(size, distribution, args.queries))
    _support.print_table(
        [
            "vectors",
            "data",
            "index",
            "recall@10",
            "build s",
            "p50 ms",
            "p95 ms",
            "exact p50 ms",
            "B/vector",
            "load s",
            "goal ≥ 0.95",
        ],
        [
            [
                f"{r['vectors']:,}",
                r["distribution"],
                r["index_kind"],
                r["recall@10"],
                r["build_s"],
                r["query"]["p50_ms"],
                r["query"]["p95_ms"],
                r["exact_query"]["p50_ms"],
                r["bytes_per_vector_serialised"],
                r["node_start"]["load_s"],
                "met" if r["recall@10"] >= 0.95 else "MISSED",
            ]
            for r in results
        ],
        title="FAISS approximate index vs exact (synthetic unit vectors, dimension 384)",
    )
    parameters = {
        "quick": args.quick,
        "dimension": DIMENSION,
        "k": K,
        "queries": args.queries,
        "exact_limit": exact_limit(),
        "sq_training_sample": SQ_TRAINING_SAMPLE,
        "hnsw": {
            "neighbours": HNSW_NEIGHBOURS,
            "ef_construction": HNSW_EF_CONSTRUCTION,
            "ef_search": HNSW_EF_SEARCH,
        },
        "clustered": "_support.clustered_unit_vectors: a topic centre per 1,000 vectors, plus "
        "within-topic variation along 32 shared directions (norm ~0.8) and isotropic noise "
        "(norm ~0.25), normalised",
    }
    name = "vectors_quick" if args.quick else "vectors"
    # Keyed by run, merged into earlier runs: the 1M sizes can be measured separately.
    figures = {f"{r['distribution']}-{r['vectors']}": r for r in results}
    _support.write_results(name, figures, parameters, enabled=not args.no_write, merge=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
