from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from network import retention


class Command(BaseCommand):
    help = (
        "Remove attendees' notes on diet and accessibility (health data) from meetings that "
        "ended more than ERFA_ATTENDEE_NOTES_RETENTION_DAYS days ago. Registrations and "
        "attendance stay. Safe to run at any time: notes already removed are left alone."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="Keep notes this many days after a meeting (default: the setting, "
            f"{retention.retention_days()}).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Count what would be removed, remove nothing."
        )

    def handle(self, *args, days, dry_run, **options):
        if days is not None and days < 0:
            raise CommandError("--days cannot be negative.")
        purge = retention.purge_attendee_notes(days=days, dry_run=dry_run)
        verb = "Would remove" if dry_run else "Removed"
        self.stdout.write(
            f"{verb} diet and accessibility notes from {purge.registrations} registration(s) "
            f"at {purge.meetings} meeting(s) that ended before "
            f"{timezone.localtime(purge.cutoff):%Y-%m-%d %H:%M}."
        )
