"""The map is computed off the request path and refreshed when content changes."""

import pytest
from django.core.management import call_command
from wagtail.models import PageViewRestriction

from datalab.models import DatalabSnapshot
from datalab.semantic_map import map_state, refresh_semantic_map
from datalab.tasks import refresh_datalab_task

pytestmark = pytest.mark.django_db


@pytest.fixture
def publish(make_case, django_capture_on_commit_callbacks, topics):
    """Publish a case and run what its publication enqueues (indexing, the map refresh)."""

    def publish_case(title: str, summary: str, **fields):
        with django_capture_on_commit_callbacks(execute=True):
            return make_case(title, summary=summary, topics=[topics["ai"]], **fields)

    return publish_case


def placed_titles() -> set[str]:
    snapshot = DatalabSnapshot.objects.get(kind=DatalabSnapshot.Kind.SEMANTIC_MAP)
    return {point["title"] for point in snapshot.payload["points"]}


def test_publishing_a_case_refreshes_the_map(
    publish, make_case, django_capture_on_commit_callbacks
):
    """Publishing enqueues a refresh once committed; the refreshed map holds the new case."""
    publish("Chattbot för kundtjänst", "En chattbot svarar på vanliga frågor dygnet runt.")
    publish("Chatbot i borgerservice", "En chatbot besvarer borgernes spørgsmål hele døgnet.")
    assert placed_titles() == {"Chattbot för kundtjänst", "Chatbot i borgerservice"}
    assert not map_state().stale

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        make_case("Öppna geodata", summary="Lantmäteriet släppte kartdata fritt som öppna data.")
    assert refresh_datalab_task.enqueue in callbacks
    assert map_state().stale
    assert "Öppna geodata" not in placed_titles()
    for callback in callbacks:
        callback()
    assert "Öppna geodata" in placed_titles()
    assert not map_state().stale


def test_unpublished_case_leaves_the_map_at_once(
    client, publish, django_capture_on_commit_callbacks
):
    """An unpublished case is hidden from the map page before the snapshot is refreshed."""
    case = publish("Chattbot för kundtjänst", "En chattbot svarar på vanliga frågor dygnet runt.")
    publish("Chatbot i borgerservice", "En chatbot besvarer borgernes spørgsmål hele døgnet.")
    with django_capture_on_commit_callbacks(execute=False):
        case.unpublish()
    assert "Chattbot för kundtjänst" in placed_titles()  # the snapshot is not refreshed yet
    assert map_state().stale
    response = client.get("/datalab/map/")
    assert [row[0] for row in response.context["chart"].rows] == ["Chatbot i borgerservice"]
    assert "Chattbot för kundtjänst" not in response.content.decode()
    assert "being added" in response.content.decode()


def test_the_map_page_never_computes(client, make_case):
    """Without a snapshot the page says the map is being prepared and lists the cases."""
    make_case("Chattbot för kundtjänst")
    response = client.get("/datalab/map/")
    assert response.status_code == 200
    assert "being prepared" in response.content.decode()
    assert "Chattbot för kundtjänst" in response.content.decode()
    assert not DatalabSnapshot.objects.exists()
    assert client.get("/datalab/map/?format=csv").status_code == 404


def test_refresh_skips_work_when_nothing_changed(publish):
    publish("Chattbot för kundtjänst", "En chattbot svarar på vanliga frågor dygnet runt.")
    assert refresh_semantic_map().computed is False
    assert refresh_datalab_task.call() is False
    assert refresh_semantic_map(force=True).computed is True


def test_refresh_datalab_command(publish, capsys):
    publish("Chattbot för kundtjänst", "En chattbot svarar på vanliga frågor dygnet runt.")
    DatalabSnapshot.objects.all().delete()
    call_command("refresh_datalab", "--no-progress")
    assert "1 cases" in capsys.readouterr().out
    assert placed_titles() == {"Chattbot för kundtjänst"}


def test_making_a_case_private_or_public_again_refreshes_the_map(
    publish, django_capture_on_commit_callbacks
):
    """A view restriction made, changed or removed enqueues the same refresh as publishing."""
    case = publish("Chattbot för kundtjänst", "En chattbot svarar på vanliga frågor dygnet runt.")
    publish("Chatbot i borgerservice", "En chatbot besvarer borgernes spørgsmål hele døgnet.")

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        restriction = PageViewRestriction.objects.create(page=case, restriction_type="login")
    assert refresh_datalab_task.enqueue in callbacks
    assert placed_titles() == {"Chatbot i borgerservice"}
    assert not map_state().stale

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        restriction.restriction_type = PageViewRestriction.PASSWORD
        restriction.password = "hemligt"
        restriction.save()
    assert refresh_datalab_task.enqueue in callbacks

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        restriction.delete()
    assert refresh_datalab_task.enqueue in callbacks
    assert "Chattbot för kundtjänst" in placed_titles()
