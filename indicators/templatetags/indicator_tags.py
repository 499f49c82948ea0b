"""What a case page shows of its organisations' results data, through one tag.

Cases never import the indicators app: their template loads this library and calls
``{% case_indicators page %}``, the one named hook (as ``network_tags`` names the networks
that shared a case).
"""

from __future__ import annotations

import datetime
from html import escape  # the standard library's: Django's is lazy-aware, and 3× slower here

from django import template
from django.utils.safestring import SafeString, mark_safe

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


def _cell(value) -> str:
    return "–" if value is None else escape(str(value))


@register.simple_tag
def chart_rows(chart) -> SafeString:
    """The table rows of ``chart`` (``datalab/includes/chart.html``'s, without localised
    numbers), written in one pass: a profile has 40 tables, and the template loop over
    their cells was most of its time."""
    rows = []
    for labels, values, link in chart.table_rows():
        first = _cell(labels[0]) if labels else ""
        head = f'<a href="{escape(link)}">{first}</a>' if link else first
        others = "".join(f'<th scope="row">{_cell(cell)}</th>' for cell in labels[1:])
        cells = "".join(f"<td>{_cell(cell)}</td>" for cell in values)
        rows.append(f'<tr><th scope="row">{head}</th>{others}{cells}</tr>')
    return mark_safe("\n".join(rows))  # noqa: S308 - every cell is escaped
