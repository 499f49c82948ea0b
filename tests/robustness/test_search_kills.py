"""rebuild_search_index killed mid-way and while renaming its file; a publish killed between
its commit and the enqueueing of its indexing task is covered in test_import_kills.py."""

import os
import shutil
import time

import pytest

from search import indexing, vector_sync
from search.models import Chunk, IndexChange, IndexState, PageSearchMeta
from search.state import reset_caches
from search.vectors import VectorIndex, index_directory, read_metadata
from tests.factories import CaseIndexPageFactory, CaseStudyPageFactory

from .conftest import killed, succeeded
from .consistency import (
    assert_same_chunks,
    assert_search_consistent,
    chunk_snapshot,
    found,
    indexed_pages,
)

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

TOPICS = ["bredband", "tandvård", "skogsbruk", "vattenrening", "lönehantering", "färdtjänst"]


def _cases(parent, topics):
    """Live case studies that were never indexed (as if their tasks were lost)."""
    return [
        CaseStudyPageFactory(
            parent=parent,
            title=f"Erfarenheter av {topic}",
            summary=f"Myndigheten utvecklade sitt arbete med {topic} tillsammans med andra.",
            approach=f"<p>Vi kartlade arbetet med {topic} och införde gemensamma rutiner.</p>",
        )
        for topic in topics
    ]


@pytest.fixture
def case_index(home_page):
    return CaseIndexPageFactory(parent=home_page)


def test_a_rebuild_killed_mid_way_then_while_saving_its_file_resumes_to_a_clean_rebuild(
    child, case_index
):
    served = _cases(case_index, TOPICS[:2])
    indexing.rebuild(progress=False)
    state = IndexState.objects.active()
    # This process serves the index from memory, as a web worker does during the rebuild.
    vector_sync.current_index(state.model_id, state.dimension, state.generation)
    unindexed = _cases(case_index, TOPICS[2:])

    run = child.run("rebuild_search_index", "--no-progress", fault="search.rebuild.page:4")

    assert killed(run), run.stderr
    # Mid-way: the pages in tree order up to the fourth are indexed, the last two are not.
    assert indexed_pages() == {page.pk for page in served + unindexed[:2]}
    # Every process serving the index (this one, from memory) sees exactly the committed rows.
    assert_search_consistent()
    assert found(TOPICS[2]) == [unindexed[0].pk]
    assert found(TOPICS[5]) == []
    reset_caches()  # and so does a process that starts now
    assert_search_consistent()
    directory = index_directory(state.model_id)
    saved = read_metadata(directory)

    run = child.run("rebuild_search_index", "--no-progress", fault="search.index_file.replace")

    assert killed(run), run.stderr
    assert indexed_pages() == {page.pk for page in served + unindexed}
    # Killed mid-write: the new file's bytes are on disk under a temporary name only, and
    # meta.json still names the previous file, intact.
    leftovers = list(directory.glob(".*.tmp"))
    assert leftovers
    assert read_metadata(directory) == saved
    assert VectorIndex.load(state.model_id, state.dimension).generation == saved.generation
    # The database moved on, so that file is known to be stale and is rebuilt from the rows;
    # the dead writer's file goes once no live writer could still own it.
    state.refresh_from_db()
    assert state.generation > saved.generation
    two_hours_ago = time.time() - 2 * 3600
    for path in leftovers:
        os.utime(path, (two_hours_ago, two_hours_ago))
    reset_caches()
    assert_search_consistent()
    assert read_metadata(directory).generation == state.generation
    assert not list(directory.glob("*.tmp"))
    assert found(TOPICS[5]) == [unindexed[3].pk]

    run = child.run("rebuild_search_index", "--no-progress")

    assert succeeded(run), run.stderr
    state.refresh_from_db()
    assert read_metadata(directory).generation == state.generation
    reset_caches()
    assert_search_consistent()
    resumed = chunk_snapshot()
    # A clean rebuild, from no index at all, writes the same rows.
    for model in (Chunk, PageSearchMeta, IndexChange, IndexState):
        model.objects.all().delete()
    shutil.rmtree(directory)
    reset_caches()
    indexing.rebuild(progress=False)
    assert_same_chunks(resumed, chunk_snapshot())
