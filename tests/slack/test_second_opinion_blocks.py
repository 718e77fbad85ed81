"""The model's second opinion in the coaching message: a context line where it disagrees, a review mark."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from krcoach.coach import Coach
from krcoach.domain.analysis import Label, SetAnalysis
from krcoach.domain.okr import KeyResult, Objective, OKRSet
from krcoach.engines.base import EngineInfo, ModelLabel, ObjectiveBrief, ObjectiveRewrite
from krcoach.engines.rules import RulesEngine
from krcoach.slack.blocks import MAX_BLOCKS, coaching_message, key_result_block_id
from krcoach.slack.choices import message_with_choice
from krcoach.slack.values import decode_rewrite

LAUNCH = "Launch the redesigned onboarding flow by 30 June"
NPS = "Increase NPS from 32 to 50 by end of Q3"
CHURN = "Reduce monthly churn from 4% to 3% by end of Q3"
SAYS_ACTION = "Raising a survey score is what the team works on, not a change customers make."
SAYS_RESULT = "Customers using the new flow is the change it is meant to bring."


@dataclass
class OpinionatedEngine:
    """The rules' proposals under a model's name, with this model's label for every Key Result."""

    says: dict[str, tuple[Label, str]] = field(default_factory=dict)
    rules: RulesEngine = field(default_factory=RulesEngine)

    @property
    def name(self) -> str:
        """A model engine's kind of name."""
        return "llm:opinionated"

    @property
    def info(self) -> EngineInfo:
        """No model behind it."""
        return EngineInfo(model="opinionated")

    async def rewrite(self, objective: ObjectiveBrief) -> ObjectiveRewrite:
        """The rules' answer, and a label per Key Result: the scripted one, else the rules' own."""
        answer = await self.rules.rewrite(objective)
        for brief in objective.labelled:
            label, reason = self.says.get(brief.text, (brief.diagnosis.label, "Read the same way as the rules."))
            answer.labels[brief.id] = ModelLabel(label, reason)
        return answer


def analyse(texts: list[str], says: dict[str, tuple[Label, str]] | None = None) -> SetAnalysis:
    key_results = [KeyResult(id="", text=text) for text in texts]
    okr_set = OKRSet(objectives=[Objective(id="", title="New customers succeed without help", key_results=key_results)])
    return Coach(OpinionatedEngine(says or {})).analyze_now(okr_set)


def by_id(blocks: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {block["block_id"]: block for block in blocks if "block_id" in block}


def context_text(block: dict[str, Any]) -> str:
    assert block["type"] == "context"
    return str(block["elements"][0]["text"])


@pytest.fixture(scope="module")
def disputed() -> SetAnalysis:
    """The model calls the NPS Key Result an action and the launch a result; it agrees on churn."""
    return analyse(
        [LAUNCH, NPS, CHURN],
        {NPS: (Label.ACTION, SAYS_ACTION), LAUNCH: (Label.RESULT, SAYS_RESULT)},
    )


def test_a_key_result_the_rules_found_fine_but_the_model_calls_an_action_is_marked_for_review(
    disputed: SetAnalysis,
) -> None:
    blocks = by_id(coaching_message(disputed).blocks)

    line = context_text(blocks[key_result_block_id("O1.KR2", "opinion")])
    assert line.startswith(":mag: *Review:* :speech_balloon: *Second opinion* (`opinionated`)")
    assert f"the model reads it as an *action*: {SAYS_ACTION}" in line
    assert "The rules read it as a *result* (performance measure): it measures a change" in line
    assert "*review it*: if it says whether work was done, move it to the Actions" in line


def test_a_model_reading_an_action_as_a_result_shows_both_reasons_without_a_review_mark(
    disputed: SetAnalysis,
) -> None:
    blocks = by_id(coaching_message(disputed).blocks)

    line = context_text(blocks[key_result_block_id("O1.KR1", "opinion")])
    assert line.startswith(":speech_balloon: *Second opinion* (`opinionated`)")
    assert f"the model reads it as a *result*: {SAYS_RESULT}" in line
    assert "The rules read it as an *action* (milestone): It says whether something gets delivered" in line
    assert "Review" not in line and "review it" not in line
    assert line.endswith("The rules' verdict decides the OKRA set.")


def test_the_opinion_sits_right_under_its_diagnosis_and_agreement_adds_nothing(disputed: SetAnalysis) -> None:
    ids = [block.get("block_id") for block in coaching_message(disputed).blocks]

    for kr in ("O1.KR1", "O1.KR2"):
        diagnosis = ids.index(key_result_block_id(kr, "diagnosis"))
        assert ids[diagnosis + 1] == key_result_block_id(kr, "opinion")
    assert key_result_block_id("O1.KR3", "opinion") not in ids  # the model agrees on churn
    assert disputed.key_results()[2].second_opinion is not None


def test_the_set_summary_counts_the_disagreements_and_the_reviews(disputed: SetAnalysis) -> None:
    counts = coaching_message(disputed).blocks[1]["text"]["text"]

    assert counts.endswith(
        "\nThe model reads 2 differently (1 marked for review); the rules' verdict decides the OKRA set."
    )


def test_a_single_key_result_gets_the_line_too() -> None:
    analysis = analyse([NPS], {NPS: (Label.ACTION, SAYS_ACTION)})

    blocks = coaching_message(analysis).blocks

    assert blocks[1]["block_id"] == key_result_block_id("O1.KR1", "diagnosis")
    assert blocks[2]["block_id"] == key_result_block_id("O1.KR1", "opinion")
    assert context_text(blocks[2]).startswith(":mag: *Review:*")


def test_without_a_second_opinion_the_message_is_unchanged(disputed: SetAnalysis) -> None:
    plain = disputed.model_copy(deep=True)
    for kr in plain.key_results():
        kr.second_opinion = None
    agreeing = analyse([LAUNCH, NPS, CHURN])
    offline = Coach().analyze_now(
        OKRSet(
            objectives=[
                Objective(
                    id="",
                    title="New customers succeed without help",
                    key_results=[KeyResult(id="", text=t) for t in (LAUNCH, NPS, CHURN)],
                )
            ]
        )
    )

    for analysis in (plain, agreeing, offline):
        message = coaching_message(analysis)
        assert not any(str(b.get("block_id", "")).endswith("|opinion") for b in message.blocks)
        assert "model reads" not in message.blocks[1]["text"]["text"]
        assert "Second opinion" not in str(message.blocks)
    assert coaching_message(plain).blocks[2:-2] == coaching_message(offline).blocks[2:-2]


def test_the_models_reason_cannot_inject_slack_markup() -> None:
    analysis = analyse([NPS], {NPS: (Label.ACTION, "Ping <!channel> & see <https://evil.example|this>")})

    line = context_text(coaching_message(analysis).blocks[2])

    assert "Ping &lt;!channel&gt; &amp; see &lt;https://evil.example|this&gt;" in line
    assert "<!channel>" not in line


def test_choosing_a_rewrite_keeps_the_opinion_with_its_diagnosis(disputed: SetAnalysis) -> None:
    review = coaching_message(disputed)
    button = next(
        e["accessory"]
        for e in review.blocks
        if e.get("accessory", {}).get("action_id", "").startswith("use_rewrite:O1.KR1:")
    )

    after = message_with_choice(review.blocks, decode_rewrite(button["value"]))

    ids = [block.get("block_id") for block in after.blocks]
    opinion = ids.index(key_result_block_id("O1.KR1", "opinion"))
    assert ids[opinion - 1] == key_result_block_id("O1.KR1", "diagnosis")
    assert ids[opinion + 1] == key_result_block_id("O1.KR1", "chosen")


def test_a_large_disputed_set_stays_within_the_block_limit() -> None:
    texts = [f"Increase NPS in region {n} from 32 to 50 by end of Q3" for n in range(60)]
    analysis = analyse(texts, dict.fromkeys(texts, (Label.ACTION, SAYS_ACTION)))

    message = coaching_message(analysis)

    assert len(message.blocks) <= MAX_BLOCKS
    assert "more Key Results did not fit in one Slack message" in str(message.blocks)
