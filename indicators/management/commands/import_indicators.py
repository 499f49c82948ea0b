"""manage.py import_indicators FILE: import indicator observations from CSV or XLSX."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from indicators.importing import import_file

# Problems printed in full; the rest are counted (the batch keeps them all, up to its limit).
SHOWN_PROBLEMS = 50


class Command(BaseCommand):
    help = (
        "Import indicator observations from a CSV or XLSX file, in long form (organisation, "
        "indicator, year, value, note) or wide form (one column per year or per indicator). "
        "Nothing is written from a file with errors unless --valid-rows-only is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="a .csv or .xlsx file")
        parser.add_argument(
            "--series",
            help="the series code bare indicator codes belong to (else code must be unique)",
        )
        parser.add_argument(
            "--valid-rows-only",
            action="store_true",
            help="import the valid rows of a file that has errors (the bad rows are reported)",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="check and report, write nothing"
        )
        parser.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")

    def handle(self, *args, **options):
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error}") from error
        bars: dict[str, tqdm] = {}

        def progress(stage: str, done: int, total: int | None) -> None:
            bar = bars.get(stage)
            if bar is None:
                label = "Checking rows" if stage == "read" else "Writing observations"
                bar = bars[stage] = tqdm(
                    total=total, desc=label, unit=" rows", file=self.stderr._out, leave=False
                )
            if total and bar.total != total:
                bar.total = total
            bar.update(done - bar.n)

        try:
            report = import_file(
                path.name,
                data,
                series=options["series"],
                valid_rows_only=options["valid_rows_only"],
                dry_run=options["dry_run"],
                progress=None if options["no_progress"] else progress,
            )
        finally:
            for bar in bars.values():
                bar.close()
        self._print_report(report, options)
        if report.file_error:
            raise CommandError(report.file_error)
        if report.rows_rejected and not (options["valid_rows_only"] or options["dry_run"]):
            raise CommandError(
                f"{report.rows_rejected} rows have errors: nothing was imported. Fix the file, "
                "or run again with --valid-rows-only to import the valid rows."
            )

    def _print_report(self, report, options) -> None:
        write = self.stdout.write
        write(f"File: {report.file_name} ({report.layout or 'unreadable'} form)")
        for problem in report.problems[:SHOWN_PROBLEMS]:
            column = f", column {problem['column']}" if problem.get("column") else ""
            write(
                f"  row {problem['row']}{column}: {problem['message']} [{problem['reason_code']}]"
            )
        if len(report.problems) > SHOWN_PROBLEMS:
            write(f"  … and {len(report.problems) - SHOWN_PROBLEMS} more problems")
        verb = "would be" if options["dry_run"] or not report.written else "were"
        write(
            f"Observations: {report.rows_total} in the file, {report.rows_rejected} rejected; "
            f"{report.rows_created} {verb} created, {report.rows_updated} {verb} updated, "
            f"{report.rows_unchanged} unchanged."
        )
        if report.written:
            self.stdout.write(self.style.SUCCESS(f"Imported as batch {report.batch.pk}."))
        elif options["dry_run"]:
            write("Dry run: nothing was written.")
