"""What a case page shows of its organisations' results data, through one tag.

Cases never import the indicators app: their template loads this library and calls
``{% case_indicators page %}``, the one named hook (as ``network_tags`` names the networks
that shared a case).
"""

from __future__ import annotations

import datetime

from django import template

from ..before_after import before_and_after
from ..peers import similar_organisations

register = template.Library()
CASE_PEERS = 3


@register.inclusion_tag("indicators/tags/case_indicators.html", takes_context=True)
def case_indicators(context, case):
    """Its organisations' indicators around the case's years, and agencies like them."""
    request = context.get("request")
    organisations = list(case.organisations.all()) if case.pk else []
    start = case.start_date.year if case.start_date else None
    end = case.end_date.year if case.end_date else datetime.date.today().year
    tables = (
        [
            table
            for org in organisations
            if (table := before_and_after(org, start, end, request=request))
        ]
        if start
        else []
    )
    peers, peers_of = [], None
    for organisation in organisations:
        peers = similar_organisations(organisation, request=request, count=CASE_PEERS)
        if peers:
            peers_of = organisation
            break
    for peer in peers:
        peer.cases = [other for other in peer.cases if other.pk != case.pk]
    return {"tables": tables, "peers": peers, "peers_of": peers_of, "request": request}
