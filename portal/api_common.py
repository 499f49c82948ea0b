"""What the content API's routers share: paging, the answer's language, errors and the small
shapes (organisations, topics) every kind of content names.

The routers live in their apps (``cases/api.py``, ``network/api.py``); this module is part of
the portal's base, so they can use it without importing the API's assembly (``portal/api.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Annotated, Literal

from django.db import models
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils import translation
from ninja import Field, Schema

from .converters import MAX_ID
from .models import Organisation, Topic
from .site_url import page_url
from .translations import active_language

MAX_LIMIT = 100
# No listing has more items than ids fit in a column; past that, an offset is a typo (and
# SQLite overflows on it: a 500).
MAX_OFFSET = MAX_ID


# A year as the filters take it (four digits), and an id that fits a database column: a
# bigger number would overflow SQLite's integers (a 500) instead of matching nothing.
Year = Annotated[int, Field(ge=1000, le=9999)]
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
# Slugs are ASCII (Django's SlugField): anything else, a NUL byte included, is refused with 422
# before it reaches a query (PostgreSQL refuses NUL in a parameter).
Slug = Annotated[str, Field(pattern=r"^[-a-zA-Z0-9_]+$", max_length=80)]

# ``?lang=`` for the answer's wording; without it, the Accept-Language header decides.
AnswerLanguage = Literal["sv", "da", "en"]


class ListParams(Schema):
    limit: int = Field(20, ge=1, le=MAX_LIMIT, description="How many results, at most 100.")
    offset: int = Field(0, ge=0, le=MAX_OFFSET, description="How many results to skip.")
    lang: AnswerLanguage | None = Field(None, description="Language of the answer's wording.")


class DetailParams(Schema):
    lang: AnswerLanguage | None = Field(None, description="Language of the answer's wording.")


class ErrorOut(Schema):
    detail: str


class ValidationErrorOut(Schema):
    """Django Ninja's answer to a parameter that does not parse (a word for a number, say)."""

    detail: list[dict]


# Every answer an endpoint can give is in the schema, so clients (and schemathesis) know them.
NOT_FOUND = {404: ErrorOut}
NOT_VALID = {422: ValidationErrorOut}


class OrganisationOut(Schema):
    slug: str
    name: str
    short_name: str
    country: str


class LinkOut(Schema):
    id: int
    title: str
    url: str


class TopicOut(Schema):
    slug: str
    name: str = Field(description="In the answer's language.")


@contextmanager
def answer_language(lang: AnswerLanguage | None) -> Iterator[str]:
    """Words chosen in ``lang`` (else the negotiated language) while the answer is built."""
    if lang is None:
        yield active_language()
        return
    with translation.override(lang):
        yield lang


def page_of(
    items: QuerySet | Sequence, params: ListParams, serialize: Callable[[list], list[dict]]
) -> dict:
    """One page of ``items`` (already in a stable order) and how many there are in all;
    ``serialize`` turns the page's items into results (all at once, so it can fetch what
    they share in one query)."""
    count = items.count() if isinstance(items, QuerySet) else len(items)
    window = list(items[params.offset : params.offset + params.limit])
    return {
        "count": count,
        "limit": params.limit,
        "offset": params.offset,
        "language": active_language(),
        "results": serialize(window),
    }


def organisations_out(organisations: Sequence[Organisation]) -> list[dict]:
    return [
        {
            "slug": organisation.slug,
            "name": organisation.name,
            "short_name": organisation.short_name,
            "country": organisation.country,
        }
        for organisation in organisations
    ]


def topics_out(topics: Sequence[Topic]) -> list[dict]:
    return [{"slug": topic.slug, "name": topic.name} for topic in topics]


def url_of(page) -> str:
    """The page's absolute address in the answer's language ("" where it has none)."""
    return page_url(page) or ""


def one_of(choices: type[models.TextChoices]):
    """A parameter type that takes one of ``choices``' values (inline in the schema, so two
    apps' ``Status`` choices cannot clash there by name)."""
    return Literal[tuple(choices.values)]


def query_dict(values: dict[str, Sequence]) -> QueryDict:
    """API parameters as the query string the pages' filters read."""
    params = QueryDict(mutable=True)
    for name, items in values.items():
        params.setlist(name, [str(getattr(item, "value", item)) for item in items])
    return params
