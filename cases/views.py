from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from portal.models import is_member

from .forms import LessonFormSet, ShareCaseForm
from .models import CaseIndexPage, CaseStudyPage
from .submissions import submission_state, submit_case
from .tasks import notify_moderators_after_commit


def member_required(view):
    """Anonymous visitors are sent to log in; signed-in non-members get a clear 403."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_member(request.user):
            return render(request, "cases/members_only.html", status=403)
        return view(request, *args, **kwargs)

    return wrapper


@member_required
@require_http_methods(["GET", "POST"])
def share_case(request):
    index = CaseIndexPage.objects.live().first()
    if index is None:
        raise Http404("There is no case library to add to yet.")
    if request.method == "POST":
        form = ShareCaseForm(request.POST, user=request.user)
        lesson_formset = LessonFormSet(request.POST, prefix="lessons")
        if form.is_valid() and lesson_formset.is_valid():
            page = submit_case(index, request.user, form.cleaned_data, lesson_formset.lessons())
            notify_moderators_after_commit(page)
            messages.success(
                request,
                _("Thank you! “%(title)s” now awaits a moderator, who will publish it.")
                % {"title": page.title},
            )
            return redirect("cases:my_submissions")
    else:
        form = ShareCaseForm(user=request.user)
        lesson_formset = LessonFormSet(prefix="lessons")
    return render(
        request, "cases/share_case.html", {"form": form, "lesson_formset": lesson_formset}
    )


@member_required
def my_submissions(request):
    pages = CaseStudyPage.objects.filter(owner=request.user).order_by("-latest_revision_created_at")
    submissions = [(page, submission_state(page)) for page in pages]
    return render(request, "cases/my_submissions.html", {"submissions": submissions})
