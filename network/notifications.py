"""Emails to participants, written in the language they registered in.

Texts live in templates/network/email/<kind>_subject.txt and <kind>_body.txt.
"""

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django.utils import timezone, translation

from . import calendar
from .models import MeetingPage, Registration


def send_registration_confirmation(registration: Registration) -> None:
    """A seat comes with the meeting as a calendar file; a waiting-list place says its position."""
    if registration.status == Registration.Status.WAITLISTED:
        position = (
            registration.meeting.registrations.waitlist()
            .filter(created_at__lte=registration.created_at)
            .count()
        )
        _send(registration, "waitlisted", {"position": position})
    else:
        _send(registration, "registered", attach_calendar=True)


def send_promotion(registration: Registration) -> None:
    _send(registration, "promoted", attach_calendar=True)


def send_cancellation(registration: Registration) -> None:
    _send(registration, "cancelled")


def send_reminder(registration: Registration) -> None:
    _send(registration, "reminder", attach_calendar=True)


def message_participants(meeting: MeetingPage, *, subject: str, body: str, reply_to: str) -> int:
    """Send the coordinators' message to each registered participant, one email per person
    so that nobody sees the others' addresses. Returns how many were sent."""
    recipients = (
        meeting.registrations.holding_seats()
        .exclude(user__email="")
        .values_list("user__email", flat=True)
    )
    messages = [
        EmailMessage(
            subject=subject,
            body=body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[email],
            reply_to=[reply_to] if reply_to else None,
        )
        for email in recipients
    ]
    return get_connection().send_messages(messages) or 0


def _send(
    registration: Registration, kind: str, extra: dict | None = None, attach_calendar=False
) -> None:
    user, meeting = registration.user, registration.meeting
    if not user.email:
        return
    url = meeting.get_full_url()
    context = {
        "user": user,
        "meeting": meeting,
        "network": meeting.network,
        "registration": registration,
        "url": url,
        "my_meetings_url": _absolute("/members/network/my-meetings/", url),
        **(extra or {}),
    }
    with translation.override(registration.language or "sv"), timezone.override(meeting.zone):
        subject = " ".join(render_to_string(f"network/email/{kind}_subject.txt", context).split())
        body = render_to_string(f"network/email/{kind}_body.txt", context)
        message = EmailMessage(
            subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[user.email]
        )
        if attach_calendar:
            event = calendar.meeting_event(
                meeting,
                url=url or "",
                online_link=registration.holds_seat,
                status=calendar.registration_status(registration),
            )
            message.attach(
                "meeting.ics", calendar.build_calendar([event], name=meeting.title), "text/calendar"
            )
    message.send()


def _absolute(path: str, page_url: str | None) -> str:
    """``path`` on the same host as the page (emails need absolute links)."""
    if not page_url:
        return path
    scheme, _sep, rest = page_url.partition("://")
    return f"{scheme}://{rest.split('/', 1)[0]}{path}"
