from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from tqdm import tqdm

from cases.follow_up import claim_due_follow_ups, unprompted_follow_ups
from cases.tasks import prompt_after_commit


class Command(BaseCommand):
    help = (
        "Ask the people of each published case what came of it, at the follow-up milestones "
        "(ERFA_FOLLOW_UP_MONTHS after its end, or its start while ongoing). Run it daily from "
        "cron: each milestone of each case is asked about once, however often this runs."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--today",
            help="The date to act as if it were today, YYYY-MM-DD (default: today).",
        )

    def handle(self, *args, today=None, **options):
        try:
            day = date.fromisoformat(today) if today else timezone.localdate()
        except ValueError as error:
            raise CommandError(f"--today must be a date, YYYY-MM-DD: {error}") from None
        with tqdm(
            desc="Cases",
            unit="case",
            file=self.stderr._out,
            disable=options["verbosity"] < 1,
            dynamic_ncols=True,
        ) as progress:

            def report(done: int, total: int) -> None:
                progress.total = total
                progress.update(done - progress.n)

            with transaction.atomic():
                claimed = claim_due_follow_ups(day, progress=report)
                # The new ones, and any claimed earlier whose prompt never went out (a run
                # killed between its commit and its enqueue): sending is once per person.
                queued = list(unprompted_follow_ups())
                for follow_up in queued:
                    prompt_after_commit(follow_up)
        self.stdout.write(
            f"{len(claimed)} milestone(s) fell due on {day.isoformat()}; "
            f"queued {len(queued)} follow-up prompt(s)."
        )
