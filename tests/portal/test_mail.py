"""Mail tasks send each message at most once, and failed ones can be run again."""

from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max

from network import registrations
from portal.mail import send_once
from portal.models import SentEmail
from tests.factories import (
    MeetingPageFactory,
    MemberFactory,
    NetworkIndexPageFactory,
    NetworkPageFactory,
)

pytestmark = pytest.mark.django_db


def _message(to="anna@example.org"):
    return mail.EmailMessage("Ämne", "Text", "erfa@example.org", [to])


def test_send_once_sends_a_message_once_per_recipient_and_key():
    assert send_once(_message(), kind="test", object_id=1)
    assert not send_once(_message(), kind="test", object_id=1)
    assert send_once(_message("bo@example.org"), kind="test", object_id=1)
    assert send_once(_message(), kind="test", object_id=1, key="again")
    assert len(mail.outbox) == 3
    assert SentEmail.objects.count() == 3


def test_a_failed_send_leaves_no_record(monkeypatch):
    def broken_send(message, *args, **kwargs):
        raise OSError("mail server down")

    monkeypatch.setattr(mail.EmailMessage, "send", broken_send)
    with pytest.raises(OSError):
        send_once(_message(), kind="test", object_id=1)
    assert not SentEmail.objects.exists()


def _failed_result(task_path, *args):
    return DBTaskResult.objects.create(
        task_path=task_path,
        args_kwargs={"args": list(args), "kwargs": {}},
        status=TaskResultStatus.FAILED,
        backend_name="default",
        run_after=get_date_max(),
    )


def test_retry_mail_tasks_runs_failed_mail_tasks_again(home_page):
    networks = NetworkIndexPageFactory(parent=home_page)
    meeting = MeetingPageFactory(parent=NetworkPageFactory(parent=networks), audience="signed_in")
    member = MemberFactory()
    registration = registrations.register(meeting, member)  # the test never commits
    failed = _failed_result(
        "network.tasks.send_registration_email_task", registration.pk, "registered"
    )
    other = _failed_result("search.tasks.index_page_task", meeting.pk)

    call_command("retry_mail_tasks", "--dry-run", stdout=StringIO())
    assert mail.outbox == []

    output = StringIO()
    call_command("retry_mail_tasks", stdout=output)
    assert [message.to for message in mail.outbox] == [[member.email]]
    assert "Enqueued 1 failed mail task(s) again." in output.getvalue()
    assert not DBTaskResult.objects.filter(pk=failed.pk).exists()
    assert DBTaskResult.objects.filter(pk=other.pk).exists()  # not a mail task

    _failed_result("network.tasks.send_registration_email_task", registration.pk, "registered")
    call_command("retry_mail_tasks", stdout=StringIO())
    assert len(mail.outbox) == 1  # already sent: never twice
