"""Small report files written on the spot: the demo's attached reports, and the tests' files.

``pdf_report`` lays pages out as a printed report does (a running header, a page number in
the footer, optionally two columns, words hyphenated at line ends where asked), so that
extraction meets what real reports hold. ``docx_report`` and ``odt_report`` write headings
and paragraphs with the formats' own heading styles.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from datetime import datetime

# Written into every file instead of "now", so the same content makes the same bytes and
# load_demo can tell an unchanged report by its hash.
FIXED_TIME = datetime(2024, 1, 1)  # noqa: DTZ001 - a file's own timestamp, no zone


@dataclass
class ReportPage:
    """One printed page: (heading, paragraphs) sections in order."""

    sections: list[tuple[str, list[str]]] = field(default_factory=list)


def pdf_report(
    title: str,
    pages: list[ReportPage],
    *,
    header: str = "",
    two_columns: bool = False,
    password: str = "",
    with_text: bool = True,
) -> bytes:
    """A PDF of ``pages``, one page each; ``header`` runs on every page, page numbers in the
    footer. ``with_text=False`` draws only shapes, as a scan without a text layer has."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import BaseDocTemplate, Frame, PageBreak, PageTemplate, Paragraph
    from reportlab.platypus.flowables import Flowable

    buffer = io.BytesIO()
    width, height = A4
    margin = 56
    styles = getSampleStyleSheet()
    encrypt = None
    if password:
        from reportlab.lib.pdfencrypt import StandardEncryption

        encrypt = StandardEncryption(password, canPrint=0)
    document = BaseDocTemplate(
        buffer, pagesize=A4, title=title, author="Erfa", encrypt=encrypt, invariant=1
    )

    def furniture(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont("Helvetica", 8)
        if header:
            canvas.drawString(margin, height - 36, header)
        canvas.drawCentredString(width / 2, 30, str(doc.page))
        canvas.restoreState()

    if two_columns:
        gap = 18
        column = (width - 2 * margin - gap) / 2
        frames = [
            Frame(margin, margin, column, height - 2 * margin, id="left"),
            Frame(margin + column + gap, margin, column, height - 2 * margin, id="right"),
        ]
    else:
        frames = [Frame(margin, margin, width - 2 * margin, height - 2 * margin, id="body")]
    document.addPageTemplates([PageTemplate(id="report", frames=frames, onPage=furniture)])

    class Scan(Flowable):
        """A grey rectangle where a scanned page's picture of text would be."""

        def wrap(self, available_width, available_height):
            return available_width, 300

        def draw(self):
            self.canv.setFillGray(0.8)
            self.canv.rect(0, 0, 400, 300, fill=1, stroke=0)

    story = []
    for number, page in enumerate(pages):
        if number:
            story.append(PageBreak())
        if not with_text:
            story.append(Scan())
            continue
        for heading, paragraphs in page.sections:
            if heading:
                story.append(Paragraph(heading, styles["Heading2"]))
            story.extend(Paragraph(text, styles["BodyText"]) for text in paragraphs)
    document.build(story)
    return buffer.getvalue()


def docx_report(title: str, sections: list[tuple[str, list[str]]], *, header: str = "") -> bytes:
    """A Word document: the title as its core property and first heading, then sections."""
    import docx

    document = docx.Document()
    document.core_properties.title = title
    document.core_properties.created = document.core_properties.modified = FIXED_TIME
    if header:
        document.sections[0].header.paragraphs[0].text = header
        document.sections[0].footer.paragraphs[0].text = header
    document.add_heading(title, level=1)
    for heading, paragraphs in sections:
        if heading:
            document.add_heading(heading, level=2)
        for text in paragraphs:
            document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return _fixed_zip_times(buffer.getvalue())


def odt_report(title: str, sections: list[tuple[str, list[str]]]) -> bytes:
    """An OpenDocument text: the title in its metadata and as its first heading."""
    from odf import dc, opendocument, text

    document = opendocument.OpenDocumentText()
    document.meta.addElement(dc.Title(text=title))
    document.text.addElement(text.H(outlinelevel=1, text=title))
    for heading, paragraphs in sections:
        if heading:
            document.text.addElement(text.H(outlinelevel=2, text=heading))
        for paragraph in paragraphs:
            document.text.addElement(text.P(text=paragraph))
    buffer = io.BytesIO()
    document.write(buffer)
    return buffer.getvalue()


def _fixed_zip_times(data: bytes) -> bytes:
    """The same archive with every entry dated FIXED_TIME."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            info = zipfile.ZipInfo(item.filename, date_time=FIXED_TIME.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(info, source.read(item.filename))
    return buffer.getvalue()
