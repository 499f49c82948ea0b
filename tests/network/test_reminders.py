from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from network import registrations
from tests.factories import MeetingPageFactory, MemberFactory

pytestmark = pytest.mark.django_db


def _remind(**options):
    call_command("send_meeting_reminders", stdout=StringIO(), **options)


def test_reminders_go_once_to_seat_holders_of_meetings_starting_soon(network):
    soon = MeetingPageFactory(
        parent=network, start=timezone.now() + timedelta(hours=20), capacity=1
    )
    later = MeetingPageFactory(parent=network, start=timezone.now() + timedelta(days=5))
    seated, waiting, later_user = MemberFactory(), MemberFactory(), MemberFactory()
    registrations.register(soon, seated)
    registrations.register(soon, waiting)
    registrations.register(later, later_user)
    mail.outbox.clear()

    _remind()
    assert [message.to for message in mail.outbox] == [[seated.email]]
    assert mail.outbox[0].attachments[0][0] == "meeting.ics"

    _remind()
    _remind(hours=48)
    assert len(mail.outbox) == 1  # never twice

    _remind(hours=24 * 7)
    assert [message.to for message in mail.outbox] == [[seated.email], [later_user.email]]


def test_cancelled_registrations_get_no_reminder(network):
    soon = MeetingPageFactory(parent=network, start=timezone.now() + timedelta(hours=3))
    registration = registrations.register(soon, MemberFactory())
    registrations.cancel(registration)
    mail.outbox.clear()
    _remind()
    assert mail.outbox == []
