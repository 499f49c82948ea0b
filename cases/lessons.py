"""Lessons learned as pages of their own: the entry point other apps use to write one."""

from collections.abc import Iterable

from django.db import transaction

from portal.models import Organisation, Topic

from .models import LessonIndexPage, LessonLearnedPage
from .plain_text import paragraphs_html


@transaction.atomic
def create_lesson(
    parent: LessonIndexPage,
    title: str,
    text: str,
    kind: str,
    language: str = "",
    *,
    context: str = "",
    organisations: Iterable[Organisation] = (),
    topics: Iterable[Topic] = (),
    country: str = "",
    owner=None,
    publish: bool = True,
    slug: str = "",
) -> LessonLearnedPage:
    """Add a lesson learned below ``parent`` and publish it (or keep it as a draft).

    ``context`` is plain text with paragraphs separated by blank lines. ``language`` is
    detected from the text when empty.
    """
    page = LessonLearnedPage(
        title=title,
        slug=slug,
        lesson=text,
        kind=kind,
        language=language,
        context=paragraphs_html(context),
        country=country,
        owner=owner,
        live=False,
    )
    page.organisations = list(organisations)
    page.topics = list(topics)
    parent.add_child(instance=page)
    revision = page.save_revision(user=owner, log_action=True)
    if publish:
        revision.publish(user=owner)
        page.refresh_from_db()
    return page
