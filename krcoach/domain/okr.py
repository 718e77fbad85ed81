"""The input contract: an OKR set as a team writes it (Objectives, each with its Key Results)."""

from __future__ import annotations

from typing import Annotated, Self

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints, model_validator
from pydantic_core import PydanticCustomError

SCHEMA_VERSION = "1.1"
"""Version of the public schemas (input and analysis). Bumped on any breaking change."""

MAX_TEXT_CHARS = 1000
"""Longest Key Result or Objective text accepted, in characters."""


def _within_limit(value: object) -> object:
    """The limit counts the text as sent, surrounding whitespace included: what the JSON Schema's maxLength says."""
    if isinstance(value, str) and len(value) > MAX_TEXT_CHARS:
        raise PydanticCustomError(
            "string_too_long", "String should have at most {max_length} characters", {"max_length": MAX_TEXT_CHARS}
        )
    return value


Text = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_TEXT_CHARS, pattern=r"\S"),
    BeforeValidator(_within_limit),
]
"""Text as written, stripped: not blank (`pattern` documents it), at most MAX_TEXT_CHARS characters as sent."""
OptionalLabel = Annotated[str | None, Field(default=None, max_length=200)]


class KeyResult(BaseModel):
    """One Key Result as written by the team."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"id": "KR1", "text": "Run 20 customer interviews by end of Q2"}]},
    )

    id: Annotated[str, Field(default="", max_length=100, description="Stable id; assigned (O1.KR2) when empty.")]
    text: Annotated[Text, Field(description="The Key Result exactly as written.")]
    columns: dict[Annotated[str, Field(max_length=200)], Annotated[str, Field(max_length=MAX_TEXT_CHARS)]] = Field(
        default_factory=dict,
        max_length=50,
        description="Other columns of the table row it was read from (owner, status, progress …), as written.",
    )


class Objective(BaseModel):
    """An Objective with its Key Results."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "id": "O1",
                    "title": "New customers succeed without help",
                    "team": "Growth",
                    "period": "2026-Q2",
                    "key_results": [{"id": "O1.KR1", "text": "Launch the redesigned onboarding flow by 30 June"}],
                }
            ]
        },
    )

    id: Annotated[str, Field(default="", max_length=100, description="Stable id; assigned (O1) when empty.")]
    title: Annotated[Text, Field(description="The Objective: the qualitative direction.")]
    owner: OptionalLabel = None
    team: OptionalLabel = None
    period: OptionalLabel = None
    key_results: list[KeyResult] = Field(default_factory=list, description="The Key Results, in order.")
    actions: list[Text] = Field(default_factory=list, description="Actions already planned; kept in the OKRA view.")


class OKRSet(BaseModel):
    """A set of Objectives and Key Results: the unit krcoach analyses."""

    model_config = ConfigDict(extra="forbid")

    schema_version: str = SCHEMA_VERSION
    name: OptionalLabel = None
    objectives: Annotated[list[Objective], Field(min_length=1, description="At least one Objective.")]

    @model_validator(mode="after")
    def _assign_missing_ids(self) -> Self:
        """Give every Objective and Key Result a unique id, keeping the ones the user wrote."""
        seen: set[str] = set()
        for o_index, objective in enumerate(self.objectives, start=1):
            if not objective.id:
                objective.id = _unique(f"O{o_index}", seen)
            elif objective.id in seen:
                raise ValueError(f"duplicate objective id {objective.id!r}")
            seen.add(objective.id)
            for k_index, key_result in enumerate(objective.key_results, start=1):
                if not key_result.id:
                    key_result.id = _unique(f"{objective.id}.KR{k_index}", seen)
                elif key_result.id in seen:
                    raise ValueError(f"duplicate key result id {key_result.id!r}")
                seen.add(key_result.id)
        return self

    def key_results(self) -> list[tuple[Objective, KeyResult]]:
        """Every Key Result with its Objective, in input order."""
        return [(objective, kr) for objective in self.objectives for kr in objective.key_results]


def _unique(candidate: str, seen: set[str]) -> str:
    suffix = 2
    name = candidate
    while name in seen:
        name = f"{candidate}-{suffix}"
        suffix += 1
    return name
