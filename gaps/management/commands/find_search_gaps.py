"""Group the search log's poor searches into gaps, recount them, match them with the
networks and re-check open gaps against recent experiences. Run from cron (e.g. nightly,
after ``prune_search_log``), or enqueue ``gaps.tasks.find_search_gaps_task``; idempotent,
so an overlapping or repeated run changes nothing."""

from django.core.management.base import BaseCommand
from tqdm import tqdm

from gaps import answers, grouping


class Command(BaseCommand):
    help = "Find search gaps in the search log and check whether new content answers them."

    def handle(self, *args, **options):
        bars: dict[str, tqdm] = {}
        quiet = options["verbosity"] < 1

        def progress(step: str, done: int, total: int) -> None:
            bar = bars.get(step)
            if bar is None:
                bar = bars[step] = tqdm(total=total, desc=step, disable=quiet)
            bar.update(done - bar.n)

        run = grouping.find_gaps(progress=progress)
        for bar in bars.values():
            bar.close()
        answered = answers.recheck_open_gaps()
        self.stdout.write(
            f"{run.queries} poor search(es), {run.encoded} newly encoded; "
            f"{run.new_gaps} new gap(s), {run.gaps} recounted, {run.trending} trending; "
            f"{len(answered)} answered."
        )
