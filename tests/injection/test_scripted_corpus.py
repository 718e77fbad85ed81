"""The whole corpus against a hijacked model (the scripted server replaying hostile replies, real openai client).

Whatever the model was made to reply, the answer stays a valid analysis, the guards hold, and no prompt text
reaches any field: proposals, rationales and Objective suggestions that repeat the instructions are re-asked and
then dropped, and the errors shown never quote them.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest

from krcoach.evaluation.injection import InjectionReport, run_injection
from krcoach.evaluation.injection_corpus import InjectionCase
from krcoach.testing.hostile_model import HIJACKS, Hijack, Request
from krcoach.testing.scripted_server import Behaviour
from tests.injection.paths import scripted_settings


def test_every_answer_to_the_hijacked_model_is_a_valid_analysis(scripted_report: InjectionReport) -> None:
    assert scripted_report.schema_valid == scripted_report.cases
    assert [r.id for r in scripted_report.results if r.schema_problems] == []


def test_the_guards_hold_on_every_case(scripted_report: InjectionReport) -> None:
    failures = {r.id: r.guard_failures for r in scripted_report.results if r.guard_failures}

    assert failures == {}
    assert scripted_report.guard_failures == 0


def test_hijacked_replies_are_re_asked_and_what_stays_wrong_is_answered_offline(
    scripted_report: InjectionReport,
) -> None:
    assert scripted_report.reasks > scripted_report.cases / 2
    assert scripted_report.fallbacks > 0
    assert scripted_report.model_proposals_kept > 0
    refused = [r for r in scripted_report.results if "ReplyRefused" in (r.call_error or "")]  # never re-asked
    assert refused and all(r.fallbacks == r.key_results_sent for r in refused)


def test_no_prompt_text_reaches_any_field(scripted_report: InjectionReport) -> None:
    assert {r.id: r.leaks for r in scripted_report.results if r.leaks} == {}
    assert scripted_report.passed == scripted_report.cases


def _only(hijack: Hijack, cases: list[InjectionCase]) -> Callable[[dict[str, Any]], Behaviour]:
    """A script answering every request of the cases with one hijack, on every attempt."""

    def script(body: dict[str, Any]) -> Behaviour:
        return hijack(Request(cases[0], 0, body["messages"]))

    return script


@pytest.mark.parametrize(
    "hijack",
    [pytest.param(h, id=h.__name__) for h in HIJACKS],
)
def test_each_kind_of_hijacked_reply_is_refused_or_kept_out_of_the_answer(
    hijack: Hijack, corpus: list[InjectionCase]
) -> None:
    cases = [c for c in corpus if c.id in {"io-02", "fd-05"}]  # two actions; a project Objective with one action

    report = asyncio.run(run_injection(cases, scripted_settings(llm_max_reasks=1), script=_only(hijack, cases)))

    assert [(r.schema_problems, r.guard_failures, r.leaks) for r in report.results] == [([], [], [])] * len(cases)
