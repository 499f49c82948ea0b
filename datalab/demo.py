"""Demo: the data lab holds no content of its own; it computes the map of what is loaded."""

import sys

from .semantic_map import refresh_semantic_map


def load() -> None:
    result = refresh_semantic_map(progress=sys.stderr.isatty())
    payload = result.snapshot.payload
    print(
        f"  semantic map: {len(payload['points'])} cases, {len(payload['themes'])} themes, "
        f"{result.snapshot.seconds:.2f} s"
    )
