from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from cases.importing import Outcome, collect_files, import_documents
from cases.models import CaseIndexPage
from portal.models import ContentLanguage


class Command(BaseCommand):
    help = (
        "Import .html, .htm, .txt, .md, .pdf, .docx and .odt files (folders recursively) as "
        "case studies. The title comes from <h1> or <title>, a report's metadata or first "
        "heading, or a text file's first line; the body goes into the case's 'approach' and "
        "its opening words into the summary; a report's file is attached to its case, where "
        "search reads all of it, page by page. Navigation, "
        "scripts, cookie banners and share/contact boxes are left out. Importing the same "
        "file again updates its case; the same content again is skipped as a duplicate. "
        "Exits non-zero only when files were given and every one of them failed."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", type=Path, metavar="PATH")
        parser.add_argument(
            "--parent",
            metavar="SLUG",
            help="Slug of the case index page to import into (default: the first one).",
        )
        parser.add_argument(
            "--publish", action="store_true", help="Publish the cases (default: drafts)."
        )
        parser.add_argument(
            "--language",
            choices=ContentLanguage.values,
            default="",
            help="Language of every file (default: detected per file).",
        )

    def handle(self, *args, **options):
        parents = CaseIndexPage.objects.order_by("path")
        if options["parent"]:
            parents = parents.filter(slug=options["parent"])
        parent = parents.first()
        if parent is None:
            raise CommandError(
                f"No case index page with slug {options['parent']!r}."
                if options["parent"]
                else "There is no case index page to import into; create one first."
            )
        files, missing = collect_files(options["paths"])
        # Progress on stderr, so the per-file report on stdout stays clean for scripts.
        progress = tqdm(
            files,
            desc="Importing",
            unit="file",
            file=self.stderr._out,
            disable=options["verbosity"] < 1 or len(files) < 2,
            dynamic_ncols=True,
        )
        summary = import_documents(
            progress, parent, publish=options["publish"], language=options["language"]
        )
        progress.close()
        summary.results[:0] = missing
        styles = {
            Outcome.IMPORTED: self.style.SUCCESS,
            Outcome.UPDATED: self.style.SUCCESS,
            Outcome.DUPLICATE: self.style.WARNING,
            Outcome.FAILED: self.style.ERROR,
        }
        *file_lines, totals = summary.lines()
        for result, line in zip(summary.results, file_lines, strict=True):
            self.stdout.write(styles[result.outcome](line))
        self.stdout.write(totals)
        if summary.all_failed:
            raise CommandError("Nothing could be imported.", returncode=1)
