"""The indexes and their generations: which indexes a page change must reach, and moving
one to its next generation with a note of what changed (``IndexChange``, read by
``changes.py``), so that every process serving it knows its copy is behind.
"""

from __future__ import annotations

import time

from django.db import transaction
from django.utils import timezone

from .encoders import Encoder, encoder_config, get_encoder
from .models import IndexChange, IndexState
from .state import announce_index_changed, forget_state

# Processes catch up on the last CHANGE_LOG_KEEP generations page by page; one further
# behind reloads everything, as after a rebuild.
CHANGE_LOG_KEEP = 5_000
CHANGE_LOG_PRUNE_EVERY = 500


def serving_states() -> list[IndexState]:
    """The indexes that page changes must reach: the served one and one being built.

    On a fresh database this creates the served index for the configured encoder.
    """
    states = list(IndexState.objects.all())
    if states:
        return states
    return [create_state(encoder_config(), IndexState.Status.ACTIVE)]


def create_state(config: dict, status: str, encoder: Encoder | None = None) -> IndexState:
    encoder = encoder or get_encoder(config)
    state, _ = IndexState.objects.get_or_create(
        model_id=encoder.model_id,
        # Generations start from the clock, so a state created anew (a model switched back,
        # a database restored) never repeats one that a process still holds in memory.
        defaults={
            "encoder": config,
            "dimension": encoder.dimension,
            "status": status,
            "generation": time.time_ns() // 1000,
        },
    )
    return state


def bump_generation(
    state: IndexState,
    page_id: int | None,
    removed_chunk_ids: list[int] | None = None,
    *,
    announce: bool = True,
) -> int:
    """Move the index to its next generation, noting which page changed (None: all)."""
    locked = IndexState.objects.select_for_update().get(pk=state.pk)
    locked.generation += 1
    locked.save(update_fields=["generation", "updated"])
    state.generation = locked.generation
    IndexChange.objects.create(
        model_id=state.model_id,
        generation=locked.generation,
        page_id=page_id,
        removed_chunk_ids=removed_chunk_ids or [],
    )
    if locked.generation % CHANGE_LOG_PRUNE_EVERY == 0:
        IndexChange.objects.filter(
            model_id=state.model_id, generation__lte=locked.generation - CHANGE_LOG_KEEP
        ).delete()
    forget_state()  # this process must not serve the previous generation for a second
    if announce:
        transaction.on_commit(lambda: announce_index_changed(state))
    return locked.generation


def lag_behind(state: IndexState, served: int | None) -> tuple[int | None, float | None]:
    """How far a copy of the index at generation ``served`` (a process's, a node's file) is
    behind ``state``: in generations, and in seconds since the first change it lacks (None
    when not known: nothing served, or the change log pruned)."""
    if served is None:
        return None, None
    generations = max(0, state.generation - served)
    if not generations:
        return 0, 0.0
    first_missed = (
        IndexChange.objects.filter(model_id=state.model_id, generation__gt=served)
        .order_by("generation")
        .values_list("created", flat=True)
        .first()
    )
    if first_missed is None:
        return generations, None
    return generations, round((timezone.now() - first_missed).total_seconds(), 3)
