"""On a phone the results come first: the facet filters wait behind a "Filter" disclosure,
and what is left to tap is at least 24 × 24 px."""

import pytest

from search import indexing
from tests.factories import (
    CaseIndexPageFactory,
    CaseStudyPageFactory,
    OrganisationFactory,
    TopicFactory,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PHONE = {"width": 390, "height": 844}
COUNTRIES = ["SE", "DK", "SE", "DK", "SE", "DK", "SE", "DK"]


@pytest.fixture
def library(home_page, settings, tmp_path):
    settings.ERFA_INDEX_DIR = tmp_path / "index"
    settings.ERFA_SEARCH = {"STATE_TTL": 0}
    index = CaseIndexPageFactory(parent=home_page, slug="cases")
    for number, country in enumerate(COUNTRIES):
        page = CaseStudyPageFactory(
            parent=index,
            title=f"Nyckeltal för IT-kostnader, myndighet {number}",
            summary="Myndigheter jämför sina IT-kostnader med gemensamma nyckeltal.",
            language="sv",
            country=country,
        )
        page.organisations = [OrganisationFactory(country=country)]
        page.topics = [TopicFactory()]
        page.save_revision().publish()
    indexing.rebuild(progress=False)
    return index


@pytest.fixture
def phone(browser):
    context = browser.new_context(locale="en-GB", viewport=PHONE)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def assert_filters_wait_and_targets_are_big_enough(phone, first_result):
    assert first_result.bounding_box()["y"] < PHONE["height"], "results start below the screen"
    summary = phone.locator("details.filter-panel > summary")
    assert summary.is_visible()
    assert summary.inner_text().startswith("Filter")
    assert not phone.locator("details.filter-panel").evaluate("details => details.open")

    summary.click()
    checkboxes = phone.locator(".facets input[type=checkbox]")
    assert checkboxes.count() > 0
    for index in range(checkboxes.count()):
        box = checkboxes.nth(index).bounding_box()
        assert box["width"] >= 24 and box["height"] >= 24, box
    box = summary.bounding_box()
    assert box["height"] >= 24
    apply = phone.get_by_role("button", name="Apply filters")
    assert apply.bounding_box()["height"] >= 24


def test_search_results_come_first_on_a_phone(phone, live_server, library):
    phone.goto(f"{live_server.url}/search/?q=nyckeltal&mode=hybrid")
    first = phone.locator("ol.search-results > li").first
    assert_filters_wait_and_targets_are_big_enough(phone, first)

    phone.locator(".facets").get_by_label("Denmark").check()
    phone.get_by_role("button", name="Apply filters").click()
    phone.wait_for_load_state()
    assert "Filter (1 selected)" in phone.locator("details.filter-panel > summary").inner_text()


def test_the_case_library_shows_cases_first_on_a_phone(phone, live_server, library):
    phone.goto(f"{live_server.url}/cases/")
    first = phone.locator("ul.case-list > li").first
    assert_filters_wait_and_targets_are_big_enough(phone, first)


def test_filters_stay_open_beside_the_results_on_a_wide_screen(page, live_server, library):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/cases/")
    assert page.locator("details.filter-panel").evaluate("details => details.open")
    assert not page.locator("details.filter-panel > summary").is_visible()
    assert page.locator(".facets input[type=checkbox]").first.is_visible()


def test_case_page_puts_its_facts_beside_the_body_when_there_is_room(
    page, phone, live_server, library
):
    case = library.get_children().live().first()
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}{case.url}")
    facts = page.locator("aside.case-facts").bounding_box()
    body = page.locator(".case-body").bounding_box()
    assert facts["x"] > body["x"] + body["width"] - 1  # beside, on the right
    assert abs(facts["y"] - body["y"]) < 5
    assert "Country" in page.locator("aside.case-facts").inner_text()

    phone.goto(f"{live_server.url}{case.url}")
    facts = phone.locator("aside.case-facts").bounding_box()
    body = phone.locator(".case-body").bounding_box()
    assert facts["y"] + facts["height"] <= body["y"]  # stacked
    assert facts["width"] <= 390
