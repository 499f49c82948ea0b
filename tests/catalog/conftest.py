"""One catalogue world for the DCAT tests: built once, exported once, validated once per session.

Building it inside a transaction that is rolled back keeps it out of every other test; no
search indexing runs (it waits for a commit that never comes).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from django.db import transaction
from rdflib import Graph
from wagtail.models import Page, PageViewRestriction, Site

from catalog.dcat import build_catalog, serialize
from tests.catalog.shacl import load_shapes, validate
from tests.factories import (
    CaseIndexPageFactory,
    CaseStudyPageFactory,
    HomePageFactory,
    OrganisationFactory,
    TopicFactory,
)

# Words that mark each case, so that a test can look for them anywhere in an export.
PUBLIC_MARK = "zqpubliccase"
RESTRICTED_MARK = "zqrestrictedcase"
PRIVACY_MARK = "zqprivacycase"
NON_PUBLIC_MARK = "zqnonpubliccase"
DRAFT_MARK = "zqdraftcase"
MEMBERS_SERIES_MARK = "zqmembersseries"
HIDDEN_MARKS = (RESTRICTED_MARK, PRIVACY_MARK, NON_PUBLIC_MARK, DRAFT_MARK, MEMBERS_SERIES_MARK)


@dataclass
class Export:
    graph: Graph
    turtle: str
    jsonld: str
    public_case_ids: list[int]


def build_world() -> list[int]:
    """A site with two public cases and one of each kind that must stay out of the catalogue,
    one public and one members-only indicator series; returns the public cases' ids."""
    root = Page.get_first_root_node()
    Page.objects.filter(depth=2).delete()
    home = HomePageFactory(parent=root, slug="home")
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"hostname": "localhost", "root_page": home, "site_name": "Erfa"},
    )
    index = CaseIndexPageFactory(parent=home)
    agency = OrganisationFactory(
        name="Skatteverket", slug="skatteverket", website="https://skatteverket.se"
    )
    danish = OrganisationFactory(name="Digitaliseringsstyrelsen", slug="digst", country="DK")
    topic = TopicFactory(slug="ai", name_sv="AI", name_da="AI", name_en="AI")
    public = CaseStudyPageFactory(
        parent=index,
        title=f"Sortering av ärenden {PUBLIC_MARK}",
        registration_number="SKV 2024/1234",
        publishing_agency=agency,
        contact_point_name="Registraturen",
        contact_point_email="registrator@skatteverket.se",
        start_date=date(2021, 3, 1),
        end_date=date(2023, 6, 30),
        organisations=[agency],
        topics=[topic],
    )
    public.save_revision().publish()  # so that it has its issued and modified dates
    danish_case = CaseStudyPageFactory(
        parent=index,
        title="Digital post til borgere",
        language="da",
        country="DK",
        registration_number="2023-4711",
        start_date=date(2022, 1, 1),
        end_date=None,
        status="ongoing",
        organisations=[danish],
    )
    # Published as an editor publishes: the restriction comes with going live.
    restricted = CaseStudyPageFactory(
        parent=index, title=f"Intern {RESTRICTED_MARK}", access_rights="restricted", live=False
    )
    restricted.save_revision().publish()
    behind_privacy = CaseStudyPageFactory(parent=index, title=f"Inloggning {PRIVACY_MARK}")
    PageViewRestriction.objects.create(page=behind_privacy, restriction_type="login")
    CaseStudyPageFactory(
        parent=index, title=f"Hemlig {NON_PUBLIC_MARK}", access_rights="non_public", live=False
    )
    CaseStudyPageFactory(parent=index, title=f"Utkast {DRAFT_MARK}", live=False)
    _indicator_series()
    return [public.pk, danish_case.pk]


def _indicator_series() -> None:
    from indicators.models import Indicator, IndicatorSeries

    for code, members_only, name in (
        ("it-costs", False, "IT-kostnader"),
        ("secret", True, MEMBERS_SERIES_MARK),
    ):
        series = IndicatorSeries.objects.create(
            code=code,
            name_sv=name,
            name_da=name,
            name_en=name,
            source="Kolada",
            licence="CC BY 4.0",
            members_only=members_only,
        )
        Indicator.objects.create(
            series=series,
            code="it-share",
            name_sv="IT-andel",
            name_da="IT-andel",
            name_en="IT share",
            unit="%",
        )


@pytest.fixture
def two_cases(home_page):
    """A public case (returned) and a restricted one, for the served files."""
    index = CaseIndexPageFactory(parent=home_page)
    public = CaseStudyPageFactory(
        parent=index, title=f"Öppet {PUBLIC_MARK}", registration_number="Dnr 1"
    )
    CaseStudyPageFactory(
        parent=index, title=f"Internt {RESTRICTED_MARK}", access_rights="restricted"
    )
    return public


@pytest.fixture(scope="session")
def exported(django_db_setup, django_db_blocker) -> Export:
    with django_db_blocker.unblock(), transaction.atomic():
        public_case_ids = build_world()
        graph = build_catalog()
        export = Export(graph, serialize(graph, "ttl"), serialize(graph, "jsonld"), public_case_ids)
        transaction.set_rollback(True)
    return export


@pytest.fixture(scope="session")
def shapes() -> Graph:
    return load_shapes()


@pytest.fixture(scope="session")
def report(exported, shapes) -> Graph:
    """The export's validation report: validated once per session."""
    return validate(exported.graph, shapes)
