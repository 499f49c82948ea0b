"""Coordinators' tools in the Wagtail admin: attendee lists, CSV and XLSX downloads,
messages, copies.

Every view checks that the meeting belongs to a network the user coordinates: a
coordinator of network A gets 403 for network B. Moderators manage every network's
meetings, but who registered (names, e-mail addresses, dietary and accessibility notes)
is for the network's own coordinators and superusers only (``is_run_by``).
"""

from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from django.views.defaults import permission_denied

from cases.submissions import submission_state
from portal.csv_export import table_response

from . import meeting_copies, meeting_lessons, registrations, tasks
from .forms import CopyMeetingForm, MessageForm
from .models import (
    MeetingPage,
    Membership,
    Registration,
    coordinated_networks,
    networks_run_by,
)


def _attendee_columns() -> list[str]:
    """The attendee list's header, in the coordinator's language (the words of the page)."""
    return [
        _("Name"),
        _("Email"),
        _("Organisation"),
        _("Status"),
        _("Registered at"),
        _("Dietary needs"),
        _("Accessibility needs"),
    ]


def _forbidden_elsewhere(view):
    """A plain 403 (not Wagtail's redirect to the dashboard) for other networks' meetings."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except PermissionDenied as exception:
            return permission_denied(request, exception)

    return wrapper


def _managed_meeting(request, meeting_id) -> MeetingPage:
    meeting = get_object_or_404(MeetingPage, pk=meeting_id)
    if not meeting.network.can_be_managed_by(request.user):
        raise PermissionDenied
    return meeting


def _attendee_meeting(request, meeting_id) -> MeetingPage:
    """A meeting whose attendees the user may see: its network's coordinators, superusers."""
    meeting = get_object_or_404(MeetingPage, pk=meeting_id)
    if not meeting.network.is_run_by(request.user):
        raise PermissionDenied
    return meeting


def _render(request, template, title, context):
    return TemplateResponse(
        request,
        template,
        {"page_title": title, "header_icon": "date", **context},
    )


def meeting_list(request):
    status = Registration.Status
    network_paths = coordinated_networks(request.user).values_list("path", flat=True)
    in_managed_network = Q(pk__in=[])
    for path in network_paths:
        in_managed_network |= Q(path__startswith=path)
    meetings = (
        MeetingPage.objects.filter(in_managed_network)
        .annotate(
            registered=Count("registrations", filter=Q(registrations__status=status.REGISTERED)),
            waitlisted=Count("registrations", filter=Q(registrations__status=status.WAITLISTED)),
            attended=Count("registrations", filter=Q(registrations__status=status.ATTENDED)),
        )
        .order_by("-start")
    )
    attendee_paths = list(networks_run_by(request.user).values_list("path", flat=True))
    for meeting in meetings:
        meeting.attendees_visible = meeting.path.startswith(tuple(attendee_paths))
    now = timezone.now()
    return _render(
        request,
        "network/admin/meeting_list.html",
        _("Meetings and attendees"),
        {
            "upcoming": [m for m in meetings if m.end >= now][::-1],
            "past": [m for m in meetings if m.end < now],
            "pending_count": Membership.objects.coordinated_by(request.user).pending().count(),
        },
    )


@_forbidden_elsewhere
def attendees(request, meeting_id):
    meeting = _attendee_meeting(request, meeting_id)
    registration_list = meeting.registrations.select_related(
        "user__member_profile__organisation"
    ).order_by("created_at", "pk")
    return _render(
        request,
        "network/admin/attendees.html",
        _("Attendees: %(meeting)s") % {"meeting": meeting.title},
        {
            "meeting": meeting,
            "counts": meeting.registrations.counts(),
            "lesson_pages": _lesson_pages(meeting),
            "unpublished_lessons": len(meeting.lessons) - meeting.lesson_pages.count(),
            "groups": [
                (label, [r for r in registration_list if r.status == value])
                for value, label in Registration.Status.choices
            ],
        },
    )


@_forbidden_elsewhere
def attendees_csv(request, meeting_id):
    return _attendee_download(request, meeting_id, "csv")


@_forbidden_elsewhere
def attendees_xlsx(request, meeting_id):
    return _attendee_download(request, meeting_id, "xlsx")


def _attendee_download(request, meeting_id, export_format: str):
    """The attendee list in the coordinator's language: headers, statuses, dates, numbers."""
    meeting = _attendee_meeting(request, meeting_id)
    registration_list = meeting.registrations.select_related(
        "user__member_profile__organisation"
    ).order_by("created_at", "pk")
    return table_response(
        f"{meeting.slug}-attendees",
        _attendee_columns(),
        [_attendee_row(meeting, registration) for registration in registration_list],
        export_format,
    )


def _attendee_row(meeting: MeetingPage, registration: Registration) -> list:
    user = registration.user
    profile = getattr(user, "member_profile", None)
    registered_at = timezone.localtime(registration.created_at, meeting.zone)
    return [
        user.get_full_name() or user.get_username(),
        user.email,
        str(profile.organisation) if profile and profile.organisation else "",
        registration.get_status_display(),
        # The meeting's wall-clock time, minute precision: no time zone in a spreadsheet.
        registered_at.replace(tzinfo=None, second=0, microsecond=0),
        *_notes(registration),
    ]


def _notes(registration: Registration) -> tuple[str, str]:
    """The notes on diet and accessibility, or a word that they were removed (retention)."""
    if registration.notes_removed:
        removed = _("(removed)")
        return removed, removed
    return registration.dietary_needs, registration.accessibility_needs


@_forbidden_elsewhere
@require_POST
def set_attendance(request, registration_id):
    registration = get_object_or_404(Registration, pk=registration_id)
    _attendee_meeting(request, registration.meeting_id)
    try:
        registrations.set_attended(registration, request.POST.get("attended") == "1")
    except registrations.RegistrationError as error:
        messages.error(request, str(error))
    return redirect("network_admin:attendees", registration.meeting_id)


def _lesson_pages(meeting: MeetingPage) -> list:
    """The meeting's lesson pages, each with where it stands in moderation (``state``)."""
    links = list(meeting.lesson_pages.select_related("lesson"))
    for link in links:
        link.state = submission_state(link.lesson)
    return links


@_forbidden_elsewhere
@require_POST
def publish_lessons(request, meeting_id):
    """Send the meeting's new lessons to moderation as lesson learned pages."""
    meeting = _managed_meeting(request, meeting_id)
    created = meeting_lessons.submit_meeting_lessons(meeting, user=request.user)
    messages.success(
        request,
        ngettext(
            "%(count)d lesson was sent to the moderators as a lesson learned page; it is "
            "published once they approve it.",
            "%(count)d lessons were sent to the moderators as lesson learned pages; they are "
            "published once they approve them.",
            len(created),
        )
        % {"count": len(created)},
    )
    return redirect("network_admin:attendees", meeting.pk)


@_forbidden_elsewhere
def message_participants(request, meeting_id):
    meeting = _managed_meeting(request, meeting_id)
    form = MessageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        tasks.message_participants_after_commit(
            meeting,
            subject=form.cleaned_data["subject"],
            body=form.cleaned_data["body"],
            reply_to=request.user.email,
        )
        count = meeting.registrations.holding_seats().exclude(user__email="").count()
        messages.success(request, _("Message sent to %(count)d participants.") % {"count": count})
        return redirect("network_admin:attendees", meeting.pk)
    return _render(
        request,
        "network/admin/message.html",
        _("Message the participants of %(meeting)s") % {"meeting": meeting.title},
        {
            "meeting": meeting,
            "form": form,
            "recipient_count": meeting.registrations.holding_seats().count(),
        },
    )


@_forbidden_elsewhere
def copy_meeting(request, meeting_id):
    meeting = _managed_meeting(request, meeting_id)
    with timezone.override(meeting.zone):
        form = CopyMeetingForm(
            request.POST or None,
            initial={"title": meeting.title, "start": timezone.localtime(meeting.start)},
        )
        valid = request.method == "POST" and form.is_valid()
    if valid:
        copy = meeting_copies.copy_meeting_as_template(
            meeting,
            title=form.cleaned_data["title"],
            start=form.cleaned_data["start"],
            user=request.user,
        )
        messages.success(request, _("A draft copy was made. Check it and publish it when ready."))
        return redirect("wagtailadmin_pages:edit", copy.pk)
    return _render(
        request,
        "network/admin/copy.html",
        _("Copy %(meeting)s as a new meeting") % {"meeting": meeting.title},
        {"meeting": meeting, "form": form},
    )


def membership_requests(request):
    pending = (
        Membership.objects.coordinated_by(request.user)
        .pending()
        .select_related("network", "user__member_profile__organisation")
    )
    return _render(
        request,
        "network/admin/membership_requests.html",
        _("Requests to join"),
        {"pending": pending, "next": reverse("network_admin:membership_requests")},
    )
