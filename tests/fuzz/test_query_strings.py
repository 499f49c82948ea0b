"""Hostile query strings against every view that reads one: no answer is a 5xx.

Hypothesis draws the parameters each view knows (and unknown ones) with values of every
awkward kind: any unicode (control characters included), NUL, superscript digits, ints
past 64 bits, negative and huge page numbers, 10,000-character strings. Examples are
capped per view so `make test` stays quick; bench/bench_fuzz.py sends thousands.
"""

from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from datalab.dashboard import CHARTS
from search.facets import FACETS
from tests.factories import (
    CaseIndexPageFactory,
    CaseStudyPageFactory,
    LessonIndexPageFactory,
    LessonLearnedPageFactory,
    MeetingPageFactory,
    MemberFactory,
    NetworkIndexPageFactory,
    NetworkPageFactory,
)

EXAMPLES_PER_VIEW = 15

FACET_PARAMS = [facet.name for facet in FACETS]
# The parameters each view reads; hypothesis adds unknown ones too.
VIEWS = {
    "/search/": ["q", "mode", "page", *FACET_PARAMS],
    "/cases/": ["q", "page", "sort", *FACET_PARAMS],
    "/lessons/": ["q", "page", "kind", *FACET_PARAMS],
    "/networks/": ["page", "country"],
    "/datalab/": ["country", "year_from", "year_to", "topic"],
    "/datalab/charts/cases-by-topic/": ["format", "country", "year_from", "year_to", "topic"],
    "/datalab/charts/top-queries/": ["format", "year_from", "year_to"],
    "/datalab/map/": ["colour", "format"],
    "/datalab/experts/": ["q", "topic"],
    "/datalab/compare/": ["org", "format"],
    "/api/search/": ["q", "mode", "limit", "offset", *FACET_PARAMS],
}

awkward_values = st.one_of(
    st.text(max_size=30),
    st.integers(min_value=-(2**80), max_value=2**80).map(str),
    st.sampled_from(
        [
            "",
            "\x00",
            "abc\x00def",
            "²",
            "١٢",  # Arabic-Indic digits: str.isdigit() is true, int() accepts them
            "99999999999999999999",
            "-1",
            "1e309",
            "NaN",
            "csv",
            "json",
            "png",
            "<script>alert(1)</script>",
            "' OR 1=1 --",
            "%",
            "x" * 10_000,
            "å" * 10_000,
        ]
    ),
)


def query_strings(known: list[str]):
    keys = st.one_of(st.sampled_from(known), st.text(min_size=1, max_size=8))
    return st.dictionaries(keys, st.lists(awkward_values, min_size=1, max_size=3), max_size=4).map(
        lambda params: urlencode(params, doseq=True)
    )


@pytest.fixture
def site(home_page):
    cases = CaseIndexPageFactory(parent=home_page)
    CaseStudyPageFactory(parent=cases, title="Chatbot i kundtjänsten")
    LessonLearnedPageFactory(parent=LessonIndexPageFactory(parent=home_page))
    network = NetworkPageFactory(parent=NetworkIndexPageFactory(parent=home_page))
    MeetingPageFactory(parent=network)
    return home_page


def test_every_view_with_a_query_string_is_fuzzed():
    """A view that reads request.GET and is missing from VIEWS is a gap in the fuzzing."""
    assert set(CHARTS) >= {"cases-by-topic", "top-queries"}
    assert {"/search/", "/api/search/", "/datalab/compare/", "/datalab/experts/"} <= set(VIEWS)


@pytest.mark.parametrize("role", ["anonymous", "member"])
@pytest.mark.parametrize("path", list(VIEWS))
def test_no_query_string_makes_a_view_fail(client, db, site, path, role):
    if role == "member":
        client.force_login(MemberFactory())

    @given(query=query_strings(VIEWS[path]))
    @settings(
        max_examples=EXAMPLES_PER_VIEW,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    def never_fails(query):
        response = client.get(f"{path}?{query}")
        assert response.status_code < 500, (path, query, response.status_code)
        # An export of a map not yet computed is absent (404); every page itself exists.
        assert response.status_code != 404 or "format=" in query, (path, query)

    never_fails()
