"""The shape a model must answer in, for one Objective: pydantic models that are also the JSON schema sent."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

MAX_PROPOSALS = 3


class ProposalReply(BaseModel):
    """One result-based rewrite of a Key Result."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(description="The rewritten Key Result: a measure, from [baseline] to [target], time frame.")
    rationale: str = Field(description="One sentence: what would change in the world if this moved.")

    @field_validator("text")
    @classmethod
    def _text_is_a_sentence(cls, value: str) -> str:
        value = value.strip()
        if not 8 <= len(value) <= 400:
            raise ValueError("must be between 8 and 400 characters")
        return value

    @field_validator("rationale")
    @classmethod
    def _rationale_is_short(cls, value: str) -> str:
        value = value.strip()
        if len(value) > 600:
            raise ValueError("must be at most 600 characters")
        return value


class KeyResultReply(BaseModel):
    """The rewrites of one Key Result, by the id it was given."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(description="The id of the Key Result, exactly as given.")
    proposals: list[ProposalReply] = Field(description=f"1 to {MAX_PROPOSALS} result-based rewrites.")

    @field_validator("proposals")
    @classmethod
    def _some_proposals(cls, value: list[ProposalReply]) -> list[ProposalReply]:
        if not 1 <= len(value) <= MAX_PROPOSALS:
            raise ValueError(f"give between 1 and {MAX_PROPOSALS} proposals")
        return value


class RewriteReply(BaseModel):
    """The model's answer for one Objective."""

    model_config = ConfigDict(extra="forbid")

    objective_suggestion: str | None = Field(
        description="A result-style Objective when the given one reads as a project, else null."
    )
    key_results: list[KeyResultReply] = Field(description="One entry per Key Result given, same ids.")


def reply_schema() -> dict[str, Any]:
    """The JSON schema of `RewriteReply`, as sent to servers that enforce it."""
    return RewriteReply.model_json_schema()
