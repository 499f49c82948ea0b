import threading
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from network import registrations
from network.models import MeetingPage, Registration
from tests.factories import MeetingPageFactory, MemberFactory, MembershipFactory

pytestmark = pytest.mark.django_db(transaction=False)


def _members(network, count):
    return [MembershipFactory(network=network).user for _ in range(count)]


def test_registrations_beyond_capacity_join_the_waiting_list_in_order(meeting, network):
    """The first two get seats; the next ones are waitlisted in the order they came."""
    users = _members(network, 4)
    made = [registrations.register(meeting, user) for user in users]
    assert [r.status for r in made] == ["registered", "registered", "waitlisted", "waitlisted"]
    assert list(meeting.registrations.waitlist().values_list("user", flat=True)) == [
        users[2].pk,
        users[3].pk,
    ]


def test_cancelling_a_seat_promotes_the_first_on_the_waiting_list_and_tells_them(
    meeting, network, django_capture_on_commit_callbacks
):
    users = _members(network, 4)
    with django_capture_on_commit_callbacks(execute=True):
        made = [registrations.register(meeting, user) for user in users]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        promoted = registrations.cancel(made[0])
    assert [r.user for r in promoted] == [users[2]]
    statuses = dict(meeting.registrations.values_list("user", "status"))
    assert statuses[users[0].pk] == "cancelled"
    assert statuses[users[2].pk] == "registered"
    assert statuses[users[3].pk] == "waitlisted"
    recipients = {message.to[0]: message for message in mail.outbox}
    assert set(recipients) == {users[0].email, users[2].email}
    promotion = recipients[users[2].email]
    assert promotion.attachments and promotion.attachments[0][0] == "meeting.ics"
    assert "https://meet.example/secret-room" in promotion.body


def test_cancelling_a_waitlisted_place_promotes_nobody(meeting, network):
    users = _members(network, 3)
    made = [registrations.register(meeting, user) for user in users]
    assert registrations.cancel(made[2]) == []
    assert meeting.registrations.holding_seats().count() == 2


def test_confirmation_is_written_in_the_language_of_registration(
    network, django_capture_on_commit_callbacks
):
    """Emails follow the language the user registered in (here: Danish month names)."""
    start = datetime(timezone.now().year + 1, 3, 10, 10, tzinfo=ZoneInfo("Europe/Copenhagen"))
    march_meeting = MeetingPageFactory(
        parent=network, title="Forårsmødet", start=start, time_zone="Europe/Copenhagen"
    )
    with django_capture_on_commit_callbacks(execute=True):
        registrations.register(march_meeting, MemberFactory(), language="da")
        registrations.register(march_meeting, MemberFactory(), language="sv")
    danish, swedish = mail.outbox
    assert "10. marts" in danish.body and "10:00" in danish.body
    assert "10 mars" in swedish.body
    assert danish.attachments[0][2].startswith("text/calendar")


def test_waitlisted_confirmation_says_the_position(
    meeting, network, django_capture_on_commit_callbacks
):
    users = _members(network, 3)
    with django_capture_on_commit_callbacks(execute=True):
        for user in users:
            registrations.register(meeting, user, language="en")
    last = mail.outbox[-1]
    assert last.subject == "On the waiting list: Vårträffen"
    assert "number 1 on the waiting list" in last.body
    assert "secret-room" not in last.body


def test_a_user_cannot_register_twice(meeting, member):
    registrations.register(meeting, member)
    with pytest.raises(registrations.AlreadyRegistered):
        registrations.register(meeting, member)
    assert meeting.registrations.count() == 1


def test_a_user_who_cancelled_may_register_again_at_the_back_of_the_queue(meeting, network):
    first, second, third = _members(network, 3)
    cancelled = registrations.register(meeting, first)
    registrations.register(meeting, second)
    registrations.cancel(cancelled)
    registrations.register(meeting, third)
    again = registrations.register(meeting, first)
    assert again.status == "waitlisted"
    assert meeting.registrations.filter(user=first).count() == 2


def test_registration_closes_at_the_deadline(meeting, member):
    meeting.registration_closes = timezone.now() - timedelta(minutes=1)
    meeting.save()
    with pytest.raises(registrations.RegistrationClosed):
        registrations.register(meeting, member)


def test_registration_opens_at_its_opening_time(meeting, member):
    meeting.registration_opens = timezone.now() + timedelta(hours=1)
    meeting.save()
    with pytest.raises(registrations.RegistrationClosed):
        registrations.register(meeting, member)
    meeting.registration_opens = timezone.now() - timedelta(hours=1)
    meeting.save()
    assert registrations.register(meeting, member).status == "registered"


def test_registration_closes_when_the_meeting_has_started(network, member):
    started = MeetingPageFactory(
        parent=network, start=timezone.now() - timedelta(minutes=5), audience="signed_in"
    )
    with pytest.raises(registrations.RegistrationClosed):
        registrations.register(started, member)


def test_members_only_meetings_refuse_non_members(meeting):
    outsider = MemberFactory()
    with pytest.raises(registrations.NotInAudience):
        registrations.register(meeting, outsider)


def test_open_meetings_take_anyone_signed_in(network):
    open_meeting = MeetingPageFactory(parent=network, audience="signed_in")
    assert registrations.register(open_meeting, MemberFactory()).status == "registered"


def test_publishing_a_higher_capacity_gives_the_new_seats_to_the_waiting_list(
    meeting, network, django_capture_on_commit_callbacks
):
    users = _members(network, 4)
    for user in users:
        registrations.register(meeting, user)
    meeting.capacity = 3
    with django_capture_on_commit_callbacks(execute=True):
        meeting.save_revision().publish()
    assert meeting.registrations.get(user=users[2]).status == "registered"
    assert meeting.registrations.get(user=users[3]).status == "waitlisted"


def test_attendance_can_be_marked_for_seats_only(meeting, network):
    seated, _other = [registrations.register(meeting, user) for user in _members(network, 2)]
    registrations.set_attended(seated, True)
    assert seated.status == "attended"
    counts = meeting.registrations.counts()
    assert counts["attended"] == 1 and counts["registered"] == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_registrations_for_the_last_seat_never_overbook(network, monkeypatch):
    """Two people register for the last seat at the same moment; exactly one gets it."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises all writes and cannot show row locking; CI runs PostgreSQL")
    last_seat = MeetingPageFactory(parent=network, capacity=1, audience="signed_in")
    # Hold each registration between counting the seats and taking one, so that without
    # the lock both would see the seat free.
    count_seats = MeetingPage.has_free_seat

    def slow_count(meeting):
        free = count_seats(meeting)
        time.sleep(0.3)
        return free

    monkeypatch.setattr(MeetingPage, "has_free_seat", slow_count)
    users = [MemberFactory(), MemberFactory()]
    barrier = threading.Barrier(len(users))
    results, errors = [], []

    def register(user):
        try:
            barrier.wait()
            results.append(registrations.register(last_seat, user).status)
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            connection.close()  # each thread has its own connection

    threads = [threading.Thread(target=register, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(results) == ["registered", "waitlisted"]
    assert Registration.objects.filter(meeting=last_seat, status="registered").count() == 1
