"""Moderators' follow-up tools in the Wagtail admin: result entries to review, and overdue
follow-ups to remind or close.

A result entry is moderated like a submission: it waits until a moderator approves it, and
approving takes a second, deliberate step (the review page), never one click in a list.
Everything here is for moderators (and superusers) only; others get a plain 403.
"""

from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.defaults import permission_denied

from portal.models import is_moderator

from . import follow_up
from .models import CaseOutcome, FollowUp
from .tasks import prompt_after_commit

RECENTLY_DECIDED = 20


def moderators_only(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not is_moderator(request.user):
            return permission_denied(request, PermissionDenied())
        return view(request, *args, **kwargs)

    return wrapper


def _render(request, template, title, context):
    return TemplateResponse(
        request, template, {"page_title": title, "header_icon": "tasks", **context}
    )


@moderators_only
def outcome_list(request):
    outcomes = CaseOutcome.objects.select_related("case", "submitted_by", "moderated_by")
    return _render(
        request,
        "cases/admin/outcome_list.html",
        _("Follow-up results"),
        {
            "pending": outcomes.pending().order_by("created_at"),
            "decided": outcomes.exclude(status=CaseOutcome.Status.PENDING).order_by(
                "-moderated_at"
            )[:RECENTLY_DECIDED],
        },
    )


@moderators_only
def outcome_review(request, outcome_id):
    outcome = get_object_or_404(
        CaseOutcome.objects.select_related("case", "submitted_by", "moderated_by"), pk=outcome_id
    )
    decision = request.POST.get("decision")
    if request.method == "POST" and decision in ("approve", "reject"):
        comment = request.POST.get("comment", "").strip()
        if follow_up.decide(outcome, request.user, approve=decision == "approve", comment=comment):
            if decision == "approve":
                messages.success(request, _("The result is approved and shown on the case."))
            else:
                messages.success(request, _("The result is rejected; it is not shown."))
        else:
            messages.error(request, _("Another moderator has already decided on this result."))
        return redirect("cases_outcomes")
    return _render(
        request,
        "cases/admin/outcome_review.html",
        _("Review a follow-up result"),
        {"outcome": outcome},
    )


@moderators_only
def overdue_follow_ups(request):
    return _render(
        request,
        "cases/admin/overdue_follow_ups.html",
        _("Overdue follow-ups"),
        {"overdue": follow_up.overdue_follow_ups()},
    )


@moderators_only
@require_POST
def remind_follow_up(request, follow_up_id):
    record = get_object_or_404(FollowUp.objects.select_related("case"), pk=follow_up_id)
    if record.closed or not record.case.live:
        messages.error(request, _("This follow-up is closed, or its case is not published."))
        return redirect("cases_follow_ups_overdue")
    with transaction.atomic():
        number = follow_up.remind(record, request.user)
        prompt_after_commit(record, reminder=number)
    messages.success(
        request,
        _("A reminder about “%(title)s” is on its way to the case's people.")
        % {"title": record.case.title},
    )
    return redirect("cases_follow_ups_overdue")


@moderators_only
@require_POST
def close_follow_up(request, follow_up_id):
    record = get_object_or_404(FollowUp.objects.select_related("case"), pk=follow_up_id)
    follow_up.close(record, request.user)
    messages.success(
        request,
        _("Follow-up of “%(title)s” is closed: no further prompts will be sent.")
        % {"title": record.case.title},
    )
    return redirect("cases_follow_ups_overdue")
