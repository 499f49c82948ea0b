from django import template
from django.urls import reverse

from gaps.models import CallForExperiences

register = template.Library()


@register.inclusion_tag("gaps/includes/network_calls.html", takes_context=True)
def network_calls(context, network):
    """A network's open calls for experiences (title and text, the coordinators' words),
    and for its coordinators and the moderators the way to its search gaps."""
    if not network.pk:  # a new network previewed before its first save
        return {"calls": [], "gaps_url": ""}
    request = context.get("request")
    user = getattr(request, "user", None)
    may_manage = user is not None and network.can_be_managed_by(user)
    return {
        "calls": CallForExperiences.objects.open().filter(network_id=network.pk),
        "gaps_url": reverse("gaps:network_gaps", args=[network.pk]) if may_manage else "",
    }
