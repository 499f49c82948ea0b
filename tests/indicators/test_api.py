"""The read-only indicator API: lists, filters and pages, members-only privacy, and its
endpoints answering as their OpenAPI schema says (schemathesis)."""

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings

from indicators.models import Indicator, Observation
from tests.factories import MemberFactory, OrganisationFactory
from tests.indicators.conftest import make_series

EXAMPLES_PER_OPERATION = 40  # capped: `make test` stays quick
PATHS = ["/api/indicators/series/", "/api/indicators/indicators/", "/api/indicators/observations/"]


@pytest.fixture
def api_data(db):
    public = make_series("esv")
    secret = make_series("zqsecret", members_only=True, indicators=[("zqhidden", "%", 0, 100)])
    se = OrganisationFactory(name="Skatteverket", slug="skatteverket", country="SE")
    dk = OrganisationFactory(name="Skattestyrelsen", slug="skattestyrelsen", country="DK")
    share = Indicator.objects.get(series=public, code="it-share")
    for organisation in (se, dk):
        for year in (2023, 2024):
            Observation.objects.create(
                indicator=share, organisation=organisation, year=year, value=year - 2000
            )
    hidden = Indicator.objects.get(series=secret)
    Observation.objects.create(indicator=hidden, organisation=se, year=2024, value=5)
    return {"share": share, "hidden": hidden}


def test_anonymous_clients_never_receive_members_only_data(client, api_data):
    series = client.get("/api/indicators/series/").json()
    assert [item["code"] for item in series["items"]] == ["esv"]
    indicators = client.get("/api/indicators/indicators/").json()
    assert {item["code"] for item in indicators["items"]} == {"it-share", "maturity"}
    hidden = client.get(f"/api/indicators/observations/?indicator={api_data['hidden'].pk}").json()
    assert hidden == {"count": 0, "limit": 100, "offset": 0, "items": []}
    everything = client.get("/api/indicators/observations/").json()
    assert everything["count"] == 4
    assert "zq" not in str(everything).lower()


def test_members_receive_members_only_data(client, api_data):
    client.force_login(MemberFactory())
    series = client.get("/api/indicators/series/").json()
    assert [item["code"] for item in series["items"]] == ["esv", "zqsecret"]
    observations = client.get("/api/indicators/observations/?series=zqsecret").json()
    assert [item["indicator_code"] for item in observations["items"]] == ["zqhidden"]


def test_observations_filter_and_page(client, api_data):
    def get(query):
        return client.get(f"/api/indicators/observations/?{query}").json()

    assert get("year=2024")["count"] == 2
    assert get("country=DK")["count"] == 2
    dk_2023 = get("country=DK&year=2023")["items"]
    assert [(item["organisation"], item["value"]) for item in dk_2023] == [("skattestyrelsen", 23)]
    assert get("organisation=skatteverket&series=esv")["count"] == 2
    assert get(f"indicator={api_data['share'].pk}")["count"] == 4
    first, second = get("limit=3&offset=0"), get("limit=3&offset=3")
    assert first["count"] == second["count"] == 4
    assert len(first["items"]) == 3 and len(second["items"]) == 1
    assert client.get("/api/indicators/observations/?country=XY").status_code == 422
    assert (
        client.get("/api/indicators/observations/?offset=99999999999999999999").status_code == 422
    )


def test_endpoints_are_in_the_openapi_schema(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    assert set(PATHS) <= set(paths)


@pytest.fixture
def api_schema(api_data):
    # As tests/fuzz/test_api_schema.py: the WSGI handler's request signals would close the
    # test's connection (and its transaction) after each request.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield schemathesis.openapi.from_wsgi("/api/openapi.json", WSGIHandler())
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.parametrize("path", PATHS)
def test_api_answers_as_its_schema_says(api_schema, path):
    operation = api_schema[path]["GET"]

    @given(case=operation.as_strategy())
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    def answers_as_documented(case):
        case.call_and_validate()

    answers_as_documented()
