"""Content changes reach the data lab's stored computations through a task, enqueued once
the change is committed.

Pages being published, unpublished or deleted change what the map may show, and so does a
page's privacy (a Wagtail view restriction made, changed or removed); the search
index moving to a new generation changes the vectors it is drawn from. Search indexes in
its own task, which may run after ours in another worker: listening to the index too means
the map catches up with vectors that arrive late.
"""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from wagtail.models import Page, PageViewRestriction
from wagtail.signals import page_published, page_unpublished

from search.state import index_changed

from .tasks import refresh_datalab_task


def _refresh_on_commit(**kwargs) -> None:
    transaction.on_commit(refresh_datalab_task.enqueue)


def connect() -> None:
    page_published.connect(_refresh_on_commit, dispatch_uid="datalab.page_published")
    page_unpublished.connect(_refresh_on_commit, dispatch_uid="datalab.page_unpublished")
    # Deleting a page of any type also deletes its base Page row, which sends this once.
    post_delete.connect(_refresh_on_commit, sender=Page, dispatch_uid="datalab.page_deleted")
    # Privacy: the map counts public cases only (search.visibility.public_pages).
    post_save.connect(
        _refresh_on_commit,
        sender=PageViewRestriction,
        dispatch_uid="datalab.view_restriction_saved",
    )
    post_delete.connect(
        _refresh_on_commit,
        sender=PageViewRestriction,
        dispatch_uid="datalab.view_restriction_deleted",
    )
    index_changed.connect(_refresh_on_commit, dispatch_uid="datalab.index_changed")
