"""The pages: every chart's table and downloads hold exactly what the chart shows, and
nothing is fetched from anywhere but this site."""

import csv
import io
import json

import pytest
from bs4 import BeautifulSoup
from openpyxl import load_workbook

from datalab import dashboard
from datalab.forms import DashboardFilters

pytestmark = pytest.mark.django_db

FILTERS = "country=SE&from=2020&to=2023&topic=ai"


@pytest.fixture
def cases(make_case, topics, organisations):
    make_case(
        "AI-sortering av ärenden",
        organisations=[organisations["skv"]],
        topics=[topics["ai"], topics["data"]],
        lessons=(("Börja smått", "success"),),
    )
    make_case("Chattbot", organisations=[organisations["gbg"]], topics=[topics["ai"]])
    make_case(
        "Dataanalyse", country="DK", organisations=[organisations["sktst"]], topics=[topics["data"]]
    )


def table_rows(section) -> list[list[str]]:
    return [
        [cell.get_text(strip=True) for cell in row.find_all(["th", "td"])]
        for row in section.find("table").find_all("tr")
    ]


def as_text(chart_rows) -> list[list[str]]:
    return [[str(cell) for cell in row] for row in chart_rows]


def test_every_chart_has_a_table_and_downloads_of_the_same_data(client, cases):
    """The table under each chart, its CSV and its JSON hold the chart's rows, filtered alike."""
    page = BeautifulSoup(client.get(f"/datalab/?{FILTERS}").content, "html.parser")
    filters = DashboardFilters(country="SE", year_from=2020, year_to=2023, topic="ai")
    for key, spec in dashboard.CHARTS.items():
        if spec.members_only:
            continue
        chart = spec.build(filters)
        section = page.find("section", id=key)
        assert section is not None, key
        if not chart.rows:
            assert section.find("table") is None
            continue
        bars = section.find("svg", class_="datalab-bars").find_all("rect", class_="bar")
        values = [row[chart.label_columns :] for row in chart.rows]
        assert len(bars) == sum(len(row) for row in values), key
        table = table_rows(section)
        assert table[0] == chart.header()
        assert table[1:] == as_text(chart.rows), key

        csv_link = section.find("a", string="CSV")["href"]
        assert f"{FILTERS}&format=csv" in csv_link
        exported = list(csv.reader(io.StringIO(client.get(csv_link).content.decode("utf-8-sig"))))
        assert exported == table, key  # English: "," between cells and a decimal point

        xlsx_link = section.find("a", string="Excel (XLSX)")["href"]
        assert xlsx_link == csv_link.replace("format=csv", "format=xlsx")
        sheet = load_workbook(io.BytesIO(client.get(xlsx_link).content)).active
        workbook_rows = [list(row) for row in sheet.iter_rows(values_only=True)]
        assert workbook_rows == [chart.header(), *json.loads(json.dumps(chart.rows))], key

        data = client.get(section.find("a", string="JSON")["href"]).json()
        assert data["columns"] == chart.header()
        assert data["rows"] == json.loads(json.dumps(chart.rows))
        assert data["filters"] == {"country": "SE", "from": 2020, "to": 2023, "topic": "ai"}


def test_bars_are_drawn_from_the_rows(cases):
    """One bar per row and value column, as long as its value, labelled with its row."""
    chart = dashboard.cases_by_topic(DashboardFilters())
    plot = chart.plot
    assert [group.label for group in plot.groups] == [row[0] for row in chart.rows]
    assert [[bar.value for bar in group.bars] for group in plot.groups] == [
        [row[1]] for row in chart.rows
    ]
    longest = max(bar.width for group in plot.groups for bar in group.bars)
    for group, row in zip(plot.groups, chart.rows, strict=True):
        assert group.bars[0].width == pytest.approx(
            longest * row[1] / max(r[1] for r in chart.rows)
        )


def test_invalid_filters_are_reported_and_ignored(client, cases):
    response = client.get("/datalab/?from=2023&to=2020&country=XY")
    assert response.status_code == 200
    assert response.context["filters"] == DashboardFilters(year_from=2023)
    assert response.context["form"].errors.keys() == {"country", "year_to"}


def test_unknown_chart_or_format_is_not_found(client, cases):
    assert client.get("/datalab/charts/nothing/").status_code == 404
    assert client.get("/datalab/charts/cases-by-topic/?format=ods").status_code == 404


def test_pages_reference_only_this_site(client, cases, organisations):
    """No CDN, no third-party request: every src and href is local (links to organisations'
    own websites would be the only exception, and the data lab shows none)."""
    paths = [
        "/datalab/",
        "/datalab/map/",
        "/datalab/experts/?topic=ai",
        "/datalab/compare/?org=skatteverket&org=goteborgs-stad",
    ]
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        html = BeautifulSoup(response.content, "html.parser")
        for element in html.find_all(src=True) + html.find_all(href=True):
            url = element.get("src") or element.get("href")
            assert url.startswith(("/", "#", "?", "mailto:")), (path, url)


def test_navigation_marks_the_current_page(client, cases):
    # In Swedish, the site's addresses have no language prefix (in English: /en/datalab/…).
    html = BeautifulSoup(
        client.get("/datalab/map/", HTTP_ACCEPT_LANGUAGE="sv").content, "html.parser"
    )
    nav = html.find("nav", class_="datalab-nav")
    assert [link["href"] for link in nav.find_all("a")] == [
        "/datalab/",
        "/datalab/map/",
        "/datalab/experts/",
        "/datalab/compare/",
        "/data/indicators/",
    ]
    assert nav.find("a", attrs={"aria-current": "page"})["href"] == "/datalab/map/"
