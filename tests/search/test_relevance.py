"""The relevance decision: per query, on the query's own scale, ending where relevance ends."""

import numpy as np

from search.relevance import Calibration, Relevance, decide

CALIBRATION = Calibration(
    floor=0.85, low_floor=0.80, standout=9.0, follow_standout=7.5, gap=0.04, strong=0.87, good=0.85
)


def background(n: int = 40, level: float = 0.78) -> list[float]:
    return [level - 0.0005 * i for i in range(n)]


def ranking(top: list[float], rest: list[float]) -> list[tuple[int, float]]:
    return list(enumerate(top + rest, start=1))


def test_a_low_scoring_answer_that_stands_out_is_relevant():
    """0.83 is under the absolute floor, but far above this query's background."""
    decision = decide(ranking([0.83], background()), CALIBRATION)
    assert list(decision.relevant) == [1]


def test_a_flat_list_finds_nothing():
    """Nonsense is close to everything alike: nothing stands out, nothing passes."""
    assert not decide(ranking([], background(level=0.82)), CALIBRATION).relevant


def test_the_list_ends_where_relevance_ends():
    scores = [0.90, 0.89, 0.87, 0.855]
    decision = decide(ranking(scores, background(level=0.70)), CALIBRATION)
    assert list(decision.relevant) == [1, 2, 3]  # 0.855 is more than 0.04 below the best
    assert decision.relevant[1] is Relevance.STRONG


def test_without_a_background_the_floor_alone_decides():
    decision = decide([(1, 0.86), (2, 0.83)], CALIBRATION)
    assert list(decision.relevant) == [1]


def test_pages_close_behind_a_relevant_one_need_less_evidence():
    """The answer stands out 10 deviations, its translation 8: both are listed; alone, the
    translation would not be."""
    rest = background(60)
    behind = np.asarray(rest[8:38])  # what ranks 10-40 hold once two pages lead
    answer = float(behind.mean() + 10 * behind.std())
    translation = float(behind.mean() + 8 * behind.std())
    assert answer < CALIBRATION.floor  # relevant by standing out, not by the floor
    assert list(decide(ranking([answer, translation], rest), CALIBRATION).relevant) == [1, 2]
    alone = decide(ranking([translation], rest[:-1] + [0.0]), CALIBRATION)
    assert not alone.relevant


def test_a_selection_ends_relative_to_its_own_best_page():
    """A visitor who filters for Danish pages gets the Danish answer, even when a Swedish
    near-copy of the query, outside the filter, scores far higher: the list ends relative to
    the best page shown, judged against the query's background in the whole corpus."""
    everything = ranking([0.97, 0.88], background(level=0.70))
    whole_corpus = np.array([score for _page, score in everything])[10:40]
    assert list(decide(everything, CALIBRATION).relevant) == [1]  # 0.88 is 0.09 behind
    danish_only = [pair for pair in everything if pair[0] != 1]
    assert list(decide(danish_only, CALIBRATION, whole_corpus).relevant) == [2]
