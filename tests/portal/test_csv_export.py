"""The site's one CSV writer: no cell a spreadsheet program would run as a formula."""

import csv
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils.translation import gettext_lazy

from portal.csv_export import csv_response, csv_text, safe_cell

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
    """Every CSV download goes through portal.csv_export, so every cell is made safe."""
    root = Path(__file__).resolve().parents[2]
    writers = {
        str(path.relative_to(root))
        for app in ("portal", "cases", "network", "search", "datalab")
        for path in (root / app).rglob("*.py")
        if "migrations" not in path.parts
        and any(
            needle in path.read_text("utf-8")
            for needle in ("csv.writer", "csv.DictWriter", "text/csv")
        )
    }
    assert writers == {"portal/csv_export.py"}
