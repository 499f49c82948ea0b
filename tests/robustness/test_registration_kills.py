"""Registrations killed inside their transaction, and between their commit and the
enqueueing of their confirmation (``retry_mail_tasks`` finds and sends it)."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from network import lost_mail, registrations
from network.models import Registration
from portal.models import SentEmail
from tests.factories import (
    MeetingPageFactory,
    MembershipFactory,
    NetworkIndexPageFactory,
    NetworkPageFactory,
)

from .conftest import killed, succeeded

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _meeting(network, title):
    start = timezone.now() + timedelta(days=14)
    return MeetingPageFactory(
        parent=network,
        title=title,
        start=start,
        end=start + timedelta(hours=3),
        capacity=2,
        audience="members",
    )


def _register_all(child, meeting, usernames, fault=None):
    """Each user registers for the meeting in turn, as from the meeting page."""
    code = "\n".join(
        [
            "from django.contrib.auth import get_user_model",
            "from network.models import MeetingPage",
            "from network.registrations import AlreadyRegistered, register",
            f"meeting = MeetingPage.objects.get(pk={meeting.pk})",
            f"for username in {usernames!r}:",
            "    try:",
            "        register(meeting, get_user_model().objects.get(username=username))",
            "    except AlreadyRegistered:",
            "        pass",
        ]
    )
    return child.run("shell", "--no-imports", "-c", code, fault=fault)


def _registrations(meeting) -> list[tuple[str, str]]:
    return list(
        Registration.objects.filter(meeting=meeting)
        .order_by("created_at", "pk")
        .values_list("user__username", "status")
    )


def _confirmations(meeting) -> list[tuple[str, str]]:
    """Who got which confirmation, each exactly once."""
    names = dict(Registration.objects.filter(meeting=meeting).values_list("pk", "user__username"))
    sent = SentEmail.objects.filter(object_id__in=names).values_list("object_id", "kind")
    return sorted((names[object_id], kind) for object_id, kind in sent)


def _assert_seats_add_up(meeting) -> None:
    meeting.refresh_from_db()
    holding = meeting.registrations.holding_seats().count()
    assert holding <= meeting.capacity
    assert meeting.seats_left == meeting.capacity - holding
    assert meeting.registrations.current().values("user").distinct().count() == (
        meeting.registrations.current().count()
    )


def test_registrations_killed_before_and_after_their_commit_lose_no_seat_and_no_mail(
    child, home_page, mailoutbox, monkeypatch
):
    network = NetworkPageFactory(parent=NetworkIndexPageFactory(parent=home_page))
    meeting, clean_meeting = _meeting(network, "Vårträffen"), _meeting(network, "Höstträffen")
    users = [MembershipFactory(network=network).user for _ in range(4)]
    usernames = [user.username for user in users]

    run = _register_all(child, meeting, usernames, fault="network.registration.created:3")

    assert killed(run), run.stderr
    # Mid-way: two seats taken and confirmed; the third registration died uncommitted.
    assert _registrations(meeting) == [(usernames[0], "registered"), (usernames[1], "registered")]
    assert _confirmations(meeting) == sorted(
        [(usernames[0], "registration_registered"), (usernames[1], "registration_registered")]
    )
    _assert_seats_add_up(meeting)

    run = _register_all(child, meeting, usernames, fault="network.email.enqueue:1")

    assert killed(run), run.stderr
    # The third is on the waiting list, committed, and was never told.
    assert _registrations(meeting)[2:] == [(usernames[2], "waitlisted")]
    assert (usernames[2], "registration_waitlisted") not in _confirmations(meeting)
    _assert_seats_add_up(meeting)
    # The mail retry (from cron, once the grace for a queued task is over) finds and sends it.
    monkeypatch.setattr(lost_mail, "GRACE", timedelta(0))
    call_command("retry_mail_tasks", stdout=StringIO())
    assert [message.to for message in mailoutbox] == [[users[2].email]]
    call_command("retry_mail_tasks", stdout=StringIO())
    assert len(mailoutbox) == 1  # and only once

    run = _register_all(child, meeting, usernames)

    assert succeeded(run), run.stderr
    resumed = _registrations(meeting)
    assert resumed == [
        (usernames[0], "registered"),
        (usernames[1], "registered"),
        (usernames[2], "waitlisted"),
        (usernames[3], "waitlisted"),
    ]
    _assert_seats_add_up(meeting)
    # The same registrations, made without a kill, end the same way, with the same mail.
    for user in users:
        registrations.register(clean_meeting, user)
    assert _registrations(clean_meeting) == resumed
    assert _confirmations(meeting) == _confirmations(clean_meeting)
    assert len(_confirmations(meeting)) == len(users)
