"""The data lab in a real browser: charts are drawn from the local Plotly bundle."""

import io

import pytest
from django.utils.text import slugify
from PIL import Image

from cases.models import CaseIndexPage, CaseStudyPage
from search.state import reset_caches
from tests.factories import OrganisationFactory, TopicFactory

pytestmark = [
    pytest.mark.browser,
    # Restores what migrations created (the root page) for the tests that follow.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

CASES = [
    ("Chattbot i kontaktcenter", "sv", "SE", "En chattbot svarar invånarna på vanliga frågor."),
    ("Chatbot i borgerservice", "da", "DK", "En chatbot besvarer borgernes spørgsmål."),
    ("Öppna geodata", "sv", "SE", "Kartor och fastighetsdata släpps fritt som öppna data."),
    ("Åbne data om virksomheder", "da", "DK", "Data om virksomheder udgives frit via et API."),
    ("Riskbaserad tillsyn", "sv", "SE", "Urval till tillsyn görs med en riskmodell."),
]


@pytest.fixture
def datalab_content(home_page, settings, tmp_path):
    """Published cases, indexed and mapped by the tasks their publication enqueues."""
    settings.ERFA_INDEX_DIR = tmp_path / "index"
    settings.ERFA_SEARCH = {"STATE_TTL": 0}
    reset_caches()
    index = CaseIndexPage(title="Fallstudier", slug="cases")
    home_page.add_child(instance=index)
    topic = TopicFactory(slug="service", name_en="Service")
    for number, (title, language, country, summary) in enumerate(CASES):
        case = CaseStudyPage(
            title=title,
            slug=slugify(title),
            summary=summary,
            language=language,
            country=country,
            start_date=f"{2020 + number}-01-01",
            live=False,
        )
        case.organisations = [OrganisationFactory(country=country)]
        case.topics = [topic]
        index.add_child(instance=case)
        case.save_revision().publish()  # autocommit: indexing and the map refresh run now
    yield
    reset_caches()


def distinct_colours(png: bytes) -> int:
    image = Image.open(io.BytesIO(png)).convert("RGB")
    return len(image.getcolors(maxcolors=image.width * image.height))


def test_dashboard_and_map_draw_their_charts(page, live_server, datalab_content, tmp_path):
    requested = []
    page.on("request", lambda request: requested.append(request.url))

    page.goto(f"{live_server.url}/datalab/")
    page.wait_for_selector("#cases-by-country .datalab-figure--drawn")
    assert page.locator(".datalab-figure--drawn").count() >= 4
    chart = page.locator("#cases-by-country .datalab-figure").screenshot()
    (tmp_path / "dashboard-chart.png").write_bytes(chart)
    assert distinct_colours(chart) > 20
    assert page.locator("#cases-by-country table tbody tr").count() == 2

    page.goto(f"{live_server.url}/datalab/map/")
    page.wait_for_selector(".datalab-figure--drawn")
    figure = page.locator(".datalab-figure--drawn")
    assert figure.locator(".point").count() == len(CASES)
    shot = figure.screenshot()
    (tmp_path / "map.png").write_bytes(shot)
    assert distinct_colours(shot) > 20
    full = page.screenshot(full_page=True)
    assert distinct_colours(full) > 50

    assert requested and all(url.startswith(live_server.url) for url in requested), [
        url for url in requested if not url.startswith(live_server.url)
    ]
