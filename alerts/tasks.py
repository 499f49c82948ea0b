"""Background work of alerts. Tasks take plain ids and read the current state: a page may
be unpublished, or a search deleted, by the time a worker runs them."""

from django.db import transaction
from django_tasks import task

from search import saved_queries
from search.models import IndexChange

from . import digests, matching


@task()
def match_index_change_task(model_id: str, generation: int) -> int:
    """Match the page one index generation changed against every saved search; returns
    how many saved searches newly matched it. A rebuild (no page) alerts nobody: it
    re-indexes what was there, it does not publish."""
    served = saved_queries.served_model()
    if served is None or served[0] != model_id:
        return 0  # an index being built: its pages are matched when it is served
    page_ids = IndexChange.objects.filter(
        model_id=model_id, generation=generation, page_id__isnull=False
    ).values_list("page_id", flat=True)
    return sum(_match(page_id) for page_id in set(page_ids))


@task()
def match_page_task(page_id: int) -> int:
    """Match a published page once its indexing task is done (see signals.py)."""
    return _match(page_id)


def _match(page_id: int) -> int:
    report = matching.match_page(page_id)
    for saved_search_id in report.immediate:
        transaction.on_commit(lambda pk=saved_search_id: send_digest_task.enqueue(pk))
    return len(report.confirmed)


@task()
def send_digest_task(saved_search_id: int) -> int:
    """Send a saved search's digest of new matches, once; returns the items sent."""
    return digests.send_digest(saved_search_id)
