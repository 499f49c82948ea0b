"""Importing indicator observations from CSV or XLSX: read, check every row, then write.

``analyse`` reads a file (``import_files``), checks each value (``import_checks``) and
compares the valid ones with what is stored, so a preview says what an import would do;
``write`` carries that plan out in bulk; ``import_file`` does both in one transaction, as the
management command and the admin's confirmation do.

Nothing from a file with errors is written unless the caller asks for the valid rows
(``valid_rows_only``). An unchanged value is not touched, so importing the same file again
changes nothing; a corrected value keeps its previous value in ``ObservationChange``.

The ``rows_*`` counts are observations: in the long form one per row, in the wide forms one
per filled value cell. The report names the file's row (and, in a wide form, the column).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext

from .import_checks import Lookups, Problem, Reason, parse_value, parse_year
from .import_files import ColumnPlan, ImportFileError, Layout, detect_layout, read_table
from .import_writes import correct_observations, insert_observations
from .models import ImportBatch, Observation
from .versions import raise_data_version

# The stored report keeps the first problems only: a wholly wrong file of 120,000 rows
# would otherwise store 120,000 messages. The counts stay exact.
REPORT_LIMIT = 10_000
PROGRESS_EVERY = 2000

Progress = Callable[[str, int, int | None], None]  # (stage, done, total or None)


class ImportRefused(Exception):
    """Writing a file with errors without asking for the valid rows only."""


@dataclass
class ImportReport:
    file_name: str
    file_sha256: str
    layout: str = ""
    file_error: str = ""
    rows_total: int = 0
    rows_created: int = 0
    rows_updated: int = 0
    rows_unchanged: int = 0
    rows_rejected: int = 0
    problems: list[dict] = field(default_factory=list)
    # The plan: rows to insert (row, indicator id, organisation id, year, value, note) and to
    # change (row, observation id, value, note, old value, old note).
    to_create: list[tuple] = field(default_factory=list)
    to_update: list[tuple] = field(default_factory=list)
    batch: ImportBatch | None = None
    written: bool = False
    # Each valid observation by (indicator, organisation, year) -> (row, value, note or None).
    checked: dict = field(default_factory=dict, repr=False)

    @property
    def has_errors(self) -> bool:
        return bool(self.file_error or self.rows_rejected)

    @property
    def rows_valid(self) -> int:
        return self.rows_created + self.rows_updated + self.rows_unchanged

    def counts(self) -> dict[str, int]:
        return {
            "rows_total": self.rows_total,
            "rows_created": self.rows_created,
            "rows_updated": self.rows_updated,
            "rows_unchanged": self.rows_unchanged,
            "rows_rejected": self.rows_rejected,
        }


def file_checksum(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def analyse(
    file_name: str,
    data: bytes,
    *,
    series: str | None = None,
    progress: Progress | None = None,
    plan: bool = True,
) -> ImportReport:
    """Read and check ``data`` and (with ``plan``) compare it with what is stored, writing
    nothing."""
    report = ImportReport(file_name=file_name, file_sha256=file_checksum(data))
    try:
        table = read_table(file_name, data)
        layout = detect_layout(table.header)
    except ImportFileError as error:
        report.file_error = str(error)
        return report
    report.layout = layout.layout
    lookups = Lookups(series_code=series)
    try:
        report.checked = _check_rows(report, table, layout, lookups, progress)
    except ImportFileError as error:  # a sheet that breaks off midway
        report.file_error = str(error)
        report.checked = {}
        return report
    if plan:
        _plan_writes(report)
    return report


def write(
    report: ImportReport,
    *,
    user=None,
    valid_rows_only: bool = False,
    progress: Progress | None = None,
    batch: ImportBatch | None = None,
) -> ImportReport:
    """Carry out ``report``'s plan and record the batch (``batch``, a previewed one, or a new
    one). Call inside a transaction."""
    if report.file_error:
        raise ImportRefused(report.file_error)
    if report.rows_rejected and not valid_rows_only:
        raise ImportRefused(
            gettext("%(count)s rows have errors; import the valid rows explicitly or fix the file.")
            % {"count": report.rows_rejected}
        )
    batch = _record_batch(report, user, ImportBatch.Status.IMPORTED, batch)
    total = len(report.to_create) + len(report.to_update)
    done = 0

    def advance(count: int) -> None:
        nonlocal done
        done += count
        if progress:
            progress("write", done, total)

    insert_observations(report.to_create, batch.pk, advance)
    correct_observations(report.to_update, batch.pk, advance)
    if total:
        raise_data_version()
    report.written = True
    return report


def import_file(
    file_name: str,
    data: bytes,
    *,
    series: str | None = None,
    user=None,
    valid_rows_only: bool = False,
    dry_run: bool = False,
    progress: Progress | None = None,
    batch: ImportBatch | None = None,
) -> ImportReport:
    """Analyse and, unless it is a dry run or the file has errors (and the valid rows were
    not asked for), write, in one transaction. A refused file is still recorded as a
    rejected batch with its report, for the record of who tried what."""
    # Reading and checking write nothing and run outside the transaction, so that progress
    # written meanwhile (the admin's background import) is visible; the comparison with the
    # stored data and the writes share one transaction.
    report = analyse(file_name, data, series=series, progress=progress, plan=False)
    with transaction.atomic():
        _plan_writes(report)
        if dry_run:
            return report
        if report.file_error or (report.rows_rejected and not valid_rows_only):
            _record_batch(report, user, ImportBatch.Status.REJECTED, batch)
            return report
        return write(
            report, user=user, valid_rows_only=valid_rows_only, progress=progress, batch=batch
        )


def record_preview(report: ImportReport, user=None) -> ImportBatch:
    """A batch in the "previewed" state: what the admin's upload found, before confirming."""
    return _record_batch(report, user, ImportBatch.Status.PREVIEWED)


def _record_batch(
    report: ImportReport, user, status: str, batch: ImportBatch | None = None
) -> ImportBatch:
    problems = report.problems[:REPORT_LIMIT]
    if report.file_error:
        problems = [{"row": 0, "reason_code": Reason.BAD_FILE, "message": report.file_error}]
    batch = batch or ImportBatch()
    batch.file_name = report.file_name[-255:]
    batch.file_sha256 = report.file_sha256
    if user is not None and user.is_authenticated:
        batch.uploaded_by = user
    batch.status = status
    batch.report = problems
    for name, count in report.counts().items():
        setattr(batch, name, count)
    batch.save()
    report.batch = batch
    return batch


# Checking ---------------------------------------------------------------------------------


def _check_rows(report: ImportReport, table, plan: ColumnPlan, lookups: Lookups, progress) -> dict:
    """Each valid observation by (indicator, organisation, year) -> (row, value, note)."""
    keys = plan.keys
    checked: dict[tuple[int, int, int], tuple[int, float, str | None]] = {}
    has_note = "note" in keys
    header_problems = _header_problems(plan, lookups)

    def cell(cells: list, key: str):
        index = keys.get(key)
        return cells[index] if index is not None and index < len(cells) else None

    def reject(problem: Problem, observations: int = 1) -> None:
        report.rows_rejected += observations
        report.problems.append(problem.as_dict())

    def note_of(cells: list) -> str | None:
        """The row's note; None (keep the stored note) when the file has no note column."""
        if not has_note:
            return None
        note = cell(cells, "note")
        return "" if note is None else str(note).strip()[:300]

    def accept(
        row: int, indicator, organisation_id: int, year: int, raw, column: str, note
    ) -> None:
        try:
            value = parse_value(raw, indicator)
        except Problem as problem:
            problem.row, problem.column = row, column
            reject(problem)
            return
        key = (indicator.id, organisation_id, year)
        if key in checked:
            reject(
                Problem(
                    Reason.DUPLICATE,
                    gettext("The same organisation, indicator and year as row %(row)s.")
                    % {"row": checked[key][0]},
                    row=row,
                    column=column,
                )
            )
            return
        checked[key] = (row, value, note)

    for problem in header_problems.values():
        report.problems.append(problem.as_dict())
    count = 0
    for count, (row, cells) in enumerate(table.rows, start=1):
        if progress and count % PROGRESS_EVERY == 0:
            progress("read", count, table.estimated_rows)
        wide_cells = [
            (index, text, year, cells[index])
            for index, text, year in plan.value_columns
            if index < len(cells) and cells[index] not in (None, "")
        ]
        filled = len(wide_cells) if plan.layout != Layout.LONG else 1
        report.rows_total += filled
        if not filled:
            continue
        try:
            organisation_id = lookups.organisation(cell(cells, "organisation"))
            if plan.layout == Layout.LONG:
                indicator = lookups.indicator(cell(cells, "indicator"), cell(cells, "series"))
                year = parse_year(cell(cells, "year"))
                accept(
                    row, indicator, organisation_id, year, cell(cells, "value"), "", note_of(cells)
                )
            elif plan.layout == Layout.WIDE_YEARS:
                indicator = lookups.indicator(cell(cells, "indicator"), cell(cells, "series"))
                for index, text, year, raw in wide_cells:
                    if index in header_problems:  # reported once, on the header
                        report.rows_rejected += 1
                        continue
                    accept(row, indicator, organisation_id, year, raw, text, note_of(cells))
            else:
                year = parse_year(cell(cells, "year"))
                for index, text, _year, raw in wide_cells:
                    if index in header_problems:
                        report.rows_rejected += 1
                        continue
                    indicator = lookups.column_indicator(index)
                    accept(row, indicator, organisation_id, year, raw, text, note_of(cells))
        except Problem as problem:
            # A problem with the row itself (organisation, indicator, year) loses all its values.
            problem.row = row
            reject(problem, filled)
    if progress:  # all read: the estimate gives way to the count
        progress("read", count, count)
    return checked


def _header_problems(plan: ColumnPlan, lookups: Lookups) -> dict[int, Problem]:
    """Value columns of a wide form that are not a year or not a known indicator, by index."""
    problems: dict[int, Problem] = {}
    for index, text, year in plan.value_columns:
        if plan.layout == Layout.WIDE_YEARS and year is None:
            problems[index] = Problem(
                Reason.BAD_YEAR,
                gettext("The column “%(column)s” is not a year; its values are not imported.")
                % {"column": text},
                row=1,
                column=text,
            )
        elif plan.layout == Layout.WIDE_INDICATORS:
            try:
                lookups.remember_column(index, lookups.indicator(text, None))
            except Problem as problem:
                problem.row, problem.column = 1, text
                problems[index] = problem
    return problems


def _plan_writes(report: ImportReport) -> None:
    """Split the valid observations into new, changed and unchanged against what is stored."""
    checked = report.checked
    report.to_create, report.to_update, report.rows_unchanged = [], [], 0
    if not checked:
        report.rows_created = report.rows_updated = 0
        return
    indicator_ids = {indicator_id for indicator_id, _org, _year in checked}
    existing = {
        (indicator_id, organisation_id, year): (observation_id, value, note)
        for observation_id, indicator_id, organisation_id, year, value, note in (
            Observation.objects.filter(indicator_id__in=indicator_ids).values_list(
                "id", "indicator_id", "organisation_id", "year", "value", "note"
            )
        )
    }
    for key, (row, value, note) in checked.items():
        stored = existing.get(key)
        if stored is None:
            report.to_create.append((row, *key, value, note))
            continue
        observation_id, old_value, old_note = stored
        new_note = old_note if note is None else note
        if old_value == value and old_note == new_note:
            report.rows_unchanged += 1
        else:
            report.to_update.append((row, observation_id, value, new_note, old_value, old_note))
    report.to_create.sort()
    report.to_update.sort()
    report.rows_created = len(report.to_create)
    report.rows_updated = len(report.to_update)
