"""The demo's reports: written as real PDF and Word files, attached once, updated in place."""

from wagtail.documents import get_document_model

from cases import demo_reports
from cases.demo_reports import load_reports, write_report
from portal.demo_loader import read_yaml
from search.extraction import extract_file
from tests.factories import CaseStudyPageFactory

ENTRIES = read_yaml(demo_reports.REPORTS_FILE)


def _cases(case_index):
    return {
        entry["case"]: CaseStudyPageFactory(parent=case_index, slug=entry["case"])
        for entry in ENTRIES
    }


def test_every_demo_report_is_a_readable_file():
    """Each entry makes a file whose text extraction reads back, pages included."""
    for entry in ENTRIES:
        extracted = extract_file(write_report(entry), entry["file"])
        assert extracted.title == entry["title"]
        if entry["file"].endswith(".pdf"):
            assert extracted.pages == len(entry["pages"])
            assert entry.get("header", "") not in extracted.text


def test_the_danish_mapping_report_has_its_data_sharing_chapter_on_page_three():
    entry = next(e for e in ENTRIES if e["file"] == "kortlaegning-dataanalyse-i-staten.pdf")
    extracted = extract_file(write_report(entry), entry["file"])
    page_three = " ".join(block.text for block in extracted.blocks if block.page == 3)
    assert "pseudonymiserer" in page_three


def test_reports_are_attached_once(case_index):
    cases = _cases(case_index)
    load_reports(cases)
    Document = get_document_model()
    assert Document.objects.count() == len(ENTRIES)
    for entry in ENTRIES:
        page = cases[entry["case"]]
        page.refresh_from_db()
        assert [a.document.title for a in page.attachments.all()] == [entry["title"]]
    revisions = {slug: page.revisions.count() for slug, page in cases.items()}

    load_reports(cases)  # load_demo again: nothing new
    assert Document.objects.count() == len(ENTRIES)
    assert {slug: page.revisions.count() for slug, page in cases.items()} == revisions


def test_a_changed_report_replaces_the_file_of_its_document(case_index, monkeypatch):
    cases = _cases(case_index)
    load_reports(cases)
    changed = [dict(entry) for entry in ENTRIES]
    changed[0]["pages"] = [[{"heading": "Ny", "paragraphs": ["En helt ny tekst om data."]}]]
    monkeypatch.setattr(demo_reports, "read_yaml", lambda path: changed)
    load_reports(cases)
    Document = get_document_model()
    assert Document.objects.count() == len(ENTRIES)
    document = Document.objects.get(title=changed[0]["title"])
    with document.open_file() as handle:
        assert "En helt ny tekst" in extract_file(handle.read(), document.filename).text
