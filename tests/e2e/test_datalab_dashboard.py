"""The data lab in a real browser: charts are drawn from the local Plotly bundle."""

import io

import pytest
from PIL import Image

from tests.e2e.conftest import CASES

pytestmark = [
    pytest.mark.browser,
    # Restores what migrations created (the root page) for the tests that follow.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def datalab_content(publish_cases):
    """Published cases, indexed and mapped by the tasks their publication enqueues."""
    publish_cases()


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
