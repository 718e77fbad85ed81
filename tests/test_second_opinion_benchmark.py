"""The second-opinion benchmark's arithmetic, on a slice of the real corpus against its scripted model."""

from __future__ import annotations

from benchmarks.second_opinion import PARTS, run
from krcoach.evaluation.dataset import load_files

CASES = load_files([PARTS["test"]])[:40]


def test_a_model_that_is_always_right_disagrees_exactly_where_the_rules_are_wrong() -> None:
    figures = run(CASES, accuracy=1.0, seed=0, concurrency=4)

    assert figures.calls == figures.requests == figures.objectives and figures.reasks == 0
    assert figures.with_opinion == figures.rows == len(CASES)
    assert (figures.rules_right, figures.model_right) == (0, figures.disagreeing)
    assert figures.agreeing / figures.rows == figures.accuracy_rules
    assert figures.review == figures.review_really_action


def test_a_model_that_is_always_wrong_agrees_exactly_where_the_rules_are_wrong() -> None:
    figures = run(CASES, accuracy=0.0, seed=0, concurrency=4)

    assert figures.accuracy_model == 0.0
    assert figures.disagreeing / figures.rows == figures.accuracy_rules
    assert (figures.rules_right, figures.model_right) == (figures.disagreeing, 0)
