"""The site's one CSV writer: no cell a spreadsheet program would run as a formula."""

import csv
import datetime
import io
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from django.http import Http404
from django.utils import translation
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook

from portal.csv_export import (
    XLSX_CONTENT_TYPE,
    csv_response,
    csv_text,
    people_cell,
    safe_cell,
    table_response,
    xlsx_bytes,
)

MALICIOUS = [
    '=HYPERLINK("https://evil.example","x")',
    "+1+1",
    "-1+1",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
    "＝1+1",
]


@pytest.mark.parametrize("value", MALICIOUS)
def test_a_cell_that_starts_like_a_formula_is_quoted(value):
    assert safe_cell(value) == "'" + value


def test_numbers_stay_numbers_and_plain_text_stays_as_it_is():
    assert safe_cell(-3) == -3
    assert safe_cell(-0.25) == -0.25
    assert safe_cell(Decimal("-1.5")) == Decimal("-1.5")
    assert safe_cell("Hörslinga") == "Hörslinga"
    assert safe_cell("a=b") == "a=b"
    assert safe_cell(None) == ""
    assert safe_cell(gettext_lazy("-lazy")) == "'-lazy"
    # Text that only looks like a negative number is text from someone: quoted.
    assert safe_cell("-5") == "'-5"


def test_response_quotes_header_and_rows_and_starts_with_a_byte_order_mark():
    response = csv_response('list "1".csv', ["=name", "value"], [["@evil", -2], ["Åsa", 3.5]])
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body.removeprefix("\ufeff"))))
    assert rows == [["'=name", "value"], ["'@evil", "-2"], ["Åsa", "3.5"]]


def test_text_has_the_same_rows():
    text = csv_text(["a"], [["-x"], [-1]])
    assert list(csv.reader(io.StringIO(text.removeprefix("\ufeff")))) == [["a"], ["'-x"], ["-1"]]


def test_no_other_module_writes_csv():
    """Every CSV and XLSX download goes through portal.csv_export, so every cell is made safe."""
    root = Path(__file__).resolve().parents[2]
    writers = {
        str(path.relative_to(root))
        for app in ("portal", "cases", "network", "search", "datalab")
        for path in (root / app).rglob("*.py")
        if "migrations" not in path.parts
        and any(
            needle in path.read_text("utf-8")
            for needle in ("csv.writer", "csv.DictWriter", "text/csv", "openpyxl")
        )
    }
    assert writers == {"portal/csv_export.py"}


# --- For people: the visitor's language, and XLSX beside the CSV -----------------------------

HEADER = [gettext_lazy("Name"), gettext_lazy("Status")]
ROWS = [
    ["=cmd|' /C calc'!A0", -0.5],
    ["Åsa", Decimal("1234.25")],
    ["Bo", 3],
    ["Cai", datetime.datetime(2026, 3, 4, 9, 30)],
    ["Dag", datetime.date(2026, 3, 4)],
]


def people_rows(language: str) -> tuple[str, list[list[str]]]:
    with translation.override(language):
        response = table_response("list", HEADER, ROWS, "csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="list.csv"'
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    separator = ";" if language in ("sv", "da") else ","
    return text, list(csv.reader(io.StringIO(text[1:], newline=""), delimiter=separator))


@pytest.mark.parametrize(
    ("language", "header", "dates"),
    [
        ("sv", ["Namn", "Status"], ["2026-03-04 09:30", "2026-03-04"]),
        ("da", ["Navn", "Status"], ["04.03.2026 09:30", "04.03.2026"]),
    ],
)
def test_swedish_and_danish_csv_use_semicolons_and_decimal_commas(language, header, dates):
    text, rows = people_rows(language)
    assert text.splitlines()[0] == "\ufeff" + ";".join(header)
    assert rows[0] == header
    assert rows[1] == ["'=cmd|' /C calc'!A0", "-0,5"]  # the formula quoted, the number not
    assert rows[2] == ["Åsa", "1234,25"]  # no thousands separator for a spreadsheet to misread
    assert rows[3] == ["Bo", "3"]
    assert [rows[4][1], rows[5][1]] == dates


def test_english_csv_uses_commas_and_decimal_points():
    text, rows = people_rows("en")
    assert text.splitlines()[0] == "\ufeffName,Status"
    assert rows[1:4] == [["'=cmd|' /C calc'!A0", "-0.5"], ["Åsa", "1234.25"], ["Bo", "3"]]


def test_booleans_are_words_in_the_visitors_language():
    with translation.override("en"):
        assert [people_cell(True), people_cell(False), people_cell(None)] == ["Yes", "No", ""]


def test_xlsx_has_typed_cells_a_bold_frozen_header_and_no_formulas():
    with translation.override("sv"):
        response = table_response("list", HEADER, [*ROWS, ["\x00Bell\x07", True]], "xlsx")
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    assert response["Content-Disposition"] == 'attachment; filename="list.xlsx"'
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.freeze_panes == "A2"
    assert [cell.value for cell in sheet[1]] == ["Namn", "Status"]
    assert all(cell.font.bold for cell in sheet[1])
    formula_like = sheet["A2"]
    assert formula_like.value == "=cmd|' /C calc'!A0"
    assert formula_like.data_type == "s"  # text, never a formula
    assert formula_like.quotePrefix  # and it stays text when edited
    assert sheet["B2"].value == -0.5 and sheet["B2"].data_type == "n"
    assert sheet["B3"].value == 1234.25 and sheet["B3"].data_type == "n"
    assert sheet["B4"].value == 3
    assert sheet["B5"].value == datetime.datetime(2026, 3, 4, 9, 30)
    assert sheet["B5"].is_date
    assert sheet["B6"].is_date
    assert sheet["A7"].value == "Bell"  # characters XML cannot hold are dropped, not a 500
    assert sheet["B7"].value is True


def test_no_formula_anywhere_in_the_workbook():
    body = xlsx_bytes(["=h"], [[value] for value in MALICIOUS])
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml and "<f " not in sheet_xml


def test_an_unknown_format_is_not_found():
    with pytest.raises(Http404):
        table_response("list", HEADER, ROWS, "ods")


def test_every_csv_link_in_the_templates_has_an_xlsx_sibling():
    """People are offered XLSX wherever they are offered CSV."""
    root = Path(__file__).resolve().parents[2] / "templates"
    for path in root.rglob("*.html"):
        text = path.read_text("utf-8")
        assert text.count("format=csv") == text.count("format=xlsx"), path
        assert text.count("attendees_csv") == text.count("attendees_xlsx"), path
