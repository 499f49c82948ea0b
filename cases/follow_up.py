"""Outcome follow-up: asking a case's people what came of it, and the entries they send.

Schedule: ``ERFA_FOLLOW_UP_MONTHS`` (default 6 and 12) months after the case's end date, or
after its start date while the case is ongoing. ``manage.py send_follow_up_prompts`` (cron,
daily) claims each milestone that has fallen due by creating its ``FollowUp`` row, which is
unique per case and milestone, and enqueues the prompt of every claimed follow-up not yet
prompted (``prompted_at`` is set by the task once it has sent). Each message goes through
``send_once`` keyed by the follow-up, so a milestone is asked about once however often, and
however many at a time, the command runs, and a prompt lost between the commit and the
enqueue goes out on the next run. Only live cases are asked about, and the task checks again
when it sends.

A milestone more than ``ERFA_FOLLOW_UP_WINDOW_DAYS`` past when the command first sees it is
not asked about at all, so turning follow-up on does not mail every case that ended years ago.

Entries go through moderation like a submission: they wait, pending, until a moderator
approves them in the admin (``cases/outcome_admin.py``); only approved entries are shown.
"""

import calendar
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from portal.models import is_moderator

from .models import CaseOutcome, CaseStudyPage, FollowUp
from .models.outcomes import milestone_label


def milestones() -> tuple[int, ...]:
    """The follow-up milestones in months, ascending (``ERFA_FOLLOW_UP_MONTHS``)."""
    return tuple(sorted({int(months) for months in settings.ERFA_FOLLOW_UP_MONTHS}))


def add_months(day: date, months: int) -> date:
    """``day`` moved ``months`` on; the 31st becomes the last day of a shorter month."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def reference_date(case: CaseStudyPage) -> date | None:
    """What the milestones count from: the end date, or the start date while the work goes
    on; None (no follow-up) for planned work and for cases without those dates."""
    if case.end_date:
        return case.end_date
    if case.status == CaseStudyPage.Status.ONGOING and case.start_date:
        return case.start_date
    return None


def schedule(case: CaseStudyPage) -> list[tuple[int, date]]:
    """(months, due date) of each milestone of ``case``; empty when it has no reference."""
    reference = reference_date(case)
    if reference is None:
        return []
    return [(months, add_months(reference, months)) for months in milestones()]


def submitter(case: CaseStudyPage):
    """The member who submitted the case (who started its first moderation), else its owner."""
    first_request = (
        case.workflow_states.filter(requested_by__isnull=False)
        .select_related("requested_by")
        .order_by("created_at")
        .first()
    )
    return first_request.requested_by if first_request else case.owner


def follow_up_recipients(case: CaseStudyPage) -> list:
    """Who is asked what came of ``case``: its submitter (else owner) and the contact persons
    who have an account, each once; only active users with an e-mail address."""
    people = [submitter(case)]
    emails = [contact.email for contact in case.contacts.all() if contact.email]
    if emails:
        matching = Q()
        for email in emails:
            matching |= Q(email__iexact=email)
        people += list(get_user_model().objects.filter(matching).order_by("pk"))
    recipients, seen = [], set()
    for person in people:
        if person is not None and person.is_active and person.email and person.pk not in seen:
            seen.add(person.pk)
            recipients.append(person)
    return recipients


def may_report_outcome(user, case: CaseStudyPage) -> bool:
    """Only the people asked, and moderators, may add a result entry to a case."""
    if not user.is_authenticated or not user.is_active:
        return False
    if is_moderator(user):
        return True
    return any(person.pk == user.pk for person in follow_up_recipients(case))


def claim_due_follow_ups(today: date, *, progress=None) -> list[FollowUp]:
    """Create the ``FollowUp`` of every milestone of a live case that fell due by ``today``
    (within the window) and was not asked about yet; returns those this call created.
    ``progress(done, total)`` is told as cases are looked at."""
    window = timedelta(days=settings.ERFA_FOLLOW_UP_WINDOW_DAYS)
    earliest_reference = add_months(today, -min(milestones(), default=0))
    candidates = (
        CaseStudyPage.objects.live()
        .filter(
            Q(end_date__lte=earliest_reference)
            | Q(end_date__isnull=True, status="ongoing", start_date__lte=earliest_reference)
        )
        .prefetch_related("follow_ups")
        .order_by("pk")
    )
    total = candidates.count()
    claimed = []
    for done, case in enumerate(candidates.iterator(chunk_size=200), start=1):
        asked = {follow_up.months for follow_up in case.follow_ups.all()}
        for months, due_on in schedule(case):
            if months in asked or not (today - window < due_on <= today):
                continue
            follow_up, created = FollowUp.objects.get_or_create(
                case=case, months=months, defaults={"due_on": due_on}
            )
            if created:
                claimed.append(follow_up)
        if progress is not None:
            progress(done, total)
    return claimed


def unprompted_follow_ups() -> QuerySet:
    """Open follow-ups of live cases whose first prompt has not gone out yet."""
    return FollowUp.objects.open().filter(prompted_at__isnull=True, case__live=True)


def overdue_follow_ups(today: date | None = None) -> QuerySet:
    """Open follow-ups of live cases whose milestone passed ``ERFA_FOLLOW_UP_GRACE_DAYS``
    ago without an entry for it (approved or awaiting moderation), oldest first."""
    today = today or timezone.localdate()
    answered = CaseOutcome.objects.answering().filter(
        case=OuterRef("case"), months=OuterRef("months")
    )
    return (
        FollowUp.objects.open()
        .filter(
            case__live=True,
            due_on__lte=today - timedelta(days=settings.ERFA_FOLLOW_UP_GRACE_DAYS),
        )
        .exclude(Exists(answered))
        .select_related("case", "reminded_by")
        .order_by("due_on", "pk")
    )


def remind(follow_up: FollowUp, user) -> int:
    """Record a moderator's reminder on the follow-up; returns its number, which keeps each
    reminder's mail apart. The caller enqueues the mail (``tasks.prompt_after_commit``)."""
    with transaction.atomic():
        locked = FollowUp.objects.select_for_update().get(pk=follow_up.pk)
        locked.reminders += 1
        locked.reminded_at = timezone.now()
        locked.reminded_by = user
        locked.save(update_fields=["reminders", "reminded_at", "reminded_by"])
    return locked.reminders


@transaction.atomic
def close(follow_up: FollowUp, user) -> int:
    """Stop following up the case: this milestone and every later one are closed, so no
    prompt or reminder goes out for them; returns how many follow-ups were closed."""
    case = follow_up.case
    now = timezone.now()
    for months, due_on in schedule(case):
        if months > follow_up.months:
            FollowUp.objects.get_or_create(case=case, months=months, defaults={"due_on": due_on})
    return (
        FollowUp.objects.open()
        .filter(case=case, months__gte=follow_up.months)
        .update(closed_at=now, closed_by=user)
    )


def submit_outcome(case: CaseStudyPage, user, data: dict) -> CaseOutcome:
    """Record a result entry from the form's cleaned ``data``; it awaits a moderator. The
    caller has the moderators e-mailed (``tasks.notify_moderators_of_outcome_after_commit``)."""
    language = translation.get_language() or ""
    outcome = CaseOutcome.objects.create(
        case=case,
        months=data["milestone"],
        reported_on=data["reported_on"],
        what_happened=data["what_happened"],
        key_figures=data["key_figures"],
        do_differently=data["do_differently"],
        language=language[:8],
        submitted_by=user,
    )
    return outcome


def decide(outcome: CaseOutcome, user, *, approve: bool, comment: str = "") -> bool:
    """A moderator's decision on a pending entry; False when it was already decided (two
    moderators at once: the first decision stands)."""
    status = CaseOutcome.Status.APPROVED if approve else CaseOutcome.Status.REJECTED
    decided = CaseOutcome.objects.filter(pk=outcome.pk, status=CaseOutcome.Status.PENDING).update(
        status=status, moderated_at=timezone.now(), moderated_by=user, moderator_comment=comment
    )
    return bool(decided)


@dataclass
class TimelineStep:
    """One step of a case's results timeline: what was expected, or one milestone's results."""

    label: str
    entries: list[CaseOutcome] = field(default_factory=list)
    expected: str = ""
    due_on: date | None = None  # for a milestone: when it falls due


def results_timeline(case: CaseStudyPage) -> list[TimelineStep]:
    """Expected → each milestone → other results, with approved entries only; empty when
    there is nothing to show yet (no expected results and no approved entry)."""
    entries = list(case.outcomes.approved().order_by("reported_on", "created_at"))
    if not entries and not case.expected_results:
        return []
    steps = []
    if case.expected_results:
        steps.append(TimelineStep(str(_("Expected")), expected=case.expected_results))
    scheduled = schedule(case)
    for months, due_on in scheduled:
        found = [entry for entry in entries if entry.months == months]
        steps.append(TimelineStep(milestone_label(months), entries=found, due_on=due_on))
    known = {months for months, _due_on in scheduled}
    others = [entry for entry in entries if entry.months not in known]
    if others:
        steps.append(TimelineStep(str(_("Other results")), entries=others))
    return steps
