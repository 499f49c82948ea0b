"""Mail about meetings, sent by tasks once the change that causes it is committed.

Tasks take ids and plain values: by the time a worker runs one, the registration may have
changed, so it reads the current state. Each message is sent at most once
(``portal.mail.send_once``), so a failed task can simply run again: ``manage.py
retry_mail_tasks``.
"""

import uuid

from django.db import transaction
from django_tasks import task

from portal.faults import fault_point

from . import notifications, retention
from .models import MeetingPage, Registration
from .notifications import RegistrationEmail


@task()
def send_registration_email_task(registration_id: int, kind: str) -> bool:
    """E-mail the user of a registration (confirmation, promotion, …); whether it went out."""
    registration = (
        Registration.objects.select_related("meeting", "user").filter(pk=registration_id).first()
    )
    if registration is None:
        return False
    return notifications.send_registration_email(registration, RegistrationEmail(kind))


@task()
def message_participants_task(
    meeting_id: int, subject: str, body: str, reply_to: str, message_key: str
) -> int:
    """The coordinators' message to each participant with a seat; returns how many were sent."""
    meeting = MeetingPage.objects.filter(pk=meeting_id).first()
    if meeting is None:
        return 0
    return notifications.message_participants(
        meeting, subject=subject, body=body, reply_to=reply_to, message_key=message_key
    )


@task()
def purge_attendee_notes_task() -> int:
    """Remove diet and accessibility notes past their retention; returns how many."""
    return retention.purge_attendee_notes().registrations


def email_after_commit(registration: Registration, kind: RegistrationEmail) -> None:
    """Enqueue ``kind`` for ``registration`` once the current transaction commits (never,
    if it rolls back)."""
    registration_id = registration.pk
    transaction.on_commit(lambda: _enqueue_email(registration_id, str(kind)))


def _enqueue_email(registration_id: int, kind: str) -> None:
    # A process that dies here leaves a committed change without its e-mail: ``manage.py
    # retry_mail_tasks`` finds it from the database (network/lost_mail.py) and sends it.
    fault_point("network.email.enqueue")
    send_registration_email_task.enqueue(registration_id, kind)


def message_participants_after_commit(
    meeting: MeetingPage, *, subject: str, body: str, reply_to: str
) -> None:
    # A key per message: the same text sent again on purpose is a new message.
    args = (meeting.pk, subject, body, reply_to, uuid.uuid4().hex)
    transaction.on_commit(lambda: message_participants_task.enqueue(*args))
