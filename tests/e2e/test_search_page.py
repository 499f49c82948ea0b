import os

import pytest

from search import indexing
from tests.factories import CaseIndexPageFactory, CaseStudyPageFactory

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def cases(home_page, settings, tmp_path):
    settings.ERFA_INDEX_DIR = tmp_path / "index"
    settings.ERFA_SEARCH = {"STATE_TTL": 0}
    index = CaseIndexPageFactory(parent=home_page)
    swedish = CaseStudyPageFactory(
        parent=index,
        title="Myndighetsgemensamma nyckeltal för IT-kostnader",
        summary="Tio myndigheter jämför sina IT-kostnader med gemensamma nyckeltal.",
        language="sv",
        country="SE",
    )
    danish = CaseStudyPageFactory(
        parent=index,
        title="Benchmarking af it-udgifter på tværs af ministerområder",
        summary="Ministerierne sammenligner deres it-udgifter med fælles nøgletal.",
        language="da",
        country="DK",
    )
    indexing.rebuild(progress=False)
    return swedish, danish


def test_search_page_finds_both_languages_and_filters_by_country(page, live_server, cases):
    """A visitor searches in Swedish, sees the Danish case too, then keeps only Denmark."""
    swedish, danish = cases
    page.goto(f"{live_server.url}/search/")
    page.get_by_label("What are you working on?").fill("nyckeltal för it-kostnader")
    page.get_by_role("button", name="Search", exact=True).click()

    results = page.locator("ol.search-results > li")
    titles = results.locator("h3").all_inner_texts()
    assert swedish.title in titles and danish.title in titles
    assert page.locator("ol.search-results mark").count() >= 1

    page.get_by_role("group", name="Country").get_by_label("Denmark").check()
    page.get_by_role("button", name="Apply filters").click()
    assert results.locator("h3").all_inner_texts() == [danish.title]
    assert page.get_by_role("group", name="Country").get_by_label("Denmark").is_checked()
    assert "country=DK" in page.url
