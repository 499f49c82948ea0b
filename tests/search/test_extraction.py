"""Text from PDF, DOCX and ODT files: pages, headings, furniture removed, bad files refused."""

import io
import zipfile

import pytest
from django.utils import translation

from cases.report_files import ReportPage, docx_report, odt_report, pdf_report
from search.extraction import ExtractionError, extract_file, rejoin_lines, sniff

SENTENCE = "Myndigheten har under året förbättrat uppföljningen av de statliga investeringarna."
DANISH = "Styrelsen har kortlagt brugen af dataanalyse i staten og fundet store forskelle."


TOPICS = ["inköp", "lokaler", "personal", "it-drift", "styrning", "revision", "statistik", "arkiv"]


def _pages(count: int) -> list[ReportPage]:
    """Pages on different topics, as a report's are (identical pages would look like furniture)."""
    return [
        ReportPage(
            [
                (
                    f"Om {TOPICS[number - 1]}",
                    [
                        f"Sida {number} handlar om {TOPICS[number - 1]}. {SENTENCE} Det gäller {TOPICS[number - 1]}."
                    ]
                    * 3,
                )
            ]
        )
        for number in range(1, count + 1)
    ]


def test_pdf_blocks_keep_their_page_numbers():
    """Each block of a PDF knows the page it is printed on; the title comes from metadata."""
    extracted = extract_file(pdf_report("Uppföljning 2024", _pages(4)), "rapport.pdf")
    assert extracted.title == "Uppföljning 2024"
    assert extracted.pages == 4
    by_page = {block.page for block in extracted.blocks}
    assert by_page == {1, 2, 3, 4}
    page_three = " ".join(b.text for b in extracted.blocks if b.page == 3)
    assert "Sida 3 handlar om personal" in page_three and "Sida 2" not in page_three
    assert [b.text for b in extracted.blocks if b.heading][:2] == ["Om inköp", "Om lokaler"]


def test_running_headers_and_page_numbers_are_removed():
    """A header repeated on every page and the footer's page numbers are not text."""
    pdf = pdf_report("R", _pages(5), header="Ekonomistyrningsverket – Rapport 2024:3")
    text = extract_file(pdf, "r.pdf").text
    assert "Ekonomistyrningsverket" not in text
    assert not any(line.strip().isdigit() for line in text.splitlines())
    assert text.count(SENTENCE) == 15


def test_hyphenated_line_breaks_are_rejoined():
    """A word split at a line end is whole again; a real hyphen (IT-system) stays."""
    page = ReportPage(
        [("", ["Den digitala förvalt-<br/>ningen behöver IT-<br/>system som fungerar."])]
    )
    text = extract_file(pdf_report("R", [page]), "r.pdf").text
    assert "förvaltningen" in text
    assert "IT-system" in text
    assert rejoin_lines("sam-\nverkan och\nuppföljning") == "samverkan och uppföljning"


def test_two_columns_read_column_by_column():
    """Sentences of a two-column page are not interleaved line by line."""
    long = [
        f"Mening nummer {n} om statens digitala infrastruktur och dess styrning." for n in range(40)
    ]
    pdf = pdf_report("R", [ReportPage([("Analys", [" ".join(long)])])], two_columns=True)
    text = extract_file(pdf, "r.pdf").text
    for n in range(40):
        assert f"Mening nummer {n} om statens digitala infrastruktur och dess styrning." in text


def test_docx_headings_and_title():
    data = docx_report(
        "Kortlægning af dataanalyse i staten",
        [("Baggrund", [DANISH]), ("Anbefalinger", ["Del data på tværs af myndigheder."])],
        header="Digitaliseringsstyrelsen – side",
    )
    extracted = extract_file(data, "rapport.docx")
    assert extracted.title == "Kortlægning af dataanalyse i staten"
    headings = [b.text for b in extracted.blocks if b.heading]
    assert headings == ["Kortlægning af dataanalyse i staten", "Baggrund", "Anbefalinger"]
    assert DANISH in extracted.text
    assert "Digitaliseringsstyrelsen" not in extracted.text  # header and footer are not body
    assert all(block.page is None for block in extracted.blocks)


def test_odt_headings_and_title():
    data = odt_report("Erfarenheter av e-tjänster", [("Bakgrund", [SENTENCE])])
    extracted = extract_file(data, "rapport.odt")
    assert extracted.title == "Erfarenheter av e-tjänster"
    assert [b.text for b in extracted.blocks if b.heading] == [
        "Erfarenheter av e-tjänster",
        "Bakgrund",
    ]
    assert SENTENCE in extracted.text


def test_sniff_tells_formats_apart():
    assert sniff(pdf_report("R", _pages(1))) == ".pdf"
    assert sniff(docx_report("R", [])) == ".docx"
    assert sniff(odt_report("R", [])) == ".odt"
    assert sniff(b"<html></html>") == ""


def _error(data: bytes, name: str) -> ExtractionError:
    with translation.override("en"), pytest.raises(ExtractionError) as caught:
        extract_file(data, name)
    return caught.value


def test_encrypted_pdf_is_refused():
    error = _error(pdf_report("R", _pages(1), password="hemligt"), "r.pdf")
    assert error.code == "encrypted"
    assert "password" in error.message


def test_scanned_pdf_without_text_layer_is_refused():
    error = _error(pdf_report("R", _pages(2), with_text=False), "scan.pdf")
    assert error.code == "no_text"
    assert "OCR is not supported" in error.message


def test_corrupt_pdf_is_refused():
    data = pdf_report("R", _pages(2))
    error = _error(data[: len(data) // 3], "r.pdf")
    assert error.code in {"corrupt", "no_text"}


@pytest.mark.parametrize(("writer", "name"), [(docx_report, "r.docx"), (odt_report, "r.odt")])
def test_corrupt_zip_is_refused(writer, name):
    data = writer("R", [("", [SENTENCE])])
    error = _error(data[:200] + b"\x00" * 50 + data[250:], name)
    assert error.code == "corrupt"


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"<html><h1>Rapport</h1></html>", "rapport.pdf"),
        (b"%PDF-1.4 not really", "rapport.docx"),
        (b"plain text", "rapport.odt"),
    ],
)
def test_extension_that_lies_is_refused(data, name):
    error = _error(data, name)
    assert error.code == "wrong_type"


def test_docx_named_odt_is_refused():
    assert _error(docx_report("R", [("", [SENTENCE])]), "r.odt").code == "wrong_type"


def test_file_over_the_size_limit_is_refused(settings):
    settings.ERFA_DOCUMENT_MAX_MB = 0.01
    error = _error(pdf_report("R", _pages(8)) + b" " * 20_000, "r.pdf")
    assert error.code == "too_large"


def test_zip_bomb_is_refused():
    """A DOCX whose part inflates a thousandfold is refused before anything is unpacked."""
    data = docx_report("R", [("", [SENTENCE])])
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bomb:
        for item in source.infolist():
            bomb.writestr(item.filename, source.read(item.filename))
        bomb.writestr("word/media/padding.xml", b"\x00" * (20 * 1024 * 1024))
    error = _error(buffer.getvalue(), "r.docx")
    assert error.code == "zip_bomb"


def test_unsupported_and_empty_files():
    assert _error(b"", "r.pdf").code == "empty"
    assert _error(b"abc", "r.rtf").code == "unsupported"
