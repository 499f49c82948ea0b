from datetime import timedelta

from django.core.management.base import BaseCommand
from django.utils import timezone

from network.models import Registration
from network.notifications import RegistrationEmail
from network.tasks import send_registration_email_task


class Command(BaseCommand):
    help = (
        "Email a reminder to everyone with a seat at a meeting that starts within the next "
        "N hours. Each registration gets one reminder at most, however often this runs."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--hours", type=int, default=48, help="How far ahead to look (default: 48)."
        )

    def handle(self, *args, hours, **options):
        now = timezone.now()
        due = Registration.objects.filter(
            status=Registration.Status.REGISTERED,
            reminder_sent_at__isnull=True,
            meeting__live=True,
            meeting__start__gt=now,
            meeting__start__lte=now + timedelta(hours=hours),
        ).values_list("pk", flat=True)
        queued = 0
        for registration_id in due:
            # Claim the reminder before enqueuing it: of two overlapping runs, only one does.
            # A reminder whose task fails is sent by running that task again
            # (`retry_mail_tasks`), not by this command.
            claimed = Registration.objects.filter(
                pk=registration_id, reminder_sent_at__isnull=True
            ).update(reminder_sent_at=timezone.now())
            if claimed:
                send_registration_email_task.enqueue(
                    registration_id, RegistrationEmail.REMINDER.value
                )
                queued += 1
        self.stdout.write(f"Queued {queued} reminder(s).")
