"""Reports (PDF, Word, OpenDocument) as cases: their opening as the case's text, the file
itself attached.

A case imported from a report holds the report's opening (up to ``OPENING_CHARACTERS``) in
"approach", not all of it: the whole text reaches search through the attached file, passage
by passage with page numbers (search/attachments.py), and a 300-page report pasted into the
page would swamp the case's own words in its page vector and drown the page in the editor.
"""

from __future__ import annotations

import hashlib
from pathlib import PurePath

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from wagtail.documents import get_document_model

from search.extraction import FILE_EXTENSIONS, ExtractionError, extract_file

from .models import CaseAttachment

OPENING_CHARACTERS = 3000
# What the language is told from: the opening says it as well as the whole would.
LANGUAGE_SAMPLE_CHARACTERS = 20_000

REPORT_EXTENSIONS = FILE_EXTENSIONS


class ReportError(Exception):
    """The report cannot be read; the message says why."""


def read_report(data: bytes, name: str) -> tuple[str, list[tuple[str, bool]], str]:
    """Title, opening paragraphs (text, is_heading) and full text of a report's bytes."""
    try:
        extracted = extract_file(data, name)
    except ExtractionError as error:
        raise ReportError(error.message) from error
    paragraphs: list[tuple[str, bool]] = []
    size = 0
    for block in extracted.blocks:
        if block.heading and block.text == extracted.title and not paragraphs:
            continue  # the title, shown as the page's title already
        if size >= OPENING_CHARACTERS and not block.heading:
            paragraphs.append(
                (_("The full text is in the attached report, %(name)s.") % {"name": name}, False)
            )
            break
        paragraphs.append((block.text, block.heading))
        size += len(block.text)
    while paragraphs and paragraphs[-1][1]:
        paragraphs.pop()  # a heading with nothing under it
    return extracted.title, paragraphs, extracted.text[:LANGUAGE_SAMPLE_CHARACTERS]


def original_document(data: bytes, source: str, title: str, user=None):
    """The report as a Wagtail document: the one already holding these bytes, else a new
    one in the root collection (its privacy follows the pages that use it)."""
    Document = get_document_model()
    file_hash = hashlib.sha1(data).hexdigest()  # noqa: S324 - Wagtail's own file_hash
    existing = Document.objects.filter(file_hash=file_hash).first()
    if existing is not None:
        return existing
    document = Document(title=title[:255], uploaded_by_user=user)
    document.file.save(PurePath(source.removeprefix("upload:")).name, ContentFile(data), save=False)
    document.file_hash = file_hash
    document.file_size = len(data)
    document.save()
    return document


def attach_original(page, document) -> None:
    """Attach ``document`` to the case, in place of an earlier import's file of the same name
    (a re-imported report replaces its old version; attachments an editor added stay)."""
    name = PurePath(document.file.name).name
    stem, suffix = PurePath(name).stem, PurePath(name).suffix
    kept = []
    for attachment in page.attachments.all():
        if attachment.document_id == document.pk:
            return
        other = PurePath(attachment.document.file.name)
        # Storage may have suffixed the earlier file's name: "report_Ab12Cd3.pdf".
        earlier = other.suffix == suffix and (
            other.stem == stem or other.stem.rsplit("_", 1)[0] == stem.rsplit("_", 1)[0]
        )
        if not earlier:
            kept.append(attachment)
    page.attachments = [*kept, CaseAttachment(document=document)]
