from django.core.management.base import BaseCommand
from django.utils.module_loading import import_string

# Each app owns its demo content; they load in this order (later ones build on earlier ones).
DEMO_LOADERS = [
    "portal.demo.load",
    "cases.demo.load",
    "network.demo.load",
    "search.demo.load",
    "datalab.demo.load",
    # Invented indicator data for the demo organisations, and a finished demo run (issue 12).
    "indicators.demo.load",
    # A search log of needs the demo does not answer, grouped into search gaps (issue 15).
    "gaps.demo.load",
]


class Command(BaseCommand):
    help = "Load Erfa's demo content (idempotent: running it again updates, never duplicates)."

    def handle(self, *args, **options):
        for dotted_path in DEMO_LOADERS:
            self.stdout.write(f"Loading {dotted_path.rsplit('.', 1)[0]} …")
            import_string(dotted_path)()
        self.stdout.write(self.style.SUCCESS("Demo content loaded."))
