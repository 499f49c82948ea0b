from datetime import timedelta

from django.core.management.base import BaseCommand
from django.utils import timezone

from network import notifications
from network.models import Registration


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
        ).select_related("meeting", "user")
        sent = 0
        for registration in due:
            # Claim the reminder before sending: of two overlapping runs, only one sends.
            claimed = Registration.objects.filter(
                pk=registration.pk, reminder_sent_at__isnull=True
            ).update(reminder_sent_at=timezone.now())
            if not claimed:
                continue
            try:
                notifications.send_reminder(registration)
            except Exception:
                # Release the claim so that the next run tries again.
                Registration.objects.filter(pk=registration.pk).update(reminder_sent_at=None)
                raise
            sent += 1
        self.stdout.write(f"Sent {sent} reminder(s).")
