"""Import HTML, text, Markdown and report (PDF, DOCX, ODT) documents as case studies.

One function, ``import_documents``, serves both the ``import_documents`` command and the
admin upload view. Every file is imported in a transaction of its own, so one bad file
loses nothing else. A file's source (its path, or "upload:" and its name) and a hash of its
normalised text are kept on the page: importing the same source again updates that page
with a new revision, and the same text from anywhere is reported as a duplicate.

The body of a document goes into the case's "approach" field, and its opening words into
the summary; moderators sort out the rest in the admin. A report's original file is attached
to its case, and only its opening goes into "approach" (cases/report_import.py says why).
"""

from __future__ import annotations

import hashlib
import logging
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from bs4 import BeautifulSoup
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.html import escape
from django.utils.translation import gettext as _

from portal.faults import fault_point
from portal.language import detect_language
from portal.models import Country
from search.extraction import ExtractionError, check_size

from .models import CaseIndexPage, CaseStudyPage
from .plain_text import summarise
from .report_import import (
    REPORT_EXTENSIONS,
    ReportError,
    attach_original,
    original_document,
    read_report,
)

logger = logging.getLogger(__name__)

TEXT_EXTENSIONS = frozenset({".html", ".htm", ".txt", ".md"})
SUPPORTED_EXTENSIONS = TEXT_EXTENSIONS | REPORT_EXTENSIONS
MAX_FILE_SIZE = 5 * 1024 * 1024  # text files; reports: ERFA_DOCUMENT_MAX_MB (search.extraction)
SUMMARY_LENGTH = 300

# Page furniture that is not the document: dropped before the text is read.
# (Tag names as words: the list literal ruff would write takes a line per tag.)
_BOILERPLATE_TAGS = (
    "nav header footer aside script style noscript form button iframe svg template".split()  # noqa: SIM905
)
_BOILERPLATE_MARKERS = re.compile(r"cookie|consent|share|social|breadcrumb|contact", re.I)
_BLOCK_TAGS = (  # noqa: SIM905
    "p div section article main li ul ol table tr td th blockquote pre dd dt figcaption"
    " h1 h2 h3 h4 h5 h6"
).split()
_HEADING_TAGS = ["h2", "h3", "h4", "h5", "h6"]
_MARKDOWN_HEADING = re.compile(r"^\s{0,3}#{1,6}\s*")
_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")


class Outcome(StrEnum):
    IMPORTED = "imported"
    UPDATED = "updated"
    DUPLICATE = "duplicate"
    FAILED = "failed"


@dataclass(frozen=True)
class SourceFile:
    """A document to import: where it comes from, its size, and how to read its bytes."""

    source: str
    size: int
    read: Callable[[], bytes]

    @classmethod
    def from_path(cls, path: Path) -> SourceFile:
        return cls(source=str(path.resolve()), size=path.stat().st_size, read=path.read_bytes)

    @property
    def extension(self) -> str:
        return Path(self.source).suffix.lower()


@dataclass
class ImportResult:
    source: str
    outcome: Outcome
    message: str = ""
    page: CaseStudyPage | None = None


@dataclass
class ImportSummary:
    results: list[ImportResult] = field(default_factory=list)

    def count(self, outcome: Outcome) -> int:
        return sum(1 for result in self.results if result.outcome == outcome)

    @property
    def all_failed(self) -> bool:
        """True when files were given and not one is in the library now (duplicates are)."""
        return bool(self.results) and all(r.outcome == Outcome.FAILED for r in self.results)

    def lines(self) -> list[str]:
        """One line per file, then the totals."""
        lines = [f"{r.outcome.value:<9} {r.source}: {r.message}" for r in self.results]
        lines.append(
            _(
                "%(imported)d imported, %(updated)d updated, %(duplicates)d skipped as duplicate, %(failed)d failed"
            )
            % {
                "imported": self.count(Outcome.IMPORTED),
                "updated": self.count(Outcome.UPDATED),
                "duplicates": self.count(Outcome.DUPLICATE),
                "failed": self.count(Outcome.FAILED),
            }
        )
        return lines


class DocumentError(Exception):
    """A file that cannot become a case; the message says why, for the summary."""


@dataclass(frozen=True)
class ParsedDocument:
    title: str
    paragraphs: list[tuple[str, bool]]  # (text, is_heading)
    fingerprint: str
    language_sample: str = ""  # a report's text beyond its opening, to tell its language

    @property
    def body_text(self) -> str:
        return "\n\n".join(text for text, is_heading in self.paragraphs if not is_heading)

    @property
    def body_html(self) -> str:
        return "".join(
            f"<h3>{escape(text)}</h3>" if is_heading else f"<p>{escape(text)}</p>"
            for text, is_heading in self.paragraphs
        )


def collect_files(paths: Iterable[Path]) -> tuple[list[SourceFile], list[ImportResult]]:
    """The files below ``paths`` (folders recursively), and failures for missing paths."""
    files, failures = [], []
    for path in paths:
        if path.is_dir():
            files += [
                SourceFile.from_path(child)
                for child in sorted(path.rglob("*"))
                if child.is_file() and not child.name.startswith(".")
            ]
        elif path.is_file():
            files.append(SourceFile.from_path(path))
        else:
            failures.append(ImportResult(str(path), Outcome.FAILED, _("no such file or folder")))
    return files, failures


def import_documents(
    files: Iterable[SourceFile],
    parent: CaseIndexPage,
    *,
    publish: bool = False,
    language: str = "",
    user=None,
) -> ImportSummary:
    """Import every file below ``parent``; a failure is reported and the next file goes on."""
    summary = ImportSummary()
    for source_file in files:
        try:
            with transaction.atomic():
                result = _import_one(
                    source_file, parent, publish=publish, language=language, user=user
                )
        except (DocumentError, ValidationError) as error:
            message = (
                "; ".join(error.messages) if isinstance(error, ValidationError) else str(error)
            )
            result = ImportResult(source_file.source, Outcome.FAILED, message)
        except Exception as error:
            # Whatever went wrong with this file, the others still get their turn.
            logger.exception("Importing %s failed", source_file.source)
            result = ImportResult(source_file.source, Outcome.FAILED, repr(error))
        summary.results.append(result)
    return summary


def parse_document(data: bytes, extension: str) -> ParsedDocument:
    """Title, paragraphs and fingerprint of a document's bytes; DocumentError when unusable."""
    if extension in REPORT_EXTENSIONS:
        return _parse_report(data, extension)
    text = _normalise(_decode(data))
    if not text:
        raise DocumentError(_("the file is empty"))
    if extension in (".html", ".htm"):
        title, paragraphs = _parse_html(text)
    else:
        title, paragraphs = _parse_text(text, markdown=extension == ".md")
    if not title:
        raise DocumentError(_("no title found (no <h1>, <title> or first line)"))
    if not any(not is_heading for _text, is_heading in paragraphs):
        raise DocumentError(_("no content besides the title"))
    fingerprint = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return ParsedDocument(title=title[:255], paragraphs=paragraphs, fingerprint=fingerprint)


def _parse_report(data: bytes, extension: str) -> ParsedDocument:
    try:
        title, paragraphs, text = read_report(data, f"report{extension}")
    except ReportError as error:
        raise DocumentError(str(error)) from error
    if not any(not is_heading for _text, is_heading in paragraphs):
        raise DocumentError(_("no content besides the title"))
    fingerprint = hashlib.sha256(_normalise(text).encode("utf-8")).hexdigest()
    return ParsedDocument(title[:255], paragraphs, fingerprint, language_sample=text)


def check_file(source_file: SourceFile) -> None:
    """DocumentError when a file's type or size rules it out; its bytes are not read."""
    if source_file.extension not in SUPPORTED_EXTENSIONS:
        raise DocumentError(
            _(
                "unsupported file type %(extension)s (use .html, .htm, .txt, .md, .pdf, .docx or .odt)"
            )
            % {"extension": source_file.extension or _("without extension")}
        )
    if source_file.extension in REPORT_EXTENSIONS:
        try:
            check_size(source_file.size)  # before reading: a huge file never reaches memory
        except ExtractionError as error:
            raise DocumentError(error.message) from error
    elif source_file.size > MAX_FILE_SIZE:
        # Checked before reading, so a huge file never reaches memory.
        raise DocumentError(
            _("too large (%(size).1f MB; at most 5 MB)") % {"size": source_file.size / 1024 / 1024}
        )


def _import_one(source_file: SourceFile, parent, *, publish, language, user) -> ImportResult:
    check_file(source_file)
    data = source_file.read()
    document = parse_document(data, source_file.extension)

    existing = CaseStudyPage.objects.filter(source_path=source_file.source).first()
    if existing is not None and existing.source_fingerprint == document.fingerprint:
        return ImportResult(
            source_file.source, Outcome.DUPLICATE, _("unchanged since the last import"), existing
        )
    if existing is None:
        twin = CaseStudyPage.objects.filter(source_fingerprint=document.fingerprint).first()
        if twin is not None:
            return ImportResult(
                source_file.source,
                Outcome.DUPLICATE,
                _("same content as “%(title)s” (%(source)s)")
                % {"title": twin.title, "source": twin.source_path},
                twin,
            )

    page = existing.get_latest_revision_as_object() if existing else CaseStudyPage(live=False)
    detected = language or detect_language(
        f"{document.title}\n{document.language_sample or document.body_text}"
    )
    page.title = document.title
    page.summary = summarise(document.body_text, SUMMARY_LENGTH)
    page.approach = document.body_html
    page.language = detected
    page.source_path = source_file.source
    page.source_fingerprint = document.fingerprint
    if source_file.extension in REPORT_EXTENSIONS:
        attach_original(page, original_document(data, source_file.source, document.title, user))
    if existing is None:
        page.country = {"sv": Country.SWEDEN, "da": Country.DENMARK}.get(detected, Country.OTHER)
        page.owner = user
        parent.add_child(instance=page)
    else:
        # A draft's fields live in its revisions; the row keeps the fingerprint current
        # so that the next import compares against what was imported last.
        CaseStudyPage.objects.filter(pk=page.pk).update(source_fingerprint=document.fingerprint)
    revision = page.save_revision(user=user, log_action=True)
    if publish:
        revision.publish(user=user)
    fault_point("cases.import.file")  # written, not committed: a kill here loses only this file
    state = _("published") if publish else _("draft")
    if existing is None:
        message = _("“%(title)s” (%(state)s)") % {"title": page.title, "state": state}
        return ImportResult(source_file.source, Outcome.IMPORTED, message, page)
    message = _("“%(title)s” updated (new %(state)s revision)") % {
        "title": page.title,
        "state": state,
    }
    return ImportResult(source_file.source, Outcome.UPDATED, message, page)


def _decode(data: bytes) -> str:
    if b"\x00" in data:
        raise DocumentError(_("binary file (contains NUL bytes)"))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            # Older Windows tools still write cp1252; its five unused bytes rule out the rest.
            text = data.decode("cp1252")
        except UnicodeDecodeError as error:
            raise DocumentError(
                _("not readable as UTF-8 or Windows-1252 text (byte %(position)d)")
                % {"position": error.start}
            ) from error
    control = sum(
        1 for char in text if unicodedata.category(char) == "Cc" and char not in "\t\n\r\f"
    )
    if control > max(8, len(text) // 100):
        raise DocumentError(_("binary file (too many control characters)"))
    return text


def _normalise(text: str) -> str:
    """Same text, same fingerprint: Unicode form, line ends and trailing space evened out."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    return "\n".join(line.rstrip() for line in text.split("\n")).strip()


def _clean_line(text: str) -> str:
    return " ".join(text.split())


def _parse_html(text: str) -> tuple[str, list[tuple[str, bool]]]:
    soup = BeautifulSoup(text, "html.parser")
    page_title = _clean_line(soup.title.get_text()) if soup.title else ""
    for element in soup.find_all(_BOILERPLATE_TAGS):
        element.decompose()
    for element in soup.find_all(_has_boilerplate_marker):
        element.decompose()
    main = soup.find("main") or soup.find("article") or soup.body or soup
    heading = main.find("h1") or soup.find("h1")
    title = _clean_line(heading.get_text(" ")) if heading else page_title
    if heading:
        heading.decompose()
    headings = {_clean_line(h.get_text(" ")) for h in main.find_all(_HEADING_TAGS)}
    # Line breaks around every block element, so that inline markup stays on its line.
    for element in main.find_all(_BLOCK_TAGS):
        element.insert_before("\n")
        element.insert_after("\n")
    for element in main.find_all("br"):
        element.replace_with("\n")
    if main.title:
        main.title.decompose()
    lines = [_clean_line(line) for line in main.get_text().split("\n")]
    return title, [(line, line in headings) for line in lines if line]


def _has_boilerplate_marker(element) -> bool:
    if element.name in ("html", "body", "main", "article"):
        return False
    attributes = " ".join([element.get("id") or "", *(element.get("class") or [])])
    return bool(attributes and _BOILERPLATE_MARKERS.search(attributes))


def _parse_text(text: str, *, markdown: bool) -> tuple[str, list[tuple[str, bool]]]:
    lines = text.split("\n")
    first = next(index for index, line in enumerate(lines) if line.strip())
    title = _clean_line(_MARKDOWN_HEADING.sub("", lines[first]) if markdown else lines[first])
    paragraphs: list[tuple[str, bool]] = []
    current: list[str] = []

    def flush():
        if current:
            paragraphs.append((_clean_line(" ".join(current)), False))
            current.clear()

    for line in lines[first + 1 :]:
        if not line.strip():
            flush()
        elif markdown and _MARKDOWN_HEADING.match(line):
            flush()
            paragraphs.append((_clean_line(_MARKDOWN_HEADING.sub("", line)), True))
        elif markdown and _LIST_ITEM.match(line):
            flush()
            current.append(line.strip())
        else:
            current.append(line)
    flush()
    return title, [(text, is_heading) for text, is_heading in paragraphs if text]
