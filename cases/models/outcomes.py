"""What came of a case: dated result entries, and the follow-ups that ask for them.

A ``CaseOutcome`` is what a case's people report some months on (what happened, key figures,
what they would do differently). It is moderated like a submission: it shows on the case page
only once a moderator has approved it. A ``FollowUp`` records that one milestone of one case
was asked about (prompted, reminded, closed), so that ``send_follow_up_prompts`` never asks
twice and moderators can see which ones went unanswered. The workflow is in
``cases/follow_up.py``.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .case_pages import CaseStudyPage


def milestone_label(months: int | None) -> str:
    """ "6 months", "12 months" (in the active language), or "Other" for an unscheduled report."""
    if months is None:
        return str(_("Other"))
    return ngettext("%(months)d month", "%(months)d months", months) % {"months": months}


class CaseOutcomeQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(status=CaseOutcome.Status.APPROVED)

    def pending(self):
        return self.filter(status=CaseOutcome.Status.PENDING)

    def answering(self):
        """Entries that answer their milestone: approved ones, and those awaiting a moderator
        (a rejected entry leaves the milestone open)."""
        return self.exclude(status=CaseOutcome.Status.REJECTED)


class CaseOutcome(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting moderation")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    case = models.ForeignKey(
        CaseStudyPage, on_delete=models.CASCADE, related_name="outcomes", verbose_name=_("case")
    )
    # The follow-up milestone this answers, in months after the case's end (or start while it
    # runs); empty for a result reported at another time. Months rather than fixed choices,
    # because the milestones are a setting (ERFA_FOLLOW_UP_MONTHS).
    months = models.PositiveSmallIntegerField(_("milestone (months)"), null=True, blank=True)
    reported_on = models.DateField(_("date"), default=timezone.localdate)
    what_happened = models.TextField(_("what happened"))
    key_figures = models.TextField(_("key figures"), blank=True)
    do_differently = models.TextField(_("what we would do differently"), blank=True)
    language = models.CharField(_("language"), max_length=8, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="case_outcomes",
        verbose_name=_("submitted by"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    created_at = models.DateTimeField(_("submitted"), default=timezone.now)
    moderated_at = models.DateTimeField(_("moderated"), null=True, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("moderated by"),
    )
    moderator_comment = models.TextField(_("comment from the moderator"), blank=True)

    objects = CaseOutcomeQuerySet.as_manager()

    class Meta:
        verbose_name = _("follow-up result")
        verbose_name_plural = _("follow-up results")
        ordering = ["reported_on", "created_at"]
        indexes = [models.Index(fields=["case", "status"])]

    def __str__(self):
        return f"{self.case.title}: {self.milestone_label}"

    @property
    def milestone_label(self) -> str:
        return milestone_label(self.months)


class FollowUpQuerySet(models.QuerySet):
    def open(self):
        return self.filter(closed_at__isnull=True)


class FollowUp(models.Model):
    """One milestone of one case that was (or, once closed, will no longer be) asked about."""

    case = models.ForeignKey(
        CaseStudyPage, on_delete=models.CASCADE, related_name="follow_ups", verbose_name=_("case")
    )
    months = models.PositiveSmallIntegerField(_("milestone (months)"))
    due_on = models.DateField(_("due"))
    prompted_at = models.DateTimeField(_("prompted"), null=True, blank=True)
    reminders = models.PositiveSmallIntegerField(_("reminders sent"), default=0)
    reminded_at = models.DateTimeField(_("last reminded"), null=True, blank=True)
    reminded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("last reminded by"),
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("closed by"),
    )

    objects = FollowUpQuerySet.as_manager()

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["due_on", "pk"]
        constraints = [
            # The one guarantee that a milestone is asked about once, however often (and
            # however many at a time) the command runs.
            models.UniqueConstraint(fields=["case", "months"], name="cases_follow_up_once")
        ]

    def __str__(self):
        return f"{self.case.title}: {self.milestone_label}"

    @property
    def milestone_label(self) -> str:
        return milestone_label(self.months)

    @property
    def closed(self) -> bool:
        return self.closed_at is not None
