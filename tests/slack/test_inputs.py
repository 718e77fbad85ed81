"""What people type in Slack, read as an OKR set."""

from __future__ import annotations

import pytest

from krcoach.domain.okr import OKRSet
from krcoach.slack.inputs import (
    COMMAND_HELP,
    NO_OBJECTIVE,
    SlackInputError,
    okr_set_from_command,
    okr_set_from_message,
    plain_text,
)


def outline(okr_set: OKRSet) -> list[tuple[str, list[str]]]:
    return [(o.title, [kr.text for kr in o.key_results]) for o in okr_set.objectives]


def test_kr_command_takes_the_key_result_then_the_objective_after_a_bar() -> None:
    okr_set = okr_set_from_command(" Launch the flow by 30 June |  New customers succeed without help ")

    assert outline(okr_set) == [("New customers succeed without help", ["Launch the flow by 30 June"])]


def test_kr_command_without_an_objective_says_so() -> None:
    assert outline(okr_set_from_command("Run 20 interviews")) == [(NO_OBJECTIVE, ["Run 20 interviews"])]


@pytest.mark.parametrize("text", ["", "   ", "| An Objective only"])
def test_kr_command_without_a_key_result_is_answered_with_help(text: str) -> None:
    with pytest.raises(SlackInputError) as raised:
        okr_set_from_command(text)
    assert str(raised.value) == COMMAND_HELP


def test_an_overlong_key_result_is_refused_in_one_sentence() -> None:
    with pytest.raises(SlackInputError, match="at most 1000 characters"):
        okr_set_from_command("x" * 1001)


def test_slack_escapes_and_links_become_plain_text() -> None:
    assert plain_text("Cut p95 &lt; 200 ms &amp; see <https://x.example/p|the plan>") == (
        "Cut p95 < 200 ms & see the plan"
    )


def test_a_mention_with_a_pasted_set_reads_objectives_and_slack_bullets() -> None:
    text = (
        "<@UBOT> Objective: New customers succeed without help\n"
        "• Launch the redesigned onboarding flow by 30 June\n"
        "• Increase NPS from 32 to 50\n"
        "Objective: Partners sell for us\n"
        "1. Sign 5 partners"
    )

    okr_set = okr_set_from_message(text, "UBOT")

    assert outline(okr_set) == [
        (
            "New customers succeed without help",
            ["Launch the redesigned onboarding flow by 30 June", "Increase NPS from 32 to 50"],
        ),
        ("Partners sell for us", ["Sign 5 partners"]),
    ]


def test_a_single_line_is_one_key_result_and_other_mentions_stay() -> None:
    okr_set = okr_set_from_message("<@UBOT> - Ask <@U42> to ship the API | Partners integrate", "UBOT")

    assert outline(okr_set) == [("Partners integrate", ["Ask @U42 to ship the API"])]


def test_without_knowing_the_bot_the_leading_mention_is_dropped() -> None:
    assert outline(okr_set_from_message("<@UBOT|krcoach> Run 20 interviews")) == [(NO_OBJECTIVE, ["Run 20 interviews"])]


def test_bullets_without_an_objective_are_key_results_without_one() -> None:
    okr_set = okr_set_from_message("- Run 20 interviews\n- Publish 12 posts")

    assert outline(okr_set) == [(NO_OBJECTIVE, ["Run 20 interviews", "Publish 12 posts"])]


@pytest.mark.parametrize(
    ("text", "start"),
    [
        ("<@UBOT>   ", "Write one Key Result on a line"),
        ("hello\nthere", "I could not read that set: no objectives found; start each Objective with a heading"),
        ("Objective: Customers love us\nObjective: Partners sell", "I could not read that set: no Key Results found"),
    ],
)
def test_unreadable_messages_get_one_short_explanation(text: str, start: str) -> None:
    with pytest.raises(SlackInputError) as raised:
        okr_set_from_message(text, "UBOT")
    assert str(raised.value).startswith(start)
    assert len(str(raised.value)) < 400
