"""Reading an indicator file: CSV or XLSX into a header and numbered rows, and its form.

Three forms are understood, told apart by the header (``detect_layout``):

- long: ``organisation, indicator, year, value[, note]`` (one observation a row);
- wide by year: ``organisation, indicator`` then one column per year;
- wide by indicator: ``organisation, year`` then one column per indicator code.

Row numbers are those a spreadsheet program shows: the header is row 1.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import PurePath

from django.utils.translation import gettext_lazy as _
from python_calamine import CalamineError, CalamineWorkbook

SUPPORTED_EXTENSIONS = (".csv", ".txt", ".xlsx")
# Column names people write, in Swedish, Danish and English, mapped to the key we read.
COLUMN_ALIASES = {
    "organisation": "organisation",
    "organization": "organisation",
    "org": "organisation",
    "myndighet": "organisation",
    "myndighed": "organisation",
    "indicator": "indicator",
    "indikator": "indicator",
    "nyckeltal": "indicator",
    "nøgletal": "indicator",
    "series": "series",
    "serie": "series",
    "year": "year",
    "år": "year",
    "value": "value",
    "värde": "value",
    "værdi": "value",
    "note": "note",
    "notes": "note",
    "anmärkning": "note",
    "kommentar": "note",
    "bemærkning": "note",
}
_YEAR_HEADER = re.compile(r"^\s*(\d{4})(?:\.0)?\s*$")


class ImportFileError(Exception):
    """The file as a whole cannot be read (type, encoding, empty, or a header we do not know)."""


class Layout:
    LONG = "long"
    WIDE_YEARS = "wide_years"
    WIDE_INDICATORS = "wide_indicators"


@dataclass
class Table:
    """The file's header and a lazy iterator over ``(row number, cells)`` below it."""

    header: list[str]
    rows: Iterator[tuple[int, list]]
    # Rows below the header, when the format tells without reading them (for progress bars).
    estimated_rows: int | None = None


@dataclass
class ColumnPlan:
    """Which column holds what, in the detected form."""

    layout: str
    keys: dict[str, int]  # "organisation", "indicator", "series", "year", "value", "note" -> index
    # Wide forms: the value columns, (index, header text, year or None).
    value_columns: list[tuple[int, str, int | None]] = field(default_factory=list)


def read_table(file_name: str, data: bytes) -> Table:
    """The header and rows of a CSV or XLSX file, by its extension."""
    extension = PurePath(file_name).suffix.lower()
    if extension not in SUPPORTED_EXTENSIONS:
        raise ImportFileError(
            _("%(name)s is not a CSV or XLSX file (accepted: %(types)s).")
            % {"name": file_name, "types": ", ".join(SUPPORTED_EXTENSIONS)}
        )
    if not data.strip():
        raise ImportFileError(_("The file is empty."))
    if extension == ".xlsx":
        return _read_xlsx(data)
    return _read_csv(data)


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel on Windows still saves "CSV" as Windows-1252.
        return data.decode("cp1252", errors="replace")


def _read_csv(data: bytes) -> Table:
    text = _decode(data)
    first_line = text.split("\n", 1)[0]
    # Swedish and Danish spreadsheets write ";" (the comma is their decimal sign).
    delimiter = max((";", ",", "\t"), key=first_line.count)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    numbered = ((number, row) for number, row in enumerate(reader, start=1) if any(row))
    try:
        header_number, header = next(numbered)
    except StopIteration:
        raise ImportFileError(_("The file is empty.")) from None
    del header_number
    return Table(
        header=[cell.strip() for cell in header], rows=numbered, estimated_rows=text.count("\n")
    )


def _read_xlsx(data: bytes) -> Table:
    """The first worksheet, read by calamine (Rust): openpyxl's reader took three quarters of
    an XLSX import (18,000 rows per CPU second for reading alone at 120,000 rows; calamine
    about 150,000). openpyxl stays the reference: what calamine cannot read, it decides."""
    try:
        sheet = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0)
        rows = sheet.iter_rows()  # from row 1 of the sheet, leading empty rows included
    except (CalamineError, ValueError, IndexError):
        return _read_xlsx_openpyxl(data)
    numbered = (
        (number, [_plain(cell) for cell in cells])
        for number, cells in enumerate(rows, start=1)
        if any(cell not in (None, "") for cell in cells)
    )
    try:
        _number, header = next(numbered)
    except StopIteration:
        raise ImportFileError(_("The file is empty.")) from None
    header = ["" if cell is None else str(cell).strip() for cell in header]
    return Table(header=header, rows=numbered, estimated_rows=sheet.height)


def _plain(cell):
    """As openpyxl gives it: a whole number as an int (calamine gives every number as a
    float, and a year must not read "2021.0"), an empty cell as None."""
    if isinstance(cell, float) and cell.is_integer():
        return int(cell)
    return None if cell == "" else cell


def _read_xlsx_openpyxl(data: bytes) -> Table:
    from openpyxl import load_workbook

    try:
        # read_only streams the sheet row by row: a 120,000-row workbook never sits in memory.
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # zipfile, XML and openpyxl errors alike: not a workbook
        raise ImportFileError(_("The file could not be read as an XLSX workbook.")) from error
    sheet = workbook.worksheets[0]
    numbered = (
        (number, list(row))
        for number, row in enumerate(sheet.iter_rows(values_only=True), start=1)
        if any(cell not in (None, "") for cell in row)
    )
    try:
        _number, header = next(numbered)
    except StopIteration:
        workbook.close()
        raise ImportFileError(_("The file is empty.")) from None
    header = ["" if cell is None else str(cell).strip() for cell in header]
    return Table(
        header=header, rows=_closing(numbered, workbook.close), estimated_rows=sheet.max_row
    )


def _closing(rows: Iterator, close: Callable[[], None]) -> Iterator:
    try:
        yield from rows
    finally:
        close()


def header_key(text: str) -> str:
    """A column name reduced to the key it stands for ("Organisation " -> "organisation")."""
    cleaned = text.strip().lower().replace("_", " ")
    return COLUMN_ALIASES.get(cleaned, cleaned)


def header_year(text: str) -> int | None:
    match = _YEAR_HEADER.match(str(text))
    return int(match.group(1)) if match else None


def detect_layout(header: list[str]) -> ColumnPlan:
    """Which of the three forms ``header`` is in, and where each column is."""
    keys: dict[str, int] = {}
    others: list[tuple[int, str]] = []
    for index, text in enumerate(header):
        key = header_key(text)
        if (
            key in ("organisation", "indicator", "series", "year", "value", "note")
            and key not in keys
        ):
            keys[key] = index
        elif text:
            others.append((index, text))
    if "organisation" not in keys:
        raise ImportFileError(
            _("The header has no “organisation” column. Columns found: %(columns)s.")
            % {"columns": ", ".join(header)}
        )
    if {"indicator", "year", "value"} <= keys.keys():
        return ColumnPlan(Layout.LONG, keys)
    if "indicator" in keys and "value" not in keys and "year" not in keys and others:
        columns = [(index, text, header_year(text)) for index, text in others]
        return ColumnPlan(Layout.WIDE_YEARS, keys, columns)
    if "year" in keys and "value" not in keys and "indicator" not in keys and others:
        columns = [(index, text, None) for index, text in others]
        return ColumnPlan(Layout.WIDE_INDICATORS, keys, columns)
    raise ImportFileError(
        _(
            "The columns do not match a known form. Use organisation, indicator, year, value "
            "(long form); organisation, indicator and one column per year; or organisation, "
            "year and one column per indicator code. Columns found: %(columns)s."
        )
        % {"columns": ", ".join(header)}
    )
