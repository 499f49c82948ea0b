"""iCalendar (RFC 5545) files for meetings: one meeting, a network's feed, a personal feed.

Times are written in the meeting's own time zone (DTSTART;TZID=Europe/Stockholm) with the
matching VTIMEZONE, so calendar applications keep the right wall-clock time across DST.
"""

from collections.abc import Iterable

from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from .models import MeetingPage, Registration

CONTENT_TYPE = "text/calendar; charset=utf-8"


def meeting_event(
    meeting: MeetingPage,
    *,
    url: str,
    online_link: bool = False,
    status: str = "CONFIRMED",
) -> Event:
    """A VEVENT with the meeting's public information; the online link only when asked."""
    event = Event()
    event.add("uid", f"meeting-{meeting.pk}@erfa")
    event.add("dtstamp", timezone.now())
    event.add("dtstart", meeting.local_start)
    event.add("dtend", meeting.local_end)
    event.add("summary", meeting.title)
    event.add("status", status)
    event.add("url", url)
    if meeting.last_published_at:
        event.add("last-modified", meeting.last_published_at)
    location = _location(meeting, online_link=online_link)
    if location:
        event.add("location", location)
    event.add("description", _description(meeting, url=url, online_link=online_link))
    return event


def build_calendar(events: Iterable[Event], *, name: str) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Erfa//Networks and meetings//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    for event in events:
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()


def registration_status(registration: Registration) -> str:
    """A seat is CONFIRMED; a place on the waiting list is TENTATIVE."""
    if registration.status == Registration.Status.WAITLISTED:
        return "TENTATIVE"
    if registration.status == Registration.Status.CANCELLED:
        return "CANCELLED"
    return "CONFIRMED"


def _location(meeting: MeetingPage, *, online_link: bool) -> str:
    parts = [meeting.venue, " ".join(meeting.address.split())]
    if meeting.format != MeetingPage.Format.IN_PERSON:
        parts.append(meeting.online_link if online_link else _("Online"))
    return ", ".join(part for part in parts if part)


def _description(meeting: MeetingPage, *, url: str, online_link: bool) -> str:
    lines = [meeting.summary] if meeting.summary else []
    agenda = [
        " ".join(
            part
            for part in (
                item.value["time"].strftime("%H:%M") if item.value["time"] else "",
                item.value["title"],
                f"({item.value['speaker']})" if item.value["speaker"] else "",
            )
            if part
        )
        for item in meeting.agenda
    ]
    if agenda:
        lines += ["", _("Agenda") + ":", *agenda]
    if online_link and meeting.online_link:
        lines += ["", _("Online link") + ": " + meeting.online_link]
    lines += ["", url]
    return "\n".join(lines)
