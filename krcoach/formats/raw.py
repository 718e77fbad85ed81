"""Parsed-but-unvalidated OKR sets that remember lines, and their conversion to the OKRSet schema."""

from __future__ import annotations

from dataclasses import dataclass, field

from pydantic import ValidationError

from krcoach.domain.okr import MAX_TEXT_CHARS, OKRSet
from krcoach.formats.errors import InputError


@dataclass(slots=True)
class RawKeyResult:
    """A Key Result as read, with the line it came from."""

    text: str
    line: int | None
    id: str = ""


@dataclass(slots=True)
class RawObjective:
    """An Objective as read, with the line it came from."""

    title: str
    line: int | None
    id: str = ""
    owner: str | None = None
    team: str | None = None
    period: str | None = None
    key_results: list[RawKeyResult] = field(default_factory=list)
    actions: list[RawKeyResult] = field(default_factory=list)


@dataclass(slots=True)
class RawSet:
    """A whole set as read."""

    objectives: list[RawObjective] = field(default_factory=list)
    name: str | None = None


def to_okr_set(raw: RawSet, source: str) -> OKRSet:
    """Validate a raw set, naming the file and line of the first problem."""
    if not raw.objectives:
        raise InputError(source, "no objectives found")
    for objective in raw.objectives:
        _check_text(objective.title, "objective", objective.line, source)
        for item in [*objective.key_results, *objective.actions]:
            _check_text(item.text, "key result" if item in objective.key_results else "action", item.line, source)
    payload = {
        "name": raw.name,
        "objectives": [
            {
                "id": o.id,
                "title": o.title.strip(),
                "owner": o.owner,
                "team": o.team,
                "period": o.period,
                "key_results": [{"id": kr.id, "text": kr.text.strip()} for kr in o.key_results],
                "actions": [a.text.strip() for a in o.actions],
            }
            for o in raw.objectives
        ],
    }
    try:
        return OKRSet.model_validate(payload)
    except ValidationError as error:
        first = error.errors()[0]
        path = ".".join(str(part) for part in first["loc"])
        raise InputError(source, f"{path}: {first['msg']}", _line_for(raw, first["loc"])) from None


def _check_text(text: str, what: str, line: int | None, source: str) -> None:
    stripped = text.strip()
    if not stripped:
        raise InputError(source, f"empty {what} text", line)
    if len(stripped) > MAX_TEXT_CHARS:
        raise InputError(source, f"{what} is {len(stripped)} characters long; the limit is {MAX_TEXT_CHARS}", line)


def _line_for(raw: RawSet, location: tuple[int | str, ...]) -> int | None:
    """The line of the objective or Key Result a validation error points at, if known."""
    if len(location) >= 2 and location[0] == "objectives" and isinstance(location[1], int):
        objective = raw.objectives[location[1]]
        if len(location) >= 4 and location[2] == "key_results" and isinstance(location[3], int):
            return objective.key_results[location[3]].line
        return objective.line
    return None
