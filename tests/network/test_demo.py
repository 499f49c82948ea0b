import pytest
from django.utils import timezone
from django.utils.module_loading import import_string

from cases import demo as cases_demo
from cases.models import LessonIndexPage
from network import demo
from network.models import (
    MeetingLesson,
    MeetingPage,
    Membership,
    NetworkPage,
    NetworkSharedCase,
    Registration,
)
from portal import demo as portal_demo
from portal.management.commands.load_demo import DEMO_LOADERS

pytestmark = pytest.mark.django_db


def _counts():
    return (
        NetworkPage.objects.count(),
        MeetingPage.objects.count(),
        Membership.objects.count(),
        Registration.objects.count(),
        MeetingLesson.objects.count(),
        NetworkSharedCase.objects.count(),
    )


def test_network_demo_is_idempotent_and_complete():
    portal_demo.load()
    cases_demo.load()
    demo.load()
    first = _counts()
    demo.load()
    assert _counts() == first
    assert first[0] >= 5 and first[1] >= 15
    countries = set(NetworkPage.objects.values_list("country", flat=True))
    assert {"SE", "DK", "nordic"} <= countries
    now = timezone.now()
    assert MeetingPage.objects.filter(start__gt=now).count() >= 5
    past = MeetingPage.objects.filter(end__lt=now)
    assert past.count() >= 5 and all(meeting.minutes for meeting in past)
    assert Registration.objects.filter(status="waitlisted").exists()
    full = MeetingPage.objects.get(slug="datadelning-och-juridik")
    assert full.seats_left == 0
    assert first[4] >= 3 and first[5] >= 5  # lesson pages from meetings, shared cases


def test_load_demo_publishes_meeting_lessons_in_the_lesson_library():
    """Meeting lessons become lesson pages, which needs the cases' lesson index: loading the
    demo in ``load_demo``'s order publishes them there."""
    for dotted_path in DEMO_LOADERS[: DEMO_LOADERS.index("network.demo.load") + 1]:
        import_string(dotted_path)()
    links = MeetingLesson.objects.select_related("lesson")
    assert links.exists()
    lesson_index = LessonIndexPage.objects.get()
    assert all(link.lesson.live and link.lesson.is_child_of(lesson_index) for link in links)
