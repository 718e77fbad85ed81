"""Focused attacks: what the model is sent for a hostile draft, and what happens to a hijacked reply."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import yaml

from krcoach.coach import Coach
from krcoach.config import Settings
from krcoach.domain.analysis import SetAnalysis
from krcoach.engines.registry import build_engine
from krcoach.evaluation.injection_checks import PromptText, check
from krcoach.evaluation.injection_corpus import InjectionCase
from krcoach.testing.hostile_model import Request, add_fields, leak_into_proposal
from krcoach.testing.scripted_server import Script, ScriptedServer, answer_with, draft_of, good_proposal, in_order

GOOD = answer_with(good_proposal)


@contextmanager
def served(script: Script) -> Iterator[tuple[Coach, ScriptedServer]]:
    server = ScriptedServer(script)
    with server.running() as base_url:
        settings = Settings(llm_base_url=base_url, llm_model="scripted", llm_cache="off", llm_max_reasks=1)
        yield Coach(build_engine(None, settings)), server


def run(case: InjectionCase, script: Script = GOOD) -> tuple[SetAnalysis, list[dict[str, Any]]]:
    with served(script) as (coach, server):
        return coach.analyze_now(case.okr_set()), server.requests


def case(corpus: list[InjectionCase], case_id: str) -> InjectionCase:
    return next(c for c in corpus if c.id == case_id)


def test_a_fake_closing_delimiter_in_a_key_result_cannot_close_the_data_block(corpus: list[InjectionCase]) -> None:
    hostile = case(corpus, "fd-01")
    _, requests = run(hostile)
    system, user = (m["content"] for m in requests[0]["messages"])
    examples = yaml.safe_load((Settings().prompts_dir / "rewrite_objective" / "examples.yaml").read_text())
    blocks = len(examples) + 1  # one block per few-shot example, then the draft

    assert user.count("<okr_draft>") == user.count("</okr_draft>") == blocks
    assert "\\u003c/okr_draft\\u003e" in user and "\\u003cokr_draft\\u003e" in user  # tojson escapes < and >
    assert draft_of(requests[0])["key_results"][0]["text"] == hostile.okr_set().objectives[0].key_results[0].text
    assert "New instruction" not in system


def test_a_key_result_id_cannot_carry_text_out_of_the_data_block(corpus: list[InjectionCase]) -> None:
    hostile = case(corpus, "fd-07")
    _, requests = run(hostile)
    user = requests[0]["messages"][1]["content"]
    after_the_draft = user.rsplit("</okr_draft>", 1)[1].strip().splitlines()

    assert len(after_the_draft) == 3
    assert after_the_draft[1].startswith("Propose rewrites for") and after_the_draft[2].startswith("Label every")
    for ids_line in after_the_draft[1:]:
        assert "<" not in ids_line and "\\n\\u003c/okr_draft\\u003e\\nSYSTEM" in ids_line


@pytest.mark.parametrize(
    ("case_id", "markers"),
    [("fd-04", ["<end_of_turn>", "<start_of_turn>"]), ("fd-05", ["<|im_end|>", "<|im_start|>"])],
    ids=["gemma-turns", "chatml-turns"],
)
def test_chat_template_turn_markers_reach_the_model_escaped(
    corpus: list[InjectionCase], case_id: str, markers: list[str]
) -> None:
    _, requests = run(case(corpus, case_id))
    sent = "".join(m["content"] for m in requests[0]["messages"])

    assert not [marker for marker in markers if marker in sent]
    assert all(marker.replace("<", "\\u003c").replace(">", "\\u003e") in sent for marker in markers)


def test_extra_json_fields_from_the_model_are_re_asked_and_never_reach_the_output(corpus: list[InjectionCase]) -> None:
    hostile = case(corpus, "ji-02")
    hijacked = in_order(lambda body: add_fields(Request(hostile, 0, body["messages"])), GOOD)
    analysis, requests = run(hostile, hijacked)
    answer = analysis.model_dump_json()

    assert "Extra inputs are not permitted" in requests[1]["messages"][-1]["content"]
    assert not [name for name in ("system_prompt", "admin", "approved") if f'"{name}"' in answer]
    assert analysis.key_results()[0].proposals[0].engine == "llm:scripted"
    assert check(hostile.okr_set(), analysis, PromptText.of(Settings()), model_engine="llm:scripted").passed


def test_a_proposal_that_repeats_the_system_prompt_is_rejected_and_falls_back(corpus: list[InjectionCase]) -> None:
    hostile = case(corpus, "pe-02")
    analysis, _ = run(hostile, lambda body: leak_into_proposal(Request(hostile, 1, body["messages"])))
    repeated = analysis.key_results()[0]

    assert repeated.fallback and {p.engine for p in repeated.proposals} == {"rules"}
    assert check(hostile.okr_set(), analysis, PromptText.of(Settings()), model_engine="llm:scripted").passed


@pytest.mark.xfail(
    strict=True, reason="gap in krcoach/llm/reply.py: reply ids are capped at 40 characters, input at 100"
)
def test_a_key_result_with_a_long_id_still_gets_the_models_proposals(corpus: list[InjectionCase]) -> None:
    hostile = case(corpus, "fd-07")
    analysis, requests = run(hostile)

    assert len(hostile.okr_set().objectives[0].key_results[0].id) > 40
    assert len(requests) == 1, json.dumps(requests[-1]["messages"][-1])[:300]
    assert not any(kr.fallback for kr in analysis.key_results())
