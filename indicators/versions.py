"""A fingerprint of the observation data, so a saved run can tell whether newer data exists."""

from __future__ import annotations

from django.db.models import Count, Max

from .models import Observation, ObservationChange


def data_version() -> str:
    """Changes whenever observations change: created, corrected or deleted.

    The count catches deletions, the latest ``updated_at`` new and edited rows, the latest
    correction a change whose timestamp ties. A re-import that changes nothing leaves it as
    it was (no observation is touched), so runs are not told of "newer data" that is not.
    """
    observations = Observation.objects.aggregate(count=Count("id"), latest=Max("updated_at"))
    latest = observations["latest"]
    change = ObservationChange.objects.aggregate(latest=Max("id"))["latest"] or 0
    stamp = f"{latest.timestamp():.6f}" if latest else "0"
    return f"{change}-{observations['count']}-{stamp}"
