"""The one protocol through which search learns about pages.

A page type becomes searchable by defining ``search_document(self) -> SearchDocument``.
``search/`` reads nothing else of a page: feature apps declare what is indexable, search
never imports their internals.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from collections.abc import Iterable
    from datetime import date as Date

    from wagtail.models import Page


class DocumentKind(StrEnum):
    """What a result is; also the values of the search page's type filter."""

    CASE = "case"
    LESSON = "lesson"
    MEETING = "meeting"
    NETWORK = "network"


@dataclass(frozen=True)
class Section:
    """A stretch of text that is split into passages on its own.

    ``text`` may hold HTML (rich text, rendered StreamField); search cleans it.
    ``standalone`` sections (a lesson learned, say) become passages of their own and are
    never merged with neighbouring text.
    """

    text: str
    heading: str = ""
    standalone: bool = False


@dataclass(frozen=True)
class SearchDocument:
    kind: DocumentKind
    title: str
    language: str  # "sv", "da" or "en"
    sections: list[Section]
    summary: str = ""
    country: list[str] = field(default_factory=list)  # ISO codes as in portal.models.Country
    topics: list[str] = field(default_factory=list)  # Topic slugs
    organisations: list[str] = field(default_factory=list)  # Organisation slugs
    date: date | None = None  # what the year filter and "recent content" use
    # Fields whose Wagtail documents (attachments, document blocks, document links) are read
    # and searched as passages of this page. Name only fields everyone who sees the page sees.
    attachment_fields: tuple[str, ...] = ()


@runtime_checkable
class Indexable(Protocol):
    def search_document(self) -> SearchDocument: ...


def indexable_page_models() -> list[type[Page]]:
    """Page classes that declare ``search_document()``."""
    from wagtail.models import get_page_models

    return [model for model in get_page_models() if hasattr(model, "search_document")]


def search_document_of(page: Page) -> SearchDocument | None:
    """The page's document, or None when it is not live or its type is not indexable."""
    specific = page.specific
    if not page.live or not hasattr(specific, "search_document"):
        return None
    return specific.search_document()


def page_search_document(
    page: Page,
    kind: DocumentKind,
    *,
    sections: Iterable[Section],
    summary: str,
    countries: Iterable[str] = (),
    topics: Iterable | None = None,
    organisations: Iterable = (),
    date: Date | None = None,
    attachment_fields: Iterable[str] = (),
) -> SearchDocument:
    """What every page type's ``search_document()`` fills in alike: ``topics`` default to
    the page's own, ``date`` to its first publication; empty sections and countries are
    left out. Each page type still decides what is indexable (sections, summary)."""
    if topics is None:
        topics = page.topics.all()
    if date is None and page.first_published_at:
        date = page.first_published_at.date()
    return SearchDocument(
        kind=kind,
        title=page.title,
        language=page.language,
        sections=[section for section in sections if section.text.strip()],
        summary=summary,
        country=[country for country in countries if country],
        topics=[topic.slug for topic in topics],
        organisations=[organisation.slug for organisation in organisations],
        date=date,
        attachment_fields=tuple(attachment_fields),
    )
