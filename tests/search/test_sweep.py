"""The sweep finds pages whose index state is behind (their task never ran) and catches
them up; the kill tests in tests/robustness/ show it after a real kill."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from wagtail.models import Page

from search import indexing
from search.models import Chunk, IndexState, PageSearchMeta
from search.query import search
from search.sweep import pages_behind, sweep

pytestmark = pytest.mark.django_db

NOW = timedelta(0)


def _found(query):
    return [hit.page_id for hit in search(query, log=False).hits]


def test_nothing_behind_changes_nothing(make_page):
    make_page("Chattbot i kundtjänsten", "En chattbot svarar på frågor dygnet runt.")
    generation = IndexState.objects.get().generation
    assert not pages_behind(NOW)
    assert not sweep(NOW)
    assert IndexState.objects.get().generation == generation


def test_a_page_published_without_its_task_is_indexed(make_page):
    page = make_page("Chattbot", "En chattbot svarar på frågor.", publish=False)
    page.save_revision().publish()  # its on_commit task never runs in this test
    assert page.pk not in set(Chunk.objects.values_list("page_id", flat=True))
    assert pages_behind(NOW).stale == [page.pk]
    assert pages_behind().stale == []  # just published: its task is likely still queued

    assert sweep(NOW).stale == [page.pk]
    assert _found("chattbot") == [page.pk]
    assert not pages_behind(NOW)


def test_a_page_published_again_without_its_task_is_indexed_anew(make_page):
    page = make_page("Kundtjänst", "En chattbot svarar på frågor dygnet runt.")
    page.intro = "Vi införde videomöten för rådgivning till företagare."
    page.save_revision().publish()
    assert pages_behind(NOW).stale == [page.pk]

    sweep(NOW)
    assert _found("videomöten") == [page.pk]
    assert _found("chattbot") == []


def test_a_page_unpublished_without_its_task_is_removed(make_page):
    page = make_page("Chattbot", "En chattbot svarar på frågor dygnet runt.")
    kept = make_page("Videomöten", "Vi införde videomöten för rådgivning.")
    page.unpublish()  # its on_commit task never runs in this test
    assert pages_behind(NOW).gone == [page.pk]

    assert sweep(NOW).gone == [page.pk]
    assert set(Chunk.objects.values_list("page_id", flat=True)) == {kept.pk}
    assert not PageSearchMeta.objects.filter(page_id=page.pk).exists()
    assert not pages_behind(NOW)


def test_the_command_lists_what_it_did_and_a_dry_run_changes_nothing(make_page):
    page = make_page("Chattbot", "En chattbot svarar på frågor.", publish=False)
    page.save_revision().publish()
    page.refresh_from_db()
    output = StringIO()
    call_command("index_sweep", "--grace", "0", "--dry-run", stdout=output)
    assert f"{page.pk}" in output.getvalue()
    assert pages_behind(NOW).stale == [page.pk]
    published = page.last_published_at
    Page.objects.filter(pk=page.pk).update(last_published_at=published - timedelta(hours=1))
    status = StringIO()
    call_command("search_index_status", stdout=status)
    assert "pages behind: 1 to index" in status.getvalue()

    call_command("index_sweep", "--grace", "0", stdout=StringIO())
    assert not pages_behind(NOW)


def test_a_page_that_fails_is_left_to_the_next_sweep(make_page, monkeypatch):
    first = make_page("Chattbot", "En chattbot svarar på frågor.", publish=False)
    second = make_page("Videomöten", "Vi införde videomöten för rådgivning.", publish=False)
    for page in (first, second):
        page.save_revision().publish()
    index_page = indexing.index_page

    def failing(page_id, **kwargs):
        if page_id == first.pk:
            raise RuntimeError("the database went away")
        return index_page(page_id, **kwargs)

    monkeypatch.setattr("search.sweep.index_page", failing)
    assert sweep(NOW).failed == [first.pk]
    assert pages_behind(NOW).stale == [first.pk]
