"""A Swedish search finds a passage on page 3 of a Danish report attached to a case, says
where it is ("….pdf, page 3"), and its link opens that page of the PDF."""

import hashlib
import os

import pytest
from django.core.files.base import ContentFile
from playwright.sync_api import expect
from wagtail.documents import get_document_model

from cases.demo_reports import REPORTS_FILE, write_report
from cases.models import CaseAttachment, CaseIndexPage, CaseStudyPage
from portal.demo_loader import read_yaml

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

QUERY = "pseudonymisera personnummer innan analysen"


@pytest.fixture
def danish_report_case(publish_cases, settings):
    """The demo's Danish mapping report (reports.yaml), attached to a published Danish case
    among the browser tests' other cases."""
    publish_cases()
    # Six pages are no background for a page found by meaning to stand out from (the full
    # demo is, tests/search/test_demo_corpus.py): the floor alone decides here.
    settings.ERFA_SEARCH = {**settings.ERFA_SEARCH, "SEMANTIC_FLOOR": 0.80}
    entry = next(
        entry
        for entry in read_yaml(REPORTS_FILE)
        if entry["file"] == "kortlaegning-dataanalyse-i-staten.pdf"
    )
    data = write_report(entry)
    document = get_document_model()(
        title=entry["title"],
        file_hash=hashlib.sha1(data).hexdigest(),  # noqa: S324 - Wagtail's own file_hash
        file_size=len(data),
    )
    document.file.save(entry["file"], ContentFile(data), save=False)
    document.save()
    case = CaseStudyPage(
        title="Modenhedsvurdering af statslige institutioners digitale kapabiliteter",
        slug="modenhedsvurdering",
        summary="Digitaliseringsstyrelsen vurderer statslige institutioners digitale modenhed.",
        language="da",
        country="DK",
        live=False,
    )
    case.attachments = [CaseAttachment(document=document)]
    CaseIndexPage.objects.get(slug="cases").add_child(instance=case)
    case.save_revision().publish()  # autocommit: the indexing task reads the report now
    return case, document


def test_a_swedish_query_opens_page_three_of_an_attached_danish_pdf(
    page, live_server, danish_report_case
):
    case, document = danish_report_case
    page.goto(f"{live_server.url}/search/")
    page.get_by_label("What are you working on?").fill(QUERY)
    page.get_by_role("button", name="Search", exact=True).click()

    hit = page.locator("ol.search-results > li").filter(has_text=case.title)
    source = hit.locator(".search-result__source a")
    expect(source).to_have_count(1)
    label = source.inner_text()
    assert label.startswith("kortlaegning-dataanalyse-i-staten") and label.endswith(
        ".pdf, page 3"
    ), label
    href = source.get_attribute("href")
    assert href == f"{document.url}#page=3", href

    # Clicking opens the file at its page: the browser's request for it is answered with the
    # PDF (an anonymous visitor may fetch it: the case is public).
    file_url = f"{live_server.url}{document.url}"
    with page.expect_response(lambda response: response.url == file_url) as response_info:
        source.click()
    response = response_info.value
    assert response.status == 200
    assert response.headers["content-type"].startswith("application/pdf")
    page.wait_for_url(f"{live_server.url}{href}")
    assert page.url.endswith("#page=3")
    assert page.request.get(file_url).body().startswith(b"%PDF")
