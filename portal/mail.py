"""Sending an e-mail at most once, from tasks that may run again.

django-tasks does not retry, and a failed mail task is re-run by enqueuing it again with the
same arguments (see ``portal/management/commands/retry_mail_tasks.py``). Every mail task
therefore sends through ``send_once``: what went out is recorded in ``SentEmail`` in the same
transaction as the send, so a re-run sends only what is missing.
"""

from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction

from .models import SentEmail


def send_once(message: EmailMessage, *, kind: str, object_id: int, key: str = "") -> bool:
    """Send ``message`` (to one recipient) unless it was sent before; returns whether it was.

    The record is written first and the send happens inside the same transaction: if sending
    fails the record is rolled back and a re-run tries again; if another worker is sending
    the same message, the unique constraint makes this one wait for it and then skip.
    """
    (recipient,) = message.to
    sent_before = SentEmail.objects.filter(
        kind=kind, object_id=object_id, recipient=recipient, key=key
    )
    if sent_before.exists():
        return False
    try:
        with transaction.atomic():
            SentEmail.objects.create(kind=kind, object_id=object_id, recipient=recipient, key=key)
            message.send()
    except IntegrityError:
        return False
    return True
