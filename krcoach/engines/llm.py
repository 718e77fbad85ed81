"""The model engine: one call per Objective, the reply validated against a schema and checked like any proposal.

The call carries every Key Result of the Objective: those that need work are rewritten, and all are labelled by
the model (its second opinion on the rules' verdict).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from krcoach.domain.analysis import (
    Proposal,
    RejectionReason,
    Usage,
)
from krcoach.domain.diagnosis import Diagnosis
from krcoach.domain.guards import (
    echoed_example,
    invented_numbers,
    placeholders_in,
    rejection_reason,
)
from krcoach.domain.text import numbers_in
from krcoach.engines.base import EngineInfo, ObjectiveBrief, ObjectiveRewrite
from krcoach.engines.llm_labels import leaks, model_labels, sources_of
from krcoach.engines.llm_problems import model_proposal_problems, reply_problems, withheld
from krcoach.engines.llm_rejections import REASK_WORDS, Judged, rejections
from krcoach.llm.cache import NoCache, ReplyCache, cache_key
from krcoach.llm.errors import ConfigurationError, LLMError
from krcoach.llm.profiles import Profile
from krcoach.llm.prompts import PromptTemplate, RenderedPrompt
from krcoach.llm.reply import MAX_TEXT_CHARS, RewriteReply, reply_schema
from krcoach.llm.slots import WarmsUp
from krcoach.llm.structured import Attempt, Outcome, StructuredCaller


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
        self._unquotable = (*self._instructions, self._render_system(with_schema=True))
        """What a rejected proposal quoted back to the user must not repeat: the prompt in either rendering."""
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
        """Ask once for the whole Objective (re-asking with the errors), keep the proposals that pass.

        Every proposal not kept is reported on its Key Result (`ObjectiveRewrite.rejected`) with the reason, whether
        the model was re-asked and what that gave; those of the reply shown are also named in its errors.
        """
        prompt = self.rendered(objective)
        key = cache_key(self._caller.model, prompt.version, prompt.template_hash, self._profile.mode, prompt.messages)
        cached = await self._cache.get(key)
        if cached is not None:
            reply = RewriteReply.model_validate_json(cached)
            problems = reply_problems(objective, reply, self._examples, self._instructions)
            attempts = [Attempt(reply, tuple(problems))]
            rewrite = self._rewrite_from(objective, attempts, None, Usage(cache_hits=1))
            self._observe(objective, Outcome(value=reply), rewrite, cached=True)
            return rewrite
        outcome: Outcome[RewriteReply] = Outcome()
        failure: LLMError | None = None
        try:
            await self._caller.ask(
                prompt.messages,
                RewriteReply,
                self._profile.response_format("rewrite_reply", self._schema),
                check=lambda reply: reply_problems(objective, reply, self._examples, self._instructions),
                outcome=outcome,
            )
        except ConfigurationError:
            raise
        except LLMError as error:
            failure = error
        if failure is None and outcome.value is not None and not outcome.problems and outcome.raw is not None:
            await self._cache.put(key, outcome.value.model_dump_json())
        call_error = None
        if failure is not None:
            call_error = f"model call failed ({type(failure).__name__}: {failure})"
        elif outcome.value is None:
            call_error = "no valid reply after re-asking: " + "; ".join(outcome.problems)[:300]
        reason = call_error
        if reason is None and outcome.attempts and outcome.attempts[-1].value is None:  # an earlier reply is used
            reason = "the reply to the re-ask could not be used: " + "; ".join(outcome.problems)[:300]
        rewrite = self._rewrite_from(objective, outcome.attempts, failure, _usage(outcome), reason)
        self._observe(objective, outcome, rewrite if outcome.value is not None else None, error=call_error)
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
        return model_proposal_problems(text, sources, self._examples, self._instructions)

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

    def _render_system(self, *, with_schema: bool = False) -> str:
        schema = json.dumps(self._schema) if self._profile.schema_in_prompt or with_schema else None
        return self._prompt.render(draft={}, ids=[], numbers=[], schema=schema).messages[0]["content"]

    def _render_hash(self) -> str:
        schema = json.dumps(self._schema) if self._profile.schema_in_prompt else None
        return self._prompt.render(draft={}, ids=[], numbers=[], schema=schema).template_hash

    def _rewrite_from(
        self,
        objective: ObjectiveBrief,
        attempts: Sequence[Attempt[RewriteReply]],
        failure: LLMError | None,
        usage: Usage,
        reason: str | None = None,
    ) -> ObjectiveRewrite:
        """The proposals of the last reply that validated, and every proposal of every reply that was rejected.

        `reason` (why no reply was used, or why the last call failed) is the error of each Key Result left
        without proposals.
        """
        sources = sources_of(objective)
        judged = [self._judged(objective, attempt) for attempt in attempts]
        rewrite = ObjectiveRewrite(usage=usage, rejected=rejections(self.name, judged, failure))
        shown = next((i for i in reversed(range(len(attempts))) if attempts[i].value is not None), None)
        if shown is None:
            rewrite.errors = {kr.id: [reason or "the model gave no usable reply"] for kr in objective.key_results}
            return rewrite
        reply = attempts[shown].value
        assert reply is not None
        problems = list(attempts[shown].problems)
        given = {kr.id for kr in objective.key_results}
        for entry in reply.key_results:
            if entry.id not in given:
                continue
            for proposal in entry.proposals:
                if model_proposal_problems(proposal.text, sources, self._examples, self._instructions) or leaks(
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
                shown_problems = [withheld(p, sources, self._instructions) for p in mine]
                errors = ["the model's proposals failed the checks: " + "; ".join(shown_problems)[:400]]
                rewrite.errors[kr.id] = errors + ([reason] if reason else [])
                continue
            rewrite.errors.setdefault(kr.id, []).extend(  # those of the reply shown, or of a later one not used
                f"dropped a {self.name} proposal: {rejection.detail}"
                + (f" (re-asked: {REASK_WORDS[rejection.reask]})" if rejection.reask else "")
                for rejection in rewrite.rejected.get(kr.id, [])
                if (rejection.attempt or 0) > shown
            )
        rewrite.labels = model_labels(objective, reply, self._instructions)
        suggestion = reply.objective_suggestion
        if (
            objective.project_style
            and suggestion
            and not invented_numbers(suggestion, *sources)
            and not echoed_example(suggestion, self._examples)
            and not leaks(suggestion, sources, self._instructions)
        ):
            rewrite.suggestion = suggestion.strip()
        return rewrite

    def _judged(self, objective: ObjectiveBrief, attempt: Attempt[RewriteReply]) -> Judged:
        """Which proposals of one reply pass, and why each of the others was rejected."""
        judged = Judged(usable=attempt.value is not None)
        if attempt.value is None:
            self._schemarejections(objective, attempt, judged)
            return judged
        sources = sources_of(objective)
        given = {kr.id for kr in objective.key_results}
        labelled = {kr.id for kr in objective.labelled}
        for entry in attempt.value.key_results:
            if entry.id not in given:
                if entry.id in labelled:  # not asked for: not shown, and not re-asked for (see `_problems`)
                    for proposal in entry.proposals:
                        detail = "proposed for a Key Result that was not to be rewritten; not shown"
                        judged.reject(
                            entry.id, RejectionReason.NOT_REQUESTED, detail, self._quotable(proposal.text, sources)
                        )
                continue
            for proposal in entry.proposals:
                rejection = self._rejection(proposal.text, proposal.rationale, sources)
                if rejection is None:
                    judged.passed[entry.id] = judged.passed.get(entry.id, 0) + 1
                else:
                    judged.reject(entry.id, *rejection)
        return judged

    def _rejection(
        self, text: str, rationale: str, sources: tuple[str, ...]
    ) -> tuple[RejectionReason, str, str | None] | None:
        """The reason code, the detail and the quotable text of a rejected proposal; None when it passes."""
        problems = model_proposal_problems(text, sources, self._examples, self._instructions)
        if echoed_example(text, self._examples):
            return RejectionReason.ECHOES_EXAMPLE, "; ".join(problems), None
        if leaks(text, sources, self._instructions):
            return RejectionReason.ECHOES_PROMPT, "; ".join(problems), None
        if problems:
            return rejection_reason(problems[0]), "; ".join(problems), self._quotable(text, sources)
        if leaks(rationale, sources, self._instructions):
            return RejectionReason.ECHOES_PROMPT, "the rationale repeats the instructions", None
        return None

    def _schemarejections(self, objective: ObjectiveBrief, attempt: Attempt[RewriteReply], judged: Judged) -> None:
        """The proposals a reply that failed the schema carried, where pydantic located the failure in one."""
        entries = attempt.data.get("key_results") if isinstance(attempt.data, dict) else None
        if not isinstance(entries, list):
            return
        sources = sources_of(objective)
        given = {kr.id for kr in objective.key_results}
        found: dict[tuple[int, int | None], list[str]] = {}
        for location, message in attempt.schema_errors:
            if len(location) < 2 or location[0] != "key_results" or not isinstance(location[1], int):
                continue
            index = location[1]
            proposal = location[3] if len(location) > 3 and location[2] == "proposals" else None
            where = ".".join(str(part) for part in location)
            found.setdefault((index, proposal if isinstance(proposal, int) else None), []).append(f"{where}: {message}")
        for (index, proposal_index), messages in found.items():
            entry = entries[index] if index < len(entries) else None
            if not isinstance(entry, dict) or entry.get("id") not in given:
                continue
            kr_id = entry["id"]
            text = None
            if proposal_index is not None:
                proposals = entry.get("proposals")
                chosen = (
                    proposals[proposal_index]
                    if isinstance(proposals, list) and proposal_index < len(proposals)
                    else None
                )
                candidate = chosen.get("text") if isinstance(chosen, dict) else None
                if isinstance(candidate, str):
                    text = self._quotable(candidate[:MAX_TEXT_CHARS], sources)
            judged.reject(str(kr_id), RejectionReason.SCHEMA, "; ".join(messages)[:400], text)

    def _quotable(self, text: str, sources: tuple[str, ...]) -> str | None:
        """The text, when it may be shown back: not when it repeats the prompt (either rendering) or an example."""
        if echoed_example(text, self._examples) or leaks(text, sources, self._unquotable):
            return None
        return text


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
