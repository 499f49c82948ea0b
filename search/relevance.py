"""Which matches are relevant to one query, decided on that query's own scale.

multilingual-e5-small's cosines sit in a compressed band whose height moves with the query:
short and English queries score lower against Swedish and Danish passages than long ones,
so one absolute floor either drops their answers or lets nonsense through. The decision
here looks at each query's scores in two ways:

* absolutely: a page scoring ``FLOOR`` or more is relevant whatever else it scores;
* against the query's own background: a page scoring at least ``LOW_FLOOR`` is relevant
  when it stands out from the pages ranked 10–40 for the same query by ``STANDOUT`` of
  their standard deviations. A real answer to a short query stands out from the rest
  of the corpus even when its cosine is low; nonsense is close to everything alike;

and then ends the list where relevance ends: nothing more than ``GAP`` below the best
relevant page. Once a query has a relevant page, the pages close behind it need a little
less evidence (``FOLLOW_STANDOUT``): a Danish translation of the Swedish answer often
stands out slightly less than the answer itself. Words count too: a page holding every word of the query (``keywords``)
is relevant by words.

Chosen side by side on bench/short_queries.json, bench/offtopic_queries.json and
bench/demo_queries.json, fitted on the even-numbered queries and reported on the
odd-numbered ones (``bench/bench_relevance.py``); the figures are in the README.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
from django.utils.translation import gettext_lazy as _
from numpy.typing import NDArray

from .conf import search_setting

# Ranks (0-based, by page) that make a query's background: past the answers, still
# drawn from the same corpus.
BACKGROUND_RANKS = slice(10, 40)
MIN_BACKGROUND = 10  # fewer background pages than this: the absolute floor alone decides


class Relevance(StrEnum):
    STRONG = "strong"
    GOOD = "good"
    WEAK = "weak"

    @property
    def label(self) -> str:
        return str(RELEVANCE_LABELS[self])


RELEVANCE_LABELS = {
    Relevance.STRONG: _("Strong match"),
    Relevance.GOOD: _("Good match"),
    Relevance.WEAK: _("Weak match"),
}


@dataclass(frozen=True)
class Calibration:
    floor: float  # relevant at or above, whatever the background
    low_floor: float  # below this never relevant
    standout: float  # standard deviations above the background that make a page relevant
    follow_standout: float  # the same, for pages within the gap behind a relevant one
    gap: float  # the list ends this far below its best relevant page
    strong: float  # scores at or above are strong matches (when near the best)
    good: float  # scores at or above are good matches; weak below


def query_calibration() -> Calibration:
    return Calibration(
        floor=float(search_setting("SEMANTIC_FLOOR")),
        low_floor=float(search_setting("SEMANTIC_LOW_FLOOR")),
        standout=float(search_setting("SEMANTIC_STANDOUT")),
        follow_standout=float(search_setting("SEMANTIC_FOLLOW_STANDOUT")),
        gap=float(search_setting("SEMANTIC_GAP")),
        strong=float(search_setting("SEMANTIC_STRONG")),
        good=float(search_setting("SEMANTIC_FLOOR")),
    )


def similar_calibration() -> Calibration:
    """Page-to-page similarity (centred page vectors) is on another scale: on the demo,
    unrelated pairs score about 0 (90th percentile 0.11) and cases on one subject
    0.2–0.55 across languages. The floor alone decides; the gap ends the list."""
    floor = float(search_setting("SIMILAR_FLOOR"))
    return Calibration(
        floor=floor,
        low_floor=floor,
        standout=float("inf"),
        follow_standout=float("inf"),
        gap=float(search_setting("SIMILAR_GAP")),
        strong=SIMILAR_STRONG,
        good=SIMILAR_GOOD,
    )


SIMILAR_STRONG = 0.40  # same initiative in another agency or language, on the demo
SIMILAR_GOOD = 0.25


@dataclass(frozen=True)
class Decision:
    """The relevant items of one ranking, best first, each with its label."""

    relevant: dict[int, Relevance]

    def __contains__(self, item: int) -> bool:
        return item in self.relevant


def background_of(scores: Sequence[float]) -> NDArray[np.float64]:
    """The background of a ranking's scores (best first): the ranks past the answers."""
    return np.asarray(scores[BACKGROUND_RANKS], dtype=np.float64)


def decide(
    ranking: Sequence[tuple[int, float]],
    calibration: Calibration,
    background: NDArray[np.float64] | None = None,
) -> Decision:
    """Relevant items of ``ranking`` (item, score), which is sorted best first.

    ``background`` is the query's background when ``ranking`` is a selection (the pages a
    visitor may see, in the languages they filtered for): the query's standing against the
    whole corpus does not change with what the visitor asked to see, but the list ends
    relative to the best page they are shown, so a Swedish near-copy of the query outside
    their Danish filter does not set the bar for the Danish answers.
    """
    if not ranking:
        return Decision({})
    scores = np.fromiter((score for _item, score in ranking), dtype=np.float64)
    if background is None:
        background = background_of(scores)
    if len(background) >= MIN_BACKGROUND and background.std() > 0:
        standout = (scores - background.mean()) / background.std()
    else:
        standout = np.zeros_like(scores)

    def passes(row: int, standout_needed: float) -> bool:
        score = scores[row]
        return score >= calibration.floor or (
            score >= calibration.low_floor and standout[row] >= standout_needed
        )

    first = next((row for row in range(len(scores)) if passes(row, calibration.standout)), None)
    if first is None:
        return Decision({})
    best = scores[first]
    labels = {}
    for row in range(first, len(scores)):
        if scores[row] < best - calibration.gap:
            break  # sorted: everything after is further below
        if row == first or passes(row, calibration.follow_standout):
            labels[ranking[row][0]] = _label(scores[row], best, standout[row], calibration)
    return Decision(labels)


def _label(score: float, best: float, standout: float, calibration: Calibration) -> Relevance:
    near_best = score >= best - calibration.gap / 2
    if near_best and (score >= calibration.strong or standout >= 1.5 * calibration.standout):
        return Relevance.STRONG
    if score >= calibration.good or standout >= calibration.standout:
        return Relevance.GOOD
    return Relevance.WEAK


def keyword_relevance(coverage: float) -> Relevance | None:
    """A page holding every word of the query is relevant by words; some words are not
    enough (measured: partial matches pad lists and answer nonsense made of common words)."""
    return Relevance.GOOD if coverage >= FULL_COVERAGE else None


# Coverage is a share of the query's word weight; float sums may fall a hair short of 1.
FULL_COVERAGE = 0.999
