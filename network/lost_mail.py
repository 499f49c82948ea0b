"""Registration e-mails whose task was never enqueued.

A registration's e-mail is enqueued once the change that causes it commits
(``tasks.email_after_commit``). A process that dies between the commit and the enqueue
leaves a registration that no task will ever write about, and no failed task to retry.
Every e-mail that goes out is recorded (``portal.models.SentEmail``), so the registrations
tell what is missing: a confirmation (or waiting-list notice), a promotion or a cancellation
never sent. ``enqueue_lost_emails()`` enqueues them again; ``send_once`` sends each message
once however often it runs. ``manage.py retry_mail_tasks`` calls it (run that from cron).

Only changes older than ``GRACE`` (their task may still be queued) and younger than
``WINDOW`` count, and only for meetings still ahead: older registrations (imported, made by
the demo) are never written to out of the blue.
"""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from portal.models import SentEmail

from .models import Registration
from .notifications import RegistrationEmail, confirmation_for
from .tasks import send_registration_email_task

GRACE = timedelta(minutes=10)
WINDOW = timedelta(days=3)


def _sent(*kinds: RegistrationEmail) -> Exists:
    return Exists(
        SentEmail.objects.filter(
            object_id=OuterRef("pk"), kind__in=[f"registration_{kind}" for kind in kinds]
        )
    )


def lost_emails(now=None) -> list[tuple[int, RegistrationEmail]]:
    """(registration id, e-mail) for every registration e-mail that should have gone out."""
    now = now or timezone.now()
    period = (now - WINDOW, now - GRACE)
    upcoming: QuerySet[Registration] = Registration.objects.filter(meeting__start__gt=now).exclude(
        user__email=""
    )
    confirmations = upcoming.filter(
        status__in=[Registration.Status.REGISTERED, Registration.Status.WAITLISTED],
        promoted_at=None,
        created_at__range=period,
    ).exclude(_sent(RegistrationEmail.REGISTERED, RegistrationEmail.WAITLISTED))
    promotions = upcoming.filter(
        status__in=Registration.SEAT_HOLDING, promoted_at__range=period
    ).exclude(_sent(RegistrationEmail.PROMOTED))
    cancellations = upcoming.filter(
        status=Registration.Status.CANCELLED, cancelled_at__range=period
    ).exclude(_sent(RegistrationEmail.CANCELLED))
    lost = [(registration.pk, confirmation_for(registration)) for registration in confirmations]
    lost += [(pk, RegistrationEmail.PROMOTED) for pk in promotions.values_list("pk", flat=True)]
    lost += [(pk, RegistrationEmail.CANCELLED) for pk in cancellations.values_list("pk", flat=True)]
    return sorted(lost)


def enqueue_lost_emails(*, dry_run: bool = False) -> list[str]:
    """Enqueue every lost registration e-mail (none with ``dry_run``); describes each."""
    found = []
    for registration_id, kind in lost_emails():
        found.append(f"{send_registration_email_task.module_path}({registration_id}, {kind!r})")
        if not dry_run:
            send_registration_email_task.enqueue(registration_id, str(kind))
    return found
