from django.core.management.base import BaseCommand

from search.indexing import rebuild


class Command(BaseCommand):
    help = (
        "Index every indexable page for the configured encoder (ERFA_ENCODER). Resumable: "
        "pages already current are skipped. A new encoder's vectors are built beside the "
        "served ones, which are replaced only when the build is complete."
    )

    def add_arguments(self, parser):
        parser.add_argument("--reencode", action="store_true", help="encode every passage again")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args, reencode: bool, no_progress: bool, **options):
        summary = rebuild(reencode=reencode, progress=not no_progress)
        self.stdout.write(
            f"{summary.model_id}: {summary.pages} pages, {summary.passages} passages "
            f"({summary.encoded} encoded, {summary.reused} reused), "
            f"{summary.removed_pages} pages removed, {summary.seconds:.1f} s "
            f"({summary.pages_per_second:.1f} pages/s)"
        )
        if summary.switched_from:
            self.stdout.write(f"Now serving {summary.model_id} (replaced {summary.switched_from}).")
        self.stdout.write(self.style.SUCCESS("Search index is up to date."))
