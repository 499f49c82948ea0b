from django import template
from django.utils import formats, timezone

from ..models import MeetingPage

register = template.Library()


@register.inclusion_tag("network/includes/home_upcoming_meetings.html", takes_context=True)
def upcoming_meetings(context, count=4):
    """The next public meetings, for the home page."""
    meetings = (
        MeetingPage.objects.live()
        .public()
        .filter(start__gte=timezone.now())
        .order_by("start")[:count]
    )
    return {"meetings": meetings, "request": context.get("request")}


@register.simple_tag
def meeting_when(meeting: MeetingPage) -> str:
    """Date and time in the meeting's own time zone, e.g. "12 mars 2026 10:00–15:30 (Stockholm)"."""
    start, end = meeting.local_start, meeting.local_end
    day = formats.date_format(start, "DATE_FORMAT")
    start_time = formats.time_format(start, "TIME_FORMAT")
    if end.date() == start.date():
        until = formats.time_format(end, "TIME_FORMAT")
    else:
        until = (
            f"{formats.date_format(end, 'DATE_FORMAT')} {formats.time_format(end, 'TIME_FORMAT')}"
        )
    return f"{day} {start_time}–{until} ({meeting.get_time_zone_display()})"


@register.simple_tag
def local_datetime(meeting: MeetingPage, value) -> str:
    """Any of a meeting's times (registration deadline, say) in the meeting's time zone."""
    if value is None:
        return ""
    return formats.date_format(timezone.localtime(value, meeting.zone), "DATETIME_FORMAT")
