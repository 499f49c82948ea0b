"""Reuse a past meeting as the template for the next one."""

from datetime import datetime

from django.utils import timezone
from wagtail.coreutils import find_available_slug

from portal.slugs import page_slug

from .models import MeetingPage


def copy_meeting_as_template(
    meeting: MeetingPage, *, title: str, start: datetime, user
) -> MeetingPage:
    """A draft copy with every date moved so the meeting starts at ``start``.

    Dates move by wall-clock time in the meeting's time zone, so a 10:00 meeting in
    January copied to June still starts at 10:00. Registrations, minutes and lessons
    belong to the old meeting and are not copied.
    """
    zone = meeting.zone
    shift = timezone.localtime(start, zone).replace(tzinfo=None) - _wall_clock(meeting.start, zone)

    def shifted(value: datetime | None) -> datetime | None:
        if value is None:
            return None
        return (_wall_clock(value, zone) + shift).replace(tzinfo=zone)

    parent = meeting.get_parent()
    return meeting.copy(
        to=parent,
        update_attrs={
            "title": title,
            "slug": find_available_slug(parent, page_slug(title) or meeting.slug),
            "start": shifted(meeting.start),
            "end": shifted(meeting.end),
            "registration_opens": shifted(meeting.registration_opens),
            "registration_closes": shifted(meeting.registration_closes),
            "minutes": "",
            "lessons": [],
        },
        keep_live=False,
        copy_revisions=False,
        user=user,
    )


def _wall_clock(value: datetime, zone) -> datetime:
    return timezone.localtime(value, zone).replace(tzinfo=None)
