"""What changed between two generations of an index, for processes catching up.

Each generation bump notes the page it changed (``IndexChange``); a process holding an
in-memory index at an older generation re-reads those pages only, instead of reloading
files or re-reading every Chunk row. A rebuild, or a log pruned past the process's
generation, means reload everything.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .models import IndexChange

# More changes than this since a process's generation: reloading is cheaper than the log.
MAX_GENERATIONS = 100_000


@dataclass(frozen=True)
class IndexDelta:
    pages: set[int] = field(default_factory=set)  # pages whose passages to re-read
    removed_chunk_ids: list[int] = field(default_factory=list)


def changes_since(model_id: str, generation: int, current: int) -> IndexDelta | None:
    """The delta from ``generation`` to ``current``, or None when only a reload will do."""
    if current <= generation:
        return IndexDelta()
    if current - generation > MAX_GENERATIONS:
        # Generations come from a clock when a state is created (search/generations.py): a
        # gap this wide is another state's numbering, or a log long since pruned.
        return None
    rows = list(
        IndexChange.objects.filter(
            model_id=model_id, generation__gt=generation, generation__lte=current
        ).values_list("generation", "page_id", "removed_chunk_ids")
    )
    # Every generation in (generation, current] noted, counted without building the range.
    if len({row_generation for row_generation, _, _ in rows}) != current - generation:
        return None
    if any(page_id is None for _, page_id, _ in rows):
        return None
    return IndexDelta(
        pages={page_id for _, page_id, _ in rows},
        removed_chunk_ids=[chunk_id for _, _, removed in rows for chunk_id in removed or ()],
    )
