"""The coach: diagnoses a set, asks an engine for rewrites, checks every proposal, assembles the OKRA view."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Collection, Mapping, Sequence
from contextlib import aclosing

from pydantic import BaseModel, Field

from krcoach import __version__
from krcoach.domain.analysis import (
    AnalysisMeta,
    KeyResultAnalysis,
    Kind,
    Label,
    ObjectiveAnalysis,
    Proposal,
    RejectedProposal,
    SecondOpinion,
    SetAnalysis,
    SetIssue,
    Summary,
    Usage,
)
from krcoach.domain.diagnosis import Diagnosis, diagnose, make_issue
from krcoach.domain.guards import proposal_problems, rejection_reason
from krcoach.domain.issue_codes import CATALOGUE, IssueCode
from krcoach.domain.objectives import project_trigger
from krcoach.domain.okr import Objective, OKRSet
from krcoach.domain.okra import assemble
from krcoach.domain.set_checks import group_findings
from krcoach.engines.base import (
    KeyResultBrief,
    ModelAllowance,
    ModelLabel,
    ObjectiveBrief,
    ObjectiveRewrite,
    RewriteEngine,
)
from krcoach.engines.rules import RulesEngine
from krcoach.llm.slots import CallSlots, WarmsUp
from krcoach.running import fewer_collections, run_sync

Progress = Callable[[int], None]
"""Called with the number of Key Results just finished."""


class ObjectiveOutcome(BaseModel):
    """One Objective's finished part of an analysis: what a job stores, and what `Coach.assemble` joins."""

    analysis: ObjectiveAnalysis
    usage: Usage = Field(default_factory=Usage)
    set_issues: list[SetIssue] = Field(default_factory=list)


class Coach:
    """Runs the whole job for an OKR set on one engine, falling back to the rules engine per Key Result."""

    def __init__(self, engine: RewriteEngine | None = None, *, concurrency: int = 4) -> None:
        self._fallback = RulesEngine()
        self._engine: RewriteEngine = engine or self._fallback
        self._concurrency = max(1, concurrency)

    @property
    def engine_name(self) -> str:
        """The engine asked first."""
        return self._engine.name

    @property
    def uses_model(self) -> bool:
        """True when the engine asked first is not the offline one (its answers cost model calls)."""
        return self._engine is not self._fallback

    async def analyze(
        self, okr_set: OKRSet, *, progress: Progress | None = None, allowance: ModelAllowance | None = None
    ) -> SetAnalysis:
        """Analyse a whole set. Objectives are rewritten concurrently: at most `concurrency` model calls in flight.

        With an `allowance`, the model is asked only while it allows; Objectives after that get the offline
        engine's proposals, marked as fallbacks with the reason.
        """
        outcomes: dict[int, ObjectiveOutcome] = {}
        with fewer_collections():  # the assembly too: it is where a full collection would otherwise fall
            async for index, outcome in self.objective_outcomes(okr_set, allowance=allowance):
                outcomes[index] = outcome
                if progress is not None:
                    progress(len(outcome.analysis.key_results))
            return self.assemble(okr_set, [outcomes[i] for i in range(len(okr_set.objectives))])

    async def objective_outcomes(
        self, okr_set: OKRSet, *, skip: Collection[int] = (), allowance: ModelAllowance | None = None
    ) -> AsyncIterator[tuple[int, ObjectiveOutcome]]:
        """Each Objective's outcome with its index, as it finishes (for streaming and resumable jobs).

        Objectives whose index is in `skip` (already done elsewhere) are not analysed.
        """
        limit = CallSlots(self._concurrency)  # per run: its futures belong to one event loop
        todo = [index for index in range(len(okr_set.objectives)) if index not in skip]
        if len(todo) == 1:  # the common single-Objective request: no tasks needed
            yield todo[0], await self._analyze_objective(okr_set.objectives[todo[0]], limit, allowance)
            return
        with fewer_collections():
            async with aclosing(self._batch(okr_set, todo, limit, allowance)) as batch:  # closed: tasks cancelled
                async for done in batch:
                    yield done

    async def _batch(
        self, okr_set: OKRSet, todo: list[int], limit: CallSlots, allowance: ModelAllowance | None
    ) -> AsyncGenerator[tuple[int, ObjectiveOutcome], None]:
        """Several Objectives at once, each as it finishes."""
        if len(todo) > 1 and isinstance(self._engine, WarmsUp):  # a cold pool opens its connections at once
            await self._engine.warm_up(min(self._concurrency, len(todo)))

        ready: dict[int, list[Diagnosis]] = {}
        begun: set[int] = set()

        def diagnosed(index: int) -> list[Diagnosis] | None:
            begun.add(index)
            return ready.pop(index, None)

        async def one(index: int, objective: Objective) -> tuple[int, ObjectiveOutcome]:
            return index, await self._analyze_objective(objective, limit, allowance, lambda: diagnosed(index))

        async def ahead() -> None:
            """Diagnose the Objectives still waiting for a slot while the CPU is idle (every request sent)."""
            for index in todo[self._concurrency :]:
                await limit.sent()
                if index not in begun:
                    ready[index] = [diagnose(kr.text) for kr in okr_set.objectives[index].key_results]
                await asyncio.sleep(0)

        tasks = [asyncio.ensure_future(one(index, okr_set.objectives[index])) for index in todo]
        prefetch = asyncio.ensure_future(ahead())  # last: the first turns start before it
        try:
            for next_done in asyncio.as_completed(tasks):
                yield await next_done
        finally:
            prefetch.cancel()
            for task in tasks:
                task.cancel()

    async def objective_outcome(
        self, objective: Objective, *, allowance: ModelAllowance | None = None
    ) -> ObjectiveOutcome:
        """One Objective's outcome on its own (a worker's unit of work)."""
        return await self._analyze_objective(objective, CallSlots(1), allowance)

    def assemble(self, okr_set: OKRSet, outcomes: Sequence[ObjectiveOutcome]) -> SetAnalysis:
        """The set's analysis from one outcome per Objective, in the set's order."""
        objectives = [outcome.analysis for outcome in outcomes]
        return SetAnalysis(
            name=okr_set.name,
            meta=AnalysisMeta(
                engine=self._engine.name,
                model=self._engine.info.model,
                prompt_version=self._engine.info.prompt_version,
                prompt_hash=self._engine.info.prompt_hash,
                krcoach_version=__version__,
                usage=_total_usage([outcome.usage for outcome in outcomes]),
            ),
            summary=_summary(objectives),
            objectives=objectives,
            issues=[issue for outcome in outcomes for issue in outcome.set_issues],
            okra=assemble(objectives, [o.actions for o in okr_set.objectives]),
        )

    def analyze_now(self, okr_set: OKRSet, *, progress: Progress | None = None) -> SetAnalysis:
        """`analyze` for callers without an event loop (the CLI)."""
        return run_sync(self.analyze(okr_set, progress=progress))

    async def _analyze_objective(
        self,
        objective: Objective,
        slots: CallSlots,
        allowance: ModelAllowance | None,
        diagnosed: Callable[[], list[Diagnosis] | None] = lambda: None,
    ) -> ObjectiveOutcome:
        async with slots.turn():  # waiting Objectives stay off the CPU; the slot goes on when the model answered
            ready = diagnosed()  # diagnosed ahead, while every slot was in flight
            diagnoses = ready if ready is not None else [diagnose(kr.text) for kr in objective.key_results]
            brief = objective_brief(objective, diagnoses)
            rewrite = ObjectiveRewrite()
            if brief.key_results or brief.project_style or (self.uses_model and brief.every):
                # a model also labels the Key Results the rules found fine: it is asked for every one
                rewrite = await self._rewrite(brief, allowance)
        trigger = project_trigger(objective.title)
        key_results = [
            self._key_result_analysis(objective, brief, rewrite, KeyResultBrief(kr.id, kr.text, d), kr.columns)
            for kr, d in zip(objective.key_results, diagnoses, strict=True)
        ]
        objective_issues = [make_issue(objective.title, IssueCode.PROJECT_OBJECTIVE, trigger)] if trigger else []
        suggestion = rewrite.suggestion or (self._fallback.suggest_objective(brief) if trigger else None)
        analysis = ObjectiveAnalysis(
            id=objective.id,
            title=objective.title,
            owner=objective.owner,
            team=objective.team,
            period=objective.period,
            project_style=trigger is not None,
            suggestion=suggestion,
            issues=objective_issues,
            key_results=key_results,
        )
        set_issues = [_set_issue(code, objective.id) for code in group_findings(diagnoses)]
        return ObjectiveOutcome(analysis=analysis, usage=rewrite.usage, set_issues=set_issues)

    async def _rewrite(self, brief: ObjectiveBrief, allowance: ModelAllowance | None) -> ObjectiveRewrite:
        """The engine's answer, when the allowance lets the model be asked (checked just before the call)."""
        if allowance is None or not self.uses_model:
            return await self._engine.rewrite(brief)
        refusal = await allowance.refusal()
        if refusal is not None:
            return ObjectiveRewrite(errors={kr.id: [refusal] for kr in brief.key_results})
        rewrite = await self._engine.rewrite(brief)
        await allowance.charge(rewrite.usage)
        return rewrite

    def _key_result_analysis(
        self,
        objective: Objective,
        brief: ObjectiveBrief,
        rewrite: ObjectiveRewrite,
        key_result: KeyResultBrief,
        columns: Mapping[str, str],
    ) -> KeyResultAnalysis:
        kr_id, text, diagnosis = key_result.id, key_result.text, key_result.diagnosis
        errors = list(rewrite.errors.get(kr_id, []))
        rejected = list(rewrite.rejected.get(kr_id, []))
        proposals: list[Proposal] = []
        fallback = False
        if diagnosis.needs_work:
            sources = (text, objective.title, *brief.context)
            proposals, dropped = _checked(rewrite.proposals.get(kr_id, []), sources, rejected)
            errors.extend(dropped)
            if not proposals and self.uses_model:
                proposals, dropped = _checked(self._fallback.propose(key_result, objective.title), sources, rejected)
                errors.extend(dropped)
                fallback = bool(proposals)
            if not proposals and diagnosis.label is Label.ACTION:
                errors.append("no result-based proposal passed the checks")
        return KeyResultAnalysis(
            id=kr_id,
            objective_id=objective.id,
            text=text,
            label=diagnosis.label,
            kind=diagnosis.kind,
            confidence=diagnosis.confidence,
            needs_work=diagnosis.needs_work,
            time_frame=diagnosis.time_frame,
            issues=list(diagnosis.issues),
            proposals=proposals,
            columns=dict(columns),
            errors=errors,
            fallback=fallback,
            rejected=rejected,
            second_opinion=_second_opinion(self._engine.name, diagnosis, rewrite.labels.get(kr_id)),
        )


def objective_brief(objective: Objective, diagnoses: Sequence[Diagnosis]) -> ObjectiveBrief:
    """What an engine is given for one Objective: the Key Results that need work, and the context."""
    return ObjectiveBrief(
        id=objective.id,
        title=objective.title,
        project_style=project_trigger(objective.title) is not None,
        key_results=tuple(
            KeyResultBrief(kr.id, kr.text, d)
            for kr, d in zip(objective.key_results, diagnoses, strict=True)
            if d.needs_work
        ),
        context=tuple(kr.text for kr in objective.key_results) + tuple(filter(None, [objective.period])),
        every=tuple(KeyResultBrief(kr.id, kr.text, d) for kr, d in zip(objective.key_results, diagnoses, strict=True)),
    )


_RESULT_REASONS = {
    Kind.PERFORMANCE_MEASURE: "it measures a change or level in what others do or in how a system performs",
    Kind.MEASURE_WITHOUT_TARGET: "it names a measure of results, without a target yet",
    Kind.VAGUE: "it names a result, but too vaguely to measure",
}


def _second_opinion(engine: str, diagnosis: Diagnosis, model: ModelLabel | None) -> SecondOpinion | None:
    """The model's label next to the rules' verdict. The rules' label stays the verdict (it decides the OKRA view);
    a Key Result the rules read as a result and the model calls an action is marked for review."""
    if model is None:
        return None
    action = diagnosis.label is Label.ACTION
    reason = diagnosis.issues[0].message if action and diagnosis.issues else _RESULT_REASONS.get(diagnosis.kind, "")
    return SecondOpinion(
        engine=engine,
        label=model.label,
        reason=model.reason,
        agrees=model.label is diagnosis.label,
        rules_reason=f"{diagnosis.label.value} ({diagnosis.kind.value}): {reason}".rstrip(": "),
        review=diagnosis.label is Label.RESULT and model.label is Label.ACTION,
    )


def _checked(
    proposals: Sequence[Proposal], sources: Sequence[str], rejected: list[RejectedProposal]
) -> tuple[list[Proposal], list[str]]:
    """Split proposals into those that pass the guards and the reasons the others were dropped (each also added
    to `rejected`, with its reason code)."""
    kept: list[Proposal] = []
    reasons: list[str] = []
    for proposal in proposals:
        problems = proposal_problems(proposal.text, *sources)
        if problems:
            reasons.append(f"dropped a {proposal.engine} proposal: {'; '.join(problems)}")
            rejected.append(
                RejectedProposal(
                    engine=proposal.engine,
                    reason=rejection_reason(problems[0]),
                    reasked=False,
                    detail="; ".join(problems),
                    text=proposal.text,
                )
            )
        else:
            kept.append(proposal)
    return kept, reasons


def _set_issue(code: IssueCode, objective_id: str) -> SetIssue:
    definition = CATALOGUE[code]
    return SetIssue(code=code, severity=definition.severity, message=definition.explanation, objective_id=objective_id)


def _summary(objectives: Sequence[ObjectiveAnalysis]) -> Summary:
    key_results = [kr for objective in objectives for kr in objective.key_results]
    return Summary(
        objectives=len(objectives),
        key_results=len(key_results),
        actions=sum(kr.label is Label.ACTION for kr in key_results),
        results=sum(kr.label is Label.RESULT for kr in key_results),
        needs_work=sum(kr.needs_work for kr in key_results),
        proposals=sum(len(kr.proposals) for kr in key_results),
    )


def _total_usage(usages: Sequence[Usage]) -> Usage:
    return Usage(
        calls=sum(u.calls for u in usages),
        prompt_tokens=sum(u.prompt_tokens for u in usages),
        completion_tokens=sum(u.completion_tokens for u in usages),
        latency_ms=sum(u.latency_ms for u in usages),
        reasks=sum(u.reasks for u in usages),
        cache_hits=sum(u.cache_hits for u in usages),
    )
