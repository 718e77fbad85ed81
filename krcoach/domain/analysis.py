"""The output contract: what krcoach says about an OKR set (diagnoses, proposals, the OKRA view)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from krcoach.domain.issue_codes import IssueCode, Severity
from krcoach.domain.okr import SCHEMA_VERSION


class Label(StrEnum):
    """Whether a Key Result measures a result or says whether an action was done."""

    ACTION = "action"
    RESULT = "result"


class Kind(StrEnum):
    """The shape of a Key Result. The first three are action-based, the last three result-side."""

    MILESTONE = "milestone"
    ACTIVITY_QUOTA = "activity_quota"
    TASK = "task"
    PERFORMANCE_MEASURE = "performance_measure"
    MEASURE_WITHOUT_TARGET = "measure_without_target"
    VAGUE = "vague"

    @property
    def label(self) -> Label:
        """The label every Key Result of this kind gets."""
        return Label.ACTION if self in _ACTION_KINDS else Label.RESULT


_ACTION_KINDS = frozenset({Kind.MILESTONE, Kind.ACTIVITY_QUOTA, Kind.TASK})


class Span(BaseModel):
    """Where in the text an issue was triggered: character offsets into the text, end exclusive."""

    model_config = ConfigDict(frozen=True)

    start: Annotated[int, Field(ge=0)]
    end: Annotated[int, Field(ge=0)]
    text: str


class Issue(BaseModel):
    """One problem found, with a stable code, a message for people, and the text that triggered it."""

    model_config = ConfigDict(frozen=True)

    code: IssueCode
    severity: Severity
    message: Annotated[str, Field(description="Plain-words explanation for the person who wrote it.")]
    span: Annotated[Span | None, Field(default=None, description="Text that triggered it, if any.")] = None


class Proposal(BaseModel):
    """A result-based rewrite of a Key Result, with the reason for it."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "text": "Share of new customers completing onboarding without contacting support, by month: "
                    "from [baseline] to [target] by 30 June",
                    "rationale": "Launching the flow is the work; customers finishing it alone is the result.",
                    "placeholders": ["[baseline]", "[target]"],
                    "engine": "rules",
                    "source": "product_adoption/onboarding_self_serve",
                }
            ]
        }
    )

    text: str
    rationale: Annotated[str, Field(description="Why this measure is evidence, tied to the diagnosis.")]
    placeholders: list[str] = Field(
        default_factory=list, description="Unknowns the user must fill in, e.g. [baseline]."
    )
    engine: Annotated[str, Field(description="Which engine produced it: 'rules' or 'llm:<model>'.")]
    source: Annotated[str | None, Field(default=None, description="Pattern or prompt it came from.")] = None


class SecondOpinion(BaseModel):
    """A model's own label for a Key Result, next to the rules' verdict (which decides the OKRA view)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "engine": "llm:gpt-4o-mini",
                    "label": "action",
                    "reason": "Docs existing for every module is a deliverable, not a change in what readers do.",
                    "agrees": False,
                    "rules_reason": "result (performance_measure): it measures a change or level in what others do",
                    "review": True,
                }
            ]
        }
    )

    engine: Annotated[str, Field(description="The engine that gave it, e.g. 'llm:<model>'.")]
    label: Label
    reason: Annotated[str, Field(description="The model's one-sentence reason.")]
    agrees: Annotated[bool, Field(description="True when the model's label is the rules' label.")]
    rules_reason: Annotated[str, Field(description="Why the rules gave their label, for comparison.")]
    review: bool = Field(
        default=False,
        description="True when the model calls an action what the rules read as a result: check it yourself.",
    )


class RejectionReason(StrEnum):
    """Why a proposal was not shown: a stable code."""

    STILL_AN_ACTION = "still_an_action"
    """Diagnosed again, the rewrite still says whether work was done."""
    NO_TARGET = "no_target"
    """A result, but with no target and no [target] placeholder."""
    INVENTED_NUMBER = "invented_number"
    """It contains a number that is not in the input."""
    EMPTY = "empty"
    ECHOES_EXAMPLE = "echoes_example"
    """It copies one of the prompt's example answers (not quoted)."""
    ECHOES_PROMPT = "echoes_prompt"
    """Its text or rationale repeats the instructions (not quoted)."""
    SCHEMA = "schema"
    """The reply did not match the schema at this proposal (too long, a missing or unknown field …)."""
    NOT_REQUESTED = "not_requested"
    """Proposed for a Key Result that was not to be rewritten."""
    FAILED_CHECK = "failed_check"
    """Another check failed (the detail says which)."""


class ReaskOutcome(StrEnum):
    """What the model's next reply gave for the Key Result, after it was re-asked with the reason."""

    PASSED = "passed"
    """The re-ask's proposals for it passed the checks."""
    REJECTED_AGAIN = "rejected_again"
    """The re-ask's reply still had a proposal for it rejected."""
    MISSING = "missing"
    """The re-ask's reply had no proposal for it."""
    UNUSABLE = "unusable"
    """The re-ask's reply could not be read (empty, cut off, not JSON or not the schema)."""
    REFUSED = "refused"
    TIMEOUT = "timeout"
    FAILED = "failed"
    """The re-ask call failed (server or connection errors after the retries)."""


class RejectedProposal(BaseModel):
    """A proposal that was not shown, and why; a proposal that repeats the prompt is never quoted."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "engine": "llm:gpt-4o-mini",
                    "reason": "still_an_action",
                    "reasked": True,
                    "reask": "passed",
                    "detail": "the rewrite is still an action (milestone)",
                    "text": "Launch the new onboarding flow by [deadline]",
                    "attempt": 1,
                }
            ]
        }
    )

    engine: Annotated[str, Field(description="The engine that proposed it: 'llm:<model>' or 'rules'.")]
    reason: RejectionReason
    reasked: bool = Field(description="True when the model was asked again with this reason.")
    reask: ReaskOutcome | None = Field(default=None, description="What the re-ask gave, when there was one.")
    detail: Annotated[str, Field(description="Every check it failed, in words.")]
    text: str | None = Field(
        default=None, description="The proposal as written; withheld when it repeats the prompt or an example."
    )
    attempt: int | None = Field(
        default=None, description="Which of the model's replies it came in (1 = the first); none for 'rules'."
    )


class KeyResultAnalysis(BaseModel):
    """The diagnosis of one Key Result and the proposals for it."""

    id: str
    objective_id: str
    text: str
    label: Label
    kind: Kind
    confidence: Annotated[float, Field(ge=0.0, le=1.0, description="How sure the diagnosis is (0–1).")]
    needs_work: Annotated[bool, Field(description="True when it is action-based, vague or incomplete.")]
    time_frame: Annotated[str | None, Field(default=None, description="Deadline or cadence found.")] = None
    issues: list[Issue] = Field(default_factory=list)
    proposals: list[Proposal] = Field(default_factory=list)
    columns: dict[str, str] = Field(
        default_factory=dict, description="The other columns of its input row (owner, status …), echoed as read."
    )
    errors: list[str] = Field(
        default_factory=list, description="What went wrong on the way: dropped proposals, failed model calls."
    )
    fallback: bool = Field(
        default=False,
        description="True when the configured engine gave no usable proposal and the offline engine's are shown.",
    )
    rejected: list[RejectedProposal] = Field(
        default_factory=list,
        description="Every proposal the checks rejected for it, with the reason and what re-asking gave.",
    )
    second_opinion: SecondOpinion | None = Field(
        default=None, description="With a model configured: the model's label and reason, and whether it agrees."
    )


class ObjectiveAnalysis(BaseModel):
    """An Objective: whether it is written as a project, a result-style suggestion, and its Key Results."""

    id: str
    title: str
    owner: str | None = None
    team: str | None = None
    period: str | None = None
    project_style: bool
    suggestion: Annotated[
        str | None, Field(default=None, description="A result-style Objective, when it is a project.")
    ] = None
    issues: list[Issue] = Field(default_factory=list)
    key_results: list[KeyResultAnalysis] = Field(default_factory=list)


class SetIssue(Issue):
    """An issue about the set as a whole, or about one Objective's group of Key Results."""

    objective_id: str | None = None


class OkraKeyResult(BaseModel):
    """A Key Result in the OKRA view: the original when it measures a result, else the chosen proposal."""

    id: Annotated[str, Field(description="Same id as the Key Result it comes from.")]
    text: str
    origin: Annotated[str, Field(description="'original' (kept as written) or 'proposal' (a rewrite).")]
    placeholders: list[str] = Field(default_factory=list)
    replaces: Annotated[
        str | None, Field(default=None, description="The original text, when a proposal replaced it.")
    ] = None


class OkraAction(BaseModel):
    """Work kept as an Action, linked to the Key Result it is meant to move."""

    id: str
    text: str
    moves: Annotated[list[str], Field(description="Ids of the OKRA Key Results this action should move.")]
    from_key_result: Annotated[
        str | None, Field(default=None, description="Id of the action-based Key Result it was, if any.")
    ] = None


class OkraObjective(BaseModel):
    """Objective → result Key Results → Actions."""

    id: str
    title: Annotated[str, Field(description="The result-style suggestion when the Objective read as a project.")]
    replaces_title: Annotated[
        str | None, Field(default=None, description="The original title, when a suggestion replaced it.")
    ] = None
    key_results: list[OkraKeyResult] = Field(default_factory=list)
    actions: list[OkraAction] = Field(default_factory=list)


class Usage(BaseModel):
    """What answering cost: model calls and tokens (zero on the offline engine)."""

    calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    latency_ms: float = 0.0
    reasks: int = Field(default=0, description="Calls that re-asked the model with the errors of its last reply.")
    cache_hits: int = Field(default=0, description="Objectives answered from the cache without a model call.")


class AnalysisMeta(BaseModel):
    """Which engine answered, with what, and what it cost."""

    engine: Annotated[str, Field(description="Engine that produced the proposals, e.g. 'rules'.")]
    model: Annotated[str | None, Field(description="Model name, when a model engine answered.")] = None
    prompt_version: Annotated[str | None, Field(description="Prompt template name@version.")] = None
    prompt_hash: Annotated[str | None, Field(description="sha256 prefix of the rendered prompt template.")] = None
    krcoach_version: str
    usage: Usage = Field(default_factory=Usage)


class Summary(BaseModel):
    """Counts over the whole set."""

    objectives: int
    key_results: int
    actions: int
    results: int
    needs_work: int
    proposals: int


class SetAnalysis(BaseModel):
    """The analysis of an OKR set: per-Key-Result diagnoses, set-level issues and the OKRA view."""

    schema_version: str = SCHEMA_VERSION
    name: Annotated[str | None, Field(default=None, description="The set's name, if it had one.")] = None
    meta: AnalysisMeta
    summary: Summary
    objectives: list[ObjectiveAnalysis]
    issues: list[SetIssue] = Field(default_factory=list, description="Set-level issues.")
    okra: list[OkraObjective]

    def key_results(self) -> list[KeyResultAnalysis]:
        """Every Key Result analysis, in input order."""
        return [kr for objective in self.objectives for kr in objective.key_results]
