"""A case page shows its organisation's indicators around the case's years, and agencies
like it, through the indicators app's one template tag."""

from datetime import date

import pytest
from django.utils import translation

from tests.factories import CaseIndexPageFactory, CaseStudyPageFactory
from tests.indicators import test_views_world as setup
from tests.indicators.test_views_world import SECRET

world, fresh_peers = setup.world, setup.fresh_peers  # the fixtures these tests use

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(world, home_page):
    index = CaseIndexPageFactory(parent=home_page)
    return CaseStudyPageFactory(
        parent=index,
        title="Ny e-tjänst",
        organisations=[world["org"]["small1"]],
        start_date=date(2021, 3, 1),
        end_date=date(2021, 12, 1),
    )


def test_case_page_shows_indicators_before_and_after(client, world, case):
    with translation.override("en"):
        body = client.get(case.url).content.decode()
    assert "Before and after: Litenverket" in body
    table = body[body.index("indicator-before-after") : body.index("</table>")]
    # The year before the start (2020) to the year after the end (2022).
    for year in ("2020", "2021", "2022"):
        assert f'<th scope="col">{year}</th>' in table
    assert "2019" not in table and "2023" not in table
    # Teknikindex: 31 -> 33, higher is better.
    assert "+2 (better)" in table
    assert SECRET not in body and "4242" not in body


def test_members_see_members_only_indicators_on_the_case_page(client, world, case):
    client.force_login(world["member"])
    body = client.get(case.url).content.decode()
    assert SECRET in body


def test_case_page_names_agencies_like_its_organisation(client, world, case):
    index = case.get_parent()
    CaseStudyPageFactory(
        parent=index, title="Småverkets chattbot", organisations=[world["org"]["small2"]]
    )
    with translation.override("en"):
        body = client.get(case.url).content.decode()
    similar = body[body.index('id="agencies-like-this"') :]
    # Småverket is the nearest: the other small agency.
    first_link = similar[similar.index("/organisation/") :]
    assert first_link.startswith("/organisation/smaverket/")
    assert "Småverkets chattbot" in similar
    assert "Similar " in similar


def test_a_case_without_indicator_data_shows_nothing_of_it(client, home_page):
    case = CaseStudyPageFactory(parent=CaseIndexPageFactory(parent=home_page), title="Utan data")
    with translation.override("en"):
        body = client.get(case.url).content.decode()
    assert "Before and after" not in body
    assert "agencies-like-this" not in body
