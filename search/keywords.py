"""The keyword side of search: BM25 over passages (search/analysis.py says what a word is).

Derived from Chunk rows like the vector index, so it ranks identically on SQLite and
PostgreSQL, and a query does work in proportion to the postings of its words, not to the
corpus. A query word counts once, by its best variant (its Swedish, Danish or English
stem, a synonym the moderators listed, or the two halves of a compound the passages write
apart). Page titles, which passages do not repeat, are indexed as one short row per page.

The index is a base, built from all rows and saved beside the FAISS files, plus a small
delta of the pages changed since; search/keyword_sync.py keeps each process's copy current.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from scipy import sparse

from .analysis import (
    STEMMER_NAMES,
    analyse,
    identifiers,
    query_words,
    stem_words,
    word_parts,
    word_variants,
)

# Okapi BM25's usual constants.
K1 = 1.2
B = 0.75
# Compound parts shorter than this are too often accidental ("sen" + "gebelægning").
MIN_COMPOUND_PART = 4
BASE_FILE, BASE_META = "keywords.npz", "keywords.json"

Row = tuple[int, int, str, str]  # chunk id, page id, language, text


@dataclass(frozen=True)
class KeywordMatch:
    page_id: int
    score: float
    chunk_id: int  # the page's best passage by words
    coverage: float  # share of the query's words (by weight) that the passage holds
    words: tuple[str, ...]  # the query words found in it


@dataclass(frozen=True)
class QueryTerm:
    """One word (or identifier, or synonym) of a query, with its alternatives: each is a
    tuple of index terms that must all occur (a compound's halves, a multi-word name)."""

    word: str
    alternatives: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class CorpusStats:
    """What BM25 weights are computed with; a delta uses its base's."""

    documents: int
    average_length: float
    document_frequency: NDArray[np.int64]  # per column


@dataclass
class Segment:
    chunk_ids: NDArray[np.int64]
    page_ids: NDArray[np.int64]
    weights: sparse.csc_matrix  # rows x columns of the vocabulary at build time


def _segment(rows: Iterable[Row], vocabulary: dict[str, int], stats: CorpusStats | None):
    """A segment of ``rows``; new terms are added to ``vocabulary``. Without ``stats`` the
    rows are the whole corpus and give the statistics themselves."""
    chunk_ids, page_ids, row_index, col_index, counts, lengths = [], [], [], [], [], []
    for position, (chunk_id, page_id, language, text) in enumerate(rows):
        terms = Counter(analyse(text, language))
        chunk_ids.append(chunk_id)
        page_ids.append(page_id)
        lengths.append(sum(terms.values()))
        for term, count in terms.items():
            row_index.append(position)
            col_index.append(vocabulary.setdefault(term, len(vocabulary)))
            counts.append(count)
    rows_array = np.asarray(row_index, dtype=np.int64)
    cols_array = np.asarray(col_index, dtype=np.int64)
    tf = np.asarray(counts, dtype=np.float32)
    length = np.asarray(lengths, dtype=np.float32)
    if stats is None:
        stats = CorpusStats(
            documents=len(chunk_ids),
            average_length=max(float(length.mean()), 1.0) if len(length) else 1.0,
            document_frequency=np.bincount(cols_array, minlength=len(vocabulary)),
        )
    frequency = np.zeros(len(vocabulary), dtype=np.int64)
    frequency[: len(stats.document_frequency)] = stats.document_frequency
    unseen = np.arange(len(vocabulary)) >= len(stats.document_frequency)
    frequency[unseen] = np.bincount(cols_array, minlength=len(vocabulary))[unseen]
    idf = np.log1p((stats.documents - frequency + 0.5) / (frequency + 0.5)).astype(np.float32)
    norm = K1 * (1 - B + B * length[rows_array] / stats.average_length) if len(tf) else tf
    values = idf[cols_array] * tf * (K1 + 1) / (tf + norm) if len(tf) else tf
    weights = sparse.csc_matrix(
        (values.astype(np.float32), (rows_array, cols_array)),
        shape=(len(chunk_ids), len(vocabulary)),
    )
    weights.sort_indices()
    segment = Segment(
        np.asarray(chunk_ids, dtype=np.int64), np.asarray(page_ids, dtype=np.int64), weights
    )
    return segment, stats


@dataclass
class KeywordIndex:
    vocabulary: dict[str, int]
    stats: CorpusStats
    base: Segment
    generation: int
    base_generation: int
    delta: Segment | None = None
    delta_pages: set[int] = field(default_factory=set)

    def __post_init__(self):
        segments = [self.base] + ([self.delta] if self.delta is not None else [])
        self.chunk_ids = np.concatenate([s.chunk_ids for s in segments])
        self.page_ids = np.concatenate([s.page_ids for s in segments])
        # Base rows of pages the delta re-read are dead: the delta holds their text now.
        self._alive = ~np.isin(self.base.page_ids, list(self.delta_pages))

    def __len__(self) -> int:
        return len(self.chunk_ids)

    @classmethod
    def build(cls, rows: Iterable[Row], generation: int = 0) -> KeywordIndex:
        vocabulary: dict[str, int] = {}
        base, stats = _segment(rows, vocabulary, None)
        return cls(vocabulary, stats, base, generation, generation)

    def with_changes(self, pages: set[int], rows: Iterable[Row], generation: int) -> KeywordIndex:
        """This index with ``pages`` (all changed since the base) read anew from ``rows``."""
        vocabulary = dict(self.vocabulary)
        delta, _ = _segment(rows, vocabulary, self.stats)
        return KeywordIndex(
            vocabulary, self.stats, self.base, generation, self.base_generation, delta, pages
        )

    # Persistence (the base only) ------------------------------------------------------

    def save(self, directory: Path) -> None:
        """Write the base atomically: the arrays, then the metadata naming them."""
        directory.mkdir(parents=True, exist_ok=True)
        name = f"keywords-{self.base_generation}-{os.urandom(4).hex()}.npz"
        previous = saved_file_name(directory)
        weights = self.base.weights
        with tempfile.NamedTemporaryFile(dir=directory, suffix=".tmp", delete=False) as file:
            np.savez(
                file,
                data=weights.data,
                indices=weights.indices,
                indptr=weights.indptr,
                shape=np.asarray(weights.shape),
                chunk_ids=self.base.chunk_ids,
                page_ids=self.base.page_ids,
                document_frequency=self.stats.document_frequency,
            )
        os.replace(file.name, directory / name)
        terms = sorted(self.vocabulary, key=self.vocabulary.__getitem__)
        meta = {
            "file": name,
            "generation": self.base_generation,
            "documents": self.stats.documents,
            "average_length": self.stats.average_length,
            "terms": terms[: weights.shape[1]],
        }
        with tempfile.NamedTemporaryFile("w", dir=directory, suffix=".tmp", delete=False) as file:
            json.dump(meta, file, ensure_ascii=False)
        os.replace(file.name, directory / BASE_META)
        # The previous file stays: a reader may have read the metadata just before the swap.
        for old in directory.glob("keywords-*.npz"):
            if old.name not in (name, previous):
                old.unlink(missing_ok=True)

    @classmethod
    def load(cls, directory: Path) -> KeywordIndex | None:
        try:
            meta = json.loads((directory / BASE_META).read_text("utf-8"))
            with np.load(directory / meta["file"]) as arrays:
                weights = sparse.csc_matrix(
                    (arrays["data"], arrays["indices"], arrays["indptr"]),
                    shape=tuple(arrays["shape"]),
                )
                base = Segment(arrays["chunk_ids"], arrays["page_ids"], weights)
                frequency = arrays["document_frequency"]
        except (OSError, ValueError, KeyError):
            return None  # missing or damaged: rebuilt from Chunk rows
        if len(meta["terms"]) != weights.shape[1] or len(frequency) != weights.shape[1]:
            return None
        vocabulary = {term: column for column, term in enumerate(meta["terms"])}
        stats = CorpusStats(meta["documents"], meta["average_length"], frequency)
        return cls(vocabulary, stats, base, meta["generation"], meta["generation"])

    # Querying -------------------------------------------------------------------------

    def query_terms(self, query: str, synonyms: dict[str, list[str]] | None = None):
        """The query's words and identifiers, each with the index terms that may stand for it."""
        synonyms = synonyms or {}
        found_identifiers = identifiers(query)
        identifier_parts = {part for ident in found_identifiers for part in word_parts(ident)}
        terms = [QueryTerm(ident, ((ident,),)) for ident in found_identifiers]
        for word in query_words(query):
            if word in identifier_parts:
                continue  # "2023/1234" counts once, as the identifier
            alternatives = {(variant,) for variant in word_variants(word)}
            if not any(variant in self.vocabulary for (variant,) in alternatives):
                alternatives |= self._compound_parts(word)
            for expansion in synonyms.get(word, ()):
                words = query_words(expansion) or word_parts(expansion)
                alternatives |= {tuple(stem_words(words, lang)) for lang in STEMMER_NAMES}
            terms.append(QueryTerm(word, tuple(sorted(alternatives))))
        return terms

    def _compound_parts(self, word: str) -> set[tuple[str, ...]]:
        """A Swedish or Danish compound the passages write apart ("vårdplatsprognoser" ->
        "vårdplats" + "prognos"): the most even split into two indexed terms, both required.
        Only for a word the index does not hold, so it never dilutes a known word."""
        best: tuple[int, tuple[str, str]] | None = None
        for cut in range(MIN_COMPOUND_PART, len(word) - MIN_COMPOUND_PART + 1):
            head, tail = word[:cut], word[cut:]
            heads = {head} | {head[:-1] for linker in "se" if head.endswith(linker)}
            head_terms = {t for h in heads for t in word_variants(h) if t in self.vocabulary}
            tail_terms = {t for t in word_variants(tail) if t in self.vocabulary}
            balance = min(cut, len(word) - cut)
            if head_terms and tail_terms and (best is None or balance > best[0]):
                best = (balance, (max(head_terms, key=len), max(tail_terms, key=len)))
        return {best[1]} if best else set()

    def search(
        self, query: str, limit: int, *, synonyms: dict[str, list[str]] | None = None
    ) -> list[KeywordMatch]:
        """The ``limit`` best pages by their best passage's BM25 score."""
        terms = self.query_terms(query, synonyms)
        if not terms or not len(self):
            return []
        postings = [self._term_scores(term) for term in terms]
        known = [float(scores.max()) for _, scores in postings if len(scores)]
        if not known:
            return []
        # A word's weight in coverage is its best BM25 weight; an unknown word weighs as
        # the heaviest known one (it is rare: missing it matters).
        weights = [float(scores.max()) if len(scores) else max(known) for _, scores in postings]
        totals = np.zeros(len(self), dtype=np.float64)
        covered = np.zeros(len(self), dtype=np.float64)
        for (rows, scores), weight in zip(postings, weights, strict=True):
            totals += np.bincount(rows, weights=scores, minlength=len(self))
            covered += np.bincount(rows, minlength=len(self)) * weight
        matched = np.flatnonzero(totals)
        pages = self.page_ids[matched]
        order = np.lexsort((-totals[matched], pages))  # by page, best passage first
        first = np.ones(len(order), dtype=bool)
        first[1:] = pages[order][1:] != pages[order][:-1]
        best_rows = matched[order[first]]
        best_rows = best_rows[np.argsort(-totals[best_rows], kind="stable")][:limit]
        wanted = set(best_rows.tolist())
        words_of_row: dict[int, list[str]] = {}
        for term, (rows, _) in zip(terms, postings, strict=True):
            for row in wanted.intersection(rows.tolist()):
                words_of_row.setdefault(row, []).append(term.word)
        return [
            KeywordMatch(
                page_id=int(self.page_ids[row]),
                score=float(totals[row]),
                chunk_id=int(self.chunk_ids[row]),
                coverage=float(covered[row] / sum(weights)),
                words=tuple(words_of_row.get(int(row), ())),
            )
            for row in best_rows
        ]

    def _term_scores(self, term: QueryTerm) -> tuple[NDArray[np.int64], NDArray[np.float32]]:
        """Rows holding the term (by any alternative) and their best alternative's weight."""
        row_parts, score_parts = [], []
        for alternative in term.alternatives:
            columns = [self.vocabulary.get(index_term) for index_term in alternative]
            if any(column is None for column in columns):
                continue
            rows, scores = self._column(columns[0])
            for column in columns[1:]:  # every part must occur
                more_rows, more_scores = self._column(column)
                keep = np.isin(rows, more_rows)
                rows = rows[keep]
                scores = scores[keep] + more_scores[np.searchsorted(more_rows, rows)]
            row_parts.append(rows)
            score_parts.append(scores / len(columns))
        if not row_parts:
            return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float32)
        rows, scores = np.concatenate(row_parts), np.concatenate(score_parts)
        order = np.lexsort((-scores, rows))  # several alternatives in a row: the best counts
        rows, scores = rows[order], scores[order]
        first = np.ones(len(rows), dtype=bool)
        first[1:] = rows[1:] != rows[:-1]
        return rows[first], scores[first]

    def _column(self, column: int) -> tuple[NDArray[np.int64], NDArray[np.float32]]:
        """Rows (sorted) holding a column's term, across the base and the delta."""
        parts_rows, parts_scores = [], []
        offset = 0
        for segment, alive in ((self.base, self._alive), (self.delta, None)):
            if segment is None:
                continue
            if column < segment.weights.shape[1]:
                start, end = segment.weights.indptr[column], segment.weights.indptr[column + 1]
                rows = segment.weights.indices[start:end].astype(np.int64)
                scores = segment.weights.data[start:end]
                if alive is not None:
                    keep = alive[rows]
                    rows, scores = rows[keep], scores[keep]
                parts_rows.append(rows + offset)
                parts_scores.append(scores)
            offset += len(segment.chunk_ids)
        if not parts_rows:
            return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float32)
        return np.concatenate(parts_rows), np.concatenate(parts_scores)


def saved_file_name(directory: Path) -> str | None:
    """The base file the saved metadata names, if any."""
    try:
        return json.loads((directory / BASE_META).read_text("utf-8"))["file"]
    except (OSError, ValueError, KeyError):
        return None
