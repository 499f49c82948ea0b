"""Search tunables, each declared once with its default, type and reason.

Read from one settings dict, as Wagtail reads ``WAGTAILSEARCH_BACKENDS``::

    ERFA_SEARCH = {"SEMANTIC_FLOOR": 0.80, "STATE_TTL": 0}

Every key is optional; ``search.checks`` reports unknown keys and values of the wrong type.
Which encoder embeds text is ``ERFA_ENCODER`` (see ``search.encoders``), and where the index
files live ``ERFA_INDEX_DIR``: those are deployment choices, not tunables.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

SETTINGS_NAME = "ERFA_SEARCH"


@dataclass(frozen=True)
class Tunable:
    default: int | float
    type: type[int] | type[float]
    reason: str


TUNABLES: dict[str, Tunable] = {
    # The relevance decision (search/relevance.py), chosen on bench/short_queries.json,
    # bench/offtopic_queries.json and bench/demo_queries.json (bench/bench_relevance.py).
    "SEMANTIC_FLOOR": Tunable(
        0.85,
        float,
        "cosine at which a page found by meaning is relevant whatever the query's background",
    ),
    "SEMANTIC_LOW_FLOOR": Tunable(
        0.80,
        float,
        "cosine below which a page is never relevant by meaning; nonsense peaks at 0.76-0.85",
    ),
    "SEMANTIC_STANDOUT": Tunable(
        9.0,
        float,
        "standard deviations above the query's background (pages ranked 10-40) that make a "
        "page between the two floors relevant: short and English queries' answers stand out",
    ),
    "SEMANTIC_FOLLOW_STANDOUT": Tunable(
        7.5,
        float,
        "the same, for pages within the gap behind a relevant page (a translation of the "
        "answer stands out a little less than the answer)",
    ),
    "SEMANTIC_GAP": Tunable(
        0.04,
        float,
        "a result list ends this far (in cosine) below its best page, where relevance ends",
    ),
    "SEMANTIC_STRONG": Tunable(
        0.87, float, "cosine from which a page near the best is labelled a strong match"
    ),
    "SIMILAR_GAP": Tunable(
        0.25, float, "similar initiatives end this far below the most similar page"
    ),
    "KEYWORD_TOP_N": Tunable(
        200, int, "pages the keyword side hands to fusion, best first (a bounded set)"
    ),
    "CANDIDATE_LIMIT": Tunable(
        3200,
        int,
        "at most this many nearest passages (and keyword pages) are fetched when filters or "
        "visibility leave a page of results short; past it the total is a lower bound",
    ),
    "SEMANTIC_K": Tunable(
        200,
        int,
        "nearest chunks fetched per query: enough for several passages of each of the best "
        "pages once they are grouped by page",
    ),
    "SIMILAR_FLOOR": Tunable(
        0.15,
        float,
        "cosine of centred page vectors below which a case is not shown as similar",
    ),
    "EXACT_LIMIT": Tunable(
        20_000,
        int,
        "vectors searched exactly (flat inner product); above it the index is HNSW, since an "
        "exact search would no longer fit a query's time budget",
    ),
    "STATE_TTL": Tunable(
        1.0,
        float,
        "seconds a process trusts the served index generation it read, so a query does not "
        "read it from the database every time (tests set 0 to see changes at once)",
    ),
}

# Read by earlier versions as separate settings; search.checks says where each went.
FORMER_SETTINGS = {
    "ERFA_SEARCH_SEMANTIC_FLOOR": "SEMANTIC_FLOOR",
    "ERFA_SEARCH_SEMANTIC_K": "SEMANTIC_K",
    "ERFA_SIMILAR_FLOOR": "SIMILAR_FLOOR",
    "ERFA_SEARCH_EXACT_LIMIT": "EXACT_LIMIT",
    "ERFA_SEARCH_STATE_TTL": "STATE_TTL",
}


def search_setting(name: str) -> int | float:
    """The value of the tunable ``name`` (a key of ``TUNABLES``; any other name is a KeyError).

    Read on every call, so a test's settings override applies at once.
    """
    tunable = TUNABLES[name]
    configured = getattr(settings, SETTINGS_NAME, None) or {}
    return tunable.type(configured.get(name, tunable.default))


def setting_problems() -> list[str]:
    """What is wrong with ``settings.ERFA_SEARCH``, one sentence per problem (empty if nothing)."""
    configured = getattr(settings, SETTINGS_NAME, None)
    if configured is None:
        return []
    if not isinstance(configured, dict):
        return [f"{SETTINGS_NAME} must be a dict, not {type(configured).__name__}."]
    problems = []
    for name, value in configured.items():
        tunable = TUNABLES.get(name)
        if tunable is None:
            problems.append(
                f"{SETTINGS_NAME} has an unknown key {name!r}; known keys: "
                f"{', '.join(sorted(TUNABLES))}."
            )
        elif not _fits(value, tunable.type):
            expected = "a number" if tunable.type is float else "an integer"
            problems.append(
                f"{SETTINGS_NAME}[{name!r}] must be {expected}, not {value!r} "
                f"({type(value).__name__})."
            )
    return problems


def _fits(value: object, expected: type) -> bool:
    if isinstance(value, bool):  # bool is an int to Python, never a count or a cosine here
        return False
    if expected is float:
        return isinstance(value, int | float)
    return isinstance(value, int)
