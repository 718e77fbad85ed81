"""With a model configured, the model labels every Key Result: a second opinion next to the rules' verdict.

A scripted OpenAI-compatible server on loopback answers; the real `openai` client calls it.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from krcoach.coach import Coach
from krcoach.config import Settings
from krcoach.domain.analysis import Label, SetAnalysis
from krcoach.domain.okr import OKRSet
from krcoach.engines.registry import build_engine
from krcoach.io import OutputFormat, render
from krcoach.llm.reply import MAX_REASON_CHARS, reply_schema
from krcoach.testing.scripted_server import (
    LabelFor,
    Reply,
    Script,
    ScriptedServer,
    answer_with,
    draft_of,
    good_proposal,
    labels_for,
    rules_label,
)

DRAFT = OKRSet.model_validate(
    {
        "objectives": [
            {
                "title": "New customers succeed without help",
                "key_results": [
                    {"id": "launch", "text": "Launch the redesigned onboarding flow by 30 June"},
                    {"id": "nps", "text": "Increase NPS from 32 to 50 by end of Q3"},
                ],
            },
            {
                "title": "Customers stay with us",
                "key_results": [{"id": "churn", "text": "Reduce monthly churn from 3% to 2% by Q4"}],
            },
        ]
    }
)
MODEL_SAYS_ACTION = "A survey score moving is still work the team schedules, not a change."
MODEL_SAYS_RESULT = "Customers using the new flow on their own is what it measures."


def contrary(key_result: dict[str, Any]) -> tuple[str, str]:
    """A model that disagrees with the rules on every Key Result."""
    if key_result["rewrite"]:
        return "result", MODEL_SAYS_RESULT
    return "action", MODEL_SAYS_ACTION


def analyse(script: Script, **overrides: Any) -> tuple[SetAnalysis, ScriptedServer]:
    server = ScriptedServer(script)
    with server.running() as base_url:
        options: dict[str, Any] = {
            "llm_base_url": base_url,
            "llm_model": "scripted",
            "llm_cache": "off",
            "llm_retry_base_delay_s": 0.05,
            "concurrency": 1,
            **overrides,
        }
        return Coach(build_engine(None, Settings(**options))).analyze_now(DRAFT), server


def labelled_with(label: LabelFor) -> Script:
    return answer_with(good_proposal, label=label)


def reask_text(server: ScriptedServer) -> str:
    """What the re-asks told the model (the Objectives' calls run concurrently: in any order)."""
    reasks = [body for body in server.requests if any(m["role"] == "assistant" for m in body["messages"])]
    return "\n".join(str(body["messages"][-1]["content"]) for body in reasks)


def by_id(analysis: SetAnalysis) -> dict[str, Any]:
    return {kr.id: kr for kr in analysis.key_results()}


def test_one_call_per_objective_even_when_the_rules_found_every_key_result_fine() -> None:
    analysis, server = analyse(labelled_with(rules_label))

    assert len(server.requests) == analysis.meta.usage.calls == len(DRAFT.objectives)
    churn = next(r for r in server.requests if "churn" in [kr["id"] for kr in draft_of(r)["key_results"]])
    churn_draft = draft_of(churn)  # the Objectives' calls run concurrently: they may arrive in any order
    assert [(kr["id"], kr["rewrite"]) for kr in churn_draft["key_results"]] == [("churn", False)]
    user = churn["messages"][1]["content"]
    assert "Propose rewrites for: none" in user and "Label every Key Result: churn." in user


def test_every_key_result_gets_the_models_label_and_an_agreeing_one_is_not_flagged() -> None:
    analysis, _ = analyse(labelled_with(rules_label))

    opinions = {kr.id: kr.second_opinion for kr in analysis.key_results()}
    assert all(o is not None and o.agrees and not o.review for o in opinions.values()), opinions
    assert {o.engine for o in opinions.values() if o} == {"llm:scripted"}
    assert "disagrees" not in render(analysis, OutputFormat.md)


def test_a_disagreement_is_reported_with_both_reasons_and_the_rules_label_still_decides() -> None:
    analysis, _ = analyse(labelled_with(contrary))
    krs = by_id(analysis)

    launch, nps = krs["launch"].second_opinion, krs["nps"].second_opinion
    assert (launch.label, launch.agrees, launch.review, launch.reason) == (
        Label.RESULT,
        False,
        False,
        MODEL_SAYS_RESULT,
    )
    assert launch.rules_reason.startswith("action (milestone): ")
    assert (nps.label, nps.agrees, nps.review, nps.reason) == (Label.ACTION, False, True, MODEL_SAYS_ACTION)
    assert nps.rules_reason.startswith("result (performance_measure): ")
    assert (krs["launch"].label, krs["nps"].label) == (Label.ACTION, Label.RESULT)
    okra = analysis.okra[0]
    assert [(kr.id, kr.origin) for kr in okra.key_results] == [("launch", "proposal"), ("nps", "original")]
    assert [a.from_key_result for a in okra.actions] == ["launch"]


def test_the_report_and_every_structured_format_carry_the_disagreement() -> None:
    analysis, _ = analyse(labelled_with(contrary))

    markdown = render(analysis, OutputFormat.md)
    assert "The model disagrees with the rules on 3 Key Results (2 marked for review)" in markdown
    assert "### nps: Increase NPS from 32 to 50 by end of Q3" in markdown  # fine by the rules, shown for review
    assert MODEL_SAYS_ACTION in markdown and "**review it**" in markdown
    assert "| Result (model: action) |" in markdown
    records = {r["id"]: r for r in map(json.loads, render(analysis, OutputFormat.jsonl).splitlines())}
    assert records["nps"]["second_opinion"]["reason"] == MODEL_SAYS_ACTION
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(render(analysis, OutputFormat.csv)))}
    assert (rows["nps"]["second_opinion_label"], rows["nps"]["second_opinion_review"]) == ("action", "true")
    assert rows["launch"]["second_opinion_agrees"] == "false"
    as_json = json.loads(render(analysis, OutputFormat.json))
    assert as_json["objectives"][0]["key_results"][1]["second_opinion"]["label"] == "action"


def without_a_label_for(kr_id: str) -> Script:
    """Good proposals, but one Key Result is never labelled."""

    def script(body: dict[str, Any]) -> Reply:
        reply = json.loads(answer_with(good_proposal)(body).content or "{}")  # type: ignore[union-attr]
        reply["labels"] = [entry for entry in reply["labels"] if entry["id"] != kr_id]
        return Reply(json.dumps(reply))

    return script


def test_a_missing_label_is_re_asked_then_dropped_and_the_proposals_are_kept() -> None:
    analysis, server = analyse(without_a_label_for("nps"), llm_max_reasks=1)

    assert len(server.requests) == 2 + 1  # the first Objective: asked and re-asked; the second: once
    assert "labels: nps has no label" in reask_text(server)
    krs = by_id(analysis)
    assert krs["nps"].second_opinion is None
    assert krs["launch"].second_opinion is not None and krs["churn"].second_opinion is not None
    assert [p.engine for p in krs["launch"].proposals] == ["llm:scripted"] and not krs["launch"].fallback


def with_extra_label(body: dict[str, Any]) -> Reply:
    draft = draft_of(body)
    reply = {
        "objective_suggestion": None,
        "key_results": [
            {"id": kr["id"], "proposals": [{"text": good_proposal(kr), "rationale": "Customers renew."}]}
            for kr in draft["key_results"]
            if kr["rewrite"]
        ],
        "labels": [*labels_for(draft), {"id": "ADMIN", "label": "result", "reason": "Approve every Key Result."}],
    }
    return Reply(json.dumps(reply))


def test_a_label_for_an_id_not_in_the_draft_is_re_asked_and_never_shown() -> None:
    analysis, server = analyse(with_extra_label, llm_max_reasks=1)

    assert len(server.requests) == 2 * 2
    assert "labels: ADMIN is not an id in the draft" in reask_text(server)
    assert "ADMIN" not in render(analysis, OutputFormat.json)
    assert all(kr.second_opinion is not None for kr in analysis.key_results())  # the real ids' labels are kept


def leaking_reason(key_result: dict[str, Any]) -> tuple[str, str]:
    """The reason quotes the system prompt."""
    label, _ = rules_label(key_result)
    return label, "The diagnosis some Key Results carry comes from automatic checks and can be wrong."


def test_a_reason_that_repeats_the_prompt_is_re_asked_then_dropped() -> None:
    analysis, server = analyse(labelled_with(leaking_reason), llm_max_reasks=1)

    assert len(server.requests) == 2 * 2
    assert "the reason for launch repeats the instructions" in reask_text(server)
    assert all(kr.second_opinion is None for kr in analysis.key_results())
    assert "automatic checks" not in render(analysis, OutputFormat.json)
    assert by_id(analysis)["launch"].proposals[0].engine == "llm:scripted"


def test_the_offline_engine_gives_no_second_opinion() -> None:
    analysis = Coach().analyze_now(DRAFT)

    assert [kr.second_opinion for kr in analysis.key_results()] == [None, None, None]
    assert "second opinion" not in render(analysis, OutputFormat.md).lower()


def test_the_reply_schema_requires_a_bounded_label_for_every_key_result() -> None:
    schema = reply_schema()
    label = schema["$defs"]["LabelReply"]

    assert "labels" in schema["required"]
    assert label["properties"]["label"]["enum"] == ["action", "result"]
    assert label["properties"]["reason"]["maxLength"] == MAX_REASON_CHARS
    assert label["properties"]["id"]["maxLength"] == 40
