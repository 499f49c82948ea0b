"""Importing XLSX workbooks and from the command line; who sees members-only series."""

import io

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import CommandError, call_command
from django.test import RequestFactory
from openpyxl import Workbook

from indicators.importing import import_file
from indicators.models import ImportBatch, Observation
from indicators.visibility import visible_indicators, visible_observations, visible_series
from tests.factories import MemberFactory, UserFactory

from .conftest import make_series


def xlsx_bytes(rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_xlsx_wide_form_with_one_column_per_year(it_series, agencies):
    """Typed cells (numbers, years as numbers) and blank cells for missing years."""
    data = xlsx_bytes(
        [
            ["Organisation", "Indicator", 2021, 2022, "2023"],
            ["Skatteverket", "it-share", 12.5, None, 14],
            ["FK", "maturity", 3, 4, "fem"],
            [],
            ["digst", "maturity", 2, 2, 6],
        ]
    )
    report = import_file("maturity.xlsx", data, valid_rows_only=True)
    assert report.layout == "wide_years"
    assert [(p["row"], p["column"], p["reason_code"]) for p in report.problems] == [
        (3, "2023", "not_a_number"),
        (5, "2023", "out_of_scale"),
    ]
    assert report.rows_total == 8
    assert report.rows_created == 6
    stored = dict(
        Observation.objects.filter(organisation__slug="skatteverket").values_list("year", "value")
    )
    assert stored == {2021: 12.5, 2023: 14.0}


def test_a_file_that_is_not_a_workbook(it_series):
    report = import_file("broken.xlsx", b"PK\x03\x04 not really a zip")
    assert report.file_error
    assert ImportBatch.objects.get().status == ImportBatch.Status.REJECTED


def test_the_command_reports_and_refuses_a_file_with_errors(it_series, agencies, tmp_path):
    path = tmp_path / "figures.csv"
    path.write_text(
        "organisation,indicator,year,value\nSkatteverket,it-share,2021,10\nSkatteverkett,it-share,2021,11\n"
    )
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError, match="1 rows have errors"):
        call_command("import_indicators", str(path), stdout=out, stderr=err)
    assert "row 3:" in out.getvalue()
    assert "[unknown_organisation]" in out.getvalue()
    assert Observation.objects.count() == 0

    call_command("import_indicators", str(path), "--dry-run", stdout=out, stderr=err)
    assert "Dry run: nothing was written." in out.getvalue()
    assert Observation.objects.count() == 0

    out = io.StringIO()
    call_command("import_indicators", str(path), "--valid-rows-only", stdout=out, stderr=err)
    assert Observation.objects.count() == 1
    assert "1 were created" in out.getvalue()
    assert "Checking rows" in err.getvalue()  # the progress bar


def test_members_only_series_are_visible_to_members_only(db):
    public = make_series("public")
    hidden = make_series("members", members_only=True)
    member = MemberFactory()
    outsider = UserFactory()  # signed in, but not in the members' groups
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    assert set(visible_series(request=request)) == {public}
    assert set(visible_series()) == {public}
    assert set(visible_series(user=outsider)) == {public}
    assert set(visible_series(user=member)) == {public, hidden}
    assert {i.series for i in visible_indicators(user=AnonymousUser())} == {public}
    assert visible_indicators(user=member).filter(series=hidden).count() == 2
    narrowed = visible_series(hidden.__class__.objects.filter(code="members"), user=AnonymousUser())
    assert not narrowed.exists()


def test_members_only_observations_stay_with_members(agencies):
    make_series("public")
    make_series("members", members_only=True)
    rows = "organisation,indicator,year,value\n" + "".join(
        f"Skatteverket,{series}/it-share,2021,10\n" for series in ("public", "members")
    )
    import_file("both.csv", rows.encode())
    assert [o.indicator.series.code for o in visible_observations(user=AnonymousUser())] == [
        "public"
    ]
    assert visible_observations(user=MemberFactory()).count() == 2
