from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.module_loading import import_string
from django_tasks_db.models import DBTaskResult

# Every task that sends mail. Each sends through portal.mail.send_once, so running one again
# sends only the messages that did not go out the first time.
MAIL_TASKS = [
    "alerts.tasks.send_digest_task",
    "cases.tasks.notify_moderators_task",
    "cases.tasks.notify_moderators_of_outcome_task",
    "cases.tasks.send_follow_up_prompt_task",
    "gaps.tasks.send_call_for_experiences_task",
    "network.tasks.message_participants_task",
    "network.tasks.send_registration_email_task",
]
# Mail whose task was never enqueued (the process died between the commit and the enqueue)
# leaves no failed task: each of these finds it from the database, enqueues it again and
# describes what it enqueued. Dotted paths, so the portal imports no feature app.
LOST_MAIL_FINDERS = [
    "network.lost_mail.enqueue_lost_emails",
]


class Command(BaseCommand):
    help = (
        "Enqueue failed mail tasks again with the same arguments (django-tasks does not "
        "retry), and mail whose task was never enqueued. Safe to run at any time: no "
        "message is ever sent twice."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="List the failed mail tasks, enqueue none."
        )

    def handle(self, *args, dry_run, **options):
        failed = DBTaskResult.objects.failed().filter(task_path__in=MAIL_TASKS)
        retried = 0
        for result in failed.order_by("enqueued_at"):
            arguments = result.args_kwargs
            self.stdout.write(f"{result.task_path}{tuple(arguments['args'])}")
            if dry_run:
                continue
            with transaction.atomic():
                result.task.enqueue(*arguments["args"], **arguments["kwargs"])
                # The new run has a result of its own; the failure would only be retried again.
                result.delete()
            retried += 1
        self.stdout.write(f"Enqueued {retried} failed mail task(s) again.")
        lost = [
            line for finder in LOST_MAIL_FINDERS for line in import_string(finder)(dry_run=dry_run)
        ]
        for line in lost:
            self.stdout.write(line)
        if not dry_run:
            self.stdout.write(f"Enqueued {len(lost)} lost mail task(s).")
