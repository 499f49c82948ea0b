"""The one chart include's table rows (``templates/datalab/includes/chart.html``), shared by
the data lab and the indicators app."""

from __future__ import annotations

from html import escape  # the standard library's: Django's is lazy-aware, and 3× slower here

from django import template
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


def _cell(value) -> str:
    return "–" if value is None else escape(str(value))


@register.simple_tag
def chart_rows(chart) -> SafeString:
    """The table rows of ``chart``, numbers unlocalised, written in one pass: an organisation
    profile has 40 tables, and the template loop over their cells was most of its time."""
    rows = []
    for labels, values, link in chart.table_rows():
        first = _cell(labels[0]) if labels else ""
        head = f'<a href="{escape(link)}">{first}</a>' if link else first
        others = "".join(f'<th scope="row">{_cell(cell)}</th>' for cell in labels[1:])
        cells = "".join(f"<td>{_cell(cell)}</td>" for cell in values)
        rows.append(f'<tr><th scope="row">{head}</th>{others}{cells}</tr>')
    return mark_safe("\n".join(rows))  # noqa: S308 - every cell is escaped
