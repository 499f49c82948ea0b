"""The demo's attached reports: written from ``demo_content/reports.yaml`` as PDF and Word
files (cases/report_files.py) and attached to their cases.

Idempotent: the files are written byte for byte the same from the same entry, so a case whose
attachment already holds those bytes is left alone. A changed entry replaces the file of the
document attached before (Wagtail's document signals then re-index the case); a new one is
attached in a new revision of the case.
"""

from __future__ import annotations

import hashlib
from pathlib import PurePath

from django.core.files.base import ContentFile
from wagtail.documents import get_document_model

from portal.demo_loader import DemoContentError, read_yaml

from .demo_data import CONTENT
from .models import CaseAttachment, CaseStudyPage
from .report_files import ReportPage, docx_report, pdf_report

REPORTS_FILE = CONTENT / "reports.yaml"


def load_reports(cases: dict[str, CaseStudyPage]) -> None:
    for entry in read_yaml(REPORTS_FILE) or []:
        page = cases.get(entry["case"])
        if page is None:
            raise DemoContentError(f"{REPORTS_FILE}: no case {entry['case']!r}")
        _attach(page, entry["file"], entry["title"], write_report(entry))


def write_report(entry: dict) -> bytes:
    pages = [
        ReportPage([(s.get("heading", ""), s["paragraphs"]) for s in page])
        for page in entry["pages"]
    ]
    extension = PurePath(entry["file"]).suffix.lower()
    if extension == ".pdf":
        return pdf_report(entry["title"], pages, header=entry.get("header", ""))
    if extension == ".docx":
        return docx_report(entry["title"], [s for page in pages for s in page.sections])
    raise DemoContentError(f"{REPORTS_FILE}: {entry['file']}: a report is .pdf or .docx")


def _attach(page: CaseStudyPage, file_name: str, title: str, data: bytes) -> None:
    file_hash = hashlib.sha1(data).hexdigest()  # noqa: S324 - Wagtail's own file_hash
    attached = [attachment.document for attachment in page.attachments.all()]
    if any(document.file_hash == file_hash for document in attached):
        return
    earlier = next((document for document in attached if document.title == title), None)
    if earlier is not None:
        earlier.file.save(file_name, ContentFile(data), save=False)
        earlier.file_hash, earlier.file_size = file_hash, len(data)
        earlier.save()  # re-indexes the case (search/signals.py)
        return
    document = get_document_model()(title=title, file_hash=file_hash, file_size=len(data))
    document.file.save(file_name, ContentFile(data), save=False)
    document.save()
    page.attachments.add(CaseAttachment(document=document))
    page.save_revision().publish()
