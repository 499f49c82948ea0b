"""The JSON API against its own OpenAPI schema: schemathesis generates requests from
/api/openapi.json and checks every answer (status documented, body as declared, no 5xx)."""

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings

from tests.factories import (
    CaseIndexPageFactory,
    CaseStudyPageFactory,
    LessonIndexPageFactory,
    LessonLearnedPageFactory,
    MeetingPageFactory,
    NetworkIndexPageFactory,
    NetworkPageFactory,
)

# Capped so `make test` stays quick; bench/bench_fuzz.py does the long run.
EXAMPLES_PER_OPERATION = 60
# The content API's operations are many and alike: fewer examples each keeps the run short.
CONTENT_EXAMPLES_PER_OPERATION = 25
CONTENT_PATHS = [
    "/api/cases/",
    "/api/cases/{case_id}/",
    "/api/lessons/",
    "/api/lessons/{lesson_id}/",
    "/api/networks/",
    "/api/networks/{network_id}/",
    "/api/meetings/",
    "/api/meetings/{meeting_id}/",
]


@pytest.fixture
def api_schema(db, home_page):
    # A few live pages, so /api/similar/ meets ids that exist as well as ids that do not.
    for title in ("Chatbot i kundtjänsten", "Prognos för beläggning på sjukhus"):
        CaseStudyPageFactory(parent=home_page, title=title)
    # And one of each kind the content API lists, so lists are not empty and ids exist.
    CaseStudyPageFactory(parent=CaseIndexPageFactory(parent=home_page), title="Digital post")
    LessonLearnedPageFactory(parent=LessonIndexPageFactory(parent=home_page))
    network = NetworkPageFactory(parent=NetworkIndexPageFactory(parent=home_page))
    MeetingPageFactory(parent=network)
    # Requests go straight to the WSGI handler, whose request signals would close the
    # test's database connection (and its transaction) after each one, as Django's own
    # test client prevents in the same way.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield schemathesis.openapi.from_wsgi("/api/openapi.json", WSGIHandler())
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _operations(schema):
    return [result.ok() for result in schema.get_all_operations()]


def test_every_operation_is_fuzzed(api_schema):
    paths = {operation.path for operation in _operations(api_schema)}
    assert {"/api/search/", "/api/similar/{page_id}/", *CONTENT_PATHS} <= paths


@pytest.mark.parametrize(
    ("path", "examples"),
    [
        ("/api/search/", EXAMPLES_PER_OPERATION),
        ("/api/similar/{page_id}/", EXAMPLES_PER_OPERATION),
        *((path, CONTENT_EXAMPLES_PER_OPERATION) for path in CONTENT_PATHS),
    ],
)
def test_api_answers_as_its_schema_says(api_schema, path, examples):
    operation = api_schema[path]["GET"]

    @given(case=operation.as_strategy())
    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    def answers_as_documented(case):
        case.call_and_validate()

    answers_as_documented()
