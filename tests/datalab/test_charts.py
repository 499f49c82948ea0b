"""Charts drawn on the server as SVG: light pages, the strict Content-Security-Policy, an
accessible name, readable labels, and a height that grows with the bars."""

import datetime
import gzip
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.contrib.staticfiles import finders
from django.utils import timezone

from datalab import dashboard
from datalab.charts import LABEL_CHARACTERS, Chart, bar_plot, wrap_label
from datalab.forms import DashboardFilters
from tests.factories import MeetingPageFactory, NetworkIndexPageFactory, NetworkPageFactory

pytestmark = pytest.mark.django_db

# The budget: at most 1.5 MB of JavaScript (compressed) per data lab page.
JS_BUDGET_BYTES = 1_500_000
PAGES = [
    "/datalab/",
    "/datalab/map/",
    "/datalab/experts/?topic=ai",
    "/datalab/compare/?org=skatteverket&org=goteborgs-stad",
]


@pytest.fixture
def cases(make_case, topics, organisations):
    make_case(
        "Automatisk sortering av inkommande ärenden med maskininlärning i kundtjänsten",
        organisations=[organisations["skv"]],
        topics=[topics["ai"], topics["data"]],
    )
    make_case("Chattbot", organisations=[organisations["gbg"]], topics=[topics["ai"]])
    make_case(
        "Dataanalyse", country="DK", organisations=[organisations["sktst"]], topics=[topics["data"]]
    )


def _policy(response) -> dict[str, list[str]]:
    directives = (part.split() for part in response["Content-Security-Policy"].split(";"))
    return {name: values for name, *values in directives if name}


@pytest.mark.parametrize("path", PAGES)
def test_pages_serve_no_charting_library_and_little_script(client, cases, path):
    """No Plotly, and every script of the page together stays far under the budget."""
    html = BeautifulSoup(client.get(path).content, "html.parser")
    sources = [script["src"] for script in html.find_all("script", src=True)]
    assert not any("plotly" in source for source in sources)
    compressed = 0
    for source in sources:
        found = finders.find(source.removeprefix("/static/"))
        assert found, source
        compressed += len(gzip.compress(Path(found).read_bytes()))
    assert compressed < JS_BUDGET_BYTES
    assert compressed < 20_000  # what is actually served: a few small scripts of our own


@pytest.mark.parametrize("path", PAGES)
def test_chart_pages_run_under_the_strict_policy(client, cases, path):
    """The site's strict policy, with no allowance: the SVG carries no style or script."""
    response = client.get(path)
    policy = _policy(response)
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert "style-src-attr" not in policy
    for svg in BeautifulSoup(response.content, "html.parser").find_all("svg"):
        markup = str(svg)
        assert not re.search(r"\sstyle\s*=|<style|<script|\son[a-z]+\s*=", markup, re.I)


def test_a_chart_has_an_accessible_name_bars_and_labels(client, cases):
    html = BeautifulSoup(client.get("/datalab/").content, "html.parser")
    section = html.find("section", id="cases-by-topic")
    svg = section.find("svg", class_="datalab-bars")
    assert svg["role"] == "img"
    title_id, desc_id = svg["aria-labelledby"].split()
    assert svg.find(id=title_id).get_text() == section.find("h2").get_text()
    assert svg.find(id=desc_id).get_text().strip()
    groups = svg.find_all("g", class_="bar-group")
    assert [group.find("title").get_text() for group in groups] == ["AI", "Data"]
    assert [len(group.find_all("rect", class_="bar")) for group in groups] == [1, 1]
    assert [group.find("text", class_="bar-value").get_text() for group in groups] == ["2", "2"]
    # Lengths in percent, heights in pixels: labels keep their size at any width.
    bar = groups[0].find("rect", class_="bar")
    assert bar["width"].endswith("%") and bar["height"].isdigit()


def test_svg_numbers_have_a_decimal_point_in_swedish(client, cases):
    html = client.get("/datalab/", HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    svg = html[html.index("<svg") : html.index("</svg>")]
    assert re.search(r'width="\d+\.\d+%"', svg)
    assert not re.search(r'width="\d+,\d+%"', svg)


def test_long_labels_are_wrapped_and_shortened_with_the_full_label_kept():
    label = "Automatisk sortering av inkommande ärenden med maskininlärning i kundtjänsten " * 2
    lines = wrap_label(label)
    assert len(lines) == 2
    assert all(len(line) <= LABEL_CHARACTERS for line in lines)
    assert lines[-1].endswith("…")
    chart = Chart(key="k", title="t", columns=["Label", "Value"], rows=[[label, 3]])
    (group,) = bar_plot(chart).groups
    assert group.label == label  # the tooltip and the table keep it whole
    assert [text for text, _y in group.lines] == lines


def test_chart_height_grows_with_its_bars():
    """Each row gets its own room: the network activity chart is never a squashed strip."""

    def height(rows: int, series: int = 3) -> int:
        chart = Chart(
            key="k",
            title="t",
            columns=["Network", "Quarter", *[f"v{i}" for i in range(series)]],
            rows=[[f"Network {i}", "2024 Q1", *range(series)] for i in range(rows)],
            label_columns=2,
        )
        return bar_plot(chart).height

    assert height(2) > 2 * 3 * 13
    assert height(20) >= 10 * height(2) * 0.9
    assert height(20, series=1) < height(20, series=3)


def test_network_activity_draws_every_bar_with_its_network_and_quarter(client, home_page):
    network = NetworkPageFactory(
        parent=NetworkIndexPageFactory(parent=home_page), title="Nätverket för <digital> service"
    )
    for days in (10, 100, 200):
        MeetingPageFactory(parent=network, start=timezone.now() - datetime.timedelta(days=days))
    chart = dashboard.network_activity(DashboardFilters())
    html = BeautifulSoup(client.get("/datalab/").content, "html.parser")
    svg = html.find("section", id="network-activity").find("svg", class_="datalab-bars")
    groups = svg.find_all("g", class_="bar-group")
    assert len(groups) == len(chart.rows)
    assert all(len(group.find_all("rect", class_="bar")) == 3 for group in groups)
    label = groups[0].find("text", class_="bar-label").get_text()
    assert label.startswith("Nätverket för <digital> service · ")  # as text, not markup
    assert "<digital>" not in str(svg)
    assert int(svg["height"]) >= len(chart.rows) * (18 + 3 * 13)
    legend = html.find("section", id="network-activity").find("ul", class_="datalab-legend")
    assert len(legend.find_all("li")) == 3  # meetings, registrations, attended
