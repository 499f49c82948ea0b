from django import template

from ..similar import similar_pages

register = template.Library()


@register.inclusion_tag("search/tags/similar_initiatives.html", takes_context=True)
def similar_initiatives(context, page):
    """Up to five similar cases in any language that this visitor may see."""
    request = context.get("request")
    return {
        "similar": similar_pages(page.pk, request=request) if page and page.pk else [],
        "request": request,
    }
