"""The one export helper for every table the site offers for download.

A table is a header (translated words) and rows of typed values: text, numbers, dates,
booleans. It is written in one of two ways:

* For people (charts, attendee lists): in the visitor's language. ``table_response`` writes
  a CSV the visitor's spreadsheet program reads without an import dialogue (Swedish and
  Danish: ``;`` between cells and a decimal comma; English: ``,`` and ``.``; dates in the
  locale's own format) or, beside it, an XLSX workbook with typed cells (numbers as numbers,
  dates as dates, a bold, frozen header row).
* For machines (``csv_response``, ``csv_text``): UTF-8, comma-separated, numbers with a
  decimal point and stable English column keys, whatever the visitor's language.

Spreadsheet programs run a cell that starts like a formula (``=``, ``+``, ``-``, ``@``, a tab
or a carriage return), and the text in our files comes from visitors and members. In a CSV
such a cell is written with a leading single quote, so that it is shown as text and never
run; in an XLSX workbook it is stored as a text cell (never a formula) and marked as quoted,
so that it stays text when someone edits it. Numbers stay numbers, negative ones included.
CSV files start with a byte order mark so that spreadsheet programs read å, ä, ö and ø as
UTF-8.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Iterable
from decimal import Decimal

from django.http import Http404, HttpResponse
from django.utils import formats, translation
from django.utils.http import content_disposition_header
from django.utils.translation import gettext
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BYTE_ORDER_MARK = "\ufeff"
# OWASP's list, plus the full-width forms some spreadsheet programs also take for formulas.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
# The formats a person can download a table in; ``table_response`` answers 404 to others.
PEOPLE_FORMATS = ("csv", "xlsx")
# The languages whose spreadsheets expect a decimal comma, and so ``;`` between cells.
_SEMICOLON_LANGUAGES = ("sv", "da")
_WIDEST_COLUMN = 60


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


# --- For machines: comma-separated, stable English keys ------------------------------------


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
    """A machine-readable download of the rows, named ``filename``: the same in every language."""
    response = HttpResponse(content_type=CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    write_rows(response, header, rows)
    return response


# --- For people: the visitor's language ----------------------------------------------------


def delimiter(language: str | None = None) -> str:
    """``;`` where spreadsheets expect a decimal comma (Swedish, Danish), ``,`` elsewhere."""
    language = (language or translation.get_language() or "").lower()[:2]
    return ";" if language in _SEMICOLON_LANGUAGES else ","


def people_cell(value) -> str:
    """``value`` as a CSV cell in the active language; never something a spreadsheet runs."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if isinstance(value, int | float | Decimal):
        # Localised (decimal comma in Swedish and Danish), never grouped: a minus sign here
        # is a genuine number's, so the cell is not quoted.
        return formats.number_format(value, use_l10n=True)
    if isinstance(value, datetime.datetime):
        date_format = formats.get_format("DATE_INPUT_FORMATS")[0]
        return value.strftime(f"{date_format} %H:%M")
    if isinstance(value, datetime.date):
        return value.strftime(formats.get_format("DATE_INPUT_FORMATS")[0])
    return safe_cell(value)


def people_csv_text(header: Iterable, rows: Iterable[Iterable]) -> str:
    """The table as CSV in the active language (separator, decimals, dates), after the mark."""
    buffer = io.StringIO()
    buffer.write(BYTE_ORDER_MARK)
    writer = csv.writer(buffer, delimiter=delimiter())
    writer.writerow([people_cell(str(cell)) for cell in header])
    for row in rows:
        writer.writerow([people_cell(cell) for cell in row])
    return buffer.getvalue()


def _xlsx_value(cell, value) -> None:
    """Sets ``cell`` to ``value`` typed: a number, a date, a boolean or text (never a formula)."""
    if value is None:
        return
    if isinstance(value, bool | int | float | Decimal):
        cell.value = value
        return
    if isinstance(value, datetime.datetime):
        # Excel has no time zones: the caller passes the wall-clock time people expect.
        cell.value = value.replace(tzinfo=None)
        cell.number_format = "yyyy-mm-dd hh:mm"
        return
    if isinstance(value, datetime.date):
        cell.value = value
        cell.number_format = "yyyy-mm-dd"
        return
    text = ILLEGAL_CHARACTERS_RE.sub("", str(value))
    cell.value = text
    cell.data_type = "s"  # openpyxl would store text starting with "=" as a formula
    if text.startswith(FORMULA_STARTS):
        cell.quotePrefix = True  # and it stays text when someone edits the cell


def xlsx_bytes(header: Iterable, rows: Iterable[Iterable], title: str = "") -> bytes:
    """The table as an XLSX workbook: typed cells under a bold, frozen header row."""
    workbook = Workbook()
    sheet = workbook.active
    if title:
        # Sheet names: at most 31 characters, none of []:*?/\
        sheet.title = "".join(c for c in str(title) if c not in "[]:*?/\\")[:31] or "Sheet"
    bold = Font(bold=True)
    widths: dict[int, int] = {}
    for row_number, row in enumerate([[str(cell) for cell in header], *rows], start=1):
        for column_number, value in enumerate(row, start=1):
            cell = sheet.cell(row=row_number, column=column_number)
            _xlsx_value(cell, value)
            if row_number == 1:
                cell.font = bold
            width = len(str(people_cell(value)))
            widths[column_number] = max(widths.get(column_number, 0), width)
    for column_number, width in widths.items():
        sheet.column_dimensions[get_column_letter(column_number)].width = min(
            width + 2, _WIDEST_COLUMN
        )
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def table_response(
    filename: str, header: Iterable, rows: Iterable[Iterable], export_format: str = "csv"
) -> HttpResponse:
    """A download of the table for people, in the active language: ``filename`` + ``.csv``
    or ``.xlsx``. Any other ``export_format`` is not found."""
    if export_format not in PEOPLE_FORMATS:
        raise Http404
    header = list(header)
    if export_format == "xlsx":
        body = xlsx_bytes(header, rows, title=filename)
        response = HttpResponse(body, content_type=XLSX_CONTENT_TYPE)
    else:
        response = HttpResponse(people_csv_text(header, rows), content_type=CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(
        True, f"{filename}.{export_format}"
    )
    return response
