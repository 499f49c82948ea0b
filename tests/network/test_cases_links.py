from datetime import timedelta

import pytest
from django.utils import timezone
from wagtail.models import PageViewRestriction, WorkflowState

from cases.models import LessonLearnedPage
from network.meeting_lessons import submit_meeting_lessons
from network.models import NetworkSharedCase
from tests.factories import (
    CaseIndexPageFactory,
    CaseStudyPageFactory,
    LessonIndexPageFactory,
    MeetingPageFactory,
    MemberFactory,
    TopicFactory,
)

from .conftest import make_coordinator

pytestmark = pytest.mark.django_db


def test_network_page_lists_its_public_shared_cases(client, home_page, network):
    case_index = CaseIndexPageFactory(parent=home_page)
    shared = CaseStudyPageFactory(parent=case_index, title="Ärendesortering med AI")
    draft = CaseStudyPageFactory(parent=case_index, title="Hemligt utkast", live=False)
    NetworkSharedCase.objects.create(network=network, case=shared)
    NetworkSharedCase.objects.create(network=network, case=draft)
    html = client.get(network.url).content.decode()
    assert "Ärendesortering med AI" in html
    assert "Hemligt utkast" not in html
    assert network.title in client.get(shared.url).content.decode()


@pytest.fixture
def past_meeting(network):
    start = timezone.now() - timedelta(days=10)
    return MeetingPageFactory(
        parent=network,
        title="Höstträffen",
        start=start,
        end=start + timedelta(hours=3),
        lessons=[
            ("lesson", {"title": "Börja med en pilot", "text": "Pilot först.", "kind": "success"}),
            ("lesson", {"title": "Glöm inte juristen", "text": "Tidigt.", "kind": "pitfall"}),
        ],
    )


def approve(page, moderator):
    task_state = page.current_workflow_task_state
    assert task_state.task.specific.user_can_access_editor(page, moderator)
    task_state.task.specific.on_action(task_state, moderator, "approve")


def test_meeting_lessons_become_linked_lesson_pages_once(home_page, network, past_meeting):
    LessonIndexPageFactory(parent=home_page)
    network.topics.add(TopicFactory(slug="ai-in-casework"))
    network.save()
    created = submit_meeting_lessons(past_meeting)
    assert [lesson.title for lesson in created] == ["Börja med en pilot", "Glöm inte juristen"]
    pitfall = LessonLearnedPage.objects.get(title="Glöm inte juristen")
    assert pitfall.kind == "pitfall" and pitfall.country == "SE"
    assert pitfall.meeting_link.meeting.pk == past_meeting.pk
    assert "Höstträffen" in pitfall.context
    assert [topic.slug for topic in pitfall.topics.all()] == ["ai-in-casework"]
    assert submit_meeting_lessons(past_meeting) == []
    assert LessonLearnedPage.objects.count() == 2


def test_lessons_from_minutes_wait_for_a_moderator_before_they_are_live(
    client, home_page, network, past_meeting
):
    """Like every other contribution: a draft in the moderation workflow, live once approved."""
    LessonIndexPageFactory(parent=home_page)
    coordinator = make_coordinator(network)
    moderator = MemberFactory(groups=["Moderators"])
    client.force_login(coordinator)
    response = client.post(
        f"/admin/network/meetings/{past_meeting.pk}/lessons/",
        headers={"accept-language": "en"},
        follow=True,
    )
    assert "2 lessons were sent to the moderators" in response.content.decode()
    assert "Awaiting moderation" in response.content.decode()

    lesson = LessonLearnedPage.objects.get(title="Börja med en pilot")
    assert not lesson.live and lesson.has_unpublished_changes
    assert lesson.owner == coordinator
    state = lesson.workflow_states.get()
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert state.requested_by == coordinator
    client.logout()
    assert lesson.url and client.get(lesson.url).status_code == 404
    assert f'href="{lesson.url}"' not in client.get(past_meeting.url).content.decode()

    approve(lesson, moderator)
    lesson.refresh_from_db()
    assert lesson.live
    assert lesson.workflow_states.get().status == WorkflowState.STATUS_APPROVED
    assert client.get(lesson.url).status_code == 200
    assert f'href="{lesson.url}"' in client.get(past_meeting.url).content.decode()


def test_coordinators_of_other_networks_cannot_submit_a_meetings_lessons(
    client, home_page, past_meeting, other_network
):
    LessonIndexPageFactory(parent=home_page)
    client.force_login(make_coordinator(other_network))
    assert client.post(f"/admin/network/meetings/{past_meeting.pk}/lessons/").status_code == 403
    assert past_meeting.lesson_pages.count() == 0


def test_meeting_page_hides_linked_lessons_that_are_not_public(client, home_page, past_meeting):
    LessonIndexPageFactory(parent=home_page)
    moderator = MemberFactory(groups=["Moderators"])
    for lesson in submit_meeting_lessons(past_meeting):
        approve(lesson, moderator)
    lesson = LessonLearnedPage.objects.get(title="Börja med en pilot")
    assert f'href="{lesson.url}"' in client.get(past_meeting.url).content.decode()
    PageViewRestriction.objects.create(page=lesson, restriction_type="login")
    assert f'href="{lesson.url}"' not in client.get(past_meeting.url).content.decode()
