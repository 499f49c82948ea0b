"""Catching up with page changes whose indexing task never ran.

A page change reaches the index through a task enqueued once the change is committed
(``signals.py``). A process that dies between the commit and the enqueue, or a task lost
from the queue, leaves the index behind the pages, and nothing would ever enqueue that task
again. ``sweep()`` finds such pages from the database alone and brings them up to date:

- live indexable pages never indexed, or published again since they were last indexed
  (``PageSearchMeta.indexed`` older than ``Page.last_published_at``; ``index_page`` writes
  that row after the page's chunks, so it marks a page whose indexing completed);
- pages no longer live (or indexable) that still have chunks or filter fields.

Run from cron (``manage.py index_sweep``): idempotent, and three queries when nothing is
behind. Pages published less than ``grace`` ago are left to the task that is likely queued.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import timedelta

from django.utils import timezone
from wagtail.models import Page

from .documents import indexable_page_models
from .indexing import index_page, refresh_saved_files, remove_page
from .models import Chunk, PageSearchMeta

logger = logging.getLogger(__name__)

DEFAULT_GRACE = timedelta(minutes=10)


@dataclass
class PagesBehind:
    stale: list[int] = field(default_factory=list)  # live pages to index (again)
    gone: list[int] = field(default_factory=list)  # pages to drop from the index
    failed: list[int] = field(default_factory=list)  # pages the sweep could not bring up to date

    def __bool__(self) -> bool:
        return bool(self.stale or self.gone)


def pages_behind(grace: timedelta = DEFAULT_GRACE) -> PagesBehind:
    """The pages whose index state is behind the pages themselves."""
    models = indexable_page_models()
    live = Page.objects.live().type(*models) if models else Page.objects.none()
    indexed = dict(PageSearchMeta.objects.values_list("page_id", "indexed"))
    cutoff = timezone.now() - grace
    behind, live_ids = PagesBehind(), set()
    for page_id, published_at in live.values_list("id", "last_published_at").order_by("path"):
        live_ids.add(page_id)
        if published_at is not None and published_at > cutoff:
            continue  # its task is most likely still waiting in the queue
        last_indexed = indexed.get(page_id)
        if last_indexed is None or (published_at is not None and last_indexed < published_at):
            behind.stale.append(page_id)
    with_chunks = set(Chunk.objects.values_list("page_id", flat=True).distinct())
    behind.gone = sorted((with_chunks | indexed.keys()) - live_ids)
    return behind


def sweep(grace: timedelta = DEFAULT_GRACE) -> PagesBehind:
    """Index the pages that are behind and drop the pages that are gone; returns them.

    A page that fails (a concurrent task indexing it, say) is logged and left to the next
    sweep; the others still get their turn.
    """
    behind = pages_behind(grace)
    gone = set(behind.gone)
    for page_id in behind.stale + behind.gone:
        try:
            if page_id in gone:
                remove_page(page_id)
            else:
                index_page(page_id)
        except Exception:
            logger.exception("The index sweep could not bring page %s up to date", page_id)
            behind.failed.append(page_id)
    if behind:
        refresh_saved_files()
    return behind
