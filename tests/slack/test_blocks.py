"""The Block Kit builder: what people read, and Slack's limits kept for sets of any size."""

from __future__ import annotations

import json
from typing import Any

import pytest

from krcoach.coach import Coach
from krcoach.domain.analysis import SetAnalysis
from krcoach.domain.okr import KeyResult, Objective, OKRSet
from krcoach.slack.blocks import (
    MAX_BLOCKS,
    MAX_SECTION_CHARS,
    SHOW_OKRA,
    clip,
    coaching_message,
    highlight,
    okra_message,
    rewrite_chosen_message,
)
from krcoach.slack.choices import message_with_choice
from krcoach.slack.inputs import okr_set_from_command
from krcoach.slack.values import (
    MAX_VALUE_CHARS,
    ButtonValueError,
    ChosenRewrite,
    decode_okra,
    decode_rewrite,
    encode_okra,
    encode_rewrite,
)

EXAMPLE = "Launch the redesigned onboarding flow by 30 June | New customers succeed without help"


def analyse(okr_set: OKRSet) -> SetAnalysis:
    return Coach().analyze_now(okr_set)


def texts(blocks: list[dict[str, Any]]) -> list[str]:
    """The text of every section, context and header, in order."""
    found = []
    for block in blocks:
        if "text" in block:
            found.append(block["text"]["text"])
        found.extend(e["text"] for e in block.get("elements", []) if e.get("type") in {"mrkdwn", "plain_text"})
    return found


def every_button(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    elements = [e for b in blocks for e in [b.get("accessory"), *b.get("elements", [])] if e]
    return [e for e in elements if e["type"] == "button"]


def large_set(objectives: int = 15, per_objective: int = 6) -> OKRSet:
    """A set far over one message: long action-based Key Results."""
    padding = " across every region, every product line and every customer segment we serve today" * 3
    return OKRSet(
        objectives=[
            Objective(
                id="",
                title=f"Launch the new partner programme number {o}",
                key_results=[
                    KeyResult(id="", text=f"Run {k + 10} partner workshops by end of Q{k % 4 + 1}{padding}")
                    for k in range(per_objective)
                ],
                actions=[f"Hire partner manager {o}"],
            )
            for o in range(objectives)
        ]
    )


@pytest.fixture(scope="module")
def example() -> SetAnalysis:
    return analyse(okr_set_from_command(EXAMPLE))


def test_an_action_based_key_result_is_diagnosed_in_plain_words_with_the_reason(example: SetAnalysis) -> None:
    diagnosis = texts(coaching_message(example).blocks)[1]

    assert diagnosis.startswith(":warning: *Action-based*: a milestone.")
    assert "• It says whether something gets delivered, not whether delivering it made a difference." in diagnosis
    assert "*Fix:* Ask what you would see changing over time if it worked" in diagnosis


def test_a_result_based_key_result_is_called_result_based() -> None:
    analysis = analyse(okr_set_from_command("Increase NPS from 32 to 50 by end of Q3 | Customers love us"))

    message = coaching_message(analysis)

    assert ":white_check_mark: *Result-based*: it measures a change." in texts(message.blocks)[1]
    assert [b["text"]["text"] for b in every_button(message.blocks)] == ["Show the OKRA set"]


def test_placeholders_in_proposals_are_highlighted_as_code(example: SetAnalysis) -> None:
    rewrites = [t for t in texts(coaching_message(example).blocks) if t.startswith("*Rewrite")]

    assert len(rewrites) == 2
    assert all("from `[baseline]` to `[target]` by 30 June" in rewrite for rewrite in rewrites)


def test_each_proposal_has_a_use_this_rewrite_button_carrying_it(example: SetAnalysis) -> None:
    proposals = example.key_results()[0].proposals
    buttons = [b for b in every_button(coaching_message(example).blocks) if b["text"]["text"] == "Use this rewrite"]

    carried = [decode_rewrite(b["value"]) for b in buttons]
    assert [c.text for c in carried] == [p.text for p in proposals]
    assert {c.original for c in carried} == {"Launch the redesigned onboarding flow by 30 June"}
    assert len({b["action_id"] for b in buttons}) == len(buttons)


def test_the_okra_button_carries_the_okra_view(example: SetAnalysis) -> None:
    okra_button = every_button(coaching_message(example).blocks)[-1]

    assert okra_button["action_id"] == SHOW_OKRA
    assert decode_okra(okra_button["value"]).objectives == example.okra


def test_the_actions_kept_and_the_engine_are_named(example: SetAnalysis) -> None:
    shown = "\n".join(texts(coaching_message(example).blocks))

    assert "*Actions kept (OKRA)*" in shown
    assert "• Launch the redesigned onboarding flow by 30 June" in shown
    assert "Answered by the `rules` engine" in shown


def test_people_s_text_cannot_inject_slack_markup() -> None:
    text = "Ship <!channel> & <https://evil.example|docs> by Friday"
    analysis = analyse(OKRSet(objectives=[Objective(id="", title="Growth", key_results=[KeyResult(id="", text=text)])]))

    shown = "\n".join(texts(coaching_message(analysis).blocks))

    assert "&lt;!channel&gt; &amp; &lt;https://evil.example|docs&gt;" in shown
    assert "<!channel>" not in shown


def test_a_large_set_stays_within_slack_limits_and_says_what_was_cut() -> None:
    analysis = analyse(large_set())

    message = coaching_message(analysis)

    assert len(message.blocks) <= MAX_BLOCKS
    assert all(len(text) <= MAX_SECTION_CHARS for text in texts(message.blocks))
    assert all(len(button["value"]) <= MAX_VALUE_CHARS for button in every_button(message.blocks))
    shown = sum(1 for text in texts(message.blocks) if text.startswith("*O") and ".KR" in text.split()[0])
    assert 0 < shown < 90
    assert f"{90 - shown} more Key Results did not fit in one Slack message." in "\n".join(texts(message.blocks))


def test_a_large_okra_view_is_cut_to_fit_a_button_and_counts_what_it_left_out() -> None:
    analysis = analyse(large_set())
    total = sum(len(o.key_results) + len(o.actions) for o in analysis.okra)

    value = encode_okra(analysis.okra)
    snapshot = decode_okra(value)

    assert len(value) <= MAX_VALUE_CHARS
    kept = sum(len(o.key_results) + len(o.actions) for o in snapshot.objectives)
    assert kept > 0 and kept + snapshot.omitted == total
    view = okra_message(snapshot)
    assert len(view.blocks) <= MAX_BLOCKS
    assert texts(view.blocks)[-1] == f"{snapshot.omitted} more Key Results and Actions did not fit in Slack."


def test_a_medium_okra_view_is_compressed_rather_than_cut() -> None:
    analysis = analyse(large_set(objectives=2, per_objective=4))
    assert len(json.dumps(analysis.model_dump(mode="json")["okra"])) > MAX_VALUE_CHARS

    snapshot = decode_okra(encode_okra(analysis.okra))

    assert snapshot.omitted == 0
    assert snapshot.objectives == analysis.okra


def test_the_okra_message_lists_key_results_with_placeholders_and_the_actions_that_move_them(
    example: SetAnalysis,
) -> None:
    view = okra_message(decode_okra(encode_okra(example.okra)))

    objective = texts(view.blocks)[1]
    assert objective.startswith("*Objective:* New customers succeed without help\n*Key Results*\n• ")
    assert "from `[baseline]` to `[target]` by 30 June _(rewrite)_" in objective
    assert objective.endswith("*Actions*\n• Launch the redesigned onboarding flow by 30 June → moves O1.KR1")


def test_the_chosen_rewrite_message_shows_the_rewrite_its_blanks_and_the_action_kept() -> None:
    choice = ChosenRewrite(
        key_result_id="O1.KR1",
        original="Launch the redesigned onboarding flow by 30 June",
        text="Share of new customers onboarding alone: from [baseline] to [target] by 30 June",
        placeholders=["[baseline]", "[target]"],
    )

    shown = texts(rewrite_chosen_message(choice).blocks)

    assert shown[0].endswith(">Share of new customers onboarding alone: from `[baseline]` to `[target]` by 30 June")
    assert shown[1].startswith("Fill in `[baseline]`, `[target]` with your own numbers")
    assert shown[2].startswith("*Action kept:* Launch the redesigned onboarding flow by 30 June")


def test_choosing_a_rewrite_in_a_set_review_keeps_the_others_and_updates_the_okra_button() -> None:
    okr_set = OKRSet(
        objectives=[
            Objective(
                id="",
                title="New customers succeed without help",
                key_results=[
                    KeyResult(id="", text="Launch the redesigned onboarding flow by 30 June"),
                    KeyResult(id="", text="Publish 12 help-centre articles"),
                ],
            )
        ]
    )
    review = coaching_message(analyse(okr_set))
    second = [b for b in every_button(review.blocks) if b["action_id"].startswith("use_rewrite:O1.KR1:")][1]
    choice = decode_rewrite(second["value"])

    after = message_with_choice(review.blocks, choice)

    shown = "\n".join(texts(after.blocks))
    assert "Publish 12 help-centre articles" in shown
    assert any(b["action_id"].startswith("use_rewrite:O1.KR2:") for b in every_button(after.blocks))
    assert not any(b["action_id"].startswith("use_rewrite:O1.KR1:") for b in every_button(after.blocks))
    assert f":white_check_mark: *Chosen rewrite:* {highlight(choice.text, choice.placeholders)}" in shown
    okra = decode_okra(every_button(after.blocks)[-1]["value"])
    assert okra.objectives[0].key_results[0].text == choice.text


def test_a_rewrite_value_shortens_the_original_before_giving_up() -> None:
    long_original = "Launch the flow " * 200
    choice = ChosenRewrite(key_result_id="O1.KR1", original=long_original, text="Share from [baseline] to [target]")

    value = encode_rewrite(choice)

    assert value is not None and len(value) <= MAX_VALUE_CHARS
    assert decode_rewrite(value).original.endswith("…")
    assert encode_rewrite(choice.model_copy(update={"text": "x" * MAX_VALUE_CHARS})) is None


def test_a_button_value_from_elsewhere_is_refused() -> None:
    with pytest.raises(ButtonValueError):
        decode_okra("z:not-base64-zlib!")
    with pytest.raises(ButtonValueError):
        decode_rewrite('{"unexpected": true}')


def test_clip_never_cuts_inside_an_escape() -> None:
    assert clip("a &amp; b", 5) == "a …"
    assert clip("short", 5) == "short"
