"""Reports (PDF, DOCX, ODT) imported as cases, with the original file attached."""

import io
import zipfile
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from cases.models import CaseStudyPage
from cases.report_files import ReportPage, docx_report, odt_report, pdf_report
from tests.factories import UserFactory

DANISH = [
    "Styrelsen har kortlagt brugen af dataanalyse i staten og fundet store forskelle mellem myndighederne.",
    "De fleste myndigheder har ikke en fælles strategi for data, og kun få deler deres modeller.",
]
SWEDISH = [
    "Myndigheten har infört en gemensam modell för uppföljning av digitala investeringar.",
    "Erfarenheterna visar att tidig förankring hos verksamheten är avgörande för resultatet.",
]


def _danish_pdf(**kwargs) -> bytes:
    pages = [
        ReportPage([("Baggrund", DANISH)]),
        ReportPage([("Resultater", [f"Side to handler om resultaterne. {DANISH[1]}"])]),
        ReportPage([("Anbefalinger", ["Myndighederne bør dele data og erfaringer på tværs."])]),
    ]
    return pdf_report("Kortlægning af dataanalyse i staten", pages, header="Rapport 2024", **kwargs)


def run_import(*args):
    out = StringIO()
    call_command("import_documents", *[str(arg) for arg in args], stdout=out, stderr=StringIO())
    return out.getvalue()


def test_pdf_report_becomes_a_case_with_the_file_attached(case_index, tmp_path):
    """Title from the metadata, summary from the opening, language detected, file attached."""
    data = _danish_pdf()
    (tmp_path / "kortlaegning.pdf").write_bytes(data)
    output = run_import(tmp_path / "kortlaegning.pdf", "--publish")
    assert "1 imported" in output

    page = CaseStudyPage.objects.get()
    assert page.title == "Kortlægning af dataanalyse i staten"
    assert page.language == "da" and page.country == "DK"
    assert page.summary.startswith("Styrelsen har kortlagt brugen af dataanalyse")
    assert "<h3>Baggrund</h3>" in page.approach
    assert "Rapport 2024" not in page.approach  # the running header is not text
    [attachment] = page.attachments.all()
    with attachment.document.open_file() as handle:
        assert handle.read() == data
    assert attachment.document.filename.endswith(".pdf")


@pytest.mark.parametrize(
    ("name", "writer"),
    [("erfarenheter.docx", docx_report), ("erfarenheter.odt", odt_report)],
)
def test_word_and_opendocument_reports(case_index, tmp_path, name, writer):
    (tmp_path / name).write_bytes(writer("Gemensam uppföljning", [("Bakgrund", SWEDISH)]))
    run_import(tmp_path / name)
    page = CaseStudyPage.objects.get()
    assert page.title == "Gemensam uppföljning"
    assert page.language == "sv" and not page.live
    assert "<h3>Bakgrund</h3>" in page.approach
    assert page.attachments.count() == 1


def test_a_long_report_keeps_only_its_opening_in_the_page(case_index, tmp_path):
    pages = [ReportPage([(f"Avsnitt {n}", SWEDISH * 6)]) for n in range(1, 11)]
    (tmp_path / "lang.pdf").write_bytes(pdf_report("Lång rapport", pages))
    run_import(tmp_path / "lang.pdf")
    page = CaseStudyPage.objects.get()
    assert "The full text is in the attached report" in page.approach
    assert len(page.approach) < 6000


def _zip_bomb() -> bytes:
    data = docx_report("R", [("", SWEDISH)])
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bomb:
        for item in source.infolist():
            bomb.writestr(item.filename, source.read(item.filename))
        bomb.writestr("word/media/padding.xml", b"\x00" * (20 * 1024 * 1024))
    return buffer.getvalue()


def test_bad_reports_are_reported_and_the_good_ones_imported(case_index, tmp_path, settings):
    """Every bad file fails with its own reason; nothing else is lost."""
    settings.ERFA_DOCUMENT_MAX_MB = 1
    docx = docx_report("Bra rapport", [("", SWEDISH)])
    files = {
        "good.docx": docx,
        "locked.pdf": _danish_pdf(password="hemligt"),
        "scan.pdf": pdf_report("Skannad", [ReportPage()] * 2, with_text=False),
        "broken.docx": docx[:300] + b"\x00" * 100 + docx[400:],
        "broken.odt": b"PK\x03\x04" + b"\x00" * 200,
        "lies.pdf": docx,
        "lies.docx": b"<html><h1>Rubrik</h1><p>Text.</p></html>",
        "bomb.docx": _zip_bomb(),
        "huge.pdf": b"%PDF-1.7\n" + b" " * (1024 * 1024 + 1),
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    output = run_import(tmp_path)

    assert CaseStudyPage.objects.get().title == "Bra rapport"
    assert "1 imported, 0 updated, 0 skipped as duplicate, 8 failed" in output
    assert "locked.pdf: the PDF is encrypted with a password" in output
    assert "scan.pdf: the PDF has no text layer (a scan?); OCR is not supported" in output
    assert "broken.docx: the DOCX file is damaged" in output
    assert "broken.odt: the file is named .odt but its content is" in output
    assert "lies.pdf: the file is named .pdf but its content is .docx" in output
    assert "lies.docx: the file is named .docx but its content is something else" in output
    assert "bomb.docx: the DOCX file unpacks to far more than it holds" in output
    assert "huge.pdf: the file is too large" in output


def test_reimporting_the_same_report_is_a_duplicate(case_index, tmp_path):
    (tmp_path / "r.pdf").write_bytes(_danish_pdf())
    run_import(tmp_path / "r.pdf")
    assert "unchanged since the last import" in run_import(tmp_path / "r.pdf")
    assert CaseStudyPage.objects.get().attachments.count() == 1


def test_moderators_upload_reports_in_the_admin(
    client, case_index, django_capture_on_commit_callbacks
):
    moderator = UserFactory(username="moderator", is_staff=True, groups=["Moderators"])
    client.force_login(moderator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/cases/import/",
            {
                "files": [
                    SimpleUploadedFile("kortlaegning.pdf", _danish_pdf()),
                    SimpleUploadedFile(
                        "scan.pdf", pdf_report("S", [ReportPage()], with_text=False)
                    ),
                ],
                "parent": case_index.pk,
            },
        )
    assert response.status_code == 302
    status = client.get(response["Location"])
    outcomes = [(r.name, r.state) for r in status.context["imports"]]
    assert outcomes == [("kortlaegning.pdf", "imported"), ("scan.pdf", "failed")]
    assert "OCR is not supported" in status.content.decode()
    page = CaseStudyPage.objects.get()
    assert page.attachments.get().document.uploaded_by_user == moderator


def test_reimporting_a_changed_report_replaces_its_attachment(case_index, tmp_path):
    """The new version is attached in place of the old; nothing else on the case changes."""
    path = tmp_path / "r.pdf"
    path.write_bytes(_danish_pdf())
    run_import(path, "--publish")
    first = CaseStudyPage.objects.get().attachments.get().document
    path.write_bytes(
        pdf_report("Kortlægning af dataanalyse i staten", [ReportPage([("Ny", DANISH[::-1])])])
    )
    assert "updated" in run_import(path, "--publish")
    page = CaseStudyPage.objects.get()
    [attachment] = page.attachments.all()
    assert attachment.document_id != first.pk
    assert page.approach.startswith("<h3>Ny</h3>")
