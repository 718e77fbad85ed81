"""The engine seam: what an engine is given for one Objective, and what it must give back."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from krcoach.domain.analysis import Label, Proposal, RejectedProposal, Usage
from krcoach.domain.diagnosis import Diagnosis


@dataclass(frozen=True, slots=True)
class KeyResultBrief:
    """A Key Result that needs work, with what the deterministic checks found."""

    id: str
    text: str
    diagnosis: Diagnosis


@dataclass(frozen=True, slots=True)
class ObjectiveBrief:
    """One Objective and those of its Key Results that need work: the unit of one engine call."""

    id: str
    title: str
    project_style: bool
    key_results: tuple[KeyResultBrief, ...]
    context: tuple[str, ...] = ()
    """Other input text of this Objective (its other Key Results, period) whose numbers may be reused."""
    every: tuple[KeyResultBrief, ...] = ()
    """All its Key Results in input order, those the rules found fine too: a model labels each (second opinion)."""

    @property
    def labelled(self) -> tuple[KeyResultBrief, ...]:
        """The Key Results a model is asked to label: all of them (the ones needing work when `every` is empty)."""
        return self.every or self.key_results


@dataclass(frozen=True, slots=True)
class ModelLabel:
    """A model's label for one Key Result and its one-sentence reason."""

    label: Label
    reason: str


@dataclass(slots=True)
class ObjectiveRewrite:
    """An engine's answer for one Objective: proposals per Key Result id and an Objective suggestion."""

    proposals: dict[str, list[Proposal]] = field(default_factory=dict)
    suggestion: str | None = None
    errors: dict[str, list[str]] = field(default_factory=dict)
    usage: Usage = field(default_factory=Usage)
    labels: dict[str, ModelLabel] = field(default_factory=dict)
    """A model's label per Key Result id (its second opinion); empty for the offline engine."""
    rejected: dict[str, list[RejectedProposal]] = field(default_factory=dict)
    """Per Key Result id, the proposals the engine did not return because they failed its checks."""


@dataclass(frozen=True, slots=True)
class EngineInfo:
    """What an engine reports about itself in every answer's metadata."""

    model: str | None = None
    prompt_version: str | None = None
    prompt_hash: str | None = None


class RewriteEngine(Protocol):
    """Anything that proposes result-based rewrites for an Objective's Key Results."""

    @property
    def name(self) -> str:
        """Short name reported in every answer ('rules', 'llm:<model>')."""
        ...

    @property
    def info(self) -> EngineInfo:
        """Model and prompt details for the metadata (empty for engines without a model)."""
        ...

    async def rewrite(self, objective: ObjectiveBrief) -> ObjectiveRewrite:
        """Proposals for every Key Result in the brief (an engine may leave some to the fallback)."""
        ...


class ModelAllowance(Protocol):
    """A caller's model budget as the coach sees it: may the model be asked now, and what did it use."""

    async def refusal(self) -> str | None:
        """Why the model must not be asked now (the budget is spent), or None when it may."""
        ...

    async def charge(self, usage: Usage) -> None:
        """Record what one engine answer used (calls and tokens)."""
        ...
