"""Emails to participants, written in their language (``portal.user_language``; the one
they registered in when they have none).

Texts live in templates/network/email/<kind>_subject.txt and <kind>_body.txt. Requests never
send them: they enqueue the tasks in ``tasks.py``, which call these functions. Every message
goes through ``portal.mail.send_once``, so a task that runs again sends nothing twice.
"""

from enum import StrEnum

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from portal.mail import send_once
from portal.site_url import absolute_url, page_url
from portal.user_language import language_for

from . import calendar
from .models import MeetingPage, Registration


class RegistrationEmail(StrEnum):
    """The messages about one registration; each is also its template's name."""

    REGISTERED = "registered"
    WAITLISTED = "waitlisted"
    PROMOTED = "promoted"
    CANCELLED = "cancelled"
    REMINDER = "reminder"


# A message waiting in the queue may have been overtaken (a waiting-list place promoted, a
# seat cancelled): it goes only while the registration is still what it says.
_STILL_TRUE = {
    RegistrationEmail.REGISTERED: Registration.SEAT_HOLDING,
    RegistrationEmail.WAITLISTED: (Registration.Status.WAITLISTED,),
    RegistrationEmail.PROMOTED: Registration.SEAT_HOLDING,
    RegistrationEmail.CANCELLED: (Registration.Status.CANCELLED,),
    RegistrationEmail.REMINDER: (Registration.Status.REGISTERED,),
}
# A seat comes with the meeting as a calendar file; a waiting-list place says its position.
_WITH_CALENDAR = {
    RegistrationEmail.REGISTERED,
    RegistrationEmail.PROMOTED,
    RegistrationEmail.REMINDER,
}


def confirmation_for(registration: Registration) -> RegistrationEmail:
    if registration.status == Registration.Status.WAITLISTED:
        return RegistrationEmail.WAITLISTED
    return RegistrationEmail.REGISTERED


def send_registration_email(registration: Registration, kind: RegistrationEmail) -> bool:
    """Send ``kind`` to the registered user, once; returns whether it went out now."""
    user, meeting = registration.user, registration.meeting
    if not user.email or registration.status not in _STILL_TRUE[kind]:
        return False
    url = page_url(meeting)
    context = {
        "user": user,
        "meeting": meeting,
        "network": meeting.network,
        "registration": registration,
        "url": url,
        "my_meetings_url": absolute_url(reverse("network:my_meetings")),
    }
    if kind == RegistrationEmail.WAITLISTED:
        context["position"] = registration.waitlist_position
    language = language_for(user, fallback=registration.language)
    with translation.override(language), timezone.override(meeting.zone):
        subject = " ".join(render_to_string(f"network/email/{kind}_subject.txt", context).split())
        body = render_to_string(f"network/email/{kind}_body.txt", context)
        message = EmailMessage(
            subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[user.email]
        )
        if kind in _WITH_CALENDAR:
            event = calendar.meeting_event(
                meeting,
                url=url or "",
                online_link=registration.holds_seat,
                status=calendar.registration_status(registration),
            )
            message.attach(
                "meeting.ics", calendar.build_calendar([event], name=meeting.title), "text/calendar"
            )
    return send_once(message, kind=f"registration_{kind}", object_id=registration.pk)


def message_participants(
    meeting: MeetingPage, *, subject: str, body: str, reply_to: str, message_key: str
) -> int:
    """Send the coordinators' message to each registered participant, one email per person
    so that nobody sees the others' addresses. ``message_key`` names this message, so that
    sending it again reaches only those it has not reached. Returns how many were sent."""
    recipients = (
        meeting.registrations.holding_seats()
        .exclude(user__email="")
        .values_list("user__email", flat=True)
    )
    sent = 0
    with get_connection() as connection:
        for email in recipients:
            message = EmailMessage(
                subject=subject,
                body=body,
                from_email=settings.DEFAULT_FROM_EMAIL,
                to=[email],
                reply_to=[reply_to] if reply_to else None,
                connection=connection,
            )
            sent += send_once(
                message, kind="participant_message", object_id=meeting.pk, key=message_key
            )
    return sent
