"""The short "What came of it?" form that a follow-up prompt links to."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from .follow_up import may_report_outcome, milestones, submit_outcome
from .forms import OutcomeForm
from .models import CaseStudyPage
from .tasks import notify_moderators_of_outcome_after_commit


@require_http_methods(["GET", "POST"])
def report_outcome(request, case_id):
    """Only the case's submitter, its contact persons with an account, and moderators may add
    an entry; it is shown on the case once a moderator approves it."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    case = get_object_or_404(CaseStudyPage.objects.live(), pk=case_id)
    if not may_report_outcome(request.user, case):
        return render(request, "cases/report_outcome_forbidden.html", {"case": case}, status=403)
    if request.method == "POST":
        form = OutcomeForm(request.POST, milestones=milestones())
        if form.is_valid():
            with transaction.atomic():
                outcome = submit_outcome(case, request.user, form.cleaned_data)
                notify_moderators_of_outcome_after_commit(outcome)
            messages.success(
                request,
                _("Thank you! Your result now awaits a moderator, who will add it to the case."),
            )
            return redirect(case.get_url(request) or "/")
    else:
        chosen = request.GET.get("milestone", "")
        initial = {"milestone": chosen} if chosen in {str(m) for m in milestones()} else {}
        form = OutcomeForm(initial=initial, milestones=milestones())
    return render(request, "cases/report_outcome.html", {"case": case, "form": form})
