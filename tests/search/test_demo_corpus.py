"""Search over the real demo content, loaded once for this module (it takes a while)."""

import pytest
from django.core.management import call_command
from django.db import transaction
from django.template import Context, Template
from django.test import RequestFactory
from wagtail.models import Page

from search.query import SearchFilters, search
from search.similar import MAX_SIMILAR, similar_floor, similar_pages


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
    "query", ["xqzv blorf", "recept på kanelbullar", "fodboldresultater fra i går"]
)
def test_nonsense_and_off_topic_queries_find_few_or_none(titles, query):
    assert search(query, log=False).count <= 2


def test_similar_initiatives_cross_languages_and_respect_the_rules(titles):
    """Up to five cases, never the page itself or twice, all above the floor, any language."""
    danish = next(pid for pid, t in titles.items() if t[1].startswith("Hvad koster en it-arb"))
    similar = similar_pages(danish)
    ids = [item.page_id for item in similar]
    assert 0 < len(similar) <= MAX_SIMILAR
    assert danish not in ids and len(ids) == len(set(ids))
    assert all(item.score >= similar_floor() and item.kind == "case" for item in similar)
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
