"""Keep what a meeting learned as lesson learned pages of their own, once moderators approve."""

from django.db import transaction
from django.utils import formats, translation
from django.utils.translation import gettext as _
from wagtail.coreutils import find_available_slug

from cases.lessons import create_lesson
from cases.models import LessonIndexPage, LessonLearnedPage
from cases.submissions import start_moderation
from portal.site_url import page_url
from portal.slugs import page_slug

from .models import MeetingLesson, MeetingPage, NetworkCountry


def submit_meeting_lessons(meeting: MeetingPage, *, user=None) -> list[LessonLearnedPage]:
    """Turn the meeting's lesson items into lesson learned pages, each linked to the meeting,
    as drafts sent to the moderation workflow every contribution goes through: they are live
    once a moderator approves them (``user``, who asked, owns them meanwhile).

    Items that already have a page are skipped, so running it again after adding a lesson
    only submits the new one.
    """
    done = set(meeting.lesson_pages.values_list("block_id", flat=True))
    items = [item for item in meeting.lessons if item.id not in done]
    if not items:
        return []
    parent = LessonIndexPage.objects.live().first()
    if parent is None:
        raise LessonIndexPage.DoesNotExist("There is no lesson index page to put lessons under.")
    network = meeting.network
    with translation.override(meeting.language):
        context = _("Learned at the meeting “%(meeting)s” of %(network)s on %(date)s.") % {
            "meeting": meeting.title,
            "network": network.title,
            "date": formats.date_format(meeting.local_start, "DATE_FORMAT"),
        }
    created = []
    with transaction.atomic():
        for item in items:
            lesson = create_lesson(
                parent,
                title=item.value["title"],
                text=item.value["text"],
                kind=item.value["kind"],
                language=meeting.language,
                context=f"{context}\n\n{page_url(meeting) or ''}".strip(),
                topics=network.topics.all(),
                country=network.country if network.country != NetworkCountry.NORDIC else "",
                slug=find_available_slug(parent, page_slug(item.value["title"]) or "lesson"),
                owner=user,
                publish=False,
            )
            # Coordinators need no page permissions in the lessons library for this: the
            # moderators decide what is published there.
            start_moderation(lesson, user)
            MeetingLesson.objects.create(meeting=meeting, lesson=lesson, block_id=item.id)
            created.append(lesson)
    return created
