"""The demo indicator data: labelled, deterministic, idempotent, and showing the two groups."""

import statistics

import pytest

import indicators.demo
import portal.demo
from indicators.models import ExchangeRate, IndicatorSeries, Observation
from indicators.versions import data_version
from portal.models import Organisation


@pytest.fixture
def demo(db):
    portal.demo.load()
    indicators.demo.load()


def _mean(code: str, group: str) -> float:
    slugs = [slug for slug, profile in indicators.demo.PROFILES.items() if profile[3] == group]
    return statistics.fmean(
        Observation.objects.filter(
            indicator__code=code, organisation__slug__in=slugs, year=2023
        ).values_list("value", flat=True)
    )


def test_demo_series_are_labelled_and_one_is_for_members(demo):
    series = IndicatorSeries.objects.filter(is_demo=True)
    assert series.count() == 4
    assert all(s.source.startswith("Demo data written for Erfa") for s in series)
    assert list(series.filter(members_only=True).values_list("code", flat=True)) == [
        "demo-strategic-it-projects"
    ]
    skatteverket = Organisation.objects.get(slug="skatteverket")
    assert (skatteverket.sector, skatteverket.government_level) == ("tax_finance", "state")
    assert skatteverket.employees > 10_000
    assert 1.3 < ExchangeRate.objects.get(currency="DKK", year=2023).to_sek < 1.7


def test_the_two_group_pattern_shows(demo):
    """Large citizen-facing agencies lead on technology and development, small ones on
    maturity and collaboration (Digg's finding)."""
    for code in ("technology-index", "development-index"):
        assert _mean(code, "large") > _mean(code, "small") + 15
    for code in ("maturity-index", "collaboration-index"):
        assert _mean(code, "small") > _mean(code, "large") + 15


def test_some_years_are_missing(demo):
    indicator_years = Observation.objects.filter(indicator__code="technology-index")
    organisations = indicator_years.values("organisation").distinct().count()
    assert 0 < indicator_years.count() < organisations * 7


def test_loading_again_changes_nothing(demo):
    version = data_version()
    values = sorted(
        Observation.objects.values_list("indicator_id", "organisation_id", "year", "value")
    )
    indicators.demo.load()
    assert data_version() == version
    assert (
        sorted(Observation.objects.values_list("indicator_id", "organisation_id", "year", "value"))
        == values
    )
