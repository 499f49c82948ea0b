"""Similar initiatives say who and where, and leave out the related cases already listed."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template import Context, Template
from django.test import RequestFactory

from portal.models import Country
from search.similar import similar_pages
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

TEXT_SV = "Skatteverket följer upp IT-kostnader med gemensamma nyckeltal varje kvartal."
TEXT_DA = "Styrelsen sammenligner it-omkostninger med fælles nøgletal på tværs af ministerier."


@pytest.fixture
def three(make_page):
    OrganisationFactory(slug="skatteverket", name="Skatteverket", country="SE")
    OrganisationFactory(slug="modst", name="Moderniseringsstyrelsen", country="DK")
    page = make_page("Nyckeltal för IT-kostnader", TEXT_SV, organisations=("skatteverket",))
    danish = make_page(
        "Benchmarking af it-udgifter",
        TEXT_DA,
        language="da",
        country=("DK",),
        organisations=("modst",),
    )
    swedish = make_page(
        "IT-kostnader jämförda mellan myndigheter", TEXT_SV, organisations=("skatteverket",)
    )
    for other in (danish, swedish):
        other.search_description = "En rad om vad de gjorde."
        other.save_revision().publish()
    return page, danish, swedish


def test_cards_carry_organisations_countries_and_a_summary(three):
    page, danish, swedish = three
    similar = {item.page_id: item for item in similar_pages(page.pk)}
    assert similar, "the near-identical pages should count as similar"
    countries = dict(Country.choices)
    for item in similar.values():
        assert item.organisations and item.countries
    if danish.pk in similar:
        assert similar[danish.pk].organisations == ("Moderniseringsstyrelsen",)
        assert similar[danish.pk].countries == (countries["DK"],)
    if swedish.pk in similar:
        assert similar[swedish.pk].organisations == ("Skatteverket",)
        assert similar[swedish.pk].summary == "En rad om vad de gjorde."


def test_pages_already_related_are_left_out(three):
    page, danish, swedish = three
    found = {item.page_id for item in similar_pages(page.pk)}
    left = {item.page_id for item in similar_pages(page.pk, exclude=[danish.pk, swedish.pk])}
    assert found and not left & {danish.pk, swedish.pk}


def test_the_tag_skips_the_pages_listed_as_related(three):
    page, danish, swedish = three
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    template = Template("{% load search_tags %}{% similar_initiatives page %}")
    shown = template.render(Context({"page": page, "request": request}))
    assert "similar-card__where" in shown and "Skatteverket" in shown
    related = template.render(
        Context({"page": page, "request": request, "related_cases": [danish, swedish]})
    )
    assert danish.title not in related and swedish.title not in related
