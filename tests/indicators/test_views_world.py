"""A small world of indicator data for the view tests: public and members-only series over
agencies of two countries, levels and sizes (helpers only; the tests are beside it)."""

from __future__ import annotations

import pytest

from indicators import peer_statistics, peers
from indicators.models import ExchangeRate, Indicator, IndicatorSeries, Observation, PriceIndex
from indicators.versions import raise_data_version
from tests.factories import MemberFactory, OrganisationFactory

SECRET = "zqsecretindicator"  # the members-only indicator's name: must never reach the public
YEARS = range(2019, 2024)


def series(code: str, *, members_only: bool = False) -> IndicatorSeries:
    return IndicatorSeries.objects.create(
        code=code,
        name_sv=f"Serie {code}",
        name_da=f"Serie {code}",
        name_en=f"Series {code}",
        source="Testkälla",
        licence="CC0",
        members_only=members_only,
    )


def indicator(series_, code: str, unit: str = "index", **kwargs) -> Indicator:
    name = kwargs.pop("name", code)
    return Indicator.objects.create(
        series=series_, code=code, name_sv=name, name_da=name, name_en=name, unit=unit, **kwargs
    )


def observe(indicator_, organisation, values: dict[int, float]) -> None:
    Observation.objects.bulk_create(
        Observation(indicator=indicator_, organisation=organisation, year=year, value=value)
        for year, value in values.items()
    )
    raise_data_version()  # bulk_create sends no signal: the caches must see new data


@pytest.fixture(autouse=True)
def fresh_peers():
    peers.clear_cache()
    peer_statistics.clear_cache()
    yield
    peers.clear_cache()
    peer_statistics.clear_cache()


@pytest.fixture
def world(db):
    """Six agencies: four Swedish state agencies (two large, two small), a Swedish region
    and a large Danish state agency; a public series (technology, collaboration, IT cost
    per employee in SEK) and a members-only one."""
    org = {
        "big1": OrganisationFactory(
            name="Storverket",
            slug="storverket",
            government_level="state",
            employees=9000,
            sector="tax_finance",
        ),
        "big2": OrganisationFactory(
            name="Jätteverket",
            slug="jatteverket",
            government_level="state",
            employees=6000,
            sector="social",
        ),
        "small1": OrganisationFactory(
            name="Litenverket",
            slug="litenverket",
            government_level="state",
            employees=120,
            sector="culture",
        ),
        "small2": OrganisationFactory(
            name="Småverket",
            slug="smaverket",
            government_level="state",
            employees=200,
            sector="culture",
        ),
        "region": OrganisationFactory(
            name="Region Mitt",
            slug="region-mitt",
            government_level="region",
            employees=30000,
            sector="health",
        ),
        "dk": OrganisationFactory(
            name="Styrelsen",
            slug="styrelsen",
            country="DK",
            government_level="state",
            employees=7000,
            sector="tax_finance",
        ),
    }
    public = series("digg")
    technology = indicator(public, "technology", name="Teknikindex", higher_is_better=True)
    collaboration = indicator(public, "collaboration", name="Samverkansindex")
    cost = indicator(public, "it-cost", unit="SEK", name="IT-kostnad per anställd", currency="SEK")
    members = series("hemlig", members_only=True)
    secret = indicator(members, "secret", name=SECRET)
    large = {"big1": 80, "big2": 75, "region": 70, "dk": 78}
    small = {"small1": 30, "small2": 35}
    for key, level in {**large, **small}.items():
        grows = {year: level + (year - 2019) for year in YEARS}
        observe(technology, org[key], grows)
        observe(collaboration, org[key], {y: 100 - v for y, v in grows.items()})
        observe(cost, org[key], {y: 50_000 + 1000 * (y - 2019) + level for y in YEARS})
        observe(secret, org[key], dict.fromkeys(YEARS, 4242.5))
    PriceIndex.objects.bulk_create(
        PriceIndex(currency="SEK", year=year, value=100 + 2 * (year - 2019)) for year in YEARS
    )
    ExchangeRate.objects.bulk_create(
        ExchangeRate(currency="DKK", year=year, to_sek=1.5) for year in YEARS
    )
    raise_data_version()
    return {
        "org": org,
        "technology": technology,
        "collaboration": collaboration,
        "cost": cost,
        "secret": secret,
        "member": MemberFactory(username="medlem"),
    }
