"""The one protocol through which search learns about pages.

A page type becomes searchable by defining ``search_document(self) -> SearchDocument``.
``search/`` reads nothing else of a page: feature apps declare what is indexable, search
never imports their internals.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Protocol, runtime_checkable


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


@runtime_checkable
class Indexable(Protocol):
    def search_document(self) -> SearchDocument: ...
