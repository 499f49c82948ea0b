"""Demo content for cases: the case library, the lesson index and their pages.

The content itself is data, in ``demo_content/`` (read by ``demo_data``): edit a file there
and run ``load_demo`` again. Idempotent: pages are found by slug and updated in place, and a
new revision is published only when an entry has changed, so running ``load_demo`` again
neither duplicates pages nor re-publishes (and re-indexes) what is already there.
"""

import hashlib
import json
from datetime import date

from django.db import transaction
from wagtail.models import Page
from wagtail.rich_text import RichText

from portal.demo_loader import child_page, fill_blank_fields, translation_fields, upsert_page
from portal.models import HomePage, HomePageFeaturedPage, Organisation, Topic

from .demo_data import CASE_INDEX, CASES, CONTENT, LESSON_INDEX, LESSONS
from .demo_reports import load_reports
from .lessons import create_lesson
from .models import (
    CaseContact,
    CaseIndexPage,
    CaseLesson,
    CaseRelatedCase,
    CaseStudyPage,
    LessonIndexPage,
    LessonLearnedPage,
)
from .plain_text import paragraphs_html

FEATURED_CASE_COUNT = 3
_DEMO_SOURCE = "demo:"  # source_path prefix of demo cases; source_fingerprint holds their hash


@transaction.atomic
def load() -> None:
    home = HomePage.objects.get()
    case_index = _index_page(home, CaseIndexPage, CASE_INDEX)
    lesson_index = _index_page(home, LessonIndexPage, LESSON_INDEX)
    organisations = {organisation.slug: organisation for organisation in Organisation.objects.all()}
    topics = {topic.slug: topic for topic in Topic.objects.all()}

    # Every case exists before any is filled in, so related cases can link to each other and
    # each changed case is published once (publishing is what triggers search indexing).
    cases = {entry["slug"]: _case_page(case_index, entry) for entry in CASES}
    for entry in CASES:
        related = [cases[slug] for slug in entry.get("related", []) if slug in cases]
        cases[entry["slug"]] = _load_case(
            cases[entry["slug"]], entry, related, organisations, topics
        )
    for entry in LESSONS:
        _load_lesson(lesson_index, entry, organisations, topics)
    load_reports(cases)
    _feature(home, _one_per_language(cases.values()))


def _index_page(home: HomePage, model, spec: dict) -> Page:
    page = upsert_page(
        home, model, spec["slug"], update=False, title=spec["title"], intro=spec["intro"]
    )
    translations = translation_fields(
        CONTENT / "index.yaml", spec.get("translations"), "title seo_title intro"
    )
    return fill_blank_fields(page, translations)


def _case_page(index: CaseIndexPage, entry: dict) -> CaseStudyPage:
    """The case's page, made as a draft stub when new: ``_load_case`` fills and publishes it."""
    return upsert_page(
        index,
        CaseStudyPage,
        entry["slug"],
        update=False,
        publish=False,
        title=entry["title"],
        summary=entry["summary"],
        language=entry["language"],
        country=entry["country"],
        live=False,
    )


def _load_case(
    page: CaseStudyPage, entry: dict, related: list[CaseStudyPage], organisations, topics
) -> CaseStudyPage:
    fingerprint = hashlib.sha256(
        json.dumps(entry, sort_keys=True, ensure_ascii=False).encode()
    ).hexdigest()
    current_related = [link.related_case_id for link in page.related_case_links.all()]
    if (
        page.live
        and page.source_fingerprint == fingerprint
        and current_related == [case.pk for case in related]
    ):
        return page
    page.title = entry["title"]
    page.summary = entry["summary"]
    page.language = entry["language"]
    page.country = entry["country"]
    page.status = entry["status"]
    page.start_date = date.fromisoformat(entry["start"]) if entry.get("start") else None
    page.end_date = date.fromisoformat(entry["end"]) if entry.get("end") else None
    page.problem = paragraphs_html(entry["problem"])
    page.approach = paragraphs_html(entry["approach"])
    page.results = _results(entry)
    page.source_path = f"{_DEMO_SOURCE}{entry['slug']}"
    page.source_fingerprint = fingerprint
    page.organisations = [_lookup(organisations, slug, entry) for slug in entry["organisations"]]
    page.topics = [_lookup(topics, slug, entry) for slug in entry["topics"]]
    page.lessons = [CaseLesson(text=text, kind=kind) for text, kind in entry["lessons"]]
    page.contacts = [
        CaseContact(name=name, role=role, organisation_name=organisation, email=email)
        for name, role, organisation, email in entry.get("contacts", [])
    ]
    page.related_case_links = [CaseRelatedCase(related_case=case) for case in related]
    page.save_revision().publish()
    return page


def _results(entry: dict) -> list:
    blocks = [
        ("key_figure", {"value": value, "unit": unit, "label": label})
        for value, unit, label in entry.get("key_figures", [])
    ]
    if entry.get("results"):
        blocks.append(("paragraph", RichText(paragraphs_html(entry["results"]))))
    if entry.get("quote"):
        quote, attribution = entry["quote"]
        blocks.append(("quote", {"quote": quote, "attribution": attribution}))
    return blocks


def _load_lesson(index: LessonIndexPage, entry: dict, organisations, topics) -> None:
    page_organisations = [_lookup(organisations, slug, entry) for slug in entry["organisations"]]
    page_topics = [_lookup(topics, slug, entry) for slug in entry["topics"]]
    page = child_page(index, LessonLearnedPage, entry["slug"])
    if page is None:
        create_lesson(
            index,
            entry["title"],
            entry["text"],
            entry["kind"],
            entry["language"],
            context=entry.get("context", ""),
            organisations=page_organisations,
            topics=page_topics,
            country=entry.get("country", ""),
            slug=entry["slug"],
        )
        return
    wanted = {
        "title": entry["title"],
        "lesson": entry["text"],
        "kind": entry["kind"],
        "language": entry["language"],
        "context": paragraphs_html(entry.get("context", "")),
        "country": entry.get("country", ""),
    }
    unchanged = (
        all(getattr(page, name) == value for name, value in wanted.items())
        and set(page.organisations.all()) == set(page_organisations)
        and set(page.topics.all()) == set(page_topics)
    )
    if unchanged:
        return
    for name, value in wanted.items():
        setattr(page, name, value)
    page.organisations = page_organisations
    page.topics = page_topics
    page.save_revision().publish()


def _one_per_language(cases) -> list[CaseStudyPage]:
    """The first Swedish, Danish and English case: the home page shows all three languages."""
    chosen: dict[str, CaseStudyPage] = {}
    for case in cases:
        chosen.setdefault(case.language, case)
    return list(chosen.values())[:FEATURED_CASE_COUNT]


def _feature(home: HomePage, cases: list[CaseStudyPage]) -> None:
    if [item.page_id for item in home.featured_pages.all()] == [case.pk for case in cases]:
        return
    home.featured_pages = [HomePageFeaturedPage(page=case) for case in cases]
    home.save_revision().publish()


def _lookup(objects: dict, slug: str, entry: dict):
    try:
        return objects[slug]
    except KeyError:
        raise ValueError(
            f"Demo entry {entry['slug']!r} names {slug!r}, which portal/demo_content/ does not define."
        ) from None
