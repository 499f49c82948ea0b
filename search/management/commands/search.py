import json

from django.core.management.base import BaseCommand, CommandError

from search.query import QueryTooLong, SearchMode, search


class Command(BaseCommand):
    help = "Search the index as an anonymous visitor would, and print the results in rank order."

    def add_arguments(self, parser):
        parser.add_argument("query")
        parser.add_argument(
            "--mode", choices=[mode.value for mode in SearchMode], default=SearchMode.HYBRID
        )
        parser.add_argument("--limit", type=int, default=10)
        parser.add_argument(
            "--json", action="store_true", help="one JSON object per line, best first"
        )

    def handle(self, *args, query, mode, limit, json: bool, **options):
        try:
            results = search(query, mode=mode, limit=limit, log=False)
        except QueryTooLong as error:
            raise CommandError(str(error)) from error
        if json:
            for hit in results.hits:
                self.stdout.write(_json_line(hit))
            return
        self.stdout.write(f"{results.count} results ({results.mode.value})")
        for rank, hit in enumerate(results.hits, start=1):
            self.stdout.write(
                f"{rank:>2}. {hit.title} [{hit.language}, {hit.kind}] "
                f"{hit.score:.4f} {hit.matched_by.value}  {hit.url}"
            )


def _json_line(hit) -> str:
    return json.dumps(
        {
            "page_id": hit.page_id,
            "title": hit.title,
            "url": hit.url,
            "score": hit.score,
            "language": hit.language,
            "type": hit.kind,
            "snippet": str(hit.snippet),
            "matched_by": hit.matched_by.value,
        },
        ensure_ascii=False,
    )
