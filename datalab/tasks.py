"""Background work of the data lab: heavy computations never run on a request."""

from django_tasks import task

from .semantic_map import refresh_semantic_map


@task()
def refresh_datalab_task() -> bool:
    """Bring the semantic map up to date; returns whether it had to be recomputed.

    Cheap when nothing changed (one fingerprint query), so enqueuing it often is fine.
    """
    return refresh_semantic_map().computed
