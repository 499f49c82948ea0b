"""A member's data in networks and meetings: what their download holds, and what closing
their account does here (registered with ``portal.personal_data`` in ``apps.py``).

Closing cancels the registrations for meetings that have not started, through
``registrations.cancel`` so that the freed seats go to the waiting list and those promoted
are told; ends memberships; revokes the calendar feed; and removes the notes on diet and
accessibility. Past registrations stay, as attendance that the anonymised account no longer
ties to a person.
"""

from django.utils import timezone

from portal.site_url import page_url

from . import registrations
from .models import CalendarFeed, Membership, Registration
from .retention import remove_notes


def _iso(moment) -> str | None:
    return moment.isoformat() if moment else None


def export_member_data(user) -> dict:
    memberships = Membership.objects.filter(user=user).select_related("network")
    registration_list = (
        Registration.objects.filter(user=user).select_related("meeting").order_by("created_at")
    )
    feed = CalendarFeed.objects.filter(user=user).first()
    return {
        "memberships": [
            {
                "network": membership.network.title,
                "role": membership.role,
                "status": membership.status,
                "requested_at": _iso(membership.requested_at),
                "member_since": _iso(membership.since),
            }
            for membership in memberships
        ],
        "meeting_registrations": [
            {
                "meeting": registration.meeting.title,
                "meeting_url": page_url(registration.meeting) or "",
                "meeting_start": _iso(registration.meeting.start),
                "meeting_end": _iso(registration.meeting.end),
                "status": registration.status,
                "registered_at": _iso(registration.created_at),
                "cancelled_at": _iso(registration.cancelled_at),
                "promoted_from_waiting_list_at": _iso(registration.promoted_at),
                "reminder_sent_at": _iso(registration.reminder_sent_at),
                "language": registration.language,
                "dietary_needs": registration.dietary_needs,
                "accessibility_needs": registration.accessibility_needs,
                "notes_removed_at": _iso(registration.notes_removed_at),
            }
            for registration in registration_list
        ],
        "calendar_feed": (
            {"token": feed.token, "address_issued_at": _iso(feed.issued_at)} if feed else None
        ),
    }


def close_member_account(user) -> None:
    """Run inside the account closure's transaction, before the user is anonymised."""
    now = timezone.now()
    upcoming = (
        Registration.objects.current()
        .filter(user=user, meeting__start__gt=now)
        .select_related("meeting")
    )
    for registration in upcoming:
        registrations.cancel(registration)
    Membership.objects.filter(user=user).exclude(
        status__in=[Membership.Status.LEFT, Membership.Status.DECLINED]
    ).update(status=Membership.Status.LEFT, since=None, role=Membership.Role.MEMBER)
    CalendarFeed.objects.filter(user=user).delete()
    remove_notes(Registration.objects.filter(user=user), now=now)
