"""What a reader extracted, before validation: OKR-shaped data plus the input line of each part.

Every reader turns its format into a :class:`Draft`; :func:`to_okr_set` checks it and validates it into an
:class:`~krcoach.domain.okr.OKRSet`, so every error names the line it comes from.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from krcoach.domain.okr import MAX_TEXT_CHARS, KeyResult, Objective, OKRSet
from krcoach.io.errors import InputError
from krcoach.io.formats import InputFormat

Path = tuple[str | int, ...]
"""Where a value sits in the OKRSet-shaped data, e.g. ("objectives", 0, "key_results", 2, "text")."""

EXPECTED: dict[InputFormat, str] = {
    InputFormat.yaml: "expected an 'objectives' list, or a list of objectives",
    InputFormat.json: "expected an 'objectives' list, or a list of objectives",
    InputFormat.jsonl: 'expected one {"objective": ..., "key_result": ...} object per line',
    InputFormat.csv: "expected a header with 'objective' and 'key_result' columns, then one row per Key Result",
    InputFormat.md: "start each Objective with a heading or an 'Objective:' line and list its Key Results as bullets"
    ", or give a table with a 'Key Result' column",
    InputFormat.xlsx: "expected a header row with 'objective' and 'key_result' columns, then one row per Key Result",
}
"""What each format should look like, for the 'no objectives' message."""

LOOKED_FOR: dict[InputFormat, str] = {
    InputFormat.yaml: "a 'key_results' list under an Objective",
    InputFormat.json: "a 'key_results' list under an Objective",
    InputFormat.jsonl: 'a line with a non-empty "key_result"',
    InputFormat.csv: "a row with a filled 'Key Result' column",
    InputFormat.md: "list items ('- …') or 'KR1: …' lines under an Objective, or a table with a 'Key Result' column",
    InputFormat.xlsx: "a row with a filled 'Key Result' column",
}
"""Where each format keeps its Key Results, for the 'no Key Results' message."""

_PREVIEW_CHARS = 40


class Skip(StrEnum):
    """The kinds of non-blank line a reader skips on purpose: anything else is read or refused."""

    TITLE = "title"
    INTRODUCTION = "introduction"
    SECTION = "section heading"
    COMMENT = "comment"
    RULE = "horizontal rule"
    HEADER = "column header"
    SEPARATOR = "table separator"
    EMPTY_ROW = "empty row"


@dataclass(frozen=True, slots=True)
class Skipped:
    """A line skipped on purpose, and why."""

    line: int
    kind: Skip


@dataclass
class Draft:
    """OKRSet-shaped data as read, with the line of each located path and the lines skipped on purpose."""

    source: str
    fmt: InputFormat
    data: dict[str, Any] = field(default_factory=dict)
    lines: dict[Path, int] = field(default_factory=dict)
    skipped: list[Skipped] = field(default_factory=list)

    def skip(self, line: int, kind: Skip) -> None:
        """Note that ``line`` was skipped on purpose."""
        self.skipped.append(Skipped(line, kind))

    def line(self, path: Path) -> int | None:
        """The line of ``path``, or of its nearest ancestor that has one."""
        for end in range(len(path), -1, -1):
            if (line := self.lines.get(path[:end])) is not None:
                return line
        return None

    def error(self, path: Path, message: str) -> InputError:
        """An InputError at the line of ``path``."""
        return InputError(self.source, self.line(path), message)


class DraftBuilder:
    """Builds a Draft one Objective, Key Result or Action at a time, as line-based formats read them."""

    def __init__(self, source: str, fmt: InputFormat) -> None:
        self.draft = Draft(source, fmt, {"objectives": []})
        self._objectives: list[dict[str, Any]] = self.draft.data["objectives"]

    @property
    def has_objective(self) -> bool:
        """Whether an Objective has been started."""
        return bool(self._objectives)

    @property
    def current_title(self) -> str | None:
        """The title of the Objective being built, if one has been started and it is text."""
        title = self._objectives[-1]["title"] if self._objectives else None
        return title if isinstance(title, str) else None

    def objective(self, title: object, line: int, **fields: object) -> None:
        """Start an Objective; empty ``fields`` (id, owner, team, period) are left out."""
        self._objectives.append({"title": title, "key_results": [], "actions": []})
        self.draft.lines[self._path()] = line
        for name, value in fields.items():
            if not is_blank(value):
                self.set_field(name, value, line)

    def set_field(self, name: str, value: object, line: int) -> None:
        """Set a field (owner, team, period, id) of the current Objective."""
        self._objectives[-1][name] = as_label(value)
        self.draft.lines[(*self._path(), name)] = line

    def key_result(
        self, text: object, line: int, kr_id: object = None, columns: Mapping[str, str] | None = None
    ) -> None:
        """Add a Key Result to the current Objective, with the other columns of its row if any."""
        key_results = self._objectives[-1]["key_results"]
        key_result: dict[str, object] = {"id": "" if is_blank(kr_id) else as_label(kr_id), "text": text}
        if columns:
            key_result["columns"] = dict(columns)
        key_results.append(key_result)
        self.draft.lines[(*self._path(), "key_results", len(key_results) - 1)] = line

    def action(self, text: str, line: int) -> None:
        """Add an Action to the current Objective."""
        actions = self._objectives[-1]["actions"]
        actions.append(text)
        self.draft.lines[(*self._path(), "actions", len(actions) - 1)] = line

    def _path(self) -> Path:
        return ("objectives", len(self._objectives) - 1)


def is_blank(value: object) -> bool:
    """None, or a string of only whitespace."""
    return value is None or (isinstance(value, str) and not value.strip())


def as_label(value: object) -> object:
    """Numbers and dates (as YAML reads ``id: 1`` or ``period: 2026-07-01``) as text; anything else as is."""
    if isinstance(value, int | float | dt.date) and not isinstance(value, bool):
        return str(value)
    return value


def to_okr_set(draft: Draft) -> OKRSet:
    """Check and validate a Draft; every problem becomes an InputError naming its line."""
    objectives = draft.data.get("objectives")
    if objectives is None or objectives == []:
        raise draft.error(("objectives",), f"no objectives found; {EXPECTED[draft.fmt]}")
    if isinstance(objectives, list):
        seen_ids: set[object] = set()
        for index, objective in enumerate(objectives):
            if isinstance(objective, Mapping):
                _check_objective(draft, ("objectives", index), objective, seen_ids)
    try:
        okr_set = OKRSet.model_validate(draft.data)
    except ValidationError as exc:
        raise _readable(draft, exc) from None
    if not okr_set.key_results():
        raise InputError(draft.source, None, f"no Key Results found: looked for {LOOKED_FOR[draft.fmt]}")
    return okr_set


def _check_objective(draft: Draft, path: Path, objective: Mapping[str, Any], seen_ids: set[object]) -> None:
    """What pydantic would also reject, said better: no title, too long, duplicate ids."""
    title = objective.get("title")
    if is_blank(title):
        raise draft.error((*path, "title"), f"Objective {int(path[-1]) + 1} has no title")
    _check_id(draft, path, objective, seen_ids, "Objective")
    _check_length(draft, (*path, "title"), title, "Objective")
    key_results = objective.get("key_results")
    for index, key_result in enumerate(key_results if isinstance(key_results, list) else []):
        if isinstance(key_result, Mapping):
            kr_path = (*path, "key_results", index)
            _check_id(draft, kr_path, key_result, seen_ids, "Key Result")
            _check_length(draft, (*kr_path, "text"), key_result.get("text"), "Key Result")
    actions = objective.get("actions")
    for index, action in enumerate(actions if isinstance(actions, list) else []):
        _check_length(draft, (*path, "actions", index), action, "Action")


def _check_id(draft: Draft, path: Path, item: Mapping[str, Any], seen: set[object], what: str) -> None:
    value = item.get("id")
    if is_blank(value) or not isinstance(value, str):
        return
    if value in seen:
        raise draft.error((*path, "id"), f"duplicate {what} id {value!r}; ids must be unique across the set")
    seen.add(value)


def _check_length(draft: Draft, path: Path, text: object, what: str) -> None:
    if isinstance(text, str) and len(text := text.strip()) > MAX_TEXT_CHARS:
        raise draft.error(
            path,
            f'{what} "{text[:_PREVIEW_CHARS]}…" is {len(text):,} characters long; the limit is {MAX_TEXT_CHARS:,}',
        )


def _readable(draft: Draft, exc: ValidationError) -> InputError:
    """The first validation error as a sentence, with its line; the count of the others."""
    errors = exc.errors(include_url=False)
    first = errors[0]
    message = _describe(first)
    if len(errors) > 1:
        others = len(errors) - 1
        message += f" (and {others} more problem{'s' if others > 1 else ''})"
    return draft.error(tuple(first["loc"]), message)


def _describe(error: ErrorDetails) -> str:
    loc = tuple(error["loc"])
    if error["type"] == "extra_forbidden" and loc:
        known = ", ".join(_model_at(loc[:-1]).model_fields)
        where = _where(loc[:-1])
        return f"{where + ': ' if where else ''}unknown field {loc[-1]!r} (known fields: {known})"
    reason = error["msg"].removeprefix("Value error, ")
    where = _where(loc)
    return f"{where}: {reason}" if where else reason


def _where(loc: Path) -> str:
    """A validation location in words: ("objectives", 0, "actions", 1) → "objective 1, action 2"."""
    items = {"objectives": "objective", "key_results": "key result", "actions": "action"}
    words: list[str] = []
    for index, part in enumerate(loc):
        following = loc[index + 1] if index + 1 < len(loc) else None
        if isinstance(part, int):
            continue
        if part in items and isinstance(following, int):
            words.append(f"{items[part]} {following + 1}")
        else:
            words.append(f"field {part!r}")
    return ", ".join(words)


def _model_at(loc: Path) -> type[BaseModel]:
    """The model a location points into: the set, an Objective or a Key Result."""
    depth = sum(isinstance(part, int) for part in loc)
    return (OKRSet, Objective, KeyResult)[min(depth, 2)]
