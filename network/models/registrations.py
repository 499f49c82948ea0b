"""Registrations for meetings: seats, the waiting list, cancellations and attendance."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class RegistrationQuerySet(models.QuerySet):
    def current(self):
        """Registrations that still count: not cancelled."""
        return self.exclude(status=Registration.Status.CANCELLED)

    def holding_seats(self):
        return self.filter(status__in=Registration.SEAT_HOLDING)

    def waitlist(self):
        return self.filter(status=Registration.Status.WAITLISTED).order_by("created_at", "pk")

    def counts(self) -> dict[str, int]:
        """How many are registered, waitlisted, cancelled and attended: never who."""
        counts = dict.fromkeys(Registration.Status.values, 0)
        for row in self.values("status").annotate(n=models.Count("pk")):
            counts[row["status"]] = row["n"]
        return counts


class Registration(models.Model):
    class Status(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        WAITLISTED = "waitlisted", _("On the waiting list")
        CANCELLED = "cancelled", _("Cancelled")
        ATTENDED = "attended", _("Attended")

    SEAT_HOLDING = (Status.REGISTERED, Status.ATTENDED)

    meeting = models.ForeignKey(
        "network.MeetingPage",
        on_delete=models.CASCADE,
        related_name="registrations",
        verbose_name=_("meeting"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="meeting_registrations",
        verbose_name=_("user"),
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    # The waiting list is served in order of registration.
    created_at = models.DateTimeField(_("registered at"), default=timezone.now)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    promoted_at = models.DateTimeField(_("promoted from the waiting list"), null=True, blank=True)
    reminder_sent_at = models.DateTimeField(_("reminder sent"), null=True, blank=True)
    dietary_needs = models.CharField(_("dietary needs"), max_length=300, blank=True)
    accessibility_needs = models.CharField(_("accessibility needs"), max_length=300, blank=True)
    # The notes are health data: they are removed a while after the meeting (network/retention.py)
    # and when the member closes their account; this says when, so lists show "removed".
    notes_removed_at = models.DateTimeField(_("notes removed"), null=True, blank=True)
    # Emails about this registration are written in the language the user registered in.
    language = models.CharField(_("language"), max_length=8, default="sv")

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "user"],
                condition=~Q(status="cancelled"),
                name="network_one_current_registration",
            )
        ]

    def __str__(self):
        return f"{self.user} – {self.meeting} ({self.get_status_display()})"

    @property
    def holds_seat(self) -> bool:
        return self.status in self.SEAT_HOLDING

    @property
    def notes_removed(self) -> bool:
        return self.notes_removed_at is not None

    @property
    def waitlist_position(self) -> int:
        """1 for the first on the waiting list; counts those who registered before."""
        return (
            Registration.objects.filter(meeting_id=self.meeting_id)
            .waitlist()
            .filter(created_at__lte=self.created_at)
            .count()
        )
