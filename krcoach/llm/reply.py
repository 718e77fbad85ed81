"""The shape a model must answer in, for one Objective: pydantic models that are also the JSON schema sent.

Lengths and counts are in the schema, so a server that constrains decoding to it (llama.cpp's grammar, vLLM,
Ollama) also bounds the size of a reply; servers that do not are held to them by validation.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

MAX_PROPOSALS = 3
MAX_TEXT_CHARS = 240
MAX_RATIONALE_CHARS = 200
MAX_SUGGESTION_CHARS = 160
MAX_REASON_CHARS = 160

ProposalText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=8, max_length=MAX_TEXT_CHARS)]
Rationale = Annotated[str, StringConstraints(strip_whitespace=True, max_length=MAX_RATIONALE_CHARS)]
Suggestion = Annotated[str, StringConstraints(strip_whitespace=True, max_length=MAX_SUGGESTION_CHARS)]
Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=8, max_length=MAX_REASON_CHARS)]


class ProposalReply(BaseModel):
    """One result-based rewrite of a Key Result."""

    model_config = ConfigDict(extra="forbid")

    text: ProposalText = Field(
        description="The rewritten Key Result: a measure, from [baseline] to [target], time frame."
    )
    rationale: Rationale = Field(description="One sentence: what would change in the world if this moved.")


class KeyResultReply(BaseModel):
    """The rewrites of one Key Result, by the id it was given."""

    model_config = ConfigDict(extra="forbid")

    id: Annotated[str, StringConstraints(max_length=40)] = Field(description="The id of the Key Result, as given.")
    proposals: list[ProposalReply] = Field(
        min_length=1, max_length=MAX_PROPOSALS, description=f"1 to {MAX_PROPOSALS} result-based rewrites."
    )


class LabelReply(BaseModel):
    """The model's own label for one Key Result of the draft: a second opinion next to the rules' verdict."""

    model_config = ConfigDict(extra="forbid")

    id: Annotated[str, StringConstraints(max_length=40)] = Field(description="The id of the Key Result, as given.")
    label: Literal["action", "result"] = Field(
        description="'action' if it says whether work was done, 'result' if it measures a change or level."
    )
    reason: Reason = Field(description="One sentence: why this label.")


class RewriteReply(BaseModel):
    """The model's answer for one Objective."""

    model_config = ConfigDict(extra="forbid")

    objective_suggestion: Suggestion | None = Field(
        description="A result-style Objective when the given one reads as a project, else null."
    )
    key_results: list[KeyResultReply] = Field(description="One entry per Key Result to rewrite, same ids.")
    labels: list[LabelReply] = Field(description="One entry per Key Result in the draft, rewritten or not, same ids.")


def reply_schema() -> dict[str, Any]:
    """The JSON schema of `RewriteReply`, as sent to servers that enforce it."""
    return RewriteReply.model_json_schema()
