from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from search.sweep import DEFAULT_GRACE, pages_behind, sweep


class Command(BaseCommand):
    help = (
        "Bring the search index up to date with pages whose indexing task never ran (a "
        "process that died between a publish and the enqueueing of its task, say): index "
        "live pages never indexed or published since, drop pages no longer live. Run it "
        "from cron; safe at any time, and cheap when nothing is behind."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--grace",
            type=float,
            default=DEFAULT_GRACE.total_seconds(),
            metavar="SECONDS",
            help="leave pages published this recently to their queued task (default: %(default)s)",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="list the pages that are behind, change none"
        )

    def handle(self, *args, grace: float, dry_run: bool, **options):
        grace = timedelta(seconds=grace)
        behind = pages_behind(grace) if dry_run else sweep(grace)
        for label, page_ids in ((_("index"), behind.stale), (_("remove"), behind.gone)):
            for page_id in page_ids:
                self.stdout.write(f"{label} {page_id}")
        failed = set(behind.failed)
        counts = {
            "stale": len(set(behind.stale) - failed),
            "gone": len(set(behind.gone) - failed),
        }
        if dry_run:
            self.stdout.write(_("%(stale)d page(s) to index, %(gone)d to remove.") % counts)
        else:
            self.stdout.write(_("%(stale)d page(s) indexed, %(gone)d removed.") % counts)
        if behind.failed:
            raise CommandError(
                _("%(count)d page(s) failed; see the log.") % {"count": len(behind.failed)}
            )
