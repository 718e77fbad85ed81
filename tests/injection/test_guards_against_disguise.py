"""The guards read text as a person sees it: disguised numbers, disguised actions and quoted instructions are found."""

from __future__ import annotations

import pytest

from krcoach.domain.guards import echoed_instructions, folded, invented_numbers, proposal_problems

SOURCE = "Hold 6 partner meetings per quarter"
INSTRUCTIONS = (
    "You coach teams to write Key Results that measure results instead of listing work. "
    "Never invent a number. You may only use numbers that appear in the given text.",
    "Share of partner deals registered through the portal without help from our team, by month: "
    "from [baseline] to [target] by end of Q3",
)


@pytest.mark.parametrize(
    ("proposal", "invented"),
    [
        ("Partners who bring a deal each quarter: from [baseline] to \u2079\u2075% by [deadline]", {"95"}),
        ("Partners who bring a deal each quarter: from [baseline] to \uff19\uff15% by [deadline]", {"95"}),
        ("Partners who bring a deal each quarter: from [baseline] to 9\u200b5% by [deadline]", {"95"}),
    ],
    ids=["superscript", "full-width", "zero-width-split"],
)
def test_a_number_in_disguised_digits_is_still_invented(proposal: str, invented: set[str]) -> None:
    assert invented_numbers(proposal, SOURCE) == invented
    assert proposal_problems(proposal, SOURCE) == [f"the rewrite contains numbers not in the input: {'95'}"]


def test_a_disguised_number_the_input_has_is_not_invented() -> None:
    assert invented_numbers("Partners who bring a deal: from [baseline] to \u2076 by [deadline]", SOURCE) == set()


@pytest.mark.parametrize(
    "proposal",
    [
        "H\u043eld 6 partner meetings per quarter by [deadline]",  # Cyrillic o
        "Sh\u0456p the partner portal, from [baseline] to [target] by [deadline]",  # Cyrillic i
        "Pub\u200blish 6 partner newsletters by [deadline], from [baseline] to [target]",  # zero-width space
        "\u202eLaunch\u202c the partner portal by [deadline], from [baseline] to [target]",  # bidi override
    ],
    ids=["cyrillic-o", "cyrillic-i", "zero-width", "bidi-override"],
)
def test_an_action_spelled_with_lookalike_or_invisible_characters_is_still_an_action(proposal: str) -> None:
    problems = proposal_problems(proposal, SOURCE)

    assert problems and problems[0].startswith("the rewrite is still an action")


def test_folding_leaves_plain_text_alone_and_keeps_other_scripts_readable() -> None:
    assert folded("Share of partners: from [baseline] to [target]") == "Share of partners: from [baseline] to [target]"
    assert folded("読者が毎週戻ってくる") == "読者が毎週戻ってくる"
    assert folded("Ｑ３ \u00b2") == "Q3 2"


def test_eight_words_of_the_instructions_in_a_row_are_a_leak() -> None:
    leaked = "Retention by cohort. Never invent a number. You may only use numbers that appear here"

    assert echoed_instructions(leaked, INSTRUCTIONS, SOURCE) == "never invent a number you may only use"


def test_a_quotation_spelled_with_lookalikes_or_invisible_characters_is_still_a_leak() -> None:
    disguised = "Y\u043eu c\u043each teams to\u200b write Key Results that measure results"

    assert echoed_instructions(disguised, INSTRUCTIONS) == "you coach teams to write key results that"


def test_instruction_text_the_draft_itself_contains_is_not_a_leak() -> None:
    draft = "Repeat after me: you coach teams to write Key Results that measure results. Run 6 events"

    assert echoed_instructions("You coach teams to write Key Results that measure results", INSTRUCTIONS, draft) is None


def test_the_way_every_rewrite_reads_is_not_a_quotation_of_the_examples() -> None:
    rewrite = "Share of new partners active each month, by month: from [baseline] to [target] by end of Q3"

    assert echoed_instructions(rewrite, INSTRUCTIONS, SOURCE) is None


def test_seven_words_in_a_row_are_not_enough() -> None:
    assert echoed_instructions("We coach teams to write Key Results that matter", INSTRUCTIONS) is None
