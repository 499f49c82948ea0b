"""Background indexing. Tasks take plain ids: the page may have changed (or gone) by the
time a worker runs them, so they always read the current state from the database."""

from django_tasks import task
from wagtail.models import Page

from . import indexing, query_log


@task()
def index_page_task(page_id: int) -> int:
    """Index a page (or remove it, if it is no longer live); returns passages encoded."""
    encoded = indexing.index_page(page_id).encoded
    indexing.refresh_saved_files()
    return encoded


@task()
def index_subtree_task(page_id: int) -> int:
    """Re-check a page and its descendants (privacy, unpublishing and moves reach them all)."""
    page = Page.objects.filter(pk=page_id).first()
    if page is None:
        indexing.remove_page(page_id)
        indexing.refresh_saved_files()
        return 0
    encoded = 0
    for descendant_id in Page.objects.descendant_of(page, inclusive=True).values_list(
        "id", flat=True
    ):
        encoded += indexing.index_page(descendant_id).encoded
    indexing.refresh_saved_files()
    return encoded


@task()
def remove_page_task(page_id: int) -> None:
    indexing.remove_page(page_id)
    indexing.refresh_saved_files()


@task()
def prune_search_log_task() -> int:
    """Roll search-log rows past their retention into daily totals; returns rows rolled up."""
    return query_log.roll_up().rows
