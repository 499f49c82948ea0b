from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from search import query_log


class Command(BaseCommand):
    help = (
        "Roll search-log rows older than ERFA_SEARCH_LOG_RETENTION_DAYS whole days into daily "
        "totals (query, language, mode, counts; nothing else) and delete them. The data lab's "
        "figures stay the same. Safe to run at any time: nothing is counted twice."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="Keep single searches this many days (default: the setting, "
            f"{query_log.retention_days()}).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Count what would be rolled up, change nothing."
        )

    def handle(self, *args, days, dry_run, **options):
        if days is not None and days < 0:
            raise CommandError("--days cannot be negative.")
        result = query_log.roll_up(days=days, dry_run=dry_run)
        before = timezone.localtime(result.cutoff).date()
        if dry_run:
            self.stdout.write(
                f"Would roll up {result.rows} search(es) from {result.days} day(s) before {before}."
            )
            return
        self.stdout.write(
            f"Rolled up {result.rows} search(es) from {result.days} day(s) before {before} "
            f"into {result.totals} daily total(s), and deleted them."
        )
