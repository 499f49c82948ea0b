import datetime

import pytest
from wagtail.models import Page

from search.documents import DocumentKind
from search.models import Chunk, SearchQueryLog
from search.query import (
    MAX_QUERY_LENGTH,
    QueryTooLong,
    SearchFilters,
    reciprocal_rank_fusion,
    search,
)
from search.snippets import make_snippet, query_terms

pytestmark = pytest.mark.django_db

IT_COSTS_SV = "Skatteverket följer upp IT-kostnader med gemensamma nyckeltal varje kvartal."
IT_COSTS_DA = "Styrelsen sammenligner it-omkostninger med fælles nøgletal på tværs af ministerier."
MATURITY_SV = "Vi mäter digital mognad i förvaltningen med en enkät varje år."


def test_reciprocal_rank_fusion_orders_by_summed_reciprocal_ranks():
    """Worked example with k=60: an item ranked well in both lists beats a single winner."""
    fused = reciprocal_rank_fusion([[1, 2, 3], [3, 4, 1]], k=60)
    expected = {
        1: 1 / 61 + 1 / 63,
        2: 1 / 62,
        3: 1 / 63 + 1 / 61,
        4: 1 / 62,
    }
    assert [item for item, _ in fused] == [1, 3, 2, 4]
    assert dict(fused) == pytest.approx(expected)


def test_hybrid_filters_facets_and_totals_are_exact(make_page):
    """Filters apply to the whole fused list before paging; totals and facets agree."""
    make_page(
        "Nyckeltal för IT-kostnader",
        IT_COSTS_SV,
        topics=("it-costs",),
        organisations=("skatteverket",),
        date=datetime.date(2023, 5, 1),
    )
    make_page(
        "Benchmarking af it-udgifter",
        IT_COSTS_DA,
        language="da",
        country=("DK",),
        topics=("it-costs",),
        date=datetime.date(2024, 5, 1),
    )
    make_page(
        "Lärdom om IT-kostnader",
        "Jämför IT-kostnader med myndigheter av samma storlek.",
        kind=DocumentKind.LESSON,
        topics=("it-costs",),
        date=datetime.date(2024, 2, 1),
    )
    make_page("Mognadsmätning", MATURITY_SV, topics=("maturity",))

    everything = search("it-kostnader", limit=1)
    assert everything.count >= 3 and len(everything.hits) == 1
    facets = everything.facet_counts()
    assert sum(facets["type"].values()) == everything.count

    swedish_cases = search(
        "it-kostnader",
        filters=SearchFilters(kinds=("case",), countries=("SE",)),
        limit=1,
    )
    expected = sum(
        1
        for hit in search("it-kostnader", limit=50).hits
        if hit.kind == "case" and hit.language == "sv"
    )
    assert swedish_cases.count == expected >= 1
    assert len(swedish_cases.hits) == 1
    # A facet ignores its own filter (so other values stay visible) but honours the others.
    facets = swedish_cases.facet_counts()
    assert facets["type"]["case"] == swedish_cases.count
    assert facets["type"].get("lesson", 0) == 1
    assert "DK" in facets["country"] and facets["language"] == {"sv": swedish_cases.count}

    by_year = search("it-kostnader", filters=SearchFilters(years=(2024,)))
    assert {hit.date.year for hit in by_year.hits} == {2024}
    assert by_year.count == len(by_year.hits) == by_year.facet_counts()["year"]["2024"]
    page_two = search("it-kostnader", limit=1, offset=1)
    assert (
        page_two.count == everything.count
        and page_two.hits[0].page_id != everything.hits[0].page_id
    )


def test_modes_say_why_a_page_matched(make_page):
    swedish = make_page("Nyckeltal för IT-kostnader", IT_COSTS_SV)
    danish = make_page("Benchmarking af it-udgifter", IT_COSTS_DA, language="da")
    hybrid = {hit.page_id: hit.matched_by for hit in search("nyckeltal it-kostnader").hits}
    assert hybrid[swedish.pk] == "both"
    assert hybrid[danish.pk] == "semantic"  # found across languages, no shared words
    keyword = [hit.page_id for hit in search("nyckeltal", mode="keyword").hits]
    assert keyword == [swedish.pk]
    semantic = search("opfølgning på it-omkostninger", mode="semantic").hits
    assert {hit.page_id for hit in semantic} >= {swedish.pk, danish.pk}
    assert all(hit.matched_by == "semantic" for hit in semantic)


def test_snippets_are_escaped_before_words_are_marked(make_page):
    """Text such as <script> arrives in snippets as text, never as markup.

    (Rich text stores a typed "<script>" as entities; cleaned, the passage holds it literally.)
    """
    make_page(
        "Säkerhet i formulär",
        "<p>Formuläret tog emot &lt;script&gt;alert(1)&lt;/script&gt; som namn &amp; det "
        "loggades som kostnader.</p><script>stolen()</script>",
    )
    assert "<script>alert(1)</script>" in Chunk.objects.get().text
    assert "stolen" not in Chunk.objects.get().text
    hit = search("script kostnader").hits[0]
    assert "<script>" not in hit.snippet
    assert "&lt;<mark>script</mark>&gt;alert(1)&lt;/<mark>script</mark>&gt;" in hit.snippet
    assert "&amp; det loggades som <mark>kostnader</mark>" in hit.snippet


def test_snippet_windows_around_the_first_match():
    text = "Inledning. " * 60 + "Här står det om nyckeltal och mer. " + "Slut. " * 60
    snippet = make_snippet(text, query_terms("om nyckeltal"))
    assert snippet.startswith("…") and snippet.endswith("…")
    assert "<mark>nyckeltal</mark>" in snippet and "<mark>om</mark>" not in snippet
    assert len(snippet) < 400


def test_unpublished_and_private_pages_never_reach_anonymous_users(make_page):
    """Even with their chunks still in the index, checked against the database at query time."""
    public = make_page("Nyckeltal för IT-kostnader", IT_COSTS_SV)
    draft = make_page("Utkast om IT-kostnader", IT_COSTS_SV + " Utkast.")
    private = make_page("Intern: IT-kostnader", IT_COSTS_SV + " Intern.")
    # Straight in the database, so no signal cleans the index up.
    Page.objects.filter(pk=draft.pk).update(live=False)
    from wagtail.models import PageViewRestriction

    PageViewRestriction.objects.bulk_create(
        [PageViewRestriction(page_id=private.pk, restriction_type="login")]
    )
    assert Chunk.objects.filter(page_id__in=[draft.pk, private.pk]).exists()
    for mode in ("hybrid", "semantic", "keyword"):
        ids = {hit.page_id for hit in search("IT-kostnader nyckeltal", mode=mode).hits}
        assert public.pk in ids and not ids & {draft.pk, private.pk}, mode
    assert {hit.page_id for hit in search("").hits} == {public.pk}


def test_empty_query_lists_recent_content_newest_first(make_page):
    make_page("Äldre", MATURITY_SV, date=datetime.date(2020, 1, 1))
    make_page("Nyare", IT_COSTS_SV, date=datetime.date(2025, 1, 1))
    results = search("   ")
    assert [hit.title for hit in results.hits] == ["Nyare", "Äldre"]
    assert {hit.matched_by for hit in results.hits} == {"recent"}
    assert not SearchQueryLog.objects.exists()  # nothing was searched


def test_a_too_long_query_is_refused_with_a_clear_message():
    with pytest.raises(QueryTooLong, match=f"at most {MAX_QUERY_LENGTH}"):
        search("a" * (MAX_QUERY_LENGTH + 1))


def test_nonsense_finds_nothing_above_the_relevance_floor(make_page):
    make_page("Nyckeltal för IT-kostnader", IT_COSTS_SV)
    make_page("Mognadsmätning", MATURITY_SV)
    assert search("xqzv blorf").count == 0


def test_queries_are_logged_without_personal_data(make_page, django_user_model):
    make_page("Nyckeltal för IT-kostnader", IT_COSTS_SV)
    user = django_user_model.objects.create_user("anna")
    search("nyckeltal", mode="keyword", user=user)
    entry = SearchQueryLog.objects.get()
    assert (entry.query, entry.mode, entry.result_count) == ("nyckeltal", "keyword", 1)
    field_names = {field.name for field in SearchQueryLog._meta.get_fields()}
    assert not field_names & {"user", "ip", "ip_address", "session"}


@pytest.mark.parametrize("year", ["²", "99999999999999999999", "-1", "20x4", ""])
def test_a_year_that_is_no_year_is_ignored_not_a_crash(client, year):
    """Filter values are validated by their facet: a bad one is dropped, never a 500."""
    assert client.get("/search/", {"q": "kostnader", "year": year}).status_code == 200
    assert client.get("/cases/", {"year": year}).status_code in (200, 404)
    assert client.get("/api/search/", {"q": "x", "year": year}).status_code in (200, 422)


def test_a_nul_byte_in_the_query_is_no_crash(client):
    assert client.get("/api/search/", {"q": "abc\x00def"}).status_code == 200
    assert client.get("/search/", {"q": "abc\x00def"}).status_code == 200


def test_a_language_filter_keeps_answers_a_near_copy_in_another_language_would_cut(make_page):
    """Tatoeba's sentences as pages: searching with a Swedish sentence for its Danish
    translation found nothing in a fifth of the queries, because the Swedish sentence itself
    (outside the Danish filter) set the bar 0.04 below itself."""
    query = "Min bror arbetar på ett sjukhus i Göteborg och trivs mycket bra där."
    make_page(query, query)
    danish = make_page(
        "Familiens hverdag",
        "Min bror arbejder på et hospital i Göteborg og trives rigtig godt der. "
        "Om sommeren sejler han til Skagen med sine børn. Hans kone underviser i matematik.",
        language="da",
        country=("DK",),
    )
    results = search(query, mode="semantic", filters=SearchFilters(languages=("da",)))
    assert [hit.page_id for hit in results.hits] == [danish.pk]


def test_a_batch_of_queries_reads_each_chunk_once(make_page):
    """Saved-search matching confirms thousands of queries in one run: they share one
    lookup of chunk rows, and a query of the batch finds the same pages as one alone."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from search.query import encode_query, semantic_side
    from search.state import active_state

    make_page("Nyckeltal för IT-kostnader", IT_COSTS_SV)
    make_page("Nøgletal for it", IT_COSTS_DA, language="da", country=("DK",))
    state = active_state()
    queries = ["nyckeltal för it-kostnader", "it-omkostninger", "digital mognad"]
    vectors = [encode_query(query, state) for query in queries]
    alone = [semantic_side(q, v, state, 50).matches for q, v in zip(queries, vectors, strict=True)]

    known: dict = {}
    semantic_side(queries[0], vectors[0], state, 50, known_chunks=known)
    assert known and all(row is not None for row in known.values())
    with CaptureQueriesContext(connection) as captured:
        batch = [
            semantic_side(q, v, state, 50, known_chunks=known).matches
            for q, v in zip(queries, vectors, strict=True)
        ]
    assert not [query for query in captured if Chunk._meta.db_table in query["sql"]]
    assert batch == alone
