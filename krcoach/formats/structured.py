"""YAML and JSON OKR sets: the OKRSet schema, leniently (plain-string Key Results, `objective` for `title`)."""

from __future__ import annotations

import json
from typing import Any

import yaml

from krcoach.formats.errors import InputError
from krcoach.formats.raw import RawKeyResult, RawObjective, RawSet

_OBJECTIVE_KEYS = {"id", "title", "objective", "owner", "team", "period", "key_results", "actions"}
_KEY_RESULT_KEYS = {"id", "text", "key_result"}


def parse_json(text: str, source: str) -> RawSet:
    """A JSON document in the OKRSet shape."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise InputError(source, f"invalid JSON: {error.msg}", error.lineno) from None
    return from_document(document, text, source)


def parse_yaml(text: str, source: str) -> RawSet:
    """A YAML document in the OKRSet shape."""
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(error, "problem", None) or "cannot parse"
        raise InputError(source, f"invalid YAML: {problem}", line) from None
    return from_document(document, text, source)


def from_document(document: Any, text: str, source: str) -> RawSet:
    """Turn a loaded JSON/YAML document into a raw set; lines are found by searching the text."""
    locate = _Locator(text)
    if isinstance(document, list):
        document = {"objectives": document}
    if not isinstance(document, dict):
        raise InputError(source, "expected a mapping with 'objectives', or a list of objectives", 1)
    unknown = set(document) - {"objectives", "name", "schema_version"}
    if unknown:
        raise InputError(source, f"unknown top-level field(s): {', '.join(sorted(map(str, unknown)))}", 1)
    objectives = document.get("objectives")
    if not isinstance(objectives, list):
        raise InputError(source, "'objectives' must be a list", 1)
    name = document.get("name")
    raw = RawSet(name=str(name) if name is not None else None)
    for index, item in enumerate(objectives, start=1):
        raw.objectives.append(_objective(item, index, locate, source))
    return raw


def _objective(item: Any, index: int, locate: _Locator, source: str) -> RawObjective:
    if not isinstance(item, dict):
        raise InputError(source, f"objective {index} must be a mapping with a 'title'", locate.find(str(item)))
    unknown = set(item) - _OBJECTIVE_KEYS
    title = item.get("title", item.get("objective"))
    line = locate.find(str(title)) if title else None
    if unknown:
        raise InputError(source, f"objective {index}: unknown field(s): {', '.join(sorted(map(str, unknown)))}", line)
    if not isinstance(title, str) or not title.strip():
        raise InputError(source, f"objective {index} has no title", line)
    objective = RawObjective(
        title=title,
        line=line,
        id=_optional_str(item.get("id")) or "",
        owner=_optional_str(item.get("owner")),
        team=_optional_str(item.get("team")),
        period=_optional_str(item.get("period")),
    )
    for what, target in (("key_results", objective.key_results), ("actions", objective.actions)):
        entries = item.get(what) or []
        if not isinstance(entries, list):
            raise InputError(source, f"objective {index}: '{what}' must be a list", line)
        target.extend(_key_result(entry, index, locate, source) for entry in entries)
    return objective


def _key_result(entry: Any, index: int, locate: _Locator, source: str) -> RawKeyResult:
    if isinstance(entry, str):
        return RawKeyResult(text=entry, line=locate.find(entry))
    if isinstance(entry, dict) and not set(entry) - _KEY_RESULT_KEYS:
        text = entry.get("text", entry.get("key_result"))
        if isinstance(text, str):
            return RawKeyResult(text=text, line=locate.find(text), id=_optional_str(entry.get("id")) or "")
    raise InputError(source, f"objective {index}: a key result must be a string or {{id, text}}", None)


def _optional_str(value: Any) -> str | None:
    return None if value is None else str(value)


class _Locator:
    """Finds the line of a value in the raw text, searching forward so repeated texts get their own lines."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._position = 0

    def find(self, value: str) -> int | None:
        needle = value.strip()[:60]
        if not needle:
            return None
        at = self._text.find(needle, self._position)
        if at < 0:
            at = self._text.find(json.dumps(needle)[1:-1], self._position)
        if at < 0:
            return None
        self._position = at + len(needle)
        return self._text.count("\n", 0, at) + 1
