"""New content reaches saved searches once search has indexed it.

Two triggers, both idempotent (a match is written once per saved search and page):
``index_changed``, for workers that index a page after its publication was committed; and
``page_published``, whose task is enqueued after search's own indexing task (search's
handler is connected first), for backends that run tasks at once, where ``index_changed``
is announced before the page's index entry is complete.
"""

from django.db import transaction
from wagtail.signals import page_published

from search.state import index_changed

from .tasks import match_index_change_task, match_page_task


def _index_changed(sender, model_id: str, generation: int, **kwargs) -> None:
    transaction.on_commit(lambda: match_index_change_task.enqueue(model_id, generation))


def _page_published(sender, instance, **kwargs) -> None:
    transaction.on_commit(lambda: match_page_task.enqueue(instance.pk))


def connect() -> None:
    index_changed.connect(_index_changed, dispatch_uid="alerts.index_changed")
    page_published.connect(_page_published, dispatch_uid="alerts.page_published")
