"""Search finds indicator pages and organisation profiles in Swedish, Danish and English,
by words and by meaning, and never shows a members-only series to visitors outside it."""

import pytest
from django.utils import translation

from indicators.models import Indicator, IndicatorSeries, Observation
from indicators.search_matches import indicator_scores, words_match
from tests.factories import MemberFactory, OrganisationFactory

NAMES = [
    (
        "it-per-employee",
        "IT-kostnad per anställd",
        "IT-omkostninger pr. medarbejder",
        "IT cost per employee",
    ),
    ("maturity", "Mognadsindex", "Modenhedsindeks", "Maturity index"),
    ("collaboration", "Samverkansindex", "Samarbejdsindeks", "Collaboration index"),
    ("technology", "Teknikindex", "Teknologiindeks", "Technology index"),
]


@pytest.fixture
def indicator_data(home_page):
    series = IndicatorSeries.objects.create(
        code="esv", name_sv="ESV:s nyckeltal", source="ESV", licence="CC0"
    )
    secret = IndicatorSeries.objects.create(
        code="secret", name_sv="Interna mått", source="Test", licence="CC0", members_only=True
    )
    agency = OrganisationFactory(name="Skatteverket", slug="skatteverket")
    for code, sv, da, en in NAMES:
        indicator = Indicator.objects.create(
            series=series, code=code, name_sv=sv, name_da=da, name_en=en, unit="index"
        )
        Observation.objects.create(indicator=indicator, organisation=agency, year=2024, value=1)
    hidden = Indicator.objects.create(
        series=secret,
        code="sick-leave",
        name_sv="Sjukfrånvaro bland IT-personal",
        name_da="Sygefravær blandt IT-personale",
        name_en="Sick leave among IT staff",
        unit="%",
    )
    loner = OrganisationFactory(name="Hemliga verket", slug="hemliga-verket")
    Observation.objects.create(indicator=hidden, organisation=loner, year=2024, value=3)
    return {"series": series, "hidden": hidden}


@pytest.mark.parametrize(
    ("prefix", "query"),
    [
        ("", "IT-kostnad per anställd"),
        ("/da", "it-omkostninger pr. medarbejder"),
        ("/en", "IT cost per employee"),
        ("/en", "it-omkostninger pr. medarbejder"),  # any language's name, whatever the UI's
    ],
)
def test_search_page_finds_an_indicator_in_every_language(client, indicator_data, prefix, query):
    page = client.get(f"{prefix}/search/", {"q": query}).content.decode()
    assert f'href="{prefix}/data/indicators/indicator/esv/it-per-employee/"' in page


def test_an_indicator_is_found_by_meaning_and_an_unrelated_query_finds_none(indicator_data):
    it_cost = Indicator.objects.get(code="it-per-employee").pk
    assert it_cost in indicator_scores("vad kostar IT per medarbetare")
    assert indicator_scores("semesterplanering") == {}
    assert indicator_scores("chatbot i kundtjänsten") == {}


def test_members_only_indicators_are_found_by_members_only(client, indicator_data):
    hidden_url = "/data/indicators/indicator/secret/sick-leave/"
    assert hidden_url not in client.get("/search/", {"q": "Sjukfrånvaro"}).content.decode()
    # Its organisation has no public data, so no profile either.
    assert "hemliga-verket" not in client.get("/search/", {"q": "Hemliga verket"}).content.decode()
    client.force_login(MemberFactory())
    assert hidden_url in client.get("/search/", {"q": "Sjukfrånvaro"}).content.decode()


def test_organisation_profiles_are_found_by_name(client, indicator_data):
    with translation.override("en"):
        page = client.get("/en/search/", {"q": "skatteverket"}).content.decode()
    assert 'href="/en/data/indicators/organisation/skatteverket/"' in page
    assert "Organisation profile" in page


def test_words_match_every_query_word_as_a_word_start():
    assert words_match("it-omkostninger pr", "IT-omkostninger pr. medarbejder")
    assert words_match("mognad", "Mognadsindex")
    assert not words_match("kostnad anställd chef", "IT-kostnad per anställd")


def test_name_vectors_are_built_again_only_when_a_name_changes(indicator_data, monkeypatch):
    from indicators import search_matches
    from search.encoders import get_encoder

    monkeypatch.setattr(search_matches, "_cache", {})
    encoder = get_encoder()
    encoded = []
    original = encoder.encode_passages
    monkeypatch.setattr(
        encoder, "encode_passages", lambda texts: encoded.append(len(texts)) or original(texts)
    )
    indicator_scores("första")
    indicator_scores("andra")
    assert encoded == [4 * 3 + 3]  # once: every name of every indicator, in each language
    Indicator.objects.filter(code="maturity").update(name_en="Digital maturity index")
    indicator_scores("tredje")
    assert encoded == [15, 15]
