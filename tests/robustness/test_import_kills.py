"""import_documents killed inside a file's transaction, then between a publish's commit and
the enqueueing of its indexing task (the sweep catches that page up)."""

from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from wagtail.models import Page

from cases.models import CaseStudyPage
from search.sweep import pages_behind
from tests.factories import CaseIndexPageFactory

from .conftest import killed, succeeded
from .consistency import assert_search_consistent, found, indexed_pages

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

TOPICS = ["bredband", "tandvård", "skogsbruk", "vattenrening"]


@pytest.fixture
def folder(tmp_path):
    folder = tmp_path / "documents"
    folder.mkdir()
    for number, topic in enumerate(TOPICS, start=1):
        (folder / f"{number}-{topic}.md").write_text(
            f"# Erfarenheter av {topic}\n\n"
            f"Myndigheten utvecklade sitt arbete med {topic} tillsammans med kommunerna.\n\n"
            f"Vi kartlade arbetet med {topic} och införde gemensamma rutiner för alla.\n",
            encoding="utf-8",
        )
    return folder


def _imported() -> list[tuple]:
    """Each imported case as the file it came from, with what a clean import gives it."""
    return [
        (
            Path(page.source_path).name,
            page.title,
            page.source_fingerprint,
            page.live,
            page.revisions.count(),
            tuple(page.search_chunks.order_by("ordinal").values_list("text", flat=True)),
        )
        for page in CaseStudyPage.objects.order_by("path")
    ]


def _assert_tree_intact(case_index) -> None:
    assert Page.find_problems() == ([], [], [], [], [])
    case_index.refresh_from_db()
    assert case_index.numchild == CaseStudyPage.objects.count()


def test_an_import_killed_mid_file_then_before_an_indexing_task_resumes_to_a_clean_import(
    child, home_page, folder
):
    case_index = CaseIndexPageFactory(parent=home_page)
    command = ("import_documents", str(folder), "--publish", "--language", "sv")

    run = child.run(*command, fault="cases.import.file:3")

    assert killed(run), run.stderr
    # Mid-way: the first two files are in, the third died with its transaction, whole.
    assert [name for name, *_ in _imported()] == ["1-bredband.md", "2-tandvård.md"]
    assert all(live and revisions == 1 for *_, live, revisions, _ in _imported())
    _assert_tree_intact(case_index)
    assert_search_consistent()
    assert indexed_pages() == set(CaseStudyPage.objects.values_list("pk", flat=True))

    run = child.run(*command, fault="search.enqueue:1")

    assert killed(run), run.stderr
    # The third file's case was committed, published, and never got its indexing task.
    third = CaseStudyPage.objects.get(source_path__endswith="3-skogsbruk.md")
    assert third.live
    assert third.pk not in indexed_pages()
    assert found("skogsbruk") == []
    assert_search_consistent()
    # The sweep finds the page behind and catches it up.
    assert pages_behind(grace=timedelta(0)).stale == [third.pk]
    call_command("index_sweep", "--grace", "0", stdout=StringIO())
    assert found("skogsbruk") == [third.pk]
    assert not pages_behind(grace=timedelta(0))
    assert_search_consistent()

    run = child.run(*command)

    assert succeeded(run), run.stderr
    resumed = _imported()
    # One case per file, once: no duplicate and no lost one, each found by its words.
    assert [name for name, *_ in resumed] == sorted(path.name for path in folder.iterdir())
    assert all(live and revisions == 1 for *_, live, revisions, _ in resumed)
    _assert_tree_intact(case_index)
    assert_search_consistent()
    assert not pages_behind(grace=timedelta(0))
    for topic in TOPICS:
        assert len(found(topic)) == 1
    # A clean import of the same folder gives the same cases.
    for page in CaseStudyPage.objects.all():
        page.delete()
    call_command(*command, stdout=StringIO())
    assert _imported() == resumed
