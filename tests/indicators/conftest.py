"""Indicator series built for one test at a time (shared by the tests in tests/indicators/)."""

import pytest

from indicators.models import Indicator, IndicatorSeries
from portal.models import Organisation
from tests.factories import OrganisationFactory


def make_series(code: str = "it-costs", *, members_only: bool = False, indicators=None):
    """A series with indicators given as (code, unit, scale_min, scale_max) tuples."""
    series = IndicatorSeries.objects.create(
        code=code,
        name_sv=f"Serie {code}",
        name_da=f"Serie {code}",
        name_en=f"Series {code}",
        source="Test",
        licence="CC0",
        members_only=members_only,
    )
    for order, (indicator_code, unit, low, high) in enumerate(
        indicators or [("it-share", "%", 0, 100), ("maturity", "level", 1, 5)]
    ):
        Indicator.objects.create(
            series=series,
            code=indicator_code,
            name_sv=indicator_code,
            name_da=indicator_code,
            name_en=indicator_code,
            unit=unit,
            scale_min=low,
            scale_max=high,
            order=order,
        )
    return series


@pytest.fixture
def it_series(db):
    """Public series "it-costs": it-share (%, 0–100) and maturity (level, 1–5)."""
    return make_series()


@pytest.fixture
def agencies(db):
    """Three Swedish agencies, one with a short name."""
    return [
        OrganisationFactory(name="Skatteverket", slug="skatteverket", short_name="SKV"),
        OrganisationFactory(name="Försäkringskassan", slug="forsakringskassan", short_name="FK"),
        OrganisationFactory(
            name="Digitaliseringsstyrelsen",
            slug="digst",
            country="DK",
            kind=Organisation.Kind.GOVERNMENT_AGENCY,
        ),
    ]
