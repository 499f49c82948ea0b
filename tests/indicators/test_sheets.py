"""The XLSX reader (calamine) gives the values openpyxl gives, row numbers included."""

import io

import pytest
from openpyxl import Workbook, load_workbook

from indicators.import_files import ImportFileError, read_table


def workbook_bytes() -> bytes:
    workbook = Workbook()
    workbook.active.title = "Data"
    sheet = workbook.active
    sheet.append(["organisation", "indicator", "year", "value", "note"])
    sheet.append(["Skatteverket", "it-share", 2021, 12.5, "första"])
    sheet.append(["Försäkringskassan", "maturity", 2021, 3, None])
    sheet["A5"] = "Skatteverket"  # an empty row 4, and a gap in row 5's cells
    sheet["C5"] = 2022
    sheet["E5"] = True
    workbook.create_sheet("Second").append(["not", "read"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _trimmed(row) -> list:
    row = list(row)
    while row and row[-1] is None:
        row.pop()
    return row


def openpyxl_rows(data: bytes) -> list[tuple[int, list]]:
    sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
    return [
        (number, _trimmed(row))
        for number, row in enumerate(sheet.iter_rows(values_only=True), start=1)
        if any(cell is not None for cell in row)
    ]


def test_values_and_row_numbers_match_openpyxl():
    data = workbook_bytes()
    table = read_table("data.xlsx", data)
    rows = [(1, table.header), *((number, _trimmed(cells)) for number, cells in table.rows)]
    assert rows == openpyxl_rows(data)
    assert isinstance(rows[1][1][2], int)  # the year as written, not 2021.0
    assert table.estimated_rows == 5


def test_a_broken_workbook_is_a_file_error():
    with pytest.raises(ImportFileError):
        read_table("broken.xlsx", b"PK\x03\x04 not a zip")
    data = workbook_bytes()
    truncated = data[: len(data) // 2]
    with pytest.raises(ImportFileError):
        table = read_table("truncated.xlsx", truncated)
        list(table.rows)
