"""Search over the real demo content, loaded once for this module (it takes a while)."""

import pytest
from django.core.management import call_command
from django.db import transaction
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import translation
from wagtail.models import Page

from search.conf import search_setting
from search.query import SearchFilters, search
from search.similar import MAX_SIMILAR, similar_pages


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """load_demo inside a transaction that is rolled back when the module is done."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", verbosity=0, stdout=open("/dev/null", "w"))  # noqa: SIM115
        yield
        transaction.set_rollback(True)


@pytest.fixture
def titles(demo, db):
    from search.models import PageSearchMeta

    return {meta.page_id: (meta.language, meta.title) for meta in PageSearchMeta.objects.all()}


def _top(query: str, titles, filters=None, n: int = 3) -> list[tuple[str, str]]:
    return [titles[hit.page_id] for hit in search(query, filters=filters, log=False).hits[:n]]


CASES = SearchFilters(kinds=("case",))


@pytest.mark.parametrize(
    ("query", "expected", "filters"),
    [
        # Danish queries, Swedish answers.
        (
            "chatbot der svarer på spørgsmål om pension døgnet rundt",
            ("sv", "Chatbot för kundtjänst som svarar på pensionsfrågor dygnet runt"),
            None,
        ),
        (
            "risikobaseret udvælgelse af vognmænd til tilsyn",
            ("sv", "Riskbaserat urval för tillsyn av yrkestrafik"),
            CASES,  # Danish meetings and networks on supervision rank above it otherwise
        ),
        # Swedish queries, Danish answers.
        (
            "vad kostar en IT-arbetsplats för myndigheten",
            ("da", "Hvad koster en it-arbejdsplads? En gennemsigtig prismodel"),
            None,
        ),
        (
            "kampanjer och phishing-test för medarbetarna",
            ("da", "Awareness-kampagner og phishing-tests for alle regionens medarbejdere"),
            None,
        ),
    ],
)
def test_queries_find_cases_written_in_the_other_language(titles, query, expected, filters):
    """The best answer in the other language ranks in the top 3, with a snippet."""
    assert expected in _top(query, titles, filters)
    hits = search(query, filters=filters, log=False).hits
    hit = next(h for h in hits if titles[h.page_id] == expected)
    assert hit.snippet and hit.matched_by in ("semantic", "both")


@pytest.mark.parametrize(
    "query",
    [
        "xqzv blorf",
        "recept på kanelbullar",
        "fodboldresultater fra i går",
        "parkering vid sjukhuset",
        "how to train a puppy",
    ],
)
def test_nonsense_and_off_topic_queries_find_nothing(titles, query):
    """Nonsense and near-domain questions no page answers get an empty list, not padding."""
    assert search(query, log=False).count == 0


@pytest.mark.parametrize(
    "query", ["hospital bed occupancy forecasting", "predicting bed occupancy in hospitals"]
)
def test_short_english_queries_find_swedish_and_danish_cases(titles, query):
    """Short English queries reach the Swedish and the Danish case on the subject."""
    top = _top(query, titles, n=3)
    assert {language for language, _ in top} >= {"sv", "da"}
    assert any("vårdplats" in title.lower() for _, title in top)
    assert any("sengebelægning" in title.lower() for _, title in top)


def test_a_specific_query_stops_where_relevance_stops(titles):
    """A specific question gets a short list, each result labelled, not 16-42 results."""
    results = search("phishing-test", log=False)
    assert 1 <= results.count <= 5
    assert all(hit.relevance is not None for hit in results.hits)


def test_snippets_hold_sentences_not_section_labels(titles):
    """Section headings ("problem.", "resultater.") never show inside a snippet."""
    for query in ("chattbot kundtjänst", "sengebelægning prognose", "softwarerobotter"):
        for hit in search(query, log=False).hits:
            text = str(hit.snippet).lower()
            for label in ("problem. ", "resultat. ", "resultater. ", "tillvägagångssätt. "):
                assert label not in text, (query, hit.title, text)


def test_why_names_the_words_or_the_language(titles):
    with translation.override("en"):
        hits = search("phishing-test", log=False).hits
        by_words = [hit for hit in hits if hit.matched_by in ("keyword", "both")]
        assert by_words and "phishing" in by_words[0].why
        english = search("hospital bed occupancy forecasting", log=False).hits
        assert any(hit.why.startswith("Same meaning, in ") for hit in english)


def test_similar_initiatives_cross_languages_and_respect_the_rules(titles):
    """Up to five cases, never the page itself or twice, all above the floor, any language."""
    danish = next(pid for pid, t in titles.items() if t[1].startswith("Hvad koster en it-arb"))
    similar = similar_pages(danish)
    ids = [item.page_id for item in similar]
    assert 0 < len(similar) <= MAX_SIMILAR
    assert danish not in ids and len(ids) == len(set(ids))
    assert all(
        item.score >= search_setting("SIMILAR_FLOOR") and item.kind == "case" for item in similar
    )
    assert ("sv", "Myndighetsgemensamma nyckeltal för IT-kostnader") in [titles[i] for i in ids]


def test_case_page_shows_similar_initiatives(titles):
    danish = next(pid for pid, t in titles.items() if t[1].startswith("Hvad koster en it-arb"))
    page = Page.objects.get(pk=danish).specific
    request = RequestFactory().get(page.url)
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    html = Template("{% load search_tags %}{% similar_initiatives page %}").render(
        Context({"page": page, "request": request})
    )
    assert "Myndighetsgemensamma nyckeltal för IT-kostnader" in html
    assert page.title not in html


def test_a_swedish_query_finds_page_three_of_an_attached_danish_report(titles):
    """The demo's Danish mapping report is searched page by page, across languages."""
    # No word of it is in the report, so the passage shown is the one found by meaning (a
    # shared word such as "data" would pick the passage holding it most often).
    query = "pseudonymisera personnummer innan analysen"
    hits = search(query, log=False).hits
    hit = next(
        hit for hit in hits if titles[hit.page_id][1].startswith("Modenhedsvurdering af statslige")
    )
    assert hit.source is not None, hit.snippet
    assert hit.source.file_name.startswith("kortlaegning-dataanalyse-i-staten")
    assert hit.source.page == 3
    assert hit.source.url.endswith("#page=3")
