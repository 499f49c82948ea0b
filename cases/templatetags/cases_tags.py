from django import template

from cases.models import CaseStudyPage

register = template.Library()


@register.simple_tag
def latest_cases(count: int = 6):
    """The most recently published public case studies."""
    return (
        CaseStudyPage.objects.live()
        .public()
        .prefetch_related("organisations")
        .order_by("-first_published_at")[:count]
    )
