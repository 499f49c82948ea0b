"""A network's search gaps, for its coordinators and the moderators only.

Everyone else gets 403 (signed in) or the login page: query texts are logged searches, so
they are shown only to those who act on them, and only for gaps of at least
``MIN_SEARCHES_SHOWN`` searches; smaller gaps are not listed at all.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from network.models import NetworkPage
from search.visibility import visible_page_ids, visible_pages

from . import actions
from .forms import AgendaForm, CallForm, upcoming_meetings
from .models import CallForExperiences, GapAgendaItem, SearchGap


def _managed_network(request, network_id) -> NetworkPage:
    network = get_object_or_404(
        visible_pages(NetworkPage.objects.all(), request=request), pk=network_id
    )
    if not network.can_be_managed_by(request.user):
        raise PermissionDenied
    return network


def _shown_gap(network: NetworkPage, gap_id) -> SearchGap:
    return get_object_or_404(network.search_gaps.shown(), pk=gap_id)


def _form_errors(form) -> str:
    return " ".join(
        f"{form.fields[name].label}: {' '.join(errors)}" for name, errors in form.errors.items()
    )


def _back(network: NetworkPage):
    return redirect(reverse("gaps:network_gaps", args=[network.pk]))


@require_GET
@login_required
def network_gaps(request, network_id):
    network = _managed_network(request, network_id)
    gaps = network.search_gaps.shown()
    meetings = list(upcoming_meetings(network))
    on_agenda = set(
        GapAgendaItem.objects.filter(meeting__in=meetings).values_list("gap_id", "meeting_id")
    )
    open_gaps = list(gaps.open())
    for gap in open_gaps:
        gap.query_list = gap.typical_queries()
        gap.meetings_left = [m for m in meetings if (gap.pk, m.pk) not in on_agenda]
        gap.on_agendas = [m for m in meetings if (gap.pk, m.pk) in on_agenda]
    answered = list(
        gaps.filter(status=SearchGap.Status.ANSWERED)
        .select_related("answered_by")
        .order_by("-answered_at")
    )
    answers = visible_page_ids(
        [gap.answered_by_id for gap in answered if gap.answered_by_id], request=request
    )
    for gap in answered:
        gap.query_list = gap.typical_queries()
        gap.answer = gap.answered_by if gap.answered_by_id in answers else None
    return render(
        request,
        "gaps/network_gaps.html",
        {
            "network": network,
            "open_gaps": open_gaps,
            "answered_gaps": answered,
            "meetings": meetings,
            "calls": network.calls_for_experiences.open(),
        },
    )


@require_POST
@login_required
def add_to_agenda(request, network_id, gap_id):
    network = _managed_network(request, network_id)
    gap = _shown_gap(network, gap_id)
    form = AgendaForm(request.POST, network=network)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return _back(network)
    meeting = form.cleaned_data["meeting"]
    title = form.cleaned_data["title"]
    result = actions.add_to_agenda(gap, meeting, request.user, title=title)
    names = {"gap": title, "meeting": meeting.title}
    if not result.added:
        messages.info(request, _("“%(gap)s” is on the agenda of %(meeting)s already.") % names)
    elif result.published:
        messages.success(request, _("“%(gap)s” is on the agenda of %(meeting)s.") % names)
    else:
        messages.success(
            request,
            _(
                "“%(gap)s” was added to a draft of %(meeting)s; it shows once the meeting is published."
            )
            % names,
        )
    return _back(network)


@require_POST
@login_required
def call_for_experiences(request, network_id, gap_id):
    network = _managed_network(request, network_id)
    gap = _shown_gap(network, gap_id)
    form = CallForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return _back(network)
    actions.open_call(gap, network, request.user, **form.cleaned_data)
    messages.success(
        request,
        _("Your call for experiences is on the network's page and goes to its members by e-mail."),
    )
    return _back(network)


@require_POST
@login_required
def close_call(request, network_id, call_id):
    network = _managed_network(request, network_id)
    call = get_object_or_404(CallForExperiences, pk=call_id, network=network)
    call.is_open = False
    call.save(update_fields=["is_open"])
    messages.success(request, _("The call “%(title)s” is closed.") % {"title": call.title})
    return _back(network)
