"""FAISS: recall@10 of the approximate index that search/vectors.py chooses, against exact.

``search.vectors.VectorIndex.build()`` picks the index kind by size (exact inner product up
to ERFA_SEARCH["EXACT_LIMIT"] vectors, HNSW above); this benchmark builds it on synthetic
384-dimensional unit vectors at 100k and 1M, and reports build time, single-query latency
(one thread, as search runs it), memory per vector and recall@10 against exact search.
Clustered vectors (points around many topic centres, like text embeddings) are the
meaningful case; uniform noise on the sphere, where no point has real neighbours, is
reported beside it as a worst case. Goal: recall@10 >= 0.95.

    .venv/bin/python bench/bench_vectors.py                 # 100k and 1M (1M x 384 float32 = 1.5 GB)
    .venv/bin/python bench/bench_vectors.py --quick         # 50k, for iterating
"""

from __future__ import annotations

import os
import resource
import sys
import time

import _support
from _support import Stopwatch, log

DIMENSION = 384
K = 10


def configure() -> None:
    """search.vectors reads its settings through Django; nothing else is needed here."""
    sys.path.insert(0, str(_support.REPO_DIR))
    from django.conf import settings

    if not settings.configured:
        settings.configure(ERFA_INDEX_DIR=_support.REPO_DIR / "var" / "unused-bench-index")


def measure(size: int, distribution: str, queries: int, seed: int = 1) -> dict:
    import faiss
    import numpy as np

    from search.vectors import VectorIndex, kind_for_size

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

    rss_before = _rss_bytes()
    with Stopwatch() as build_watch:
        index = VectorIndex.build("bench", DIMENSION, ids, base)
    rss_growth = _rss_bytes() - rss_before
    serialised = faiss.serialize_index(index._index).nbytes
    log(f"  {distribution} {size:,}: {index.kind.value} built in {build_watch.seconds:.1f} s")

    found, latencies = [], []
    for probe in probes:
        started = time.perf_counter()
        result, _ = index.search(probe.reshape(1, -1), K)
        latencies.append(time.perf_counter() - started)
        found.append(result)
    recall = float(
        np.mean(
            [
                len(set(row.tolist()) & set(t.tolist())) / K
                for row, t in zip(found, truth, strict=True)
            ]
        )
    )
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
        "index_kind": index.kind.value,
        "chosen_kind_for_size": kind_for_size(size).value,
        "recall@10": round(recall, 4),
        "build_s": round(build_watch.seconds, 1),
        "query": _support.latency_summary(latencies),
        "exact_query": _support.latency_summary(exact_latencies),
        "exact_batch_ground_truth_s": round(exact_watch.seconds, 1),
        "bytes_per_vector_serialised": round(serialised / size, 1),
        "bytes_per_vector_rss_growth": round(rss_growth / size, 1),
        "raw_float32_bytes_per_vector": DIMENSION * 4,
    }
    log(
        f"  recall@10 {recall:.4f}, query p50 {figures['query']['p50_ms']} ms "
        f"(exact {figures['exact_query']['p50_ms']} ms), "
        f"{figures['bytes_per_vector_serialised']:.0f} B/vector"
    )
    return figures


def _rss_bytes() -> int:
    """Current resident set size (Linux), for the memory an index adds to a process."""
    with open("/proc/self/statm") as file:
        return int(file.read().split()[1]) * resource.getpagesize()


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
    args = parser.parse_args()
    configure()
    from search.vectors import HNSW_EF_CONSTRUCTION, HNSW_EF_SEARCH, HNSW_NEIGHBOURS, exact_limit

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
        "hnsw": {
            "neighbours": HNSW_NEIGHBOURS,
            "ef_construction": HNSW_EF_CONSTRUCTION,
            "ef_search": HNSW_EF_SEARCH,
        },
        "clustered": "centres = size/100 random unit vectors; point = centre + Gaussian "
        "noise of norm ~0.6, normalised",
    }
    name = "vectors_quick" if args.quick else "vectors"
    # Keyed by run, merged into earlier runs: the 1M sizes can be measured separately.
    figures = {f"{r['distribution']}-{r['vectors']}": r for r in results}
    _support.write_results(name, figures, parameters, enabled=not args.no_write, merge=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
