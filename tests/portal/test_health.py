"""/health/: 200 when the database, the queue, the index generation and the encoder are
fine, 503 with the reasons when one is not; the same JSON in every language; no secrets."""

import pytest
from django.db import OperationalError, connection
from django.test import override_settings

from search import vector_sync
from search.generations import bump_generation
from search.models import IndexState
from tests.factories import CaseIndexPageFactory, CaseStudyPageFactory


@pytest.fixture(autouse=True)
def own_index(settings, tmp_path):
    settings.ERFA_INDEX_DIR = tmp_path / "index"
    settings.ERFA_SEARCH = {"STATE_TTL": 0}


@pytest.fixture
def published_case(home_page, django_capture_on_commit_callbacks):
    cases = CaseIndexPageFactory(parent=home_page)
    case = CaseStudyPageFactory(parent=cases, title="Hälsokontroll i ärendeflödet", live=False)
    with django_capture_on_commit_callbacks(execute=True):
        case.save_revision().publish()
    return case


def test_healthy_node_answers_200_with_its_generation(client, published_case):
    response = client.get("/health/")
    assert response.status_code == 200
    report = response.json()
    assert report["status"] == "ok" and report["reasons"] == []
    state = IndexState.objects.active()
    assert report["index"]["model"] == state.model_id
    assert report["index"]["database_generation"] == state.generation
    assert report["index"]["served_generation"] == state.generation
    assert report["index"]["lag"] == 0
    assert report["encoder"]["model"] == state.model_id
    assert report["database"]["ok"] and report["queue"]["ok"]
    assert ":" in report["node"]  # host:pid, to tell the nodes behind a load balancer apart


def test_health_is_outside_the_language_prefixes(client, published_case):
    assert client.get("/en/health/").status_code == 404
    assert client.get("/health/", HTTP_ACCEPT_LANGUAGE="da").json()["status"] == "ok"


def test_a_node_behind_catches_up_on_the_check(client, published_case):
    """Another process moved the index on; the check brings this one forward, as a search
    would, and reports how far behind it was."""
    state = IndexState.objects.active()
    client.get("/health/")
    bump_generation(state, published_case.pk, announce=False)
    report = client.get("/health/").json()
    assert report["status"] == "ok"
    assert report["index"]["caught_up"] == 1
    assert report["index"]["lag"] == 0


def test_a_node_that_cannot_catch_up_is_unavailable(client, published_case, monkeypatch):
    state = IndexState.objects.active()
    client.get("/health/")
    served = state.generation
    bump_generation(state, published_case.pk, announce=False)
    bump_generation(state, published_case.pk, announce=False)
    # This process's copy can no longer move forward (a full disk, a broken file...).
    monkeypatch.setattr(vector_sync, "current_index", lambda *args: None)
    response = client.get("/health/")
    assert response.status_code == 503
    report = response.json()
    assert report["status"] == "unavailable"
    assert report["index"]["served_generation"] == served
    assert report["index"]["lag"] == 2
    assert report["index"]["lag_seconds"] >= 0
    assert report["reasons"] == ["index: 2 generation(s) behind the database"]


def test_database_down_is_unavailable_and_tells_no_secrets(client, published_case, monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError(
            "connection to server at 10.0.0.9 failed: password authentication failed"
        )

    with monkeypatch.context() as patch:
        patch.setattr(connection, "cursor", refuse)
        response = client.get("/health/")
    assert response.status_code == 503
    report = response.json()
    assert "database: OperationalError" in report["reasons"]
    assert report["database"]["ok"] is False
    body = response.content.decode()
    assert "password" not in body and "10.0.0.9" not in body


@override_settings(
    TASKS={"default": {"BACKEND": "django_tasks_rq.RQBackend"}},
    RQ_QUEUES={"default": {"URL": "redis://127.0.0.1:1/0", "SOCKET_CONNECT_TIMEOUT": 1}},
)
def test_queue_down_is_unavailable(client, published_case):
    """RQ's Redis does not answer (nothing listens on port 1)."""
    response = client.get("/health/")
    assert response.status_code == 503
    report = response.json()
    assert report["queue"]["ok"] is False
    assert [reason for reason in report["reasons"] if reason.startswith("queue:")]


@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
def test_database_queue_is_checked_by_reading_its_table(client, published_case):
    report = client.get("/health/").json()
    assert report["queue"] == {"ok": True, "backend": "database"}
