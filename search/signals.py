"""Page changes reach the index through tasks, enqueued once the change is committed.

Handlers only enqueue: encoding is heavy and belongs in a worker, and waiting for
``on_commit`` means the worker reads the committed page, never a rolled-back one.
"""

from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_delete
from wagtail.documents import get_document_model
from wagtail.models import Page, PageViewRestriction
from wagtail.signals import page_published, page_unpublished, post_page_move

from portal.faults import fault_point

from .attachments import pages_using
from .tasks import index_page_task, index_subtree_task, remove_page_task


def _enqueue_on_commit(task, page_id: int) -> None:
    transaction.on_commit(lambda: _enqueue(task, page_id))


def _enqueue(task, page_id: int) -> None:
    # A process that dies here leaves a committed change without its task: the sweep
    # (search/sweep.py, ``manage.py index_sweep``) finds the page behind and catches up.
    fault_point("search.enqueue")
    task.enqueue(page_id)


def _page_published(sender, instance, **kwargs):
    _enqueue_on_commit(index_page_task, instance.pk)


def _page_unpublished(sender, instance, **kwargs):
    # Its descendants stay live but are re-checked, as their visibility may follow it.
    _enqueue_on_commit(index_subtree_task, instance.pk)


def _page_moved(sender, instance, **kwargs):
    _enqueue_on_commit(index_subtree_task, instance.pk)


def _page_deleted(sender, instance, **kwargs):
    _enqueue_on_commit(remove_page_task, instance.pk)


def _view_restriction_changed(sender, instance, **kwargs):
    _enqueue_on_commit(index_subtree_task, instance.page_id)


def _document_changed(sender, instance, **kwargs):
    # A new or removed file changes the passages of every live page using the document.
    # Pages are looked up now: after a delete, Wagtail has dropped the references.
    update_fields = set(kwargs.get("update_fields") or ())
    if update_fields and update_fields <= {"file_hash", "file_size"}:
        return  # Wagtail filling in a hash or size it computed: the file is the same
    for page_id in Page.objects.filter(pk__in=pages_using(instance), live=True).values_list(
        "pk", flat=True
    ):
        _enqueue_on_commit(index_page_task, page_id)


def connect() -> None:
    page_published.connect(_page_published, dispatch_uid="search.page_published")
    page_unpublished.connect(_page_unpublished, dispatch_uid="search.page_unpublished")
    post_page_move.connect(_page_moved, dispatch_uid="search.post_page_move")
    # Deleting a page of any type also deletes its base Page row, which sends this once.
    post_delete.connect(_page_deleted, sender=Page, dispatch_uid="search.page_deleted")
    post_save.connect(
        _view_restriction_changed, sender=PageViewRestriction, dispatch_uid="search.pvr_saved"
    )
    post_delete.connect(
        _view_restriction_changed,
        sender=PageViewRestriction,
        dispatch_uid="search.pvr_deleted",
    )
    document_model = get_document_model()
    post_save.connect(_document_changed, sender=document_model, dispatch_uid="search.doc_saved")
    pre_delete.connect(_document_changed, sender=document_model, dispatch_uid="search.doc_deleted")
