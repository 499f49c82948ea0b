"""JSON API over the case library and the lessons learned (schema at /api/docs).

The lists filter as the pages do (the same ``CaseFilter`` and ``LessonFilter``, fed the same
parameters), and answer only what the visitor may see: the one visibility rule, with the
request, so a session or an API token counts as its user. Contact persons, as on the case
page, only for members.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from django.http import Http404
from ninja import Field, Path, Query, Router, Schema
from wagtail.rich_text import expand_db_html

from portal.api_common import (
    NOT_FOUND,
    NOT_VALID,
    DetailParams,
    LinkOut,
    ListParams,
    OrganisationOut,
    TopicOut,
    Year,
    answer_language,
    one_of,
    organisations_out,
    page_of,
    query_dict,
    topics_out,
    url_of,
)
from portal.converters import MAX_ID
from portal.models import ContentLanguage, Country, is_member
from portal.site_url import absolute_url
from search.visibility import visible_page_ids, visible_pages

from .filtering import CaseFilter, LessonFilter, LessonItem
from .models import CaseLesson, CaseStudyPage, LessonKind, LessonLearnedPage

router = Router(tags=["cases"])

CASE_FACETS = ("topic", "organisation", "country", "language", "status", "year")


class CaseListParams(ListParams):
    topic: list[str] = Field([], description="Topic slugs (any of them).")
    organisation: list[str] = Field([], description="Organisation slugs (any of them).")
    country: list[one_of(Country)] = []
    language: list[one_of(ContentLanguage)] = Field([], description="The case's own language.")
    status: list[one_of(CaseStudyPage.Status)] = []
    year: list[Year] = Field([], description="Start years (any of them).")
    sort: Literal[tuple(CaseFilter.sort_choices)] = "newest"


class CaseLessonOut(Schema):
    kind: str
    kind_label: str
    text: str


class CaseOut(Schema):
    id: int
    title: str
    url: str
    summary: str
    language: str
    country: str
    country_label: str
    status: str
    status_label: str
    start_date: date | None
    end_date: date | None
    organisations: list[OrganisationOut]
    topics: list[TopicOut]
    lessons: list[CaseLessonOut]
    first_published_at: datetime | None
    last_published_at: datetime | None


class ContactOut(Schema):
    name: str
    role: str
    organisation_name: str
    email: str


class DocumentOut(Schema):
    title: str
    url: str


class CaseDetailOut(CaseOut):
    problem: str = Field(description="HTML.")
    approach: str = Field(description="HTML.")
    results: str = Field(description="HTML.")
    attachments: list[DocumentOut]
    related_cases: list[LinkOut]
    contacts: list[ContactOut] | None = Field(
        description="For members only: null for everyone else (an empty list: none given)."
    )


class CaseListOut(Schema):
    count: int
    limit: int
    offset: int
    language: str = Field(description="The language of the answer's wording.")
    results: list[CaseOut]
    facets: dict[str, dict[str, int]] = Field(
        description="Per facet, how many cases choosing each value would give."
    )


class LessonListParams(ListParams):
    kind: list[one_of(LessonKind)] = []
    topic: list[str] = Field([], description="Topic slugs (any of them).")


class LessonOut(Schema):
    page_id: int = Field(description="The lesson's own page, or the case it is part of.")
    within_case: bool
    title: str = Field(description="The lesson page's title, or the case's.")
    url: str
    kind: str
    kind_label: str
    text: str
    topics: list[str] = Field(description="Topic slugs.")
    published_at: datetime | None


class LessonListOut(Schema):
    count: int
    limit: int
    offset: int
    language: str
    results: list[LessonOut]
    facets: dict[str, dict[str, int]]


class LessonDetailOut(Schema):
    id: int
    title: str
    url: str
    kind: str
    kind_label: str
    lesson: str
    context: str = Field(description="HTML.")
    language: str
    country: str
    organisations: list[OrganisationOut]
    topics: list[TopicOut]
    first_published_at: datetime | None
    last_published_at: datetime | None


def _case(case: CaseStudyPage) -> dict:
    return {
        "id": case.pk,
        "title": case.title,
        "url": url_of(case),
        "summary": case.summary,
        "language": case.language,
        "country": case.country,
        "country_label": str(case.get_country_display()),
        "status": case.status,
        "status_label": str(case.get_status_display()),
        "start_date": case.start_date,
        "end_date": case.end_date,
        "organisations": organisations_out(case.organisations.all()),
        "topics": topics_out(case.topics.all()),
        "lessons": [
            {"kind": lesson.kind, "kind_label": str(lesson.get_kind_display()), "text": lesson.text}
            for lesson in case.lessons.all()
        ],
        "first_published_at": case.first_published_at,
        "last_published_at": case.last_published_at,
    }


def _facet_counts(facets) -> dict[str, dict[str, int]]:
    return {
        facet.name: {option.value: option.count for option in facet.options} for facet in facets
    }


@router.get("/cases/", response={200: CaseListOut, **NOT_VALID}, url_name="cases")
def case_list(request, params: Query[CaseListParams]):
    """Case studies this visitor may see, filtered as in the case library, newest first.

    Values of one filter combine with OR, filters with AND; ``facets`` counts, per value,
    the cases choosing it would give.
    """
    with answer_language(params.lang):
        selection = {name: getattr(params, name) for name in CASE_FACETS}
        case_filter = CaseFilter(
            visible_pages(CaseStudyPage.objects.all(), request=request),
            query_dict({**selection, "sort": [params.sort]}),
        )
        results = case_filter.results().prefetch_related("lessons")
        return {
            **page_of(results, params, lambda cases: [_case(case) for case in cases]),
            "facets": _facet_counts(case_filter.facets),
        }


@router.get(
    "/cases/{case_id}/",
    response={200: CaseDetailOut, **NOT_FOUND, **NOT_VALID},
    url_name="case",
)
def case_detail(request, params: Query[DetailParams], case_id: int = Path(..., ge=1, le=MAX_ID)):
    """One case study with its lessons, contacts (members only), attachments and related
    cases; 404 for a case this visitor may not see."""
    case = visible_pages(CaseStudyPage.objects.filter(pk=case_id), request=request).first()
    if case is None:
        raise Http404  # the same answer whether the case is hidden or absent
    with answer_language(params.lang):
        links = list(case.related_case_links.select_related("related_case"))
        visible = visible_page_ids([link.related_case_id for link in links], request=request)
        return {
            **_case(case),
            "problem": expand_db_html(case.problem),
            "approach": expand_db_html(case.approach),
            "results": str(case.results.render_as_block()),
            "attachments": [
                {"title": item.document.title, "url": absolute_url(item.document.url)}
                for item in case.attachments.select_related("document")
            ],
            "related_cases": [
                {
                    "id": link.related_case_id,
                    "title": link.related_case.title,
                    "url": url_of(link.related_case),
                }
                for link in links
                if link.related_case_id in visible
            ],
            # The case page's own rule (CaseStudyPage.get_context): contacts for members.
            "contacts": (
                [
                    {
                        "name": contact.name,
                        "role": contact.role,
                        "organisation_name": contact.organisation_name,
                        "email": contact.email,
                    }
                    for contact in case.contacts.all()
                ]
                if is_member(request.user)
                else None
            ),
        }


def _lesson_item(item: LessonItem) -> dict:
    return {
        "page_id": item.page_id,
        "within_case": item.within_case,
        "title": item.title,
        "url": absolute_url(item.url) if item.url else "",
        "kind": item.kind,
        "kind_label": str(item.kind_label),
        "text": item.text,
        "topics": item.topics,
        "published_at": item.published_at,
    }


@router.get("/lessons/", response={200: LessonListOut, **NOT_VALID}, url_name="lessons")
def lesson_list(request, params: Query[LessonListParams]):
    """Lessons learned this visitor may see, as on the lesson index: lesson pages and the
    lessons within cases, newest first."""
    with answer_language(params.lang):
        visible_cases = visible_pages(CaseStudyPage.objects.all(), request=request)
        lesson_filter = LessonFilter(
            standalone=visible_pages(LessonLearnedPage.objects.all(), request=request),
            # Ordered in full, so that lessons published at the same moment keep their places.
            within_cases=CaseLesson.objects.filter(page__in=visible_cases).order_by(
                "page_id", "sort_order", "pk"
            ),
            params=query_dict({"kind": params.kind, "topic": params.topic}),
            request=request,
        )
        return {
            **page_of(
                lesson_filter.results(),
                params,
                lambda items: [_lesson_item(item) for item in items],
            ),
            "facets": _facet_counts(lesson_filter.facets),
        }


@router.get(
    "/lessons/{lesson_id}/",
    response={200: LessonDetailOut, **NOT_FOUND, **NOT_VALID},
    url_name="lesson",
)
def lesson_detail(
    request, params: Query[DetailParams], lesson_id: int = Path(..., ge=1, le=MAX_ID)
):
    """A lesson page; 404 for one this visitor may not see. Lessons within a case are in the
    case's answer."""
    lesson = visible_pages(LessonLearnedPage.objects.filter(pk=lesson_id), request=request).first()
    if lesson is None:
        raise Http404
    with answer_language(params.lang):
        return {
            "id": lesson.pk,
            "title": lesson.title,
            "url": url_of(lesson),
            "kind": lesson.kind,
            "kind_label": str(lesson.get_kind_display()),
            "lesson": lesson.lesson,
            "context": expand_db_html(lesson.context),
            "language": lesson.language,
            "country": lesson.country,
            "organisations": organisations_out(lesson.organisations.all()),
            "topics": topics_out(lesson.topics.all()),
            "first_published_at": lesson.first_published_at,
            "last_published_at": lesson.last_published_at,
        }
