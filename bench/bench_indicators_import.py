"""Indicator import speed: 300 organisations × 40 indicators × 10 years (120,000 observations).

For each database (SQLite by default; ``--database postgresql`` or ``both``), in a throwaway
database, the whole ``import_file`` is timed (reading the bytes, checking every row, comparing
with what is stored, writing in one transaction), as the command and the admin run it:

- CSV, long form, into an empty table (120,000 new observations);
- the same CSV again (nothing changes: 120,000 unchanged);
- the CSV with 1 % of the values corrected (1,200 updates, each with its history row);
- XLSX, long form, into an empty table;
- XLSX, wide form (one column per year: 12,000 rows × 10 years), into an empty table.

Goals (issue 12): CSV ≥ 20,000 observations/s, XLSX ≥ 8,000 observations/s.

    .venv/bin/python bench/bench_indicators_import.py
    .venv/bin/python bench/bench_indicators_import.py --database both
    .venv/bin/python bench/bench_indicators_import.py --quick      # 30 organisations
"""

from __future__ import annotations

import csv
import io
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import _support

GOAL_CSV = 20_000
GOAL_XLSX = 8_000
INDICATORS = 40
YEARS = range(2015, 2025)
PG_SERVER = os.environ.get("ERFA_BENCH_PG", "postgresql://postgres@127.0.0.1:5432")


def main() -> None:
    parser = _support.argument_parser(__doc__.splitlines()[0])
    parser.add_argument("--database", default="sqlite", help="sqlite, postgresql or both")
    parser.add_argument("--vendor", help=argparse_hidden())
    arguments = parser.parse_args()
    organisations = 30 if arguments.quick else 300
    if arguments.vendor:
        figures = run_vendor(arguments.vendor, organisations)
        print("FIGURES " + json.dumps(figures), flush=True)
        return
    vendors = ["sqlite", "postgresql"] if arguments.database == "both" else [arguments.database]
    all_figures = {}
    for vendor in vendors:
        # Each database in its own process: Django's settings are read once per process.
        command = [sys.executable, __file__, "--vendor", vendor] + (
            ["--quick"] if arguments.quick else []
        )
        output = subprocess.run(command, capture_output=True, text=True, check=False)
        sys.stderr.write(output.stderr[-4000:])
        lines = [line for line in output.stdout.splitlines() if line.startswith("FIGURES ")]
        print(
            "\n".join(
                line for line in output.stdout.splitlines() if not line.startswith("FIGURES ")
            )
        )
        if output.returncode or not lines:
            raise SystemExit(f"{vendor}: the benchmark failed (exit {output.returncode})")
        all_figures[vendor] = json.loads(lines[-1].removeprefix("FIGURES "))
    rows = [
        (
            vendor,
            case,
            f["observations"],
            f["seconds"],
            f["rows_per_s"],
            f.get("rows_per_cpu_s", ""),
            f["goal"],
            f["meets_goal"],
        )
        for vendor, cases in all_figures.items()
        for case, f in cases.items()
    ]
    _support.print_table(
        [
            "database",
            "case",
            "observations",
            "seconds",
            "rows/s",
            "rows/CPU s",
            "goal",
            "meets goal",
        ],
        rows,
        title=f"Indicator import, {organisations} organisations × {INDICATORS} indicators × {len(YEARS)} years",
    )
    name = "indicators_import_quick" if arguments.quick else "indicators_import"
    _support.write_results(
        name,
        all_figures,
        {"organisations": organisations, "indicators": INDICATORS, "years": len(YEARS)},
        enabled=not arguments.no_write,
        merge=True,
    )


def argparse_hidden() -> str:
    import argparse

    return argparse.SUPPRESS


def run_vendor(vendor: str, organisations: int) -> dict:
    database = setup_django(vendor)
    try:
        return measure(organisations)
    finally:
        if database:
            from django.db import connections

            connections.close_all()
            _psql(f'DROP DATABASE IF EXISTS "{database}"')


def setup_django(vendor: str) -> str:
    """Django on a migrated throwaway database; returns the PostgreSQL database's name, if any."""
    workdir = Path(tempfile.mkdtemp(prefix="erfa-bench-"))
    tempfile.tempdir = str(workdir)
    os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings.test"
    os.environ["ERFA_INDEX_DIR"] = str(workdir / "index")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    database = ""
    if vendor in ("postgres", "postgresql"):
        database = f"erfa_bench_indicators_{os.getpid()}"
        _psql(f'CREATE DATABASE "{database}"')
        os.environ["DATABASE_URL"] = f"{PG_SERVER}/{database}"
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    sys.path.insert(0, str(_support.REPO_DIR))
    import django
    from django.core.management import call_command

    django.setup()
    _support.log(f"migrating the {vendor} database")
    call_command("migrate", verbosity=0)
    return database


def _psql(statement: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as connection:
        connection.execute(statement)


def build_world(organisations: int) -> list[tuple[str, str, int, float]]:
    """Organisations and one series of 40 indicators; returns the long-form rows."""
    from indicators.models import Indicator, IndicatorSeries
    from portal.models import Organisation

    Organisation.objects.bulk_create(
        Organisation(
            name=f"Myndighet nummer {n}", slug=f"myndighet-{n}", country="SE", kind="agency"
        )
        for n in range(organisations)
    )
    series = IndicatorSeries.objects.create(
        code="bench", name_sv="Bench", source="bench", licence="CC0"
    )
    Indicator.objects.bulk_create(
        Indicator(
            series=series,
            code=f"k{n:02d}",
            name_sv=f"Nyckeltal {n}",
            unit="%",
            scale_min=0,
            scale_max=100,
        )
        for n in range(INDICATORS)
    )
    rng = random.Random(7)
    return [
        (f"Myndighet nummer {o}", f"k{i:02d}", year, round(rng.uniform(0, 100), 2))
        for o in range(organisations)
        for i in range(INDICATORS)
        for year in YEARS
    ]


def csv_long(rows) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["organisation", "indicator", "year", "value"])
    writer.writerows(rows)
    return buffer.getvalue().encode()


def xlsx(header, rows) -> bytes:
    """A workbook as spreadsheet programs save it. Not write_only: that mode leaves out the
    sheet's <dimension>, and openpyxl's read-only reader then parses the whole sheet once
    just to size it, which Excel's and LibreOffice's files never make it do."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_wide(rows) -> bytes:
    by_key: dict[tuple[str, str], dict[int, float]] = {}
    for organisation, code, year, value in rows:
        by_key.setdefault((organisation, code), {})[year] = value
    return xlsx(
        ["organisation", "indicator", *YEARS],
        (
            [organisation, code, *(values[y] for y in YEARS)]
            for (organisation, code), values in by_key.items()
        ),
    )


def measure(organisations: int) -> dict:
    from django.db import connection

    from indicators.importing import import_file
    from indicators.models import Observation

    rows = build_world(organisations)
    total = len(rows)
    corrected = [
        (o, code, year, round(value + 1, 2) if n % 100 == 0 and value < 99 else value)
        for n, (o, code, year, value) in enumerate(rows)
    ]
    files = {
        "csv_long_new": ("figures.csv", csv_long(rows), GOAL_CSV, True),
        "csv_long_again": ("figures.csv", csv_long(rows), GOAL_CSV, False),
        "csv_long_1pct_corrected": ("figures.csv", csv_long(corrected), GOAL_CSV, False),
        "xlsx_long_new": (
            "figures.xlsx",
            xlsx(["organisation", "indicator", "year", "value"], rows),
            GOAL_XLSX,
            True,
        ),
        "xlsx_wide_years_new": ("figures.xlsx", xlsx_wide(rows), GOAL_XLSX, True),
    }
    figures = {}
    for case, (name, data, goal, from_empty) in files.items():
        if from_empty:
            Observation.objects.all().delete()
        started, cpu_started = time.perf_counter(), time.process_time()
        report = import_file(name, data)
        seconds = time.perf_counter() - started
        # This process's CPU time: on a shared, busy machine the wall clock also counts the
        # time spent waiting for a core. With SQLite all the work is in this process; with
        # PostgreSQL the server's share is not in it.
        cpu_seconds = time.process_time() - cpu_started
        assert not report.has_errors and report.rows_total == total, (case, report.counts())
        figures[case] = {
            "observations": total,
            "seconds": round(seconds, 2),
            "rows_per_s": round(total / seconds),
            "cpu_seconds": round(cpu_seconds, 2),
            "rows_per_cpu_s": round(total / cpu_seconds),
            "goal": goal,
            "meets_goal": total / seconds >= goal,
            "created": report.rows_created,
            "updated": report.rows_updated,
            "unchanged": report.rows_unchanged,
            "file_bytes": len(data),
            "database": connection.vendor,
        }
        _support.log(
            f"{connection.vendor} {case}: {total / seconds:,.0f} rows/s ({seconds:.2f} s), "
            f"{total / cpu_seconds:,.0f} rows per CPU second; load average {os.getloadavg()[0]:.1f}"
        )
        figures[case]["load_average_1min"] = round(os.getloadavg()[0], 2)
    return figures


if __name__ == "__main__":
    main()
