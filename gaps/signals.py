"""New content may answer a gap once search has indexed it: the same two triggers as
alerts/signals.py (``index_changed`` for workers, ``page_published`` for backends that run
tasks at once), both idempotent (a gap is answered once)."""

from django.db import transaction
from wagtail.signals import page_published

from search.state import index_changed

from .tasks import answer_index_change_task, answer_page_task


def _index_changed(sender, model_id: str, generation: int, **kwargs) -> None:
    transaction.on_commit(lambda: answer_index_change_task.enqueue(model_id, generation))


def _page_published(sender, instance, **kwargs) -> None:
    transaction.on_commit(lambda: answer_page_task.enqueue(instance.pk))


def connect() -> None:
    index_changed.connect(_index_changed, dispatch_uid="gaps.index_changed")
    page_published.connect(_page_published, dispatch_uid="gaps.page_published")
