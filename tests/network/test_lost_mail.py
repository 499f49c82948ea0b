"""Registration e-mails whose task was never enqueued (the process died after the commit)
are found from the database and sent once; the kill test is in tests/robustness/."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from network import lost_mail, registrations
from network.lost_mail import enqueue_lost_emails, lost_emails
from network.notifications import RegistrationEmail
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def _later(**kwargs):
    """When cron runs, after the grace given to tasks still in the queue."""
    return timezone.now() + lost_mail.GRACE + timedelta(minutes=1, **kwargs)


def _members(network, count):
    return [MembershipFactory(network=network).user for _ in range(count)]


def test_a_confirmation_never_enqueued_is_found_and_sent_once(meeting, network, monkeypatch):
    # Two seats, then the waiting list; the test never commits, so no task is enqueued.
    first, second, third = (registrations.register(meeting, user) for user in _members(network, 3))
    assert lost_emails() == []  # still within the grace of a queued task
    assert lost_emails(_later()) == [
        (first.pk, RegistrationEmail.REGISTERED),
        (second.pk, RegistrationEmail.REGISTERED),
        (third.pk, RegistrationEmail.WAITLISTED),
    ]

    monkeypatch.setattr(lost_mail, "GRACE", timedelta(0))
    assert len(enqueue_lost_emails(dry_run=True)) == 3
    assert mail.outbox == []
    enqueue_lost_emails()
    assert len(mail.outbox) == 3
    assert lost_emails() == []
    enqueue_lost_emails()
    assert len(mail.outbox) == 3


def test_a_lost_cancellation_and_promotion_are_found(
    meeting, network, django_capture_on_commit_callbacks
):
    users = _members(network, 3)
    with django_capture_on_commit_callbacks(execute=True):
        made = [registrations.register(meeting, user) for user in users]
    assert lost_emails(_later()) == []
    registrations.cancel(made[0])  # committed, and then the process died
    assert lost_emails(_later()) == [
        (made[0].pk, RegistrationEmail.CANCELLED),
        (made[2].pk, RegistrationEmail.PROMOTED),
    ]


def test_old_registrations_past_meetings_and_users_without_email_are_left_alone(meeting, network):
    old, gone, silent = (registrations.register(meeting, user) for user in _members(network, 3))
    old.created_at -= lost_mail.WINDOW + timedelta(days=1)
    old.save(update_fields=["created_at"])
    silent.user.email = ""
    silent.user.save(update_fields=["email"])
    assert lost_emails(_later()) == [(gone.pk, RegistrationEmail.REGISTERED)]
    assert lost_emails(meeting.start + timedelta(hours=1)) == []
