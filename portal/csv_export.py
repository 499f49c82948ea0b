"""The one way the site writes CSV: every download (charts, maps, attendee lists) goes here.

Spreadsheet programs run a cell that starts like a formula (``=``, ``+``, ``-``, ``@``, a tab
or a carriage return), and the text in our files comes from visitors and members: such a cell
is written with a leading single quote, so that it is shown as text and never run. Numbers
stay numbers, negative ones included. Files start with a byte order mark so that spreadsheet
programs read å, ä, ö and ø as UTF-8.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from decimal import Decimal

from django.http import HttpResponse
from django.utils.http import content_disposition_header

CONTENT_TYPE = "text/csv; charset=utf-8"
BYTE_ORDER_MARK = "\ufeff"
# OWASP's list, plus the full-width forms some spreadsheet programs also take for formulas.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")


def safe_cell(value):
    """``value`` as a CSV cell that no spreadsheet program runs as a formula."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float | Decimal):
        return value  # a genuine number, minus sign and all
    text = str(value)  # lazy translations too
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def write_rows(file, header: Iterable, rows: Iterable[Iterable]) -> None:
    """The header and rows, each cell made safe, to a file-like object (after the mark)."""
    file.write(BYTE_ORDER_MARK)
    writer = csv.writer(file)
    writer.writerow([safe_cell(cell) for cell in header])
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])


def csv_text(header: Iterable, rows: Iterable[Iterable]) -> str:
    buffer = io.StringIO()
    write_rows(buffer, header, rows)
    return buffer.getvalue()


def csv_response(filename: str, header: Iterable, rows: Iterable[Iterable]) -> HttpResponse:
    """A download of the rows, named ``filename``."""
    response = HttpResponse(content_type=CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    write_rows(response, header, rows)
    return response
