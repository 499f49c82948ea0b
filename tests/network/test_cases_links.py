from datetime import timedelta

import pytest
from django.utils import timezone
from wagtail.models import PageViewRestriction

from cases.models import LessonLearnedPage
from network.meeting_lessons import publish_meeting_lessons
from network.models import NetworkSharedCase
from tests.factories import (
    CaseIndexPageFactory,
    CaseStudyPageFactory,
    LessonIndexPageFactory,
    MeetingPageFactory,
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


def test_meeting_lessons_become_linked_lesson_pages_once(home_page, network, past_meeting):
    LessonIndexPageFactory(parent=home_page)
    network.topics.add(TopicFactory(slug="ai-in-casework"))
    network.save()
    created = publish_meeting_lessons(past_meeting)
    assert [lesson.title for lesson in created] == ["Börja med en pilot", "Glöm inte juristen"]
    pitfall = LessonLearnedPage.objects.get(title="Glöm inte juristen")
    assert pitfall.live and pitfall.kind == "pitfall" and pitfall.country == "SE"
    assert pitfall.meeting_link.meeting.pk == past_meeting.pk
    assert "Höstträffen" in pitfall.context
    assert [topic.slug for topic in pitfall.topics.all()] == ["ai-in-casework"]
    assert publish_meeting_lessons(past_meeting) == []
    assert LessonLearnedPage.objects.count() == 2


def test_coordinator_publishes_lessons_from_the_admin_and_the_meeting_links_them(
    client, home_page, network, past_meeting, other_network
):
    LessonIndexPageFactory(parent=home_page)
    url = f"/admin/network/meetings/{past_meeting.pk}/lessons/"
    client.force_login(make_coordinator(other_network))
    assert client.post(url).status_code == 403
    client.force_login(make_coordinator(network))
    assert client.post(url).status_code == 302
    assert past_meeting.lesson_pages.count() == 2
    html = client.get(past_meeting.url).content.decode()
    lesson = LessonLearnedPage.objects.get(title="Börja med en pilot")
    assert f'href="{lesson.url}"' in html


def test_meeting_page_hides_linked_lessons_that_are_not_public(client, home_page, past_meeting):
    LessonIndexPageFactory(parent=home_page)
    publish_meeting_lessons(past_meeting)
    lesson = LessonLearnedPage.objects.get(title="Börja med en pilot")
    PageViewRestriction.objects.create(page=lesson, restriction_type="login")
    assert f'href="{lesson.url}"' not in client.get(past_meeting.url).content.decode()
