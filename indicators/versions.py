"""The version of the results data, so a saved run can tell whether newer data exists.

One counter row (``DataVersion``), raised in the same transaction as each write of
observations, exchange rates or price indices: reading it is one primary-key lookup, where
the former fingerprint (count and latest timestamp of every observation) scanned the whole
table on each run list. Bulk writes (the import, the demo loader) raise it themselves; single
saves and deletes, from the admin or a cascade, through the signal handlers below. A
re-import that changes nothing writes nothing and so leaves the version as it was.
"""

from __future__ import annotations

import uuid
import weakref

from django.db.models import F
from django.db.models.signals import post_delete, post_save

from .models import DataVersion, ExchangeRate, Observation, PriceIndex

VERSIONED_MODELS = (Observation, ExchangeRate, PriceIndex)


def data_version() -> str:
    row = DataVersion.objects.filter(pk=1).values_list("number", "token").first()
    return f"{row[0]}-{row[1]}" if row else "0"


def raise_data_version() -> None:
    """Call inside the transaction that changes the data, so both commit or neither does."""
    token = uuid.uuid4().hex
    if not DataVersion.objects.filter(pk=1).update(number=F("number") + 1, token=token):
        DataVersion.objects.get_or_create(pk=1, defaults={"number": 1, "token": token})


def _data_changed(sender, **kwargs) -> None:
    if not kwargs.get("raw"):  # loaddata fixtures bring their own state
        raise_data_version()


_last_deletion = None  # weak reference to the origin of the latest deletion


def _data_deleted(sender, origin=None, **kwargs) -> None:
    """Once per deletion, not once per row: deleting an organisation or a series removes
    hundreds or thousands of observations, each with its own signal, all with one origin."""
    global _last_deletion
    if origin is not None and _last_deletion is not None and _last_deletion() is origin:
        return
    _last_deletion = weakref.ref(origin) if origin is not None else None
    raise_data_version()


def connect_signals() -> None:
    for model in VERSIONED_MODELS:
        name = model.__name__
        post_save.connect(_data_changed, sender=model, dispatch_uid=f"data_version_save_{name}")
        post_delete.connect(_data_deleted, sender=model, dispatch_uid=f"data_version_del_{name}")
