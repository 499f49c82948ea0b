"""A gap on a meeting's agenda: published when the meeting is live and the user may
publish it, else a draft; never twice on one meeting."""

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from gaps import actions
from gaps.models import GapAgendaItem, SearchGap
from network.models import MeetingPage
from portal.models import MODERATORS_GROUP
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
TITLE = "Hur jämför vi våra it-kostnader?"


@pytest.fixture
def gap(it_network):
    now = timezone.now()
    gap = SearchGap.objects.create(
        label="nyckeltal för it-kostnader",
        model_id="m",
        centroid=b"",
        first_seen=now,
        last_seen=now,
        searches=4,
    )
    for query, searches in (("nyckeltal för it-kostnader", 3), ("benchmarking it costs", 1)):
        gap.queries.create(query=query, searches=searches, last_seen=now, model_id="m", vector=b"")
    gap.networks.add(it_network)
    return gap


@pytest.fixture
def moderator():
    user = UserFactory()
    user.groups.add(Group.objects.get_or_create(name=MODERATORS_GROUP)[0])
    return user


def _titles(agenda) -> list[str]:
    return [item.value["title"] for item in agenda]


def test_a_live_meeting_gets_the_item_published_once(gap, meeting, moderator):
    first = actions.add_to_agenda(gap, meeting, moderator, title=TITLE)
    second = actions.add_to_agenda(gap, meeting, moderator, title="Another title")

    assert first.added and first.published
    assert not second.added
    live = MeetingPage.objects.get(pk=meeting.pk)
    assert _titles(live.agenda).count(TITLE) == 1 and "Another title" not in _titles(live.agenda)
    item = live.agenda[-1].value
    # Public once published: the count, never the logged searches.
    assert "4" in item["description"]
    assert "benchmarking it costs" not in item["description"]
    assert gap.label not in item["description"]
    assert GapAgendaItem.objects.filter(gap=gap, meeting=meeting).count() == 1


def test_someone_elses_draft_is_not_published_with_it(gap, meeting, moderator):
    draft = MeetingPage.objects.get(pk=meeting.pk)
    draft.title = "Höstträffen (utkast)"
    draft.save_revision()

    result = actions.add_to_agenda(gap, meeting, moderator, title=TITLE)

    assert result.added and not result.published
    live = MeetingPage.objects.get(pk=meeting.pk)
    assert live.title == "Höstträffen" and TITLE not in _titles(live.agenda)
    latest = live.get_latest_revision_as_object()
    assert latest.title == "Höstträffen (utkast)" and TITLE in _titles(latest.agenda)


def test_the_description_is_written_in_the_meetings_language(gap, meeting):
    assert actions.agenda_description(gap, "en").startswith("Visitors to the portal searched")
