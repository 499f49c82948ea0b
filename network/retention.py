"""How long attendees' notes on diet and accessibility are kept.

The notes are health data, needed only to arrange a meeting. They are removed
``ERFA_ATTENDEE_NOTES_RETENTION_DAYS`` days after the meeting ends (``manage.py
purge_attendee_notes``, run from cron, or ``tasks.purge_attendee_notes_task``); the
registrations themselves stay, as the record of who registered and who attended.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .models import Registration

DEFAULT_RETENTION_DAYS = 30


def retention_days() -> int:
    return int(getattr(settings, "ERFA_ATTENDEE_NOTES_RETENTION_DAYS", DEFAULT_RETENTION_DAYS))


@dataclass(frozen=True)
class NotesPurge:
    cutoff: datetime  # notes of meetings that ended before this are removed
    registrations: int  # registrations whose notes were removed (those that had any)
    meetings: int  # meetings they were for


def with_notes(registrations):
    return registrations.exclude(Q(dietary_needs="") & Q(accessibility_needs=""))


def remove_notes(registrations, *, now: datetime | None = None) -> int:
    """Remove the notes of ``registrations`` and record when; returns how many had notes.

    Every registration is marked, also those without notes, so that a list cannot tell
    who had written any after the fact."""
    now = now or timezone.now()
    pending = registrations.filter(notes_removed_at__isnull=True)
    had_notes = with_notes(pending).count()
    pending.update(dietary_needs="", accessibility_needs="", notes_removed_at=now)
    return had_notes


def purge_attendee_notes(
    *, days: int | None = None, now: datetime | None = None, dry_run: bool = False
) -> NotesPurge:
    """Remove the notes of meetings that ended more than ``days`` days ago. Idempotent:
    a second run finds nothing left to do."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=retention_days() if days is None else days)
    due = Registration.objects.filter(meeting__end__lt=cutoff, notes_removed_at__isnull=True)
    with transaction.atomic():
        meetings = with_notes(due).values("meeting_id").distinct().count()
        removed = with_notes(due).count() if dry_run else remove_notes(due, now=now)
    return NotesPurge(cutoff=cutoff, registrations=removed, meetings=meetings)
