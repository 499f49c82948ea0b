from django.core.management.base import BaseCommand

from datalab.semantic_map import refresh_semantic_map


class Command(BaseCommand):
    help = (
        "Recompute the data lab's stored computations (the semantic map: projection, "
        "themes and their labels) when content has changed since they were last computed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="recompute even if current")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args, force: bool, no_progress: bool, **options):
        result = refresh_semantic_map(force=force, progress=not no_progress)
        payload = result.snapshot.payload
        if result.computed:
            self.stdout.write(
                f"Semantic map: {len(payload['points'])} cases in {len(payload['themes'])} "
                f"themes, {len(payload['unplaced'])} not indexed yet, "
                f"{result.snapshot.seconds:.2f} s"
            )
        self.stdout.write(self.style.SUCCESS("The data lab is up to date."))
