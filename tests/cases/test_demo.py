from wagtail.models import Revision

import portal.demo
from cases import demo
from cases.demo_data import CASES, LESSONS
from cases.models import (
    CaseIndexPage,
    CaseLesson,
    CaseStudyPage,
    LessonIndexPage,
    LessonLearnedPage,
)
from portal.models import HomePage


def test_demo_loads_every_case_and_lesson_and_is_idempotent(db):
    """Running the loader twice gives the same pages and publishes nothing new."""
    portal.demo.load()
    demo.load()
    counts = (
        CaseStudyPage.objects.live().count(),
        LessonLearnedPage.objects.live().count(),
        CaseLesson.objects.count(),
    )
    revisions = Revision.objects.count()

    demo.load()

    assert counts == (len(CASES), len(LESSONS), sum(len(case["lessons"]) for case in CASES))
    assert counts[0] >= 40
    assert (
        CaseStudyPage.objects.count(),
        LessonLearnedPage.objects.count(),
        CaseLesson.objects.count(),
    ) == counts
    assert Revision.objects.count() == revisions
    assert CaseIndexPage.objects.get().url_path.endswith("/cases/")
    assert LessonIndexPage.objects.get().url_path.endswith("/lessons/")
    featured = [item.page.specific for item in HomePage.objects.get().featured_pages.all()]
    assert len(featured) == 3
    assert {case.language for case in featured} == {"sv", "da", "en"}


def test_demo_cases_link_related_cases_and_update_when_their_data_changes(db, monkeypatch):
    portal.demo.load()
    demo.load()
    with_related = next(case for case in CASES if case["related"])
    page = CaseStudyPage.objects.get(slug=with_related["slug"])
    assert [link.related_case.slug for link in page.related_case_links.all()] == [
        slug for slug in with_related["related"] if any(c["slug"] == slug for c in CASES)
    ]

    changed = {**with_related, "title": "Ny titel"}
    monkeypatch.setattr(demo, "CASES", [changed if c is with_related else c for c in CASES])
    demo.load()
    page.refresh_from_db()
    assert page.title == "Ny titel"
    assert CaseStudyPage.objects.count() == len(CASES)
