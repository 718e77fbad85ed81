"""The second-opinion benchmark on a slice of the real corpus, and the checks the guard report runs."""

from __future__ import annotations

from benchmarks.guard_false_rejections import reason_of
from benchmarks.second_opinion import PARTS, run
from krcoach.config import Settings
from krcoach.engines.registry import build_llm_engine
from krcoach.evaluation.dataset import load_files
from krcoach.testing.scripted_server import good_proposal

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


def test_the_guard_report_runs_the_model_proposal_checks_including_the_prompt_copy_ones() -> None:
    engine = build_llm_engine(Settings(llm_base_url="http://127.0.0.1:9/v1", llm_model="unused", llm_cache="off"))
    example = "Share of volunteers active last quarter who volunteer again this quarter: from [baseline] to [target]"
    sources = ("Run 6 volunteer appreciation evenings this year", "Volunteers stay with us")

    assert engine.proposal_problems(good_proposal({}), *sources) == []
    assert any("copies an example" in p for p in engine.proposal_problems(example + " this year", *sources))
    assert (
        reason_of("the rewrite contains numbers not in the input: 48")
        == "the rewrite contains numbers not in the input"
    )
