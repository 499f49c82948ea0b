"""Registering for meetings: seats, the waiting list and promotion from it.

Every change that depends on how many seats are taken locks the meeting's row first
(``select_for_update``), so two people can never both take the last seat.
"""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.faults import fault_point

from .models import MeetingPage, Registration
from .notifications import RegistrationEmail, confirmation_for
from .tasks import email_after_commit


class RegistrationError(Exception):
    """A registration that cannot be made or changed; ``str()`` is a message for the user."""


class NotInAudience(RegistrationError):
    def __init__(self):
        super().__init__(_("This meeting is open to members of the network only."))


class RegistrationClosed(RegistrationError):
    def __init__(self):
        super().__init__(_("Registration for this meeting is not open."))


class AlreadyRegistered(RegistrationError):
    def __init__(self):
        super().__init__(_("You are already registered for this meeting."))


def _lock(meeting: MeetingPage) -> MeetingPage:
    # Only the meeting's own table row: editors saving the page are not held up.
    return MeetingPage.objects.select_for_update(of=("self",)).get(pk=meeting.pk)


def register(
    meeting: MeetingPage,
    user,
    *,
    dietary_needs: str = "",
    accessibility_needs: str = "",
    language: str = "sv",
) -> Registration:
    """Give ``user`` a seat, or a place on the waiting list when the meeting is full."""
    if not meeting.is_in_audience(user):
        raise NotInAudience()
    try:
        with transaction.atomic():
            meeting = _lock(meeting)
            if not meeting.registration_is_open():
                raise RegistrationClosed()
            if meeting.registrations.current().filter(user=user).exists():
                raise AlreadyRegistered()
            registration = Registration.objects.create(
                meeting=meeting,
                user=user,
                status=(
                    Registration.Status.REGISTERED
                    if meeting.has_free_seat()
                    else Registration.Status.WAITLISTED
                ),
                dietary_needs=dietary_needs,
                accessibility_needs=accessibility_needs,
                language=language,
            )
            email_after_commit(registration, confirmation_for(registration))
            fault_point("network.registration.created")
    except IntegrityError as error:
        # The unique constraint caught a double submission that slipped past the check.
        raise AlreadyRegistered() from error
    return registration


def cancel(registration: Registration) -> list[Registration]:
    """Cancel a registration; returns those promoted from the waiting list to the freed seat."""
    with transaction.atomic():
        meeting = _lock(registration.meeting)
        registration.refresh_from_db()
        if registration.status == Registration.Status.CANCELLED:
            return []
        if meeting.start <= timezone.now():
            raise RegistrationError(_("The meeting has already started."))
        registration.status = Registration.Status.CANCELLED
        registration.cancelled_at = timezone.now()
        registration.save(update_fields=["status", "cancelled_at"])
        email_after_commit(registration, RegistrationEmail.CANCELLED)
        return _promote_waitlisted(meeting)


def fill_free_seats(meeting: MeetingPage) -> list[Registration]:
    """Promote from the waiting list while seats are free (after capacity is raised, say)."""
    with transaction.atomic():
        return _promote_waitlisted(_lock(meeting))


def _promote_waitlisted(meeting: MeetingPage) -> list[Registration]:
    if meeting.start <= timezone.now():
        return []
    promoted = []
    for registration in meeting.registrations.waitlist():
        if not meeting.has_free_seat():
            break
        registration.status = Registration.Status.REGISTERED
        registration.promoted_at = timezone.now()
        registration.save(update_fields=["status", "promoted_at"])
        promoted.append(registration)
    for registration in promoted:
        email_after_commit(registration, RegistrationEmail.PROMOTED)
    return promoted


def set_attended(registration: Registration, attended: bool) -> None:
    """Coordinators record who came; a cancelled or waitlisted registration cannot attend."""
    if registration.status not in Registration.SEAT_HOLDING:
        raise RegistrationError(_("Only registered participants can be marked as attending."))
    registration.status = (
        Registration.Status.ATTENDED if attended else Registration.Status.REGISTERED
    )
    registration.save(update_fields=["status"])
