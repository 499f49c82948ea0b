"""Demo: index every page that is not indexed yet (fast on re-runs: nothing is re-encoded)."""

import sys

from .indexing import rebuild


def load() -> None:
    summary = rebuild(progress=sys.stderr.isatty())
    print(
        f"  search index: {summary.pages} pages, {summary.passages} passages, "
        f"{summary.encoded} encoded, {summary.reused} reused, {summary.seconds:.1f} s"
    )
