"""An organisation's indicator profile in a real browser: its charts arrive drawn, each over
its table, its cases and the agencies like it beside them, a download carries the same rows,
and axe finds no serious or critical violation."""

import json

import pytest
from axe_playwright_python.sync_playwright import Axe

from indicators.models import Indicator, IndicatorSeries, Observation
from indicators.versions import raise_data_version
from tests.factories import MemberFactory, OrganisationFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SECRET = "Zqsecretmeasure"


@pytest.fixture
def profile_data(publish_cases):
    cases, organisations = publish_cases(3)  # two Swedish cases, one Danish
    agency = organisations["SE"]
    agency.government_level = "state"
    agency.employees = 150
    agency.save()
    others = [
        OrganisationFactory(
            name=f"Verket {n}",
            slug=f"verket-{n}",
            government_level="state",
            employees=100 + 4000 * n,
        )
        for n in range(4)
    ]
    public = IndicatorSeries.objects.create(
        code="digg", name_sv="Digg-index", name_en="Digg index", source="Test", licence="CC0"
    )
    secret_series = IndicatorSeries.objects.create(
        code="hemlig",
        name_sv="Hemlig",
        name_en="Secret",
        source="Test",
        licence="CC0",
        members_only=True,
    )
    technology = Indicator.objects.create(
        series=public,
        code="technology",
        name_sv="Teknikindex",
        name_en="Technology index",
        unit="index",
    )
    collaboration = Indicator.objects.create(
        series=public,
        code="collaboration",
        name_sv="Samverkansindex",
        name_en="Collaboration index",
        unit="index",
    )
    secret = Indicator.objects.create(
        series=secret_series, code="secret", name_sv=SECRET, name_en=SECRET, unit="index"
    )
    rows = []
    for number, org in enumerate([agency, *others]):
        for year in range(2019, 2024):
            rows += [
                Observation(
                    indicator=technology,
                    organisation=org,
                    year=year,
                    value=30 + 10 * number + year - 2019,
                ),
                Observation(
                    indicator=collaboration, organisation=org, year=year, value=70 - 10 * number
                ),
                Observation(indicator=secret, organisation=org, year=year, value=5),
            ]
    Observation.objects.bulk_create(rows)
    raise_data_version()  # bulk_create sends no signal: the caches must see new data
    MemberFactory(username="medlem")
    return agency, cases


def test_organisation_profile_in_the_browser(page, live_server, profile_data, log_in):
    agency, cases = profile_data
    url = f"{live_server.url}/data/indicators/organisation/{agency.slug}/"
    page.goto(url)
    charts = page.locator(".datalab-chart")
    assert charts.count() == 2  # the two public indicators; the members-only one is not there
    assert SECRET not in page.content()
    figure = page.locator("#digg-technology .datalab-figure svg.datalab-axes")
    figure.wait_for()
    assert figure.locator("polyline.line").count() >= 2  # the agency and its peers' median
    assert figure.locator("polygon.band").count() == 1  # the peers' middle half
    table = page.locator("#digg-technology table tbody tr")
    assert table.count() == 5  # one row per year
    # Its published cases beside the charts, and the agencies like it.
    aside = page.locator(".indicator-profile__aside")
    assert aside.get_by_role("link", name=cases[0].title).count() == 1
    assert aside.locator(".indicator-peers > li").count() >= 1
    first_peer = aside.locator(".indicator-peers > li > a").first.inner_text()
    assert first_peer == "Verket 0"  # the nearest by profile

    # The JSON download holds the table's rows.
    with page.expect_download() as download_info:
        page.locator("#digg-technology .datalab-downloads a", has_text="JSON").click()
    data = json.loads(download_info.value.path().read_text("utf-8"))
    assert len(data["rows"]) == 5 and data["rows"][0][-1] == 30

    results = Axe().run(page)
    blocking = [
        v["id"] for v in results.response["violations"] if v["impact"] in {"serious", "critical"}
    ]
    assert blocking == [], blocking

    # Phone width: the charts stay within the screen.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(url)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390 + 1

    # A member sees the members-only indicator too.
    log_in("medlem")
    page.goto(url)
    assert page.locator(".datalab-chart").count() == 3
    assert SECRET in page.content()
