import datetime

import pytest
from wagtail.models import PageViewRestriction

from tests.factories import CaseStudyPageFactory, OrganisationFactory, TopicFactory


@pytest.fixture
def library(case_index):
    """Four published cases across two countries, three topics and two organisations."""
    ai = TopicFactory(slug="ai-in-casework", name_sv="AI i handläggningen")
    data = TopicFactory(slug="open-data", name_sv="Öppna data")
    costs = TopicFactory(slug="it-costs", name_sv="IT-kostnader")
    skv = OrganisationFactory(slug="skatteverket", name="Skatteverket", country="SE")
    digst = OrganisationFactory(slug="digst", name="Digitaliseringsstyrelsen", country="DK")
    return {
        "se_ai": CaseStudyPageFactory(
            parent=case_index,
            title="Alfa",
            country="SE",
            language="sv",
            status="completed",
            start_date=datetime.date(2021, 3, 1),
            topics=[ai],
            organisations=[skv],
        ),
        "se_data": CaseStudyPageFactory(
            parent=case_index,
            title="Beta",
            country="SE",
            language="en",
            status="ongoing",
            start_date=datetime.date(2023, 5, 1),
            topics=[data, costs],
            organisations=[skv],
        ),
        "dk_ai": CaseStudyPageFactory(
            parent=case_index,
            title="Gamma",
            country="DK",
            language="da",
            status="completed",
            start_date=datetime.date(2022, 1, 1),
            topics=[ai, data],
            organisations=[digst],
        ),
        "dk_costs": CaseStudyPageFactory(
            parent=case_index,
            title="Delta",
            country="DK",
            language="da",
            status="stopped",
            start_date=datetime.date(2023, 9, 1),
            topics=[costs],
            organisations=[digst],
        ),
    }


def titles(response):
    return [case.title for case in response.context["cases"]]


def facet(response, name):
    return {
        option.value: option
        for option in next(
            f for f in response.context["case_filter"].facets if f.name == name
        ).options
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("topic=ai-in-casework", ["Gamma", "Alfa"]),
        ("country=DK", ["Delta", "Gamma"]),
        ("organisation=skatteverket", ["Beta", "Alfa"]),
        ("language=da", ["Delta", "Gamma"]),
        ("status=completed", ["Gamma", "Alfa"]),
        ("year=2023", ["Delta", "Beta"]),
    ],
)
def test_each_filter_narrows_the_list(client, library, query, expected):
    """Every facet filters on its own (newest start first)."""
    assert titles(client.get(f"/cases/?{query}")) == expected


def test_filters_combine_across_facets_and_within_a_facet(client, library):
    """Facets combine with AND; values of one facet with OR."""
    assert titles(client.get("/cases/?country=DK&topic=ai-in-casework")) == ["Gamma"]
    assert titles(client.get("/cases/?topic=ai-in-casework&topic=it-costs&country=SE")) == [
        "Beta",
        "Alfa",
    ]
    assert titles(client.get("/cases/?country=SE&status=stopped")) == []


def test_a_case_in_several_chosen_topics_appears_once(client, library):
    response = client.get("/cases/?topic=ai-in-casework&topic=open-data")
    assert titles(response) == ["Beta", "Gamma", "Alfa"]
    assert response.context["cases"].paginator.count == 3


def test_counts_follow_the_other_filters_but_not_their_own_facet(client, library):
    """With Denmark chosen, topic counts are Danish; country counts still show Sweden."""
    response = client.get("/cases/?country=DK")
    topics = facet(response, "topic")
    assert {value: option.count for value, option in topics.items()} == {
        "ai-in-casework": 1,
        "open-data": 1,
        "it-costs": 1,
    }
    countries = facet(response, "country")
    assert countries["DK"].count == 2 and countries["DK"].selected
    assert countries["SE"].count == 2 and not countries["SE"].selected
    assert facet(response, "year").keys() == {"2022", "2023"}


def test_filter_links_are_shareable_urls(client, library):
    """Toggling a value keeps the other filters in the URL and drops the page number."""
    response = client.get("/cases/?country=DK&page=1&sort=title")
    toggle_url = facet(response, "topic")["it-costs"].toggle_url
    assert toggle_url == "?country=DK&sort=title&topic=it-costs"
    assert titles(client.get(f"/cases/{toggle_url}")) == ["Delta"]
    remove_url = facet(response, "country")["DK"].toggle_url
    assert "country" not in remove_url


def test_sorting_by_title(client, library):
    assert titles(client.get("/cases/?sort=title")) == ["Alfa", "Beta", "Delta", "Gamma"]
    assert titles(client.get("/cases/?sort=nonsense")) == ["Delta", "Beta", "Gamma", "Alfa"]


def test_pagination_keeps_the_filters(client, case_index):
    for number in range(15):
        CaseStudyPageFactory(parent=case_index, title=f"Fall {number:02}", country="SE")
    response = client.get("/cases/?country=SE&sort=title&page=2")
    assert titles(response) == ["Fall 12", "Fall 13", "Fall 14"]
    assert 'href="?country=SE&amp;sort=title&amp;page=1"' in response.content.decode()


def test_empty_result_says_which_filters_to_remove(client, library):
    response = client.get("/cases/?country=SE&status=stopped")
    html = response.content.decode()
    assert response.status_code == 200
    assert "No case studies match all of these filters." in html
    assert 'href="?status=stopped"' in html  # remove the country
    assert 'href="/search/"' in html


def test_drafts_and_private_cases_are_never_listed(client, library, case_index):
    """Only live, public cases are in the list and its counts."""
    CaseStudyPageFactory(parent=case_index, title="Utkast", live=False, country="SE")
    private = CaseStudyPageFactory(parent=case_index, title="Hemlig", country="SE")
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)
    response = client.get("/cases/")
    assert "Utkast" not in titles(response) and "Hemlig" not in titles(response)
    assert facet(response, "country")["SE"].count == 2
    assert client.get(private.url).status_code == 302  # to the login page


def test_listing_queries_do_not_grow_with_the_number_of_cases(
    client, library, case_index, django_assert_max_num_queries
):
    """Organisations and topics are prefetched, not fetched per case."""
    for number in range(8):
        CaseStudyPageFactory(parent=case_index, title=f"Fler {number}")
    with django_assert_max_num_queries(30):
        client.get("/cases/")
