"""The data lab in a real browser: charts arrive drawn (SVG from the server), the pages carry
next to no JavaScript, labels stay inside their charts on a phone, and a map point opens
its case."""

import io

import pytest
from PIL import Image

from tests.e2e.conftest import CASES

pytestmark = [
    pytest.mark.browser,
    # Restores what migrations created (the root page) for the tests that follow.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# The budget per data lab page: 1.5 MB of JavaScript, interactive within 1 s.
JS_BUDGET_BYTES = 1_500_000
INTERACTIVE_BUDGET_MS = 1000


@pytest.fixture
def datalab_content(publish_cases):
    """Published cases, indexed and mapped by the tasks their publication enqueues."""
    publish_cases()


def distinct_colours(png: bytes) -> int:
    image = Image.open(io.BytesIO(png)).convert("RGB")
    return len(image.getcolors(maxcolors=image.width * image.height))


def script_bytes(page, url: str) -> tuple[int, float]:
    """Bytes of JavaScript the page fetched (as transferred), and its DOMContentLoaded time."""
    scripts = []

    def collect(response):
        if response.request.resource_type == "script":
            scripts.append(response)

    page.on("response", collect)
    page.goto(url)
    page.wait_for_load_state("load")
    page.remove_listener("response", collect)
    total = sum(len(response.body()) for response in scripts)
    ready = page.evaluate("performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd")
    return total, ready


def test_dashboard_and_map_draw_their_charts(page, live_server, datalab_content, tmp_path):
    requested = []
    page.on("request", lambda request: requested.append(request.url))

    page.goto(f"{live_server.url}/datalab/")
    page.wait_for_selector("#cases-by-country svg.datalab-bars")
    assert page.locator(".datalab-figure svg[role=img]").count() >= 4
    chart = page.locator("#cases-by-country .datalab-figure").screenshot()
    (tmp_path / "dashboard-chart.png").write_bytes(chart)
    assert distinct_colours(chart) > 20
    assert page.locator("#cases-by-country table tbody tr").count() == 2

    page.goto(f"{live_server.url}/datalab/map/")
    figure = page.locator(".datalab-figure svg.datalab-map")
    assert figure.locator(".point").count() == len(CASES)
    shot = figure.screenshot()
    (tmp_path / "map.png").write_bytes(shot)
    assert distinct_colours(shot) > 20
    full = page.screenshot(full_page=True)
    assert distinct_colours(full) > 50

    # A click on a point opens its case.
    figure.locator(".point").first.click()
    page.wait_for_url("**/cases/**")

    assert requested and all(url.startswith(live_server.url) for url in requested), [
        url for url in requested if not url.startswith(live_server.url)
    ]


def test_pages_are_light_and_fast(page, live_server, datalab_content):
    for path in ("/datalab/", "/datalab/map/"):
        transferred, ready_ms = script_bytes(page, f"{live_server.url}{path}")
        assert transferred < JS_BUDGET_BYTES, (path, transferred)
        assert ready_ms < INTERACTIVE_BUDGET_MS, (path, ready_ms)


def test_labels_and_tables_fit_on_a_phone(page, live_server, datalab_content):
    """At 390 px every bar label lies inside its chart, and a table too wide for the screen
    scrolls inside its own box instead of widening the page."""
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/datalab/")
    for svg in page.locator("svg.datalab-bars").all():
        box = svg.bounding_box()
        for label in svg.locator("text.bar-label").all():
            text_box = label.bounding_box()
            assert text_box["x"] >= box["x"] - 1
            assert text_box["x"] + text_box["width"] <= box["x"] + box["width"] + 1
    page_width = page.evaluate("document.documentElement.scrollWidth")
    assert page_width <= 390
