"""What coordinators do with a gap: put it on a meeting's agenda, or ask the members for
experiences on it. Both once: the same gap on one meeting's agenda is added once."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from network.models import MeetingPage, NetworkPage

from .models import CallForExperiences, GapAgendaItem, SearchGap
from .tasks import send_call_for_experiences_task


@dataclass(frozen=True)
class AgendaResult:
    added: bool  # False: the gap was on the meeting's agenda already
    published: bool  # False: saved as a draft for someone who may publish it


def agenda_description(gap: SearchGap, language: str) -> str:
    """The item's default description, in the meeting's language. It gives the count, never
    the logged searches themselves: a published meeting is public, logged query texts are
    for coordinators and moderators only (the title is the coordinator's own words)."""
    with translation.override(language):
        return _(
            "Visitors to the portal searched for this %(count)s times and found little. "
            "What do we know about it, and who could share an experience?"
        ) % {"count": gap.searches}


def add_to_agenda(
    gap: SearchGap, meeting: MeetingPage, user, *, title: str, description: str = ""
) -> AgendaResult:
    """Append an agenda item for ``gap`` to the meeting's latest revision, titled in the
    coordinator's words: published when the meeting is live, has no other unpublished
    changes and ``user`` may publish it; else saved as a draft."""
    with transaction.atomic():
        # The row lock makes a second click wait, then find the item there.
        meeting = MeetingPage.objects.select_for_update().get(pk=meeting.pk)
        item, created = GapAgendaItem.objects.get_or_create(
            gap=gap, meeting=meeting, defaults={"created_by": user}
        )
        if not created:
            return AgendaResult(added=False, published=False)
        publish = (
            meeting.live
            and not meeting.has_unpublished_changes
            and meeting.permissions_for_user(user).can_publish()
        )
        draft = meeting.get_latest_revision_as_object()
        draft.agenda.append(
            (
                "item",
                {
                    "time": None,
                    "title": title[:200],
                    "speaker": "",
                    "description": description or agenda_description(gap, meeting.language),
                },
            )
        )
        revision = draft.save_revision(user=user, log_action=True)
        if publish:
            revision.publish(user=user)
    return AgendaResult(added=True, published=publish)


def open_call(
    gap: SearchGap | None, network: NetworkPage, user, *, title: str, text: str
) -> CallForExperiences:
    """A call for experiences in the coordinator's words; its e-mail to the members goes
    once the call is committed."""
    call = CallForExperiences.objects.create(
        gap=gap, network=network, title=title, text=text, created_by=user
    )
    transaction.on_commit(lambda: send_call_for_experiences_task.enqueue(call.pk))
    return call
