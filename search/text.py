"""From a page's SearchDocument to clean passages ready for the encoder.

Passages are sentence-aware windows of about 200–300 tokens with ~15–20 % overlap; a
standalone section (a lesson learned, say) stays one passage. Each passage knows its
language and carries the page title in front of its text when encoded, since e5 ranks a
passage better when it knows what the passage is about.

A file attached to a page (a PDF report, say) becomes passages of that page too
(``file_passages``), each knowing its document, file name and the page it starts on.
"""

from __future__ import annotations

import hashlib
import math
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bs4 import BeautifulSoup

from .documents import SearchDocument

if TYPE_CHECKING:
    from .extraction import ExtractedFile

# Estimated from the e5 (XLM-R) tokenizer on Swedish and Danish prose: one word or
# punctuation mark is about 1.5 subword tokens.
TOKENS_PER_WORD = 1.5
TARGET_TOKENS = 250
MAX_TOKENS = 300
OVERLAP_TOKENS = 45  # ~18 % of the target
MAX_OVERLAP_TOKENS = 90  # a long last sentence may overlap more, never most of a window
# A standalone section longer than this is still split: e5 sees at most 512 tokens.
STANDALONE_MAX_TOKENS = 480

_WORD_RE = re.compile(r"\w+|[^\w\s]")
_SENTENCE_END_RE = re.compile(r"(?<=[.!?…])\s+(?=[\"'«»”(\[]?[A-ZÅÄÖÆØÜÉ0-9])")
_BLOCK_TAGS = "p, div, li, h1, h2, h3, h4, h5, h6, blockquote, br, tr, section, article, figcaption"


@dataclass(frozen=True)
class Passage:
    ordinal: int
    text: str  # the passage itself, shown as a snippet
    language: str
    title: str = ""
    standalone: bool = False
    # Set on a passage of an attached file: the Wagtail document, its file name and the
    # page of the file the passage starts on (PDF only).
    document_id: int | None = None
    file_name: str = ""
    file_page: int | None = None

    @property
    def text_for_encoding(self) -> str:
        # Sentences are stored one per line (snippets are cut along them); the encoder
        # sees them as one run of text, as it always has, so vectors and hashes stay put.
        text = " ".join(self.text.split())
        return f"{self.title}: {text}" if self.title else text

    @property
    def text_hash(self) -> str:
        """Identifies what the encoder sees: equal hashes can share a vector."""
        return hashlib.sha256(self.text_for_encoding.encode("utf-8")).hexdigest()


def html_to_text(html: str) -> str:
    """Visible text of an HTML fragment: no scripts or styles, entities decoded.

    Block elements end with a line break so sentences from neighbouring paragraphs never
    run together (Wagtail's ``text_from_html`` would glue "<p>a</p><p>b</p>" into "ab").
    """
    if not html or "<" not in html and "&" not in html:
        return normalise_whitespace(html or "")
    soup = BeautifulSoup(html, "html.parser")
    for element in soup(["script", "style", "noscript", "template", "iframe", "svg"]):
        element.decompose()
    for element in soup.select(_BLOCK_TAGS):
        element.append("\n")
    return normalise_whitespace(soup.get_text())


def normalise_whitespace(text: str) -> str:
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def estimate_tokens(text: str) -> int:
    return math.ceil(len(_WORD_RE.findall(text)) * TOKENS_PER_WORD)


def split_sentences(text: str) -> list[str]:
    sentences = []
    for line in text.splitlines():
        sentences.extend(part.strip() for part in _SENTENCE_END_RE.split(line) if part.strip())
    return sentences


def document_passages(document: SearchDocument) -> list[Passage]:
    """Split a document into passages, in reading order, numbered from 0."""
    title = normalise_whitespace(document.title).replace("\n", " ")
    flowing: list[str] = []  # sentences of consecutive non-standalone sections
    bodies: list[tuple[str, bool]] = []

    def flush() -> None:
        bodies.extend((body, False) for body in _windows(flowing))
        flowing.clear()

    summary = html_to_text(document.summary) if document.summary else ""
    flowing.extend(split_sentences(summary))
    for section in document.sections:
        text = html_to_text(section.text)
        heading = normalise_whitespace(section.heading).replace("\n", " ")
        if not text or (text == summary and not heading):
            continue  # a page may pass its summary as a section too: index it once
        if section.standalone:
            flush()
            full = f"{heading}: {text}" if heading else text
            full = full.replace("\n", " ")
            if estimate_tokens(full) <= STANDALONE_MAX_TOKENS:
                bodies.append((full, True))
            else:
                bodies.extend((body, True) for body in _windows(split_sentences(full)))
        else:
            flowing.extend(split_sentences(f"{heading}.\n{text}" if heading else text))
    flush()
    if not bodies:
        bodies.append((title, False))
    return [
        Passage(
            ordinal=ordinal,
            text=body,
            language=passage_language(body, document.language),
            title=title,
            standalone=standalone,
        )
        for ordinal, (body, standalone) in enumerate(bodies)
    ]


def file_passages(
    extracted: ExtractedFile,
    *,
    document_id: int,
    file_name: str,
    language: str,
    start: int,
) -> list[Passage]:
    """An attached file's passages, numbered on from ``start``. Windows flow across page
    breaks, as the text does; a passage is on the page that holds most of its text."""
    title = normalise_whitespace(extracted.title).replace("\n", " ")
    sentences: list[tuple[str, int | None]] = []
    for block in extracted.blocks:
        text = f"{block.text}." if block.heading and not block.text.endswith(".") else block.text
        sentences.extend((sentence, block.page) for sentence in split_sentences(text))
    ranges = _window_ranges([sentence for sentence, _page in sentences])
    passages = []
    for offset, (origins, pieces) in enumerate(ranges):
        body = "\n".join(pieces)
        on_page: dict[int | None, int] = {}
        for origin, piece in zip(origins, pieces, strict=True):
            page = sentences[origin][1]
            on_page[page] = on_page.get(page, 0) + len(piece)
        passages.append(
            Passage(
                ordinal=start + offset,
                text=body,
                language=passage_language(body, language),
                title=title,
                document_id=document_id,
                file_name=file_name,
                file_page=max(on_page, key=on_page.__getitem__) if on_page else None,
            )
        )
    return passages


def passage_language(text: str, default: str) -> str:
    """The language a passage is written in; the document's when it cannot be told."""
    try:
        from portal.language import detect_language
    except ImportError:
        return default
    detected = detect_language(text) if len(text) >= 40 else None
    return detected or default


def _windows(sentences: list[str]) -> list[str]:
    """Group sentences into windows of ~TARGET_TOKENS that overlap by ~OVERLAP_TOKENS."""
    return ["\n".join(pieces) for _origins, pieces in _window_ranges(sentences)]


def _window_ranges(sentences: list[str]) -> list[tuple[list[int], list[str]]]:
    """The windows, each as its pieces of text and the index of the sentence each is from."""
    pieces: list[tuple[str, int]] = []
    origins: list[int] = []  # the sentence each piece comes from
    for index, sentence in enumerate(sentences):
        split = _split_long_sentence(sentence)
        pieces.extend(split)
        origins.extend([index] * len(split))
    windows: list[tuple[list[int], list[str]]] = []
    start = 0
    while start < len(pieces):
        end, size = start, 0
        while end < len(pieces) and (size + pieces[end][1] <= TARGET_TOKENS or end == start):
            size += pieces[end][1]
            end += 1
        # A short tail is folded into this window rather than left as a scrap.
        rest = sum(tokens for _, tokens in pieces[end:])
        if rest and size + rest <= MAX_TOKENS:
            end = len(pieces)
        windows.append((origins[start:end], [text for text, _ in pieces[start:end]]))
        if end >= len(pieces):
            break
        # Step back over whole sentences to overlap the next window with this one.
        next_start, overlap = end, 0
        while (
            next_start - 1 > start
            and overlap < OVERLAP_TOKENS
            and overlap + pieces[next_start - 1][1] <= MAX_OVERLAP_TOKENS
        ):
            next_start -= 1
            overlap += pieces[next_start][1]
        start = next_start
    return windows


def _split_long_sentence(sentence: str) -> list[tuple[str, int]]:
    tokens = estimate_tokens(sentence)
    if tokens <= TARGET_TOKENS:
        return [(sentence, tokens)]
    words = sentence.split()
    step = max(1, int(TARGET_TOKENS / TOKENS_PER_WORD) // 2)
    return [
        (" ".join(words[i : i + step]), estimate_tokens(" ".join(words[i : i + step])))
        for i in range(0, len(words), step)
    ]
