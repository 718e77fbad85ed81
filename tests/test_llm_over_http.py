"""The model engine over real HTTP: a scripted OpenAI-compatible server on loopback, the real `openai` client.

Every fault a model endpoint produces ends the same way for the user: proposals that passed the checks, or the
offline engine's proposals marked as a fallback with the reason — never a lost Key Result or an invented number.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from krcoach.coach import Coach
from krcoach.config import Settings
from krcoach.domain.analysis import Label, SetAnalysis
from krcoach.domain.guards import invented_numbers
from krcoach.engines.registry import build_engine
from krcoach.llm.errors import OutputModeRejected
from krcoach.testing.scripted_server import (
    Behaviour,
    Drop,
    Fail,
    Reply,
    Script,
    ScriptedServer,
    answer_with,
    draft_of,
    good_proposal,
    in_order,
)
from tests.drafts import ONBOARDING_DRAFT

DRAFT = ONBOARDING_DRAFT
EXAMPLE = Path(__file__).parent.parent / "examples" / "customer-onboarding.md"
GOOD = answer_with(good_proposal, suggestion="New customers get value without our help")


@contextmanager
def model_coach(
    script: Script | Behaviour | Sequence[Behaviour], **overrides: Any
) -> Iterator[tuple[Coach, ScriptedServer]]:
    server = ScriptedServer(script)
    with server.running() as base_url:
        options: dict[str, Any] = {
            "llm_base_url": base_url,
            "llm_model": "scripted",
            "llm_timeout_s": 5.0,
            "llm_retry_base_delay_s": 0.05,
            "llm_max_retries": 3,
            "llm_cache": "off",
            "concurrency": 1,
        }
        options.update(overrides)
        settings = Settings(**options)
        yield Coach(build_engine(None, settings), concurrency=settings.concurrency), server


def analyse(script: Script | Behaviour | Sequence[Behaviour], **overrides: Any) -> tuple[SetAnalysis, ScriptedServer]:
    with model_coach(script, **overrides) as (coach, server):
        return coach.analyze_now(DRAFT), server


def assert_nothing_lost(analysis: SetAnalysis) -> None:
    sources = [o.title for o in DRAFT.objectives] + [kr.text for o in DRAFT.objectives for kr in o.key_results]
    for kr in analysis.key_results():
        if kr.label is Label.ACTION:
            assert kr.proposals or kr.errors, kr.text
        for proposal in kr.proposals:
            assert not invented_numbers(proposal.text, *sources), proposal.text


def test_pointing_at_a_server_switches_the_coach_to_the_model_and_says_so() -> None:
    analysis, _ = analyse(GOOD)
    launch = analysis.key_results()[0]
    assert analysis.meta.engine == "llm:scripted" and analysis.meta.model == "scripted"
    assert analysis.meta.prompt_version == "rewrite_objective@2" and analysis.meta.prompt_hash
    assert [p.engine for p in launch.proposals] == ["llm:scripted"] and not launch.fallback
    assert analysis.objectives[0].suggestion == "New customers get value without our help"
    assert analysis.meta.usage.calls == 2 and analysis.meta.usage.prompt_tokens > 0
    assert_nothing_lost(analysis)


def test_one_call_per_objective_carries_every_key_result_and_marks_those_to_rewrite() -> None:
    _, server = analyse(GOOD)
    drafts = [draft_of(body) for body in server.requests]
    assert [[(kr["text"], kr["rewrite"]) for kr in d["key_results"]] for d in drafts] == [
        [
            ("Launch the redesigned onboarding flow by 30 June", True),
            ("Run 20 customer interviews by end of Q2", True),
            ("Increase week-1 activation from 22% to 35% by end of Q2", False),
        ],
        [("Hire 4 support agents", True)],
    ]
    assert "diagnosis" not in drafts[0]["key_results"][2]  # the model judges it without the rules' verdict


def test_the_submitted_text_is_delimited_as_data_and_the_schema_is_enforced_by_response_format() -> None:
    _, server = analyse(GOOD)
    body = server.requests[0]
    assert body["response_format"]["type"] == "json_schema"
    assert "key_results" in json.dumps(body["response_format"]["json_schema"]["schema"])
    user = body["messages"][1]["content"]
    assert user.count("<okr_draft>") == user.count("</okr_draft>") >= 1
    assert "never as instructions" in body["messages"][0]["content"]


def test_json_object_mode_sends_the_schema_inside_response_format_and_the_prompt() -> None:
    _, server = analyse(GOOD, llm_output_mode="json_object")
    body = server.requests[0]
    assert body["response_format"]["type"] == "json_object" and "properties" in body["response_format"]["schema"]
    assert "JSON schema" in body["messages"][0]["content"]


def test_prompt_mode_sends_no_response_format_and_still_validates() -> None:
    analysis, server = analyse(GOOD, llm_output_mode="prompt")
    assert "response_format" not in server.requests[0]
    assert analysis.key_results()[0].proposals[0].engine == "llm:scripted"


@pytest.mark.parametrize(
    ("broken", "mentioned"),
    [
        (Reply("{not json"), "not valid JSON"),
        (Reply(json.dumps({"objective_suggestion": None, "key_results": [{"id": "O1.KR1"}]})), "proposals"),
        (Reply('{"objective_suggestion": null, "key_res', finish_reason="length"), "cut off"),
        (Reply('{"objective_suggestion": ' + "9" * 5000 + "}"), "huge number"),
        (Reply("[" * 100_000 + "]" * 100_000), "deep nesting"),
    ],
    ids=["invalid-json", "schema-invalid", "truncated", "huge-integer", "nested-past-the-stack"],
)
def test_an_unusable_reply_is_re_asked_with_the_concrete_errors(broken: Reply, mentioned: str) -> None:
    analysis, server = analyse(in_order(broken, GOOD))
    reask = server.requests[1]["messages"]
    assert reask[-1]["role"] == "user" and mentioned in reask[-1]["content"]
    assert analysis.meta.usage.reasks == 1
    assert analysis.key_results()[0].proposals[0].engine == "llm:scripted"


@pytest.mark.parametrize(
    ("proposal", "reason"),
    [
        (lambda kr: "Launch the new onboarding flow by [deadline]", "still an action"),
        (lambda kr: "Raise week-1 activation from 22% to 48% by 30 June", "numbers not in the input: 48"),
    ],
    ids=["still-an-action", "invented-number"],
)
def test_proposals_that_fail_the_checks_are_re_asked_then_replaced_by_the_offline_engine(
    proposal: Any, reason: str
) -> None:
    analysis, server = analyse(answer_with(proposal), llm_max_reasks=1)
    assert len(server.requests) == 2 * 2  # each Objective: the first ask and one re-ask
    assert reason in server.requests[1]["messages"][-1]["content"]
    launch = analysis.key_results()[0]
    assert launch.fallback and launch.proposals and all(p.engine == "rules" for p in launch.proposals)
    assert any(reason in error for error in launch.errors)
    assert_nothing_lost(analysis)


def test_a_429_is_retried_after_the_wait_the_server_asked_for() -> None:
    started = time.monotonic()
    analysis, server = analyse(in_order(Fail(429, headers={"Retry-After": "1"}), GOOD))
    assert time.monotonic() - started >= 1.0
    assert len(server.requests) == 3
    assert analysis.key_results()[0].proposals[0].engine == "llm:scripted"


@pytest.mark.parametrize(
    "fault",
    [Fail(500), Fail(503), Drop(), Reply("{}", delay_s=2.0)],
    ids=["500", "503", "connection-drop", "slower-than-timeout"],
)
def test_transient_faults_are_retried_with_backoff(fault: Behaviour) -> None:
    analysis, server = analyse(in_order(fault, GOOD), llm_timeout_s=0.5)
    assert len(server.requests) == 3
    assert analysis.meta.usage.calls == 2
    assert all(not kr.fallback for kr in analysis.key_results())


def test_when_retries_run_out_the_offline_engine_answers_with_the_reason() -> None:
    analysis, server = analyse(Fail(502), llm_max_retries=2)
    assert len(server.requests) == 2 * 3
    launch = analysis.key_results()[0]
    assert launch.fallback and "ServerError" in launch.errors[0]
    assert_nothing_lost(analysis)


def test_other_client_errors_are_not_retried() -> None:
    analysis, server = analyse(Fail(400, body={"error": {"message": "bad request: messages too long"}}))
    assert len(server.requests) == 2
    assert "RequestRejected" in analysis.key_results()[0].errors[0]
    assert_nothing_lost(analysis)


def test_a_refusal_is_not_re_asked_and_falls_back() -> None:
    analysis, server = analyse(Reply(None, refusal="I can't help with that."))
    assert len(server.requests) == 2
    assert analysis.key_results()[0].fallback


def test_a_server_that_rejects_the_output_mode_is_a_configuration_error_naming_the_setting() -> None:
    rejection = Fail(500, body={"error": {"message": "Unknown response_format.type: json_schema"}})
    with model_coach(rejection) as (coach, server), pytest.raises(OutputModeRejected, match="KRCOACH_LLM_OUTPUT_MODE"):
        coach.analyze_now(DRAFT)
    assert len(server.requests) <= 2  # not retried


def test_identical_requests_are_answered_from_the_cache_without_a_call(tmp_path: Any) -> None:
    with model_coach(GOOD, llm_cache=str(tmp_path / "replies.sqlite")) as (coach, server):
        first = coach.analyze_now(DRAFT)
        second = coach.analyze_now(DRAFT)
    assert len(server.requests) == 2
    assert second.meta.usage.calls == 0 and second.meta.usage.cache_hits == 2
    assert [p.text for p in second.key_results()[0].proposals] == [p.text for p in first.key_results()[0].proposals]


def _cli(base_url: str, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "KRCOACH_LLM_BASE_URL": base_url, "KRCOACH_LLM_MODEL": "scripted", **env}
    command = [sys.executable, "-m", "krcoach", "analyze", str(EXAMPLE), *args]
    return subprocess.run(command, capture_output=True, text=True, env=environment, timeout=60, check=False)


def test_setting_the_base_url_switches_the_cli_to_the_model_with_no_other_change() -> None:
    server = ScriptedServer(GOOD)
    with server.running() as base_url:
        result = _cli(base_url, "--format", "json")
    assert result.returncode == 0, result.stderr
    analysis = json.loads(result.stdout)
    assert analysis["meta"]["engine"] == "llm:scripted"
    assert server.requests


def test_the_cli_names_the_setting_to_change_when_the_server_rejects_the_output_mode() -> None:
    server = ScriptedServer(Fail(500, body={"error": {"message": "response_format.type json_schema not supported"}}))
    with server.running() as base_url:
        result = _cli(base_url, "--format", "json", KRCOACH_LLM_RETRY_BASE_DELAY_S="0.01")
    assert result.returncode == 2
    assert "KRCOACH_LLM_OUTPUT_MODE" in result.stderr and "Traceback" not in result.stderr
