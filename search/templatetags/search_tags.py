from django import template

from ..similar import similar_pages

register = template.Library()


@register.inclusion_tag("search/tags/similar_initiatives.html", takes_context=True)
def similar_initiatives(context, page):
    """Up to five similar cases in any language that this visitor may see, leaving out the
    related cases the page lists already (its context's ``related_cases``)."""
    request = context.get("request")
    related = [related.pk for related in context.get("related_cases") or ()]
    return {
        "similar": similar_pages(page.pk, request=request, exclude=related)
        if page and page.pk
        else [],
        "request": request,
        "LANGUAGE_CODE": context.get("LANGUAGE_CODE"),
    }
