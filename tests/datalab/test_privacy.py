"""What the data lab must never give away: one visitor's search words, text that a chart would
show as markup, spreadsheet formulas in downloads, or counts small enough to name a person."""

import csv
import datetime
import io

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone
from openpyxl import load_workbook
from wagtail.models import PageViewRestriction

from datalab.models import DatalabSnapshot
from datalab.semantic_map import PAYLOAD_VERSION
from network.models import Registration
from search.models import SearchQueryLog
from tests.factories import (
    MeetingPageFactory,
    MemberFactory,
    MembershipFactory,
    NetworkIndexPageFactory,
    NetworkPageFactory,
    OrganisationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

LINK = '<a href="https://evil.example">x</a>'
FORMULA = '=HYPERLINK("https://evil.example","x")'


def search(query: str, times: int, results: int = 0) -> None:
    for _ in range(times):
        SearchQueryLog.objects.create(query=query, mode="hybrid", result_count=results)


def section(html: bytes, key: str):
    return BeautifulSoup(html, "html.parser").find("section", id=key)


def csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


@pytest.fixture
def member_client(client):
    client.force_login(UserFactory(groups=["Members"]))
    return client


def test_a_search_made_fewer_than_three_times_is_never_quoted(member_client, home_page):
    search("anna andersson 19800101", 2)
    search("öppna data", 3, results=1)
    page = member_client.get("/datalab/").content.decode()
    assert "öppna data" in page
    assert "anna andersson" not in page
    for key in ("top-queries", "unmet-queries"):
        for export in ("csv", "json"):
            body = member_client.get(f"/datalab/charts/{key}/?format={export}").content
            assert "anna andersson" not in body.decode("utf-8-sig"), (key, export)


def test_search_text_reaches_the_chart_and_the_table_as_plain_text(member_client, home_page):
    search(LINK, 3)
    chart = section(member_client.get("/datalab/").content, "top-queries")
    # The chart's SVG shows the words as text: escaped, with no element made of them.
    svg = chart.find("svg", class_="datalab-bars")
    assert svg.find("text", class_="bar-label").get_text() == LINK
    assert svg.find("a") is None
    # The table beside it shows the words as text, with no link in it.
    assert chart.find("a", href="https://evil.example") is None
    assert chart.find("table").find("th", scope="row").get_text() == LINK


def test_chart_downloads_neutralise_formulas(member_client, home_page):
    search(FORMULA, 3)
    index = NetworkIndexPageFactory(parent=home_page)
    network = NetworkPageFactory(parent=index, title="=1+2")
    MeetingPageFactory(parent=network, start=timezone.now() - datetime.timedelta(days=1))

    rows = csv_rows(member_client.get("/datalab/charts/top-queries/?format=csv"))
    assert rows[1][0] == "'" + FORMULA.lower()
    rows = csv_rows(member_client.get("/datalab/charts/network-activity/?format=csv"))
    assert rows[1][0] == "'=1+2"
    assert rows[1][2:] == ["1", "0", "0"]


def map_snapshot(*cases, x: float = -0.5) -> DatalabSnapshot:
    """A stored map with every case in theme 1 (no encoding needed)."""
    points = [
        {
            "page_id": case.pk,
            "title": case.title,
            "url": "",
            "country": "SE",
            "language": "sv",
            "organisations": [],
            "topics": [],
            "x": x,
            "y": 0.25,
            "theme": 0,
        }
        for case in cases
    ]
    return DatalabSnapshot.objects.create(
        kind=DatalabSnapshot.Kind.SEMANTIC_MAP,
        fingerprint="test",
        payload={
            "version": PAYLOAD_VERSION,
            "model_id": "test",
            "explained_variance": [],
            "points": points,
            "themes": [
                {"theme": 0, "terms": {"sv": ["-minus"]}, "size": len(points), "x": 0, "y": 0}
            ],
            "unplaced": [],
        },
    )


def test_map_download_neutralises_formulas_and_holds_no_coordinates(client, make_case):
    map_snapshot(make_case("@SUM(A1:A9)"))
    header, row = csv_rows(client.get("/datalab/map/?format=csv"))
    assert len(header) == len(row) == 4  # case, theme, organisations, country: no x or y
    assert row[0] == "'@SUM(A1:A9)"
    assert row[1] == "1: -minus"


@pytest.mark.parametrize("language", ["sv", "da"])
def test_map_download_in_swedish_and_danish_uses_semicolons(client, make_case, language):
    map_snapshot(make_case("@SUM(A1:A9)"))
    response = client.get("/datalab/map/?format=csv", HTTP_ACCEPT_LANGUAGE=language)
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    header, row = csv.reader(io.StringIO(text, newline=""), delimiter=";")
    assert len(header) == len(row) == 4
    assert row[0] == "'@SUM(A1:A9)"


def test_map_download_as_xlsx_stores_formulas_as_text(client, make_case):
    map_snapshot(make_case("=cmd|' /C calc'!A0"))
    response = client.get("/datalab/map/?format=xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    header, row = sheet.iter_rows()
    assert header[0].font.bold and sheet.freeze_panes == "A2"
    assert len(header) == 4
    assert row[0].value == "=cmd|' /C calc'!A0" and row[0].data_type == "s"


def test_theme_sizes_count_only_cases_visible_now(client, make_case):
    """Before the refresh has run, a case made private no longer counts in its theme."""
    private, public = make_case("Chattbot för kundtjänst"), make_case("Chatbot i borgerservice")
    map_snapshot(private, public)
    assert [theme["size"] for theme in client.get("/datalab/map/").context["themes"]] == [2]
    PageViewRestriction.objects.create(page=private, restriction_type="login")
    response = client.get("/datalab/map/")
    assert [theme["size"] for theme in response.context["themes"]] == [1]
    assert "2 cases" not in response.content.decode()
    assert "Chattbot för kundtjänst" not in response.content.decode()


def test_compare_download_neutralises_formulas_in_organisation_names(client, organisations):
    OrganisationFactory(slug="evil", name="+cmd|' /C calc'!A0")
    rows = csv_rows(client.get("/datalab/compare/?org=skatteverket&org=evil&format=csv"))
    assert rows[0] == ["Topic", "Skatteverket", "'+cmd|' /C calc'!A0"]
    workbook = client.get("/datalab/compare/?org=skatteverket&org=evil&format=xlsx").content
    header = next(load_workbook(io.BytesIO(workbook)).active.iter_rows())
    assert [cell.value for cell in header] == ["Topic", "Skatteverket", "+cmd|' /C calc'!A0"]
    assert {cell.data_type for cell in header} == {"s"}


@pytest.fixture
def one_person(home_page, organisations):
    """Skattestyrelsen has one person on the platform: in a network, registered once."""
    network = NetworkPageFactory(
        parent=NetworkIndexPageFactory(parent=home_page), title="Tilsynsnetværket"
    )
    meeting = MeetingPageFactory(parent=network)
    person = MemberFactory(profile__organisation=organisations["sktst"])
    MembershipFactory(network=network, user=person)
    Registration.objects.create(meeting=meeting, user=person, status="registered")
    return network


COMPARE = "/datalab/compare/?org=skatteverket&org=skattestyrelsen"


def test_anonymous_visitors_see_no_figures_about_people(client, one_person):
    response = client.get(COMPARE)
    html = response.content.decode()
    assert "Tilsynsnetværket" not in html
    assert "signed-in members only" in html
    skattestyrelsen = response.context["profiles"][1]
    assert skattestyrelsen.networks == []
    assert skattestyrelsen.registrations is None


def test_people_counts_below_three_are_never_shown(member_client, one_person):
    response = member_client.get(COMPARE)
    html = response.content.decode()
    assert "Tilsynsnetværket" not in html  # one member: the network is not named
    assert "fewer than 3" in html
    skattestyrelsen = response.context["profiles"][1]
    assert (skattestyrelsen.registrations, skattestyrelsen.attended) == (None, None)
