"""The second validation of every proposal: it must be a result and may only reuse the input's numbers."""

from __future__ import annotations

from krcoach.domain.guards import echoed_example, invented_numbers, placeholders_in, proposal_problems


def test_a_number_absent_from_the_input_is_invented() -> None:
    assert invented_numbers("Increase NPS from 30 to 50", "Run 20 interviews", "NPS today is 30") == {"50"}


def test_a_number_typed_next_to_an_invisible_character_is_still_in_the_input() -> None:
    typed = "Launch the flow x\u200bQ2 2026"  # a zero-width space glues "x" to "Q2" once it is folded away

    assert invented_numbers("Share of customers activated in week 1: from [baseline] to [target] by Q2 2026",
                            typed, "week 1") == set()  # fmt: skip


def test_numbers_written_differently_are_the_same_number() -> None:
    assert invented_numbers("Reach 1,000 paying teams", "1000 paying teams by Q3") == set()


def test_number_words_count_as_numbers() -> None:
    assert invented_numbers("Share of customers rating us four or five stars", "Improve ratings") == {
        "five",
        "four",
    }
    assert invented_numbers("Hold six meetings", "six partners") == set()


def test_placeholders_are_not_numbers_and_are_listed_in_order() -> None:
    text = "Churn from [baseline] to [target] by [deadline], then [target] again"
    assert invented_numbers(text, "anything") == set()
    assert placeholders_in(text) == ["[baseline]", "[target]", "[deadline]"]


def test_a_rewrite_that_is_still_an_action_is_rejected() -> None:
    assert proposal_problems("Launch the partner portal by June", "Launch the partner portal by June") == [
        "the rewrite is still an action (milestone)"
    ]


def test_a_result_rewrite_using_only_input_numbers_passes() -> None:
    assert proposal_problems("Increase NPS from [baseline] to 50 by Q3", "Raise NPS to 50 by Q3") == []


def test_a_quarter_or_fiscal_year_absent_from_the_input_is_invented() -> None:
    assert invented_numbers("Share of deals won: from [baseline] to [target] by end of Q3", "Win more deals in Q2") == {
        "q3"
    }
    assert invented_numbers("Churn under [target] in FY27", "Cut churn in FY26") == {"fy27"}


def test_a_quarter_named_in_the_input_may_be_kept() -> None:
    assert invented_numbers("Share of deals won: from [baseline] to [target] by end of Q2", "period 2026-Q2") == set()
    assert invented_numbers("p95 latency from [baseline] to 200 ms", "Cut p95 latency to 200 ms") == set()


def test_a_proposal_that_copies_an_example_is_recognised_and_a_fresh_one_is_not() -> None:
    examples = (
        "Share of volunteers active last quarter who volunteer again this quarter: from [baseline] to [target]",
    )

    copied = (
        "Share of volunteer active last quarter who volunteer again this quarter: from [baseline] to [target] in Q2"
    )
    fresh = "Share of new customers completing onboarding without contacting support: from [baseline] to [target]"

    assert echoed_example(copied, examples) == examples[0]
    assert echoed_example(fresh, examples) is None
