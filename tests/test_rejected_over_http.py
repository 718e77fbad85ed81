"""Nothing the model proposed is dropped silently: every rejected proposal is reported on its Key Result.

A scripted OpenAI-compatible server on loopback (real HTTP, the real `openai` client) answers the first ask and
each re-ask; whatever it does (re-ask unanswered, still failing, refused, timed out), every proposal the checks
reject comes back in `rejected` with a stable reason and what re-asking gave, `errors` names every one that
nothing later replaced, and `fallback` is true exactly when the offline engine's proposals are shown.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from krcoach.coach import Coach
from krcoach.config import Settings
from krcoach.domain.analysis import KeyResultAnalysis, ReaskOutcome, RejectionReason, SetAnalysis
from krcoach.domain.guards import echoed_instructions
from krcoach.engines.registry import build_engine
from krcoach.evaluation.injection_checks import PromptText, leaks
from krcoach.io import OutputFormat, render
from krcoach.testing.scripted_server import Behaviour, Fail, Reply, ScriptedServer, draft_of, labels_for
from tests.drafts import ONBOARDING_DRAFT

DRAFT = ONBOARDING_DRAFT
ENGINE = "llm:scripted"
GOOD = "Share of active customers who renew their subscription, by month: from [baseline] to [target] by [deadline]"
GOOD_TOO = "Share of new customers active in week one, by month: from [baseline] to [target] by [deadline]"
ACTION = "Launch the new onboarding flow by [deadline]"
INVENTED = "Raise week-1 activation from 22% to 48% by 30 June"
NO_TARGET = "Share of new customers active in their first week"
TOO_LONG = "Share of customers " + "who keep using the product " * 12 + "from [baseline] to [target]"
PROPOSALS = {GOOD: None, GOOD_TOO: None, ACTION: "still_an_action", INVENTED: "invented_number"}
PROPOSALS[NO_TARGET] = "no_target"
"""Proposals a scripted model makes, with the reason code the checks reject each with (None: it passes)."""


def reply_with(
    proposals: dict[str, list[str]], *, not_requested: Sequence[str] = ()
) -> Callable[[dict[str, Any]], Reply]:
    """Answer each Key Result to rewrite (by its position in the draft's `rewrite: true` list, as 'kr0', 'kr1')
    with the listed proposals; a position with no entry is left out of the reply."""

    def reply(body: dict[str, Any]) -> Reply:
        draft = draft_of(body)
        to_rewrite = [kr for kr in draft["key_results"] if kr.get("rewrite", True)]
        entries = [
            {"id": kr["id"], "proposals": [{"text": t, "rationale": "What would change for people."} for t in texts]}
            for position, kr in enumerate(to_rewrite)
            if (texts := proposals.get(f"kr{position}"))
        ]
        entries += [
            {"id": kr["id"], "proposals": [{"text": t, "rationale": "What would change."} for t in not_requested]}
            for kr in draft["key_results"]
            if not kr.get("rewrite", True) and not_requested
        ]
        body_out = {"objective_suggestion": None, "key_results": entries, "labels": labels_for(draft)}
        return Reply(json.dumps(body_out))

    return reply


def first_then(
    first: Callable[[dict[str, Any]], Behaviour] | Behaviour, *then: Behaviour | Callable[..., Behaviour]
) -> Callable[[dict[str, Any]], Behaviour]:
    """A script: the first ask of each Objective answered by `first`, its n-th re-ask by `then[n-1]` (the last one
    repeating)."""

    def script(body: dict[str, Any]) -> Behaviour:
        reply_number = (len(body["messages"]) - 2) // 2
        chosen = first if reply_number == 0 or not then else then[min(reply_number, len(then)) - 1]
        return chosen(body) if callable(chosen) else chosen

    return script


@contextmanager
def model_coach(script: Any, **overrides: Any) -> Iterator[tuple[Coach, ScriptedServer]]:
    server = ScriptedServer(script)
    with server.running() as base_url:
        options: dict[str, Any] = {
            "llm_base_url": base_url,
            "llm_model": "scripted",
            "llm_timeout_s": 5.0,
            "llm_retry_base_delay_s": 0.01,
            "llm_max_retries": 1,
            "llm_max_reasks": 1,
            "llm_cache": "off",
            "concurrency": 1,
        }
        options.update(overrides)
        settings_ = Settings(**options)
        yield Coach(build_engine(None, settings_), concurrency=settings_.concurrency), server


def analyse(script: Any, **overrides: Any) -> tuple[SetAnalysis, ScriptedServer]:
    with model_coach(script, **overrides) as (coach, server):
        return coach.analyze_now(DRAFT), server


def launch_of(analysis: SetAnalysis) -> KeyResultAnalysis:
    return analysis.key_results()[0]


MIXED = reply_with({"kr0": [GOOD, ACTION], "kr1": [GOOD_TOO]})
"""The first Key Result gets a good and a rejected proposal, the second a good one; the other Objective's too."""


def test_a_re_ask_that_still_fails_reports_both_rejections_and_names_the_kept_one_in_errors() -> None:
    analysis, server = analyse(MIXED)
    assert len(server.requests) == 2 * 2
    launch = launch_of(analysis)
    assert [p.text for p in launch.proposals] == [GOOD] and not launch.fallback
    assert [(r.reason, r.attempt, r.reasked, r.reask) for r in launch.rejected] == [
        (RejectionReason.STILL_AN_ACTION, 1, True, ReaskOutcome.REJECTED_AGAIN),
        (RejectionReason.STILL_AN_ACTION, 2, False, None),
    ]
    assert all(r.engine == ENGINE and r.text == ACTION for r in launch.rejected)
    assert launch.errors == [f"dropped a {ENGINE} proposal: the rewrite is still an action (milestone)"]
    interviews = analysis.key_results()[1]
    assert interviews.rejected == [] and interviews.errors == [] and not interviews.fallback


@pytest.mark.parametrize(
    "unanswered",
    [
        Reply(""),
        Reply("{not json"),
        Reply('{"objective_suggestion": null, "key_res', finish_reason="length"),
        Reply(json.dumps({"objective_suggestion": None, "key_results": "none"})),
    ],
    ids=["empty", "invalid-json", "cut-off", "schema-invalid"],
)
def test_an_unanswered_re_ask_keeps_the_earlier_passing_proposals_and_reports_the_rejected_one(
    unanswered: Reply,
) -> None:
    analysis, server = analyse(first_then(MIXED, unanswered))
    assert len(server.requests) == 2 * 2
    launch = launch_of(analysis)
    assert [p.text for p in launch.proposals] == [GOOD] and not launch.fallback
    [rejection] = launch.rejected
    assert (rejection.reason, rejection.attempt, rejection.reasked) == (RejectionReason.STILL_AN_ACTION, 1, True)
    assert rejection.reask is ReaskOutcome.UNUSABLE
    assert launch.errors == [
        f"dropped a {ENGINE} proposal: the rewrite is still an action (milestone) "
        "(re-asked: the new reply could not be read)"
    ]


def test_a_re_ask_that_fixes_it_is_reported_as_passed_and_is_no_error() -> None:
    analysis, _ = analyse(first_then(MIXED, reply_with({"kr0": [GOOD], "kr1": [GOOD_TOO]})))
    launch = launch_of(analysis)
    assert [p.text for p in launch.proposals] == [GOOD] and not launch.fallback and launch.errors == []
    [rejection] = launch.rejected
    assert (rejection.reasked, rejection.reask, rejection.text) == (True, ReaskOutcome.PASSED, ACTION)


def test_a_re_ask_with_no_proposal_for_the_key_result_is_reported_as_missing_and_falls_back() -> None:
    analysis, _ = analyse(first_then(MIXED, reply_with({"kr1": [GOOD_TOO]})))
    launch = launch_of(analysis)
    assert launch.rejected[0].reask is ReaskOutcome.MISSING
    assert launch.fallback and all(p.engine == "rules" for p in launch.proposals)
    assert any("missing" in error for error in launch.errors)


@pytest.mark.parametrize(
    ("failing", "outcome", "overrides", "named"),
    [
        (Reply(None, refusal="I can't help with that."), ReaskOutcome.REFUSED, {}, "the model refused"),
        (Reply("{}", delay_s=2.0), ReaskOutcome.TIMEOUT, {"llm_timeout_s": 0.5}, "no answer in time"),
        (Fail(400, body={"error": {"message": "too long"}}), ReaskOutcome.FAILED, {}, "the call failed"),
        (Fail(503), ReaskOutcome.FAILED, {}, "the call failed"),
    ],
    ids=["refused", "timeout", "rejected-request", "server-error-after-retries"],
)
def test_a_re_ask_that_gets_no_reply_keeps_the_earlier_passing_proposals_and_says_what_happened(
    failing: Behaviour, outcome: ReaskOutcome, overrides: dict[str, Any], named: str
) -> None:
    analysis, _ = analyse(first_then(MIXED, failing), **overrides)
    launch = launch_of(analysis)
    assert [p.text for p in launch.proposals] == [GOOD] and not launch.fallback
    [rejection] = launch.rejected
    assert (rejection.reasked, rejection.reask) == (True, outcome)
    assert launch.errors == [
        f"dropped a {ENGINE} proposal: the rewrite is still an action (milestone) (re-asked: {named})"
    ]


def test_when_every_proposal_is_rejected_and_the_re_ask_goes_unanswered_the_offline_engine_answers() -> None:
    analysis, _ = analyse(first_then(reply_with({"kr0": [ACTION, INVENTED], "kr1": [GOOD_TOO]}), Reply("")))
    launch = launch_of(analysis)
    assert launch.fallback and launch.proposals and all(p.engine == "rules" for p in launch.proposals)
    assert [(r.reason, r.reask) for r in launch.rejected] == [
        (RejectionReason.STILL_AN_ACTION, ReaskOutcome.UNUSABLE),
        (RejectionReason.INVENTED_NUMBER, ReaskOutcome.UNUSABLE),
    ]
    assert "numbers not in the input: 48" in launch.rejected[1].detail
    assert any("failed the checks" in e for e in launch.errors)
    assert any("the reply to the re-ask could not be used: the reply was empty" in e for e in launch.errors)


def test_a_refusal_on_the_first_ask_leaves_nothing_to_reject_and_falls_back_with_the_reason() -> None:
    analysis, server = analyse(Reply(None, refusal="No."))
    launch = launch_of(analysis)
    assert len(server.requests) == 2 and launch.rejected == []
    assert launch.fallback and "ReplyRefused" in launch.errors[0]


def test_a_proposal_the_schema_rejects_is_reported_on_its_key_result_with_where_it_failed() -> None:
    analysis, server = analyse(first_then(reply_with({"kr0": [TOO_LONG], "kr1": [GOOD_TOO]}), MIXED))
    assert "at most 240 characters" in server.requests[1]["messages"][-1]["content"]
    launch = launch_of(analysis)
    schema = [r for r in launch.rejected if r.reason is RejectionReason.SCHEMA]
    assert len(schema) == 1 and schema[0].attempt == 1 and schema[0].reask is ReaskOutcome.REJECTED_AGAIN
    assert schema[0].detail.startswith("key_results.0.proposals.0.text:") and schema[0].text == TOO_LONG[:240]


def test_a_proposal_for_a_key_result_not_to_rewrite_is_reported_there_and_not_re_asked() -> None:
    analysis, server = analyse(reply_with({"kr0": [GOOD], "kr1": [GOOD_TOO]}, not_requested=[GOOD_TOO]))
    assert len(server.requests) == 2  # nothing to re-ask for
    activation = analysis.key_results()[2]
    assert not activation.needs_work and activation.proposals == [] and activation.errors == []
    [rejection] = activation.rejected
    assert (rejection.reason, rejection.reasked, rejection.text) == (RejectionReason.NOT_REQUESTED, False, GOOD_TOO)


def _prompt_copy(body: dict[str, Any]) -> str:
    """A proposal that repeats a distinctive run of the system prompt."""
    system = body["messages"][0]["content"]
    words = system.split()
    for start in range(len(words) - 14):
        candidate = " ".join(words[start : start + 14])
        if echoed_instructions(candidate, (system,)) and 8 <= len(candidate) <= 200 and "<" not in candidate:
            return candidate + " from [baseline] to [target]"
    raise AssertionError("no distinctive run in the system prompt")


def test_a_proposal_repeating_the_prompt_is_reported_without_ever_being_quoted() -> None:
    def copying(body: dict[str, Any]) -> Reply:
        return reply_with({"kr0": [_prompt_copy(body), GOOD], "kr1": [GOOD_TOO]})(body)

    settings_ = Settings(llm_base_url="http://unused/v1", llm_model="scripted")
    example = PromptText.of(settings_).examples[0]
    copies: list[str] = []

    def copying_and_noting(body: dict[str, Any]) -> Reply:
        copies.append(_prompt_copy(body))
        return copying(body)

    analysis, _ = analyse(first_then(copying_and_noting, reply_with({"kr0": [example, GOOD], "kr1": [GOOD_TOO]})))
    launch = launch_of(analysis)
    assert [(r.reason, r.text) for r in launch.rejected] == [
        (RejectionReason.ECHOES_PROMPT, None),
        (RejectionReason.ECHOES_EXAMPLE, None),
    ]
    assert [p.text for p in launch.proposals] == [GOOD] and launch.errors
    assert leaks(DRAFT, analysis, PromptText.of(settings_)) == []
    for fmt in OutputFormat:
        assert example not in render(analysis, fmt)
        assert not any(copy in render(analysis, fmt) for copy in copies)


# --- the property: no rejected proposal is ever silent -------------------------------------------------------

_TEXTS = st.lists(st.sampled_from(sorted(PROPOSALS)), min_size=0, max_size=3)
_REPLY = st.one_of(
    st.fixed_dictionaries({"kr0": _TEXTS, "kr1": _TEXTS}).map(lambda plan: ("reply", plan)),
    st.sampled_from([("empty", None), ("schema", None), ("refused", None), ("rejected", None), ("too_long", None)]),
)


class _Plan:
    """The replies the scripted model gives, per Objective and reply number, and what it actually sent."""

    def __init__(self) -> None:
        self.replies: list[tuple[str, Any]] = []
        self.sent: dict[tuple[str, int], tuple[str, Any]] = {}

    def script(self, body: dict[str, Any]) -> Behaviour:
        draft = draft_of(body)
        number = (len(body["messages"]) - 2) // 2
        kind, plan = self.replies[min(number, len(self.replies) - 1)]
        self.sent[(draft["key_results"][0]["id"].split(".")[0], number)] = (kind, plan)
        if kind == "reply":
            return reply_with(plan)(body)
        if kind == "too_long":
            return reply_with({"kr0": [TOO_LONG, GOOD]})(body)
        failures: dict[str, Behaviour] = {
            "empty": Reply(""),
            "schema": Reply(json.dumps({"key_results": []})),
            "refused": Reply(None, refusal="No."),
            "rejected": Fail(400),
        }
        return failures[kind]


@pytest.fixture(scope="module")
def planned() -> Iterator[tuple[Settings, _Plan]]:
    plan = _Plan()
    server = ScriptedServer(plan.script)
    with server.running() as base_url:
        options = Settings(
            llm_base_url=base_url,
            llm_model="scripted",
            llm_timeout_s=5.0,
            llm_max_reasks=2,
            llm_max_retries=0,
            llm_cache="off",
            concurrency=1,
        )
        yield options, plan


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(replies=st.lists(_REPLY, min_size=1, max_size=3))
def test_no_rejected_proposal_is_ever_silent(planned: tuple[Settings, _Plan], replies: list[tuple[str, Any]]) -> None:
    options, plan = planned
    plan.replies, plan.sent = replies, {}
    analysis = Coach(build_engine(None, options), concurrency=1).analyze_now(DRAFT)  # a client per event loop
    to_rewrite = {"O1": [analysis.key_results()[0], analysis.key_results()[1]], "O2": [analysis.key_results()[3]]}
    for objective, key_results in to_rewrite.items():
        sent = sorted((number, reply) for (o, number), reply in plan.sent.items() if o == objective)
        usable = [n for n, (kind, _) in sent if kind == "reply"]
        shown = usable[-1] if usable else None
        for position, kr in enumerate(key_results):
            model_rejected = [r for r in kr.rejected if r.engine == ENGINE]
            for number, (kind, reply_plan) in sent:
                came = [r for r in model_rejected if r.attempt == number + 1]
                if kind == "reply":
                    expected = [PROPOSALS[t] for t in reply_plan.get(f"kr{position}", []) if PROPOSALS[t]]
                    assert [r.reason.value for r in came] == expected, (kr.id, number, sent)
                elif kind == "too_long" and position == 0:
                    assert [r.reason for r in came] == [RejectionReason.SCHEMA], (kr.id, number, sent)
                else:
                    assert came == [], (kr.id, number, sent)
                # what the re-ask gave is told, whenever there was one
                if number + 1 < len(sent):
                    assert all(r.reasked and r.reask is not None for r in came), (kr.id, number, sent)
            # every rejection nothing later replaced is named in errors
            final = [r for r in model_rejected if shown is None or (r.attempt or 0) > shown]
            if final:
                assert kr.errors, (kr.id, sent)
            model_shown = [p for p in kr.proposals if p.engine == ENGINE]
            assert kr.fallback == (not model_shown and bool(kr.proposals))
            if shown is not None and model_shown:
                kept = [t for t in sent[shown][1][1].get(f"kr{position}", []) if PROPOSALS[t] is None]
                assert [p.text for p in model_shown] == kept
                dropped = [e for e in kr.errors if e.startswith(f"dropped a {ENGINE} proposal")]
                assert len(dropped) == len(final)
            if kr.fallback:
                assert kr.errors
