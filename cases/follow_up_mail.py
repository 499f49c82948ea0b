"""The follow-up's e-mails: "What came of it?" to a case's people, and new entries to the
moderators. Sent by the tasks in ``tasks.py``, never by a request; each message goes through
``portal.mail.send_once``, so a task that runs again sends nothing twice.

Texts live in templates/cases/email/<kind>_subject.txt and <kind>_body.txt.
"""

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from portal.mail import send_once
from portal.site_url import absolute_url, page_url
from portal.user_language import language_for

from .follow_up import follow_up_recipients
from .models import CaseOutcome, FollowUp
from .submissions import moderators_to_email

PROMPT_KIND = "case_follow_up"
OUTCOME_SUBMITTED_KIND = "case_outcome_submitted"


def _render(kind: str, context: dict) -> tuple[str, str]:
    subject = " ".join(render_to_string(f"cases/email/{kind}_subject.txt", context).split())
    return subject, render_to_string(f"cases/email/{kind}_body.txt", context)


def prompt_key(reminder: int) -> str:
    """Tells the first prompt of a milestone ("") from each numbered reminder."""
    return f"reminder-{reminder}" if reminder else ""


def send_follow_up_prompt(follow_up: FollowUp, reminder: int = 0) -> int:
    """Ask each of the case's people what came of it, in their language, once per milestone
    (and once per reminder); returns how many were sent now. Nothing goes for a closed
    follow-up or a case that is no longer published."""
    case = follow_up.case
    if follow_up.closed or not case.live:
        return 0
    sent = 0
    with get_connection() as connection:
        for person in follow_up_recipients(case):
            with translation.override(language_for(person, fallback=case.language)):
                form_path = reverse("cases:report_outcome", args=[case.pk])
                context = {
                    "user": person,
                    "case": case,
                    "follow_up": follow_up,
                    "milestone": follow_up.milestone_label,
                    "reminder": reminder,
                    "expected_results": case.expected_results,
                    "form_url": absolute_url(f"{form_path}?milestone={follow_up.months}"),
                    "case_url": page_url(case) or "",
                }
                subject, body = _render("follow_up_prompt", context)
            message = EmailMessage(
                subject, body, settings.DEFAULT_FROM_EMAIL, [person.email], connection=connection
            )
            sent += send_once(
                message, kind=PROMPT_KIND, object_id=follow_up.pk, key=prompt_key(reminder)
            )
    if not reminder:
        FollowUp.objects.filter(pk=follow_up.pk, prompted_at__isnull=True).update(
            prompted_at=timezone.now()
        )
    return sent


def notify_moderators_of_outcome(outcome: CaseOutcome) -> int:
    """Tell every moderator, in their language, that a result entry awaits them; once each."""
    review_url = absolute_url(reverse("cases_outcome_review", args=[outcome.pk]))
    submitted_by = outcome.submitted_by
    name = (submitted_by.get_full_name() or submitted_by.get_username()) if submitted_by else ""
    sent = 0
    with get_connection() as connection:
        for moderator in moderators_to_email():
            with translation.override(language_for(moderator, fallback=outcome.language)):
                subject, body = _render(
                    "outcome_submitted",
                    {
                        "outcome": outcome,
                        "case": outcome.case,
                        "name": name,
                        "milestone": outcome.milestone_label,
                        "review_url": review_url,
                    },
                )
            message = EmailMessage(
                subject, body, settings.DEFAULT_FROM_EMAIL, [moderator.email], connection=connection
            )
            sent += send_once(message, kind=OUTCOME_SUBMITTED_KIND, object_id=outcome.pk)
    return sent
