"""Enqueue the digest of every saved search that is due (run from cron, e.g. hourly).

Sending is the tasks' work: each digest is one task, idempotent, so a cron run that
overlaps another, or runs twice, sends nothing twice.
"""

from django.core.management.base import BaseCommand
from django.db import transaction
from tqdm import tqdm

from alerts.digests import due_saved_searches
from alerts.tasks import send_digest_task


class Command(BaseCommand):
    help = "Enqueue the digest e-mails of saved searches that are due."

    def handle(self, *args, **options):
        due = list(due_saved_searches().values_list("id", flat=True))
        for saved_search_id in tqdm(
            due, desc="digests", disable=not due or options["verbosity"] < 1
        ):
            transaction.on_commit(lambda pk=saved_search_id: send_digest_task.enqueue(pk))
        self.stdout.write(f"{len(due)} digest(s) enqueued.")
