from django import template
from django.template.loader import render_to_string
from django.utils import formats, timezone
from django.utils.safestring import SafeString

from search.visibility import visible_pages

from ..forms import RegistrationForm
from ..models import MeetingPage, NetworkPage

register = template.Library()


@register.inclusion_tag("network/includes/home_upcoming_meetings.html", takes_context=True)
def upcoming_meetings(context, count=4):
    """The next meetings this visitor may see, for the home page."""
    request = context.get("request")
    meetings = visible_pages(
        MeetingPage.objects.filter(start__gte=timezone.now()), request=request
    ).order_by("start")[:count]
    return {"meetings": meetings, "request": request}


@register.inclusion_tag("network/tags/networks_sharing_case.html", takes_context=True)
def networks_sharing_case(context, case):
    """The networks ``case`` was shared in, those this visitor may see, by title."""
    request = context.get("request")
    networks = (
        visible_pages(
            NetworkPage.objects.filter(shared_cases__case_id=case.pk), request=request
        ).order_by("title")
        if case.pk
        else NetworkPage.objects.none()
    )
    return {"networks": networks, "request": request}


@register.simple_tag
def registration_form_fields(form: RegistrationForm | None = None) -> SafeString:
    """The fields of the registration form on a meeting page (notes for the organisers):
    a new form, or the one sent back with its errors (views.register)."""
    return render_to_string(
        "network/includes/registration_form_fields.html", {"form": form or RegistrationForm()}
    )


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
