"""A meeting's lessons (the demo loader's path too) get transliterated slugs."""

from datetime import timedelta

import pytest
from django.utils import timezone

from network.meeting_lessons import submit_meeting_lessons
from tests.factories import LessonIndexPageFactory, MeetingPageFactory

pytestmark = pytest.mark.django_db


def test_danish_and_swedish_lesson_titles_keep_their_letters_as_ascii(home_page, network):
    LessonIndexPageFactory(parent=home_page)
    start = timezone.now() - timedelta(days=10)
    meeting = MeetingPageFactory(
        parent=network,
        title="Tilsynsmødet",
        start=start,
        end=start + timedelta(hours=2),
        lessons=[
            ("lesson", {"title": "Behold en tilfældig stikprøve", "text": "T.", "kind": "success"}),
            ("lesson", {"title": "Glöm inte juristen på förhand", "text": "T.", "kind": "pitfall"}),
        ],
    )
    created = submit_meeting_lessons(meeting)
    assert [lesson.slug for lesson in created] == [
        "behold-en-tilfaeldig-stikprove",
        "glom-inte-juristen-pa-forhand",
    ]
