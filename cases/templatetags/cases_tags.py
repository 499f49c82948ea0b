from django import template
from django.utils import timezone

from cases import follow_up
from cases.models import CaseStudyPage
from search.visibility import visible_pages

register = template.Library()


@register.simple_tag(takes_context=True)
def latest_cases(context, count: int = 6):
    """The most recently published case studies this visitor may see."""
    return (
        visible_pages(CaseStudyPage.objects.all(), request=context.get("request"))
        .prefetch_related("organisations")
        .order_by("-first_published_at")[:count]
    )


@register.inclusion_tag("cases/includes/results_timeline.html", takes_context=True)
def results_timeline(context, case):
    """What came of ``case``: expected → each follow-up milestone, approved entries only, and
    a link to add a result for those who may (its people and moderators)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    return {
        "case": case,
        "steps": follow_up.results_timeline(case),
        "today": timezone.localdate(),
        "may_report": user is not None and follow_up.may_report_outcome(user, case),
        "LANGUAGE_CODE": context.get("LANGUAGE_CODE"),
    }


@register.filter
def person_name(user) -> str:
    """A user's full name, else username; "–" for nobody (a deleted account, say)."""
    if user is None:
        return "–"
    return user.get_full_name() or user.get_username()
