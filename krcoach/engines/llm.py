"""The model engine: one call per Objective, the reply validated against a schema and checked like any proposal.

The call carries every Key Result of the Objective: those that need work are rewritten, and all are labelled by
the model (its second opinion on the rules' verdict).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

from krcoach.domain.analysis import Label, Proposal, Usage
from krcoach.domain.diagnosis import Diagnosis
from krcoach.domain.guards import (
    echoed_example,
    echoed_instructions,
    folded,
    invented_numbers,
    placeholders_in,
    proposal_problems,
)
from krcoach.domain.text import numbers_in
from krcoach.engines.base import EngineInfo, ModelLabel, ObjectiveBrief, ObjectiveRewrite
from krcoach.llm.cache import NoCache, ReplyCache, cache_key
from krcoach.llm.errors import ConfigurationError, LLMError
from krcoach.llm.profiles import Profile
from krcoach.llm.prompts import PromptTemplate, RenderedPrompt
from krcoach.llm.reply import RewriteReply, reply_schema
from krcoach.llm.slots import WarmsUp
from krcoach.llm.structured import Outcome, StructuredCaller


@dataclass(frozen=True, slots=True)
class CallRecord:
    """What answering one Objective took: for the eval report and metrics."""

    objective_id: str
    key_results: int
    calls: int
    reasks: int
    first_try_schema_valid: bool
    first_try_valid: bool
    proposals_returned: int
    proposals_kept: int
    latencies_ms: tuple[float, ...]
    prompt_tokens: int
    completion_tokens: int
    cached: bool = False
    error: str | None = None


Observer = Callable[[CallRecord], None]


class LLMEngine:
    """Proposes rewrites through any OpenAI-compatible model; what fails the checks is left to the fallback."""

    def __init__(
        self,
        caller: StructuredCaller,
        profile: Profile,
        prompt: PromptTemplate,
        cache: ReplyCache | None = None,
        observer: Observer | None = None,
    ) -> None:
        self._observer = observer
        self._caller = caller
        self._profile = profile
        self._prompt = prompt
        self._cache = cache or NoCache()
        self._schema = reply_schema()
        self._examples = prompt.example_answers
        self._instructions = (self._render_system(), *self._examples, *prompt.example_reasons)
        self._info = EngineInfo(model=caller.model, prompt_version=prompt.version, prompt_hash=self._render_hash())

    @property
    def name(self) -> str:
        """'llm:<model>'."""
        return f"llm:{self._caller.model}"

    @property
    def info(self) -> EngineInfo:
        """The model, the prompt version and the hash of the rendered template."""
        return self._info

    async def warm_up(self, connections: int) -> None:
        """Open the endpoint's connections before a batch, when the transport can (see `OpenAITransport.warm_up`)."""
        if isinstance(self._caller.transport, WarmsUp):
            await self._caller.transport.warm_up(connections)

    async def rewrite(self, objective: ObjectiveBrief) -> ObjectiveRewrite:
        """Ask once for the whole Objective (re-asking with the errors), keep the proposals that pass."""
        prompt = self.rendered(objective)
        key = cache_key(self._caller.model, prompt.version, prompt.template_hash, self._profile.mode, prompt.messages)
        cached = await self._cache.get(key)
        if cached is not None:
            reply = RewriteReply.model_validate_json(cached)
            problems = _problems(objective, reply, self._examples, self._instructions)
            rewrite = self._rewrite_from(objective, reply, problems, Usage(cache_hits=1))
            self._observe(objective, Outcome(value=reply), rewrite, cached=True)
            return rewrite
        outcome: Outcome[RewriteReply] = Outcome()
        try:
            await self._caller.ask(
                prompt.messages,
                RewriteReply,
                self._profile.response_format("rewrite_reply", self._schema),
                check=lambda reply: _problems(objective, reply, self._examples, self._instructions),
                outcome=outcome,
            )
        except ConfigurationError:
            raise
        except LLMError as error:
            reason = f"model call failed ({type(error).__name__}: {error})"
            self._observe(objective, outcome, None, error=reason)
            return ObjectiveRewrite(errors={kr.id: [reason] for kr in objective.key_results}, usage=_usage(outcome))
        if outcome.value is not None and not outcome.problems and outcome.raw is not None:
            await self._cache.put(key, outcome.value.model_dump_json())
        if outcome.value is None:
            reason = "no valid reply after re-asking: " + "; ".join(outcome.problems)[:300]
            self._observe(objective, outcome, None, error=reason)
            return ObjectiveRewrite(errors={kr.id: [reason] for kr in objective.key_results}, usage=_usage(outcome))
        rewrite = self._rewrite_from(objective, outcome.value, outcome.problems, _usage(outcome))
        self._observe(objective, outcome, rewrite)
        return rewrite

    def _observe(
        self,
        objective: ObjectiveBrief,
        outcome: Outcome[RewriteReply],
        rewrite: ObjectiveRewrite | None,
        *,
        cached: bool = False,
        error: str | None = None,
    ) -> None:
        if self._observer is None:
            return
        returned = sum(len(entry.proposals) for entry in outcome.value.key_results) if outcome.value else 0
        self._observer(
            CallRecord(
                objective_id=objective.id,
                key_results=len(objective.key_results),
                calls=outcome.calls,
                reasks=outcome.reasks,
                first_try_schema_valid=outcome.first_try_schema_valid,
                first_try_valid=outcome.first_try_valid,
                proposals_returned=returned,
                proposals_kept=sum(len(p) for p in rewrite.proposals.values()) if rewrite else 0,
                latencies_ms=tuple(outcome.latencies_ms),
                prompt_tokens=outcome.prompt_tokens,
                completion_tokens=outcome.completion_tokens,
                cached=cached,
                error=error,
            )
        )

    def proposal_problems(self, text: str, *sources: str) -> list[str]:
        """Why a model's proposal would be dropped: the guards every proposal passes, plus the prompt-copy checks."""
        return _proposal_problems(text, sources, self._examples, self._instructions)

    def rendered(self, objective: ObjectiveBrief) -> RenderedPrompt:
        """The prompt this engine sends for an Objective."""
        ids = [kr.id for kr in objective.key_results]
        draft = {
            "objective": objective.title,
            "reads_as_project": objective.project_style,
            "key_results": [
                {"id": kr.id, "text": kr.text, "diagnosis": _diagnosis_line(kr.diagnosis), "rewrite": True}
                if kr.id in ids
                else {"id": kr.id, "text": kr.text, "rewrite": False}
                for kr in objective.labelled
            ],
        }
        numbers = sorted(numbers_in(" ".join([objective.title, *objective.context])))
        schema = json.dumps(self._schema) if self._profile.schema_in_prompt else None
        label_ids = [kr.id for kr in objective.labelled]
        return self._prompt.render(draft=draft, ids=ids, numbers=numbers, schema=schema, label_ids=label_ids)

    def _render_system(self) -> str:
        schema = json.dumps(self._schema) if self._profile.schema_in_prompt else None
        return self._prompt.render(draft={}, ids=[], numbers=[], schema=schema).messages[0]["content"]

    def _render_hash(self) -> str:
        schema = json.dumps(self._schema) if self._profile.schema_in_prompt else None
        return self._prompt.render(draft={}, ids=[], numbers=[], schema=schema).template_hash

    def _rewrite_from(
        self, objective: ObjectiveBrief, reply: RewriteReply, problems: list[str], usage: Usage
    ) -> ObjectiveRewrite:
        sources = _sources(objective)
        rewrite = ObjectiveRewrite(usage=usage)
        given = {kr.id for kr in objective.key_results}
        for entry in reply.key_results:
            if entry.id not in given:
                continue
            for proposal in entry.proposals:
                if _proposal_problems(proposal.text, sources, self._examples, self._instructions) or _leaks(
                    proposal.rationale, sources, self._instructions
                ):
                    continue
                rewrite.proposals.setdefault(entry.id, []).append(
                    Proposal(
                        text=proposal.text,
                        rationale=proposal.rationale,
                        placeholders=placeholders_in(proposal.text),
                        engine=self.name,
                        source=self._prompt.version,
                    )
                )
        for kr in objective.key_results:
            if kr.id not in rewrite.proposals:
                mine = [p for p in problems if p.startswith(kr.id)] or problems
                shown = [_withheld(p, sources, self._instructions) for p in mine]
                rewrite.errors[kr.id] = ["the model's proposals failed the checks: " + "; ".join(shown)[:400]]
        rewrite.labels = _labels(objective, reply, self._instructions)
        suggestion = reply.objective_suggestion
        if (
            objective.project_style
            and suggestion
            and not invented_numbers(suggestion, *sources)
            and not echoed_example(suggestion, self._examples)
            and not _leaks(suggestion, sources, self._instructions)
        ):
            rewrite.suggestion = suggestion.strip()
        return rewrite


def _proposal_problems(
    text: str, sources: tuple[str, ...], examples: tuple[str, ...], instructions: tuple[str, ...]
) -> list[str]:
    """The guards every proposal passes, plus two for models: it must not copy a few-shot example or the prompt."""
    problems = proposal_problems(text, *sources)
    if echoed_example(text, examples):
        problems.append("the rewrite copies an example from the instructions; write one for this Key Result")
    elif _leaks(text, sources, instructions):
        problems.append("the rewrite repeats the instructions; write a Key Result for this draft")
    return problems


def _leaks(text: str, sources: tuple[str, ...], instructions: tuple[str, ...]) -> bool:
    """The text repeats the prompt (8 words in a row, or the delimiter) where the draft did not."""
    if echoed_instructions(text, instructions, *sources) is not None:
        return True
    return "okr_draft" in folded(text).lower() and not any("okr_draft" in folded(s).lower() for s in sources)


def _withheld(problem: str, sources: tuple[str, ...], instructions: tuple[str, ...]) -> str:
    """A problem as the user sees it: without the model's text when that text repeats the prompt."""
    if not _leaks(problem, sources, instructions):
        return problem
    return problem.split(" (", 1)[0] + ": the proposal repeated the prompt and is not shown"


def _problems(
    objective: ObjectiveBrief, reply: RewriteReply, examples: tuple[str, ...], instructions: tuple[str, ...]
) -> list[str]:
    """Everything wrong with a schema-valid reply, written so the model can fix it."""
    sources = _sources(objective)
    expected = [kr.id for kr in objective.key_results]
    labelled = {kr.id for kr in objective.labelled}
    answered = [entry.id for entry in reply.key_results]
    problems = [f"{kr_id}: missing; answer for every id" for kr_id in expected if kr_id not in answered]
    problems += [
        f"{kr_id}: not an id in the draft; use only {', '.join(expected)}"
        for kr_id in answered
        if kr_id not in expected and kr_id not in labelled
    ]
    problems += [f"{kr_id}: answered more than once" for kr_id in set(answered) if answered.count(kr_id) > 1]
    problems += _label_problems(objective, reply, instructions)
    for entry in reply.key_results:
        if entry.id not in expected:
            continue  # proposals for a Key Result not to rewrite are not shown: no need to re-ask for them
        for number, proposal in enumerate(entry.proposals, 1):
            for problem in _proposal_problems(proposal.text, sources, examples, instructions):
                problems.append(f"{entry.id} proposal {number} ({proposal.text[:80]!r}): {problem}")
            if _leaks(proposal.rationale, sources, instructions):
                problems.append(
                    f"{entry.id} proposal {number}: the rationale repeats the instructions; give the reason"
                )
    suggestion = reply.objective_suggestion or ""
    if invented_numbers(suggestion, *sources):
        problems.append("objective_suggestion: contains numbers that are not in the draft")
    if _leaks(suggestion, sources, instructions):
        problems.append("objective_suggestion: repeats the instructions; say what will be different for people")
    return problems


def _label_problems(objective: ObjectiveBrief, reply: RewriteReply, instructions: tuple[str, ...]) -> list[str]:
    """What is wrong with the labels: every id of the draft labelled once, each reason the model's own."""
    expected = [kr.id for kr in objective.labelled]
    given = [entry.id for entry in reply.labels]
    problems = [
        f"labels: {kr_id} has no label; label every id of the draft" for kr_id in expected if kr_id not in given
    ]
    problems += [
        f"labels: {kr_id} is not an id in the draft; label only {', '.join(expected)}"
        for kr_id in given
        if kr_id not in expected
    ]
    problems += [f"labels: {kr_id} is labelled more than once" for kr_id in set(given) if given.count(kr_id) > 1]
    problems += [
        f"labels: the reason for {entry.id} repeats the instructions; give your own reason about this Key Result"
        for entry in reply.labels
        if _reason_leaks(entry.reason, objective, instructions)
    ]
    return problems


def _reason_leaks(reason: str, objective: ObjectiveBrief, instructions: tuple[str, ...]) -> bool:
    """The label's reason repeats the prompt (the system prompt, or an example's answer or reason)."""
    return _leaks(reason, _sources(objective), instructions)


def _labels(objective: ObjectiveBrief, reply: RewriteReply, instructions: tuple[str, ...]) -> dict[str, ModelLabel]:
    """The labels that can be shown: each id of the draft labelled once, with a reason of the model's own."""
    wanted = {kr.id for kr in objective.labelled}
    given = [entry.id for entry in reply.labels]
    return {
        entry.id: ModelLabel(Label(entry.label), entry.reason)
        for entry in reply.labels
        if entry.id in wanted
        and given.count(entry.id) == 1
        and not _reason_leaks(entry.reason, objective, instructions)
    }


def _sources(objective: ObjectiveBrief) -> tuple[str, ...]:
    return (objective.title, *objective.context, *(kr.text for kr in objective.labelled))


def _diagnosis_line(diagnosis: Diagnosis) -> str:
    first = diagnosis.issues[0].message if diagnosis.issues else ""
    return f"{diagnosis.label.value} ({diagnosis.kind.value}): {first}".rstrip(": ")


def _usage(outcome: Outcome[RewriteReply]) -> Usage:
    return Usage(
        calls=outcome.calls,
        prompt_tokens=outcome.prompt_tokens,
        completion_tokens=outcome.completion_tokens,
        latency_ms=outcome.latency_ms,
        reasks=outcome.reasks,
    )
