"""The data lab's rule for figures about people: a group smaller than this is never shown.

A search typed by fewer people, or a count of an organisation's members below it, could
point at one person; such a figure is left out or shown as "fewer than N" (k-anonymity).
``ERFA_DATALAB_MIN_GROUP_SIZE`` may raise it; it is never below the default.
"""

from django.conf import settings

MIN_GROUP_SIZE = 3


def min_group_size() -> int:
    return max(MIN_GROUP_SIZE, int(getattr(settings, "ERFA_DATALAB_MIN_GROUP_SIZE", 0)))


def shown_count(count: int) -> int | None:
    """``count`` when it is large enough to show; ``None`` means "fewer than the minimum"."""
    return count if count >= min_group_size() else None
