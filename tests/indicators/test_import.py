"""Importing indicator files: the report, all-or-valid-rows, idempotence and history."""

import csv
import io

import pytest
from django.utils import translation

from indicators.importing import ImportRefused, analyse, import_file, write
from indicators.models import ImportBatch, Observation, ObservationChange
from indicators.versions import data_version
from tests.factories import OrganisationFactory


def csv_bytes(rows, header=("organisation", "indicator", "year", "value", "note"), delimiter=","):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


@pytest.fixture
def thousand_rows(it_series, agencies):
    """1,000 valid long-form rows: 20 organisations × 2 indicators × 25 years."""
    organisations = agencies[:1] + [OrganisationFactory(name=f"Verket {n}") for n in range(19)]
    return [
        [organisation.name, code, year, f"{(year % 5) + 1}", ""]
        for organisation in organisations
        for code in ("it-share", "maturity")
        for year in range(2000, 2025)
    ]


def problems_of(report):
    return [(problem["row"], problem["reason_code"]) for problem in report.problems]


def test_three_bad_rows_among_a_thousand_are_reported_and_nothing_is_written(thousand_rows):
    """Exactly the three bad rows are reported, with the file's row numbers (header = row 1)."""
    rows = [list(row) for row in thousand_rows]
    rows[99][0] = "Skateverket"  # file row 101
    rows[500][3] = "abc"  # file row 502
    rows[875][1] = "it-share"  # file row 877: it-share is 0–100
    rows[875][3] = "140"
    with translation.override("en"):
        report = import_file("figures.csv", csv_bytes(rows))
    assert problems_of(report) == [
        (101, "unknown_organisation"),
        (502, "not_a_number"),
        (877, "out_of_scale"),
    ]
    assert "Did you mean “Skatteverket”?" in report.problems[0]["message"]
    assert report.rows_total == 1000
    assert report.rows_rejected == 3
    assert not report.written
    assert Observation.objects.count() == 0
    batch = ImportBatch.objects.get()
    assert batch.status == ImportBatch.Status.REJECTED
    assert [entry["row"] for entry in batch.report] == [101, 502, 877]


def test_the_valid_rows_are_imported_only_when_asked_for(thousand_rows):
    rows = [list(row) for row in thousand_rows]
    rows[10][2] = "20x4"
    report = analyse("figures.csv", csv_bytes(rows))
    with pytest.raises(ImportRefused):
        write(report)
    assert Observation.objects.count() == 0
    report = import_file("figures.csv", csv_bytes(rows), valid_rows_only=True)
    assert problems_of(report) == [(12, "bad_year")]
    assert report.rows_created == 999
    assert Observation.objects.count() == 999
    assert ImportBatch.objects.get(status=ImportBatch.Status.IMPORTED).rows_rejected == 1


def test_importing_the_same_file_again_changes_nothing(thousand_rows):
    data = csv_bytes(thousand_rows)
    first = import_file("figures.csv", data)
    assert (first.rows_created, first.rows_updated, first.rows_unchanged) == (1000, 0, 0)
    stamps = dict(Observation.objects.values_list("id", "updated_at"))
    version = data_version()
    second = import_file("figures.csv", data)
    assert (second.rows_created, second.rows_updated, second.rows_unchanged) == (0, 0, 1000)
    assert dict(Observation.objects.values_list("id", "updated_at")) == stamps
    assert ObservationChange.objects.count() == 0
    assert data_version() == version


def test_a_corrected_value_keeps_its_previous_value(it_series, agencies):
    import_file("v1.csv", csv_bytes([["Skatteverket", "it-share", 2021, "12.5", "first"]]))
    version = data_version()
    report = import_file(
        "v2.csv", csv_bytes([["skatteverket", "it-share", 2021, "13,25", "revised"]])
    )
    assert (report.rows_created, report.rows_updated) == (0, 1)
    observation = Observation.objects.get()
    assert (observation.value, observation.note) == (13.25, "revised")
    change = observation.history.get()
    assert (change.old_value, change.new_value, change.old_note) == (12.5, 13.25, "first")
    assert change.batch == report.batch
    assert data_version() != version


def test_duplicates_unknown_indicators_and_years_are_each_reported(it_series, agencies):
    rows = [
        ["SKV", "it-share", 2021, "10", ""],  # row 2
        ["Skatteverket", "it-share", 2021, "11", ""],  # row 3: same as row 2 (by short name)
        ["FK", "it-cost", 2021, "10", ""],  # row 4
        ["FK", "maturity", "2o21", "3", ""],  # row 5
        ["FK", "maturity", 2021, "", ""],  # row 6
        ["Ingen alls myndighet", "maturity", 2021, "3", ""],  # row 7
        ["digst", "it-costs/maturity", 2022, "4", ""],  # row 8: series/code, by slug
    ]
    with translation.override("en"):
        report = analyse("figures.csv", csv_bytes(rows))
    assert problems_of(report) == [
        (3, "duplicate"),
        (4, "unknown_indicator"),
        (5, "bad_year"),
        (6, "missing_value"),
        (7, "unknown_organisation"),
    ]
    assert "row 2" in report.problems[0]["message"]
    assert report.rows_created == 2


def test_semicolons_and_decimal_commas_as_swedish_spreadsheets_write_them(it_series, agencies):
    data = csv_bytes(
        [["Försäkringskassan", "it-share", "2020", "1 2,5"], ["FK", "maturity", "2020", "4"]],
        header=("Organisation", "Indikator", "År", "Värde"),
        delimiter=";",
    )
    report = import_file("tal.csv", data)
    assert report.layout == "long"
    assert sorted(Observation.objects.values_list("indicator__code", "value")) == [
        ("it-share", 12.5),
        ("maturity", 4.0),
    ]


def test_wide_form_with_one_column_per_indicator(it_series, agencies):
    data = csv_bytes(
        [["Skatteverket", 2023, "31.5", "4"], ["FK", 2023, "", "3"]],
        header=("organisation", "year", "it-share", "maturity"),
    )
    report = import_file("wide.csv", data, series="it-costs")
    assert report.layout == "wide_indicators"
    assert (report.rows_total, report.rows_created) == (3, 3)


def test_an_unknown_indicator_column_is_reported_once_on_the_header(it_series, agencies):
    data = csv_bytes(
        [["Skatteverket", 2023, "31.5", "4"], ["FK", 2023, "20", "3"]],
        header=("organisation", "year", "it-share", "nonsense"),
    )
    report = analyse("wide.csv", data)
    assert problems_of(report) == [(1, "unknown_indicator")]
    assert report.problems[0]["column"] == "nonsense"
    assert (report.rows_rejected, report.rows_created) == (2, 2)


def test_a_file_that_is_not_a_table_is_refused_whole(it_series, agencies):
    report = import_file("figures.csv", b"name,colour\nSkatteverket,blue\n")
    assert report.file_error and report.layout == ""
    assert Observation.objects.count() == 0
    assert import_file("figures.pdf", b"%PDF-1.4").file_error
