"""Members' views: join and leave networks, register for meetings, my meetings, calendars.

What cannot be undone (cancelling a seat, leaving a network, a new calendar address) asks
first: a GET, or a POST without ``confirm=yes``, shows a confirmation page and changes
nothing; only the POST from that page acts.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from portal.site_url import absolute_url, page_url
from search.visibility import public_pages, visible_pages

from . import calendar, memberships, registrations
from .forms import RegistrationForm
from .models import CalendarFeed, MeetingPage, Membership, NetworkPage, Registration


def _visible_page(request, model, pk):
    """A live page the request may see, honouring Wagtail's page privacy; 404 otherwise."""
    return get_object_or_404(visible_pages(model.objects.all(), request=request), pk=pk)


def _public_page(model, pk):
    """A live page without view restrictions: what calendar apps, which send no cookies, get."""
    return get_object_or_404(public_pages(model.objects.all()), pk=pk)


def _safe_next(request) -> str:
    """The ``next`` of the request when it is a path on this site, else ""."""
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    # A path on this site only: redirect() takes a string without "/" for a view name
    # (NoReverseMatch, a 500, for "next=90").
    if next_url.startswith("/") and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return next_url
    return ""


def _redirect_back(request, fallback: str):
    return redirect(_safe_next(request) or fallback)


def _confirmed(request) -> bool:
    return request.method == "POST" and request.POST.get("confirm") == "yes"


def _confirmation(request, *, title, question, consequences, confirm_label, keep_label, keep_url):
    """The "are you sure?" page: its form posts back to this URL with ``confirm=yes``."""
    return render(
        request,
        "network/confirm.html",
        {
            "title": title,
            "question": question,
            "consequences": consequences,
            "action": request.path,
            "next": _safe_next(request),
            "confirm_label": confirm_label,
            "keep_label": keep_label,
            "keep_url": _safe_next(request) or keep_url,
        },
    )


@require_POST
@login_required
def join_network(request, network_id):
    network = _visible_page(request, NetworkPage, network_id)
    membership = memberships.join(network, request.user)
    if membership.is_active:
        messages.success(request, _("Welcome to %(network)s.") % {"network": network.title})
    else:
        messages.success(
            request, _("Thank you. The coordinators will look at your request to join.")
        )
    return redirect(network.url)


@require_http_methods(["GET", "POST"])
@login_required
def leave_network(request, network_id):
    network = _visible_page(request, NetworkPage, network_id)
    membership = get_object_or_404(network.memberships, user=request.user)
    if not _confirmed(request):
        return _confirmation(
            request,
            title=_("Leave %(network)s?") % {"network": network.title},
            question=_("Are you sure you want to leave %(network)s?") % {"network": network.title},
            consequences=[
                _(
                    "You will no longer see the network's information for members. To come "
                    "back you must join again, and in some networks the coordinators must "
                    "approve you."
                )
            ],
            confirm_label=_("Yes, leave the network"),
            keep_label=_("Stay in the network"),
            keep_url=network.url,
        )
    memberships.leave(membership)
    messages.success(request, _("You have left %(network)s.") % {"network": network.title})
    return redirect(network.url)


def _managed_membership(request, membership_id) -> Membership:
    membership = get_object_or_404(Membership.objects.select_related("network"), pk=membership_id)
    if not membership.network.is_run_by(request.user):
        raise PermissionDenied
    return membership


@require_POST
@login_required
def approve_membership(request, membership_id):
    membership = _managed_membership(request, membership_id)
    memberships.approve(membership)
    messages.success(
        request, _("%(name)s is now a member.") % {"name": _display_name(membership.user)}
    )
    return _redirect_back(request, membership.network.url)


@require_POST
@login_required
def decline_membership(request, membership_id):
    membership = _managed_membership(request, membership_id)
    memberships.decline(membership)
    messages.info(
        request,
        _("The request from %(name)s was declined.") % {"name": _display_name(membership.user)},
    )
    return _redirect_back(request, membership.network.url)


@require_POST
@login_required
def register(request, meeting_id):
    meeting = _visible_page(request, MeetingPage, meeting_id)
    form = RegistrationForm(request.POST)
    if not form.is_valid():
        # The meeting page again, with the notes as written and their errors.
        context = meeting.get_context(request)
        context["registration_form"] = form
        return TemplateResponse(request, meeting.get_template(request), context)
    try:
        registration = registrations.register(
            meeting,
            request.user,
            language=get_language() or "sv",
            **form.cleaned_data,
        )
    except registrations.RegistrationError as error:
        messages.error(request, str(error))
        return redirect(meeting.url)
    if registration.status == Registration.Status.WAITLISTED:
        messages.warning(
            request, _("The meeting is full. You are on the waiting list and will hear from us.")
        )
    else:
        messages.success(request, _("You are registered. A confirmation is on its way by email."))
    return redirect(meeting.url)


@require_http_methods(["GET", "POST"])
@login_required
def cancel_registration(request, meeting_id):
    meeting = get_object_or_404(MeetingPage, pk=meeting_id)
    registration = get_object_or_404(meeting.registrations.current(), user=request.user)
    if not _confirmed(request):
        if registration.holds_seat:
            consequences = [
                _(
                    "Your seat will go to the next person on the waiting list at once, and "
                    "you cannot get it back. If you register again, you join the back of "
                    "the queue."
                )
            ]
        else:
            consequences = [
                _(
                    "You lose your place on the waiting list; if you register again, you join the back of the queue."
                )
            ]
        return _confirmation(
            request,
            title=_("Cancel your registration?"),
            question=_("Are you sure you want to cancel your registration for %(meeting)s?")
            % {"meeting": meeting.title},
            consequences=consequences,
            confirm_label=_("Yes, cancel my registration"),
            keep_label=_("Keep my seat") if registration.holds_seat else _("Keep my place"),
            keep_url=meeting.url or reverse("network:my_meetings"),
        )
    try:
        registrations.cancel(registration)
    except registrations.RegistrationError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Your registration is cancelled."))
    return _redirect_back(request, meeting.url or reverse("network:my_meetings"))


@login_required
def my_meetings(request):
    current = list(
        Registration.objects.current()
        .filter(user=request.user, meeting__live=True)
        .select_related("meeting")
        .order_by("meeting__start")
    )
    now = timezone.now()
    feed = CalendarFeed.objects.filter(user=request.user).first()
    return render(
        request,
        "network/my_meetings.html",
        {
            "upcoming": [r for r in current if r.meeting.end >= now],
            "past": [r for r in reversed(current) if r.meeting.end < now],
            "feed_url": (
                absolute_url(reverse("network_feeds:personal_feed", args=[feed.token]))
                if feed
                else ""
            ),
            "memberships": Membership.objects.filter(user=request.user)
            .exclude(status__in=[Membership.Status.LEFT, Membership.Status.DECLINED])
            .select_related("network"),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def regenerate_feed(request):
    exists = CalendarFeed.objects.filter(user=request.user).exists()
    if request.method == "GET" and not exists:
        return redirect("network:my_meetings")
    if exists and not _confirmed(request):
        return _confirmation(
            request,
            title=_("Make a new calendar address?"),
            question=_("Are you sure you want a new address for your calendar?"),
            consequences=[
                _(
                    "The old address stops working at once: every calendar application that "
                    "subscribes to it must be given the new one."
                )
            ],
            confirm_label=_("Yes, make a new address"),
            keep_label=_("Keep my address"),
            keep_url=reverse("network:my_meetings"),
        )
    feed, created = CalendarFeed.objects.get_or_create(user=request.user)
    if not created:
        feed.regenerate()
        messages.success(
            request, _("Your calendar has a new address; the old one no longer works.")
        )
    return redirect("network:my_meetings")


def meeting_ics(request, meeting_id):
    meeting = _public_page(MeetingPage, meeting_id)
    event = calendar.meeting_event(meeting, url=page_url(meeting) or "")
    response = HttpResponse(
        calendar.build_calendar([event], name=meeting.title), content_type=calendar.CONTENT_TYPE
    )
    response["Content-Disposition"] = f'attachment; filename="{meeting.slug}.ics"'
    return response


def network_ics(request, network_id):
    network = _public_page(NetworkPage, network_id)
    meetings = public_pages(MeetingPage.objects.child_of(network)).order_by("start")
    events = [calendar.meeting_event(m, url=page_url(m) or "") for m in meetings]
    return HttpResponse(
        calendar.build_calendar(events, name=network.title), content_type=calendar.CONTENT_TYPE
    )


def personal_feed(request, token):
    """The meetings a user has a seat or a waiting-list place for; the token is the key.

    The feed speaks for its user: a deactivated account's feed is gone (404, as for an
    unknown token), and a meeting the user may no longer view is left out.
    """
    feed = get_object_or_404(
        CalendarFeed.objects.select_related("user"), token=token, user__is_active=True
    )
    meetings = visible_pages(MeetingPage.objects.all(), user=feed.user)
    current = (
        Registration.objects.current()
        .filter(user=feed.user, meeting__in=meetings.values("pk"))
        .select_related("meeting")
        .order_by("meeting__start")
    )
    events = [
        calendar.meeting_event(
            r.meeting,
            url=page_url(r.meeting) or "",
            online_link=r.holds_seat,
            status=calendar.registration_status(r),
        )
        for r in current
    ]
    return HttpResponse(
        calendar.build_calendar(events, name=_("My meetings") + " · Erfa"),
        content_type=calendar.CONTENT_TYPE,
    )


def _display_name(user) -> str:
    return user.get_full_name() or user.get_username()
