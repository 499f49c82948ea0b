"""Mail about meetings goes out from tasks, after commit, and never twice."""

import pytest
from django.core import mail
from django.db import transaction
from django_tasks import TaskResultStatus
from django_tasks.signals import task_enqueued

from network import registrations
from network.models import Registration
from network.tasks import message_participants_task, send_registration_email_task
from portal.models import SentEmail
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def test_a_confirmation_task_run_twice_sends_one_message(meeting, member):
    registration = registrations.register(meeting, member)  # the test never commits
    assert mail.outbox == []
    first = send_registration_email_task.enqueue(registration.pk, "registered")
    second = send_registration_email_task.enqueue(registration.pk, "registered")
    assert [message.to for message in mail.outbox] == [[member.email]]
    assert (first.return_value, second.return_value) == (True, False)


def test_no_message_when_the_registration_is_rolled_back(
    meeting, member, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        registrations.register(meeting, member)
        raise RuntimeError("something later in the same request failed")
    assert callbacks == []
    assert mail.outbox == []
    assert not Registration.objects.exists()


@pytest.fixture
def enqueued():
    """(task name, arguments) of every task enqueued during the test."""
    calls = []

    def record(sender, task_result, **kwargs):
        calls.append((task_result.task.name, list(task_result.args)))

    task_enqueued.connect(record)
    yield calls
    task_enqueued.disconnect(record)


def test_the_confirmation_is_enqueued_with_plain_values_after_commit(
    meeting, member, enqueued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        registration = registrations.register(meeting, member)
    assert enqueued == []  # nothing before the commit
    for callback in callbacks:
        callback()
    assert enqueued == [("send_registration_email_task", [registration.pk, "registered"])]
    assert [message.to for message in mail.outbox] == [[member.email]]


def test_a_failed_send_is_sent_when_the_task_runs_again(meeting, member, monkeypatch):
    registration = registrations.register(meeting, member)
    original_send = mail.EmailMessage.send

    def broken_send(message, *args, **kwargs):
        raise OSError("mail server down")

    monkeypatch.setattr(mail.EmailMessage, "send", broken_send)
    failed = send_registration_email_task.enqueue(registration.pk, "registered")
    assert failed.status == TaskResultStatus.FAILED
    assert not SentEmail.objects.exists()  # the record went with the failed send

    monkeypatch.setattr(mail.EmailMessage, "send", original_send)
    send_registration_email_task.enqueue(registration.pk, "registered")
    send_registration_email_task.enqueue(registration.pk, "registered")
    assert len(mail.outbox) == 1


def test_a_message_overtaken_by_events_is_not_sent(meeting, network):
    """A waiting-list confirmation still queued when the place was promoted stays unsent."""
    users = [MembershipFactory(network=network).user for _ in range(3)]
    made = [registrations.register(meeting, user) for user in users]
    registrations.cancel(made[0])
    assert Registration.objects.get(pk=made[2].pk).status == "registered"
    send_registration_email_task.enqueue(made[2].pk, "waitlisted")
    assert mail.outbox == []


def test_a_coordinators_message_task_run_twice_reaches_each_participant_once(meeting, network):
    users = [MembershipFactory(network=network).user for _ in range(2)]
    for user in users:
        registrations.register(meeting, user)
    arguments = (meeting.pk, "Ny lokal", "Vi ses i sal B.", "coordinator@example.org", "k1")
    message_participants_task.enqueue(*arguments)
    message_participants_task.enqueue(*arguments)
    assert sorted(message.to[0] for message in mail.outbox) == sorted(u.email for u in users)
    # The same words sent again on purpose are a new message.
    message_participants_task.enqueue(*arguments[:-1], "k2")
    assert len(mail.outbox) == 4


def test_the_coordinators_message_waits_for_the_commit(
    client, meeting, coordinator, member, django_capture_on_commit_callbacks
):
    registrations.register(meeting, member)
    client.force_login(coordinator)
    url = f"/admin/network/meetings/{meeting.pk}/message/"
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(url, {"subject": "Ny lokal", "body": "Vi ses i sal B."})
    assert mail.outbox == []
    assert len(callbacks) == 1
    callbacks[0]()
    assert [message.to for message in mail.outbox] == [[member.email]]
