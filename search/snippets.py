"""What a result shows: the passage that matched best, as an escaped snippet with words marked."""

from __future__ import annotations

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from portal.language import STOPWORDS

from .text import split_sentences

SNIPPET_LENGTH = 260
MIN_SENTENCE_WORDS = 3
FIGURE_SHARE = 5  # a line where one word in five is a number reads as a table of figures
_TERM_RE = re.compile(r"\w+")


def query_terms(query: str) -> list[str]:
    """The query's words worth marking: no stop words, no single letters."""
    seen: dict[str, None] = {}
    for word in _TERM_RE.findall(query.lower()):
        if len(word) > 1 and word not in STOPWORDS:
            seen.setdefault(word, None)
    return list(seen)


def terms_pattern(terms: list[str]) -> re.Pattern | None:
    if not terms:
        return None
    # Longer words also match their inflections ("kostnad" marks "kostnaderna").
    parts = [
        rf"{re.escape(term)}\w*" if len(term) >= 4 else rf"{re.escape(term)}\b"
        for term in sorted(terms, key=len, reverse=True)
    ]
    return re.compile(rf"\b(?:{'|'.join(parts)})", re.IGNORECASE)


def best_passage(
    chunks: list[tuple[int, str]], terms: list[str], semantic_chunk_id: int | None
) -> str:
    """The passage with most distinct query words; the semantically best one otherwise."""
    if not chunks:
        return ""
    pattern = terms_pattern(terms)
    semantic_text = next((text for cid, text in chunks if cid == semantic_chunk_id), None)

    def keyword_score(text: str) -> tuple[int, int, int]:
        found = [match.group(0).lower() for match in pattern.finditer(text)] if pattern else []
        distinct = {term for term in terms for word in found if word.startswith(term)}
        return len(distinct), len(found), int(text == semantic_text)

    best = max(chunks, key=lambda chunk: keyword_score(chunk[1]))[1]
    if keyword_score(best)[0] == 0 and semantic_text is not None:
        return semantic_text
    return best


def readable_sentences(text: str) -> list[str]:
    """The passage's sentences worth showing: no section labels ("problem."), no runs of
    key figures without a sentence around them ("88 % dokumenter placeret automatisk")."""
    units = [unit.strip() for line in text.splitlines() for unit in split_sentences(line)]
    return [unit for unit in units if _reads_as_sentence(unit)]


def _reads_as_sentence(unit: str) -> bool:
    words = _TERM_RE.findall(unit)
    if len(words) < MIN_SENTENCE_WORDS:
        return False
    figures = sum(1 for word in words if word.isdigit())
    # A figure line ends without punctuation and leans on numbers.
    return unit[-1] in '.!?…:)»”"' or figures * FIGURE_SHARE < len(words)


def make_snippet(text: str, terms: list[str], length: int = SNIPPET_LENGTH) -> SafeString:
    """Whole sentences of ``text`` around the best-matching one, HTML-escaped, words marked.

    The sentence with most distinct query words starts the snippet (the first readable
    one when no word matches, e.g. a match by meaning in another language); following
    sentences are added while they fit, so a snippet never starts or ends mid-sentence
    unless a single sentence is longer than the snippet.
    """
    sentences = readable_sentences(text) or [" ".join(text.split())]
    pattern = terms_pattern(terms)

    def hits(sentence: str) -> int:
        return len({m.group(0).lower() for m in pattern.finditer(sentence)}) if pattern else 0

    start = max(range(len(sentences)), key=lambda i: (hits(sentences[i]), -i))
    chosen = [sentences[start]]
    for sentence in sentences[start + 1 :]:
        if len(" ".join(chosen)) + 1 + len(sentence) > length:
            break
        chosen.append(sentence)
    window = " ".join(chosen)
    cut = len(window) > length
    if cut:
        window = (
            window[: window.rfind(" ", 0, length)] if " " in window[:length] else window[:length]
        )
    pieces, position = [], 0
    for match in pattern.finditer(window) if pattern else ():
        pieces.append(escape(window[position : match.start()]))
        pieces.append(f"<mark>{escape(match.group(0))}</mark>")
        position = match.end()
    pieces.append(escape(window[position:]))
    flat = " ".join(text.split())
    begins = flat.find(chosen[0])
    ends = flat.rfind(chosen[-1]) + len(chosen[-1]) if flat.rfind(chosen[-1]) >= 0 else len(flat)
    prefix = "…" if begins > 0 else ""
    suffix = "…" if cut or ends < len(flat) else ""
    return mark_safe(prefix + "".join(pieces) + suffix)  # noqa: S308 - every piece is escaped
