from django import template

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
