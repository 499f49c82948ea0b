"""The indicator pages: what they show, to whom, filtered and highlighted."""

import csv
import io
import json

import pytest
from django.urls import reverse
from django.utils import translation

from tests.indicators import test_views_world as setup
from tests.indicators.test_views_world import SECRET

world, fresh_peers = setup.world, setup.fresh_peers  # the fixtures these tests use

pytestmark = pytest.mark.django_db


def _url(name, *args):
    with translation.override("en"):
        return reverse(f"indicators:{name}", args=args)


def _json(client, url, **params):
    response = client.get(url, {**params, "format": "json"})
    assert response.status_code == 200, response.status_code
    return json.loads(response.content)


def _csv_rows(response) -> list[list[str]]:
    text = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_index_lists_public_series_and_hides_members_only_from_the_public(client, world):
    response = client.get(_url("index"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Teknikindex" in body
    assert SECRET not in body
    client.force_login(world["member"])
    assert SECRET in client.get(_url("index")).content.decode()


def test_a_members_only_indicator_does_not_exist_for_the_public(client, world):
    """Page, CSV and JSON of a members-only indicator answer 404 to anonymous visitors."""
    page = _url("indicator", "hemlig", "secret")
    urls = [
        page,
        *(_url("indicator_data", "hemlig", "secret", chart) for chart in ("trend", "distribution")),
    ]
    for url in urls:
        for params in ({}, {"format": "csv"}, {"format": "json"}):
            assert client.get(url, params).status_code == 404, (url, params)
    client.force_login(world["member"])
    response = client.get(page)
    assert response.status_code == 200
    assert SECRET in response.content.decode()
    data = _json(client, _url("indicator_data", "hemlig", "secret", "distribution"))
    assert {row[3] for row in data["rows"]} == {4242.5}


def test_indicator_page_draws_distribution_and_trend_with_tables(client, world):
    response = client.get(_url("indicator", "digg", "technology"))
    body = response.content.decode()
    assert response.status_code == 200
    assert body.count('<svg class="datalab-svg datalab-axes') == 2
    assert "<table>" in body
    assert "format=csv" in body and "format=json" in body
    distribution = _json(client, _url("indicator_data", "digg", "technology", "distribution"))
    # The latest year by default, best first (higher is better).
    assert distribution["filters"]["year"] == 2023
    assert [row[0] for row in distribution["rows"]][:2] == ["Storverket", "Styrelsen"]
    assert distribution["rows"][0][3] == 84
    trend = _json(client, _url("indicator_data", "digg", "technology", "trend"))
    assert [row[0] for row in trend["rows"]] == [2019, 2020, 2021, 2022, 2023]
    # 2019: 30, 35, 70, 75, 78, 80 -> median 72.5
    assert trend["rows"][0][1] == 72.5
    assert trend["rows"][0][4] == 6


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"country": "DK"}, {"Styrelsen"}),
        ({"level": "region"}, {"Region Mitt"}),
        ({"sector": "culture"}, {"Litenverket", "Småverket"}),
        ({"size": "small"}, {"Litenverket", "Småverket"}),
        ({"size": "largest", "country": "SE", "level": "state"}, {"Storverket", "Jätteverket"}),
    ],
)
def test_filters_choose_the_agencies(client, world, params, expected):
    data = _json(client, _url("indicator_data", "digg", "technology", "distribution"), **params)
    assert {row[0] for row in data["rows"]} == expected
    csv_response = client.get(
        _url("indicator_data", "digg", "technology", "distribution"), {**params, "format": "csv"}
    )
    assert csv_response.status_code == 200
    names = {row[0] for row in _csv_rows(csv_response)[1:]}
    assert names == expected


def test_the_year_filter_chooses_the_distributions_year(client, world):
    data = _json(client, _url("indicator_data", "digg", "technology", "distribution"), year=2020)
    assert data["filters"]["year"] == 2020
    assert {row[0]: row[3] for row in data["rows"]}["Litenverket"] == 31


def test_one_agency_is_highlighted(client, world):
    params = {"organisation": "litenverket"}
    response = client.get(_url("indicator", "digg", "technology"), params)
    body = response.content.decode()
    assert "point--emphasis" in body
    trend = _json(client, _url("indicator_data", "digg", "technology", "trend"), **params)
    assert trend["columns"][-1] == "Litenverket"
    assert [row[-1] for row in trend["rows"]] == [30, 31, 32, 33, 34]


def test_money_is_shown_at_fixed_prices_and_the_chart_says_so(client, world):
    with translation.override("en"):
        body = client.get(_url("indicator", "digg", "it-cost")).content.decode()
    assert "Amounts in SEK at 2023 prices, converted with the administrator&#x27;s rates." in body
    trend = _json(
        client, _url("indicator_data", "digg", "it-cost", "trend"), organisation="storverket"
    )
    # 2019: 50,080 SEK at 2019 prices = 50,080 × 108 / 100 at 2023 prices.
    assert trend["rows"][0][-1] == pytest.approx(50_080 * 1.08, abs=0.01)
    in_dkk = _json(
        client,
        _url("indicator_data", "digg", "it-cost", "trend"),
        organisation="storverket",
        currency="DKK",
    )
    # No DKK price index: amounts at each year's prices, converted at 1.5 SEK per DKK.
    assert in_dkk["rows"][0][-1] == pytest.approx(50_080 / 1.5, abs=0.01)


def test_profile_shows_every_visible_indicator_against_peers(client, world):
    url = _url("organisation", "litenverket")
    response = client.get(url)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Teknikindex" in body and "Samverkansindex" in body
    assert SECRET not in body and "4242" not in body
    # The peers are the Swedish state agencies by default: 80, 75, 35 in 2019 -> median 75.
    data = _json(client, _url("organisation_data", "litenverket", "digg-technology"))
    assert data["rows"][0][1] == 75
    assert data["rows"][0][4] == 3
    assert data["rows"][0][-1] == 30
    for fmt in ("json", "csv"):
        secret = client.get(
            _url("organisation_data", "litenverket", "hemlig-secret"), {"format": fmt}
        )
        assert secret.status_code == 404
    client.force_login(world["member"])
    assert SECRET in client.get(url).content.decode()
    member_data = _json(client, _url("organisation_data", "litenverket", "hemlig-secret"))
    assert member_data["rows"][0][-1] == 4242.5


def test_profile_peers_follow_the_filters_or_the_similar_profile(client, world):
    by_sector = _json(
        client, _url("organisation_data", "litenverket", "digg-technology"), sector="culture"
    )
    assert by_sector["rows"][0][4] == 1  # Småverket only
    assert by_sector["rows"][0][1] == 35
    similar = _json(
        client, _url("organisation_data", "litenverket", "digg-technology"), peers="similar"
    )
    assert similar["filters"]["peers"] == "similar"
    assert similar["rows"][0][4] == 5  # all others, nearest first


def test_scatter_compares_two_indicators_with_the_two_groups(client, world):
    url = _url("compare")
    params = {"x": "digg.technology", "y": "digg.collaboration", "colour": "size"}
    response = client.get(url, params)
    assert response.status_code == 200
    assert response.content.decode().count('class="point') == 6
    data = _json(client, url, **params)
    rows = {row[0]: row for row in data["rows"]}
    assert rows["Litenverket"][2:] == [34, 66]
    assert rows["Storverket"][2:] == [84, 16]
    with translation.override("en"):
        data = _json(client, url, **params)
    groups = {row[1] for row in data["rows"]}
    assert groups == {"Fewer than 250 employees", "5,000 employees or more"}


def test_scatter_never_plots_a_members_only_indicator_for_the_public(client, world):
    params = {"x": "hemlig.secret", "y": "digg.collaboration"}
    for fmt in ("json", "csv"):
        response = client.get(_url("compare"), {**params, "format": fmt})
        assert SECRET not in response.content.decode("utf-8-sig")
        assert "4242" not in response.content.decode("utf-8-sig")
    body = client.get(_url("compare"), params).content.decode()
    assert SECRET not in body and "4242" not in body
    client.force_login(world["member"])
    data = _json(client, _url("compare"), **params)
    assert {row[2] for row in data["rows"]} == {4242.5}


def test_profile_of_an_agency_with_only_members_only_data(client, world):
    """The public sees the agency's page, with no chart and no trace of the hidden data."""
    from indicators.models import Observation

    Observation.objects.filter(organisation=world["org"]["region"]).exclude(
        indicator=world["secret"]
    ).delete()
    response = client.get(_url("organisation", "region-mitt"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "datalab-chart" not in body
    assert SECRET not in body and "4242" not in body


def test_profile_peer_medians_follow_a_corrected_value(client, world):
    """The peers' statistics are cached per data version: a correction shows at once."""
    from indicators.models import Observation

    url = _url("organisation_data", "litenverket", "digg-technology")
    assert _json(client, url)["rows"][0][1] == 75  # 2019: 80, 75, 35
    corrected = Observation.objects.get(
        organisation=world["org"]["big2"], indicator=world["technology"], year=2019
    )
    corrected.value = 90
    corrected.save()
    assert _json(client, url)["rows"][0][1] == 80  # 80, 90, 35
