"""From a PDF, Word (DOCX) or OpenDocument (ODT) file to clean blocks of text.

``extract_file(data, filename)`` returns the file's title (from its metadata, else its first
heading) and its text as blocks in reading order, each with the PDF page it is on and whether
it is a heading. Running headers and footers (lines repeated at the top or bottom of most
pages) and bare page numbers are dropped, and words hyphenated across a line break are
joined again. A file that cannot be read raises ``ExtractionError`` with a message for the
person who uploaded it: encrypted, scanned without a text layer, corrupt, not what its
extension says, too large, or a zip bomb.

Reading order in a PDF is the order of its content stream (pypdf's plain mode): every
generator we tried (Word, LibreOffice, reportlab frames, LaTeX) writes a two-column page
column by column, so sentences stay whole; pypdf's layout mode would interleave the columns
line by line. Word and OpenDocument files have no fixed pages, so their blocks carry none;
their headers and footers live in other parts of the file and are never read.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import PurePath

from django.conf import settings
from django.utils.translation import gettext as _

DEFAULT_MAX_MB = 50
# A ZIP-based document may unpack to at most this many times the size limit, and no part of it
# may be compressed more than MAX_RATIO to one: real DOCX/ODT XML compresses 5-20 to one.
MAX_UNPACKED_FACTOR = 4
MAX_RATIO = 200
MAX_ZIP_ENTRIES = 5000
# A header or footer line repeats on at least this share of pages (and on three or more).
RUNNING_LINE_SHARE = 0.5
EDGE_LINES = 3  # how many lines at the top and at the bottom of a page may be furniture

FILE_EXTENSIONS = frozenset({".pdf", ".docx", ".odt"})
_ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
_PAGE_NUMBER_RE = re.compile(
    r"^\W*(?:(?:page|sida|side|s\.)\s*)?\d{1,4}(?:\s*(?:/|av|af|of)\s*\d{1,4})?\W*$", re.I
)
_HYPHENATED_RE = re.compile(r"(?<=[a-zåäöæøéü])[-\u00ad]\n(?=[a-zåäöæøéü])")
_SOFT_BREAK_RE = re.compile(r"(?<=[A-ZÅÄÖÆØÉÜ0-9])-\n(?=\w)")
_TERMINAL = tuple('.!?:;…”"»)')


class ExtractionError(Exception):
    """A file whose text cannot be read; ``message`` says why, for the uploader."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Block:
    text: str
    page: int | None = None  # 1-based page of a PDF; None for DOCX and ODT
    heading: bool = False


@dataclass
class ExtractedFile:
    title: str
    blocks: list[Block] = field(default_factory=list)
    pages: int = 0  # PDF pages; 0 for DOCX and ODT

    @property
    def text(self) -> str:
        return "\n".join(block.text for block in self.blocks)


def max_file_size() -> int:
    """The size limit in bytes (setting ``ERFA_DOCUMENT_MAX_MB``, default 50 MB)."""
    return int(getattr(settings, "ERFA_DOCUMENT_MAX_MB", DEFAULT_MAX_MB) * 1024 * 1024)


def check_size(size: int) -> None:
    if size > max_file_size():
        raise ExtractionError(
            "too_large",
            _("the file is too large (%(size).1f MB; at most %(limit)d MB)")
            % {"size": size / 1024 / 1024, "limit": max_file_size() // 1024 // 1024},
        )


def extract_file(data: bytes, filename: str) -> ExtractedFile:
    """Title and blocks of a PDF, DOCX or ODT file; ExtractionError when unusable."""
    extension = PurePath(filename).suffix.lower()
    if extension not in FILE_EXTENSIONS:
        raise ExtractionError(
            "unsupported",
            _("unsupported file type %(extension)s") % {"extension": extension or "?"},
        )
    check_size(len(data))
    if not data:
        raise ExtractionError("empty", _("the file is empty"))
    actual = sniff(data)
    if actual != extension:
        raise ExtractionError(
            "wrong_type",
            _("the file is named %(extension)s but its content is %(actual)s")
            % {"extension": extension, "actual": actual or _("something else")},
        )
    extracted = {".pdf": _pdf, ".docx": _docx, ".odt": _odt}[extension](data)
    if not extracted.blocks:
        if extension == ".pdf":
            raise ExtractionError(
                "no_text",
                _("the PDF has no text layer (a scan?); OCR is not supported"),
            )
        raise ExtractionError("empty", _("the document holds no text"))
    if not extracted.title:
        first = next((b for b in extracted.blocks if b.heading), extracted.blocks[0])
        extracted.title = first.text[:255]
    return extracted


def sniff(data: bytes) -> str:
    """What the bytes are, by their magic: ".pdf", ".docx", ".odt", ".zip" or ""."""
    if not data.startswith(b"PK\x03\x04"):
        # A PDF may have a few bytes of junk before its header; readers allow 1 KB.
        return ".pdf" if b"%PDF-" in data[:1024] else ""
    # An ODT's first entry is its uncompressed mimetype; a DOCX names its parts in the clear.
    if data[30:38] == b"mimetype" and _ODT_MIMETYPE in data[:200]:
        return ".odt"
    if b"word/" in data or b"[Content_Types].xml" in data[:4096]:
        return ".docx"
    return ".zip"


# PDF -------------------------------------------------------------------------------------


def _pdf(data: bytes) -> ExtractedFile:
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, FileNotDecryptedError, PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            # Encrypted with an empty user password, a PDF only restricts printing or copying:
            # anyone can open it, so its text is read. Any other password is refused.
            try:
                opened = reader.decrypt("")
            except (DependencyError, NotImplementedError):
                opened = 0
            if not opened:
                raise ExtractionError(
                    "encrypted",
                    _("the PDF is encrypted with a password; upload an unprotected copy"),
                )
        title = str((reader.metadata or {}).get("/Title") or "").strip()
        pages = [_page_lines(page.extract_text() or "") for page in reader.pages]
    except (PdfReadError, FileNotDecryptedError, ValueError, KeyError, TypeError) as error:
        raise ExtractionError(
            "corrupt", _("the PDF is damaged and cannot be read (%(error)s)") % {"error": error}
        ) from error
    pages = _drop_running_lines(pages)
    blocks: list[Block] = []
    for number, lines in enumerate(pages, start=1):
        blocks.extend(_page_blocks(lines, number))
    return ExtractedFile(title=_clean(title), blocks=blocks, pages=len(pages))


def _page_lines(text: str) -> list[str]:
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return [line for line in lines if line]


def _furniture_key(line: str) -> str:
    """Lines that differ only in their numbers ("Rapport 2024 – sida 3") are the same line."""
    return re.sub(r"\d+", "#", line.casefold())


def _edge_keys(lines: list[str]) -> dict[int, tuple[int, str]]:
    """The first and last EDGE_LINES lines of a page, by index: (position, furniture key)."""
    keys = {}
    for position in range(min(EDGE_LINES, len(lines))):
        keys[len(lines) - 1 - position] = (-1 - position, _furniture_key(lines[-1 - position]))
    for position in range(min(EDGE_LINES, len(lines))):
        keys[position] = (position, _furniture_key(lines[position]))
    return keys


def _drop_running_lines(pages: list[list[str]]) -> list[list[str]]:
    """Without headers, footers and page numbers: lines at a page's top or bottom that
    repeat on most pages, and bare numbers there."""
    # Keyed by position too (second line from the top, last line …): a header stays put.
    counts: Counter[tuple[int, str]] = Counter()
    for lines in pages:
        counts.update(_edge_keys(lines).values())
    threshold = max(3, RUNNING_LINE_SHARE * len(pages))
    running = {key for key, count in counts.items() if count >= threshold}
    cleaned = []
    for lines in pages:
        edges = _edge_keys(lines)
        cleaned.append(
            [
                line
                for index, line in enumerate(lines)
                if index not in edges
                or not (edges[index] in running or _PAGE_NUMBER_RE.match(line))
            ]
        )
    return cleaned


def _page_blocks(lines: list[str], page: int) -> list[Block]:
    """A page's lines as paragraphs and headings: a short line without final punctuation,
    after a finished sentence and before a capital, is a heading."""
    blocks: list[Block] = []
    paragraph: list[str] = []

    def flush() -> None:
        if paragraph:
            blocks.append(Block(rejoin_lines("\n".join(paragraph)), page))
            paragraph.clear()

    for index, line in enumerate(lines):
        following = lines[index + 1] if index + 1 < len(lines) else ""
        previous_done = not paragraph or paragraph[-1].endswith(_TERMINAL)
        if (
            len(line) <= 80
            and not line.endswith((*_TERMINAL, ",", "-"))
            and previous_done
            and following[:1].isupper()
            and not _PAGE_NUMBER_RE.match(line)
        ):
            flush()
            blocks.append(Block(line, page, heading=True))
        else:
            paragraph.append(line)
    flush()
    return blocks


def rejoin_lines(text: str) -> str:
    """One paragraph from its printed lines: "förvalt-\\nningen" is "förvaltningen" again,
    "IT-\\nsystem" stays "IT-system", and other line breaks become spaces."""
    text = _HYPHENATED_RE.sub("", text)
    text = _SOFT_BREAK_RE.sub("-", text)
    return " ".join(text.split())


# ZIP-based formats -----------------------------------------------------------------------


def _open_zip(data: bytes, kind: str) -> zipfile.ZipFile:
    """The archive, after its directory is checked for bombs: zipfile never inflates an
    entry past the size its directory declares (it fails on the CRC instead), so declared
    sizes within bounds bound the whole decompression."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as error:
        raise ExtractionError(
            "corrupt",
            _("the %(kind)s file is damaged (not a readable ZIP archive)") % {"kind": kind},
        ) from error
    unpacked = sum(entry.file_size for entry in entries)
    too_dense = any(
        entry.file_size > 1024 * 1024 and entry.file_size > MAX_RATIO * max(entry.compress_size, 1)
        for entry in entries
    )
    if (
        len(entries) > MAX_ZIP_ENTRIES
        or unpacked > MAX_UNPACKED_FACTOR * max_file_size()
        or too_dense
    ):
        raise ExtractionError(
            "zip_bomb",
            _("the %(kind)s file unpacks to far more than it holds (a zip bomb?); refused")
            % {"kind": kind},
        )
    try:
        bad = archive.testzip()  # CRCs: within the bounds just checked
    except (zipfile.BadZipFile, zlib.error, EOFError) as error:
        bad = str(error)
    if bad is not None:
        raise ExtractionError(
            "corrupt", _("the %(kind)s file is damaged (%(part)s)") % {"kind": kind, "part": bad}
        )
    return archive


def _docx(data: bytes) -> ExtractedFile:
    import docx
    from docx.table import Table

    _open_zip(data, "DOCX")
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as error:  # python-docx raises KeyError, ValueError, lxml errors …
        raise ExtractionError(
            "corrupt", _("the DOCX file is damaged (%(error)s)") % {"error": error}
        ) from error
    blocks: list[Block] = []
    for item in document.iter_inner_content():
        if isinstance(item, Table):
            for row in item.rows:
                cells = dict.fromkeys(_clean(cell.text) for cell in row.cells)  # merged cells
                line = " | ".join(cell for cell in cells if cell)
                if line:
                    blocks.append(Block(line))
            continue
        text = _clean(item.text)
        style = (item.style.name if item.style is not None else "") or ""
        if text:
            blocks.append(Block(text, heading=style.startswith(("Heading", "Title"))))
    return ExtractedFile(title=_clean(document.core_properties.title or ""), blocks=blocks)


def _odt(data: bytes) -> ExtractedFile:
    from odf import opendocument, teletype
    from odf.namespaces import TABLENS, TEXTNS

    _open_zip(data, "ODT")
    try:
        document = opendocument.load(io.BytesIO(data))
    except Exception as error:  # odfpy raises whatever its XML parser raises
        raise ExtractionError(
            "corrupt", _("the ODT file is damaged (%(error)s)") % {"error": error}
        ) from error
    blocks: list[Block] = []

    def walk(element) -> None:
        for child in element.childNodes:
            name = getattr(child, "qname", None)
            if name in ((TEXTNS, "h"), (TEXTNS, "p")):
                text = _clean(teletype.extractText(child))
                if text:
                    blocks.append(Block(text, heading=name == (TEXTNS, "h")))
            elif name == (TABLENS, "table-row"):
                cells = [_clean(teletype.extractText(cell)) for cell in child.childNodes]
                line = " | ".join(cell for cell in cells if cell)
                if line:
                    blocks.append(Block(line))
            elif getattr(child, "childNodes", None):
                walk(child)

    walk(document.text)
    title = ""
    for node in document.meta.childNodes:
        if getattr(node, "qname", (None, None))[1] == "title":
            title = _clean(teletype.extractText(node))
    return ExtractedFile(title=title, blocks=blocks)


def _clean(text: str) -> str:
    return " ".join(text.replace("\u00ad", "").split())
