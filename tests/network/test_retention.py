"""Attendees' notes on diet and accessibility are health data: removed a while after the
meeting, while the registrations (who came) stay."""

import csv
import io
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from network.models import Registration
from network.tasks import purge_attendee_notes_task
from tests.factories import MeetingPageFactory, MemberFactory

pytestmark = pytest.mark.django_db


def _meeting_ended(network, days_ago):
    end = timezone.now() - timedelta(days=days_ago)
    return MeetingPageFactory(parent=network, start=end - timedelta(hours=3), end=end)


def _registration(meeting, *, status="attended", diet="Vegan", access="Hörslinga"):
    return Registration.objects.create(
        meeting=meeting,
        user=MemberFactory(),
        status=status,
        dietary_needs=diet,
        accessibility_needs=access,
    )


def _purge(**options) -> str:
    out = StringIO()
    call_command("purge_attendee_notes", stdout=out, **options)
    return out.getvalue()


@pytest.fixture
def old_and_recent(network):
    old = _meeting_ended(network, days_ago=45)
    recent = _meeting_ended(network, days_ago=10)
    return {
        "old_attended": _registration(old),
        "old_cancelled": _registration(old, status="cancelled", access=""),
        "old_without_notes": _registration(old, diet="", access=""),
        "recent": _registration(recent),
    }


def test_notes_go_after_the_retention_period_and_attendance_stays(old_and_recent):
    output = _purge()
    assert "from 2 registration(s) at 1 meeting(s)" in output
    for key in ("old_attended", "old_cancelled", "old_without_notes"):
        registration = Registration.objects.get(pk=old_and_recent[key].pk)
        assert (registration.dietary_needs, registration.accessibility_needs) == ("", "")
        assert registration.notes_removed
    assert Registration.objects.get(pk=old_and_recent["old_attended"].pk).status == "attended"
    assert Registration.objects.get(pk=old_and_recent["old_cancelled"].pk).status == "cancelled"
    recent = Registration.objects.get(pk=old_and_recent["recent"].pk)
    assert (recent.dietary_needs, recent.accessibility_needs) == ("Vegan", "Hörslinga")
    assert not recent.notes_removed


def test_purging_again_changes_nothing(old_and_recent):
    _purge()
    removed_at = Registration.objects.get(pk=old_and_recent["old_attended"].pk).notes_removed_at
    assert "from 0 registration(s) at 0 meeting(s)" in _purge()
    assert (
        Registration.objects.get(pk=old_and_recent["old_attended"].pk).notes_removed_at
        == removed_at
    )


def test_the_retention_period_is_a_setting(old_and_recent, settings):
    settings.ERFA_ATTENDEE_NOTES_RETENTION_DAYS = 5
    assert "from 3 registration(s) at 2 meeting(s)" in _purge()
    assert Registration.objects.get(pk=old_and_recent["recent"].pk).notes_removed


def test_a_dry_run_removes_nothing(old_and_recent):
    assert "Would remove diet and accessibility notes from 2 registration(s)" in _purge(
        dry_run=True
    )
    assert Registration.objects.get(pk=old_and_recent["old_attended"].pk).dietary_needs == "Vegan"


def test_the_task_purges_too(old_and_recent):
    assert purge_attendee_notes_task.enqueue().return_value == 2
    assert Registration.objects.get(pk=old_and_recent["old_attended"].pk).notes_removed


def test_attendee_list_and_csv_show_removed_notes(client, network, coordinator, settings):
    settings.LANGUAGE_CODE = "en"  # the English words, whatever the translations say
    meeting = _meeting_ended(network, days_ago=45)
    _registration(meeting)
    _purge()
    client.force_login(coordinator)
    page = client.get(f"/admin/network/meetings/{meeting.pk}/")
    assert page.status_code == 200
    assert "Notes removed: kept no longer than needed" in page.content.decode()
    response = client.get(f"/admin/network/meetings/{meeting.pk}/attendees.csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[1][3] == "Attended"
    assert rows[1][5:7] == ["(removed)", "(removed)"]
