"""YAML and JSON readers: the OKRSet schema, a bare list of objectives, and a few friendly aliases."""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Iterator
from typing import Any

import yaml

from krcoach.io.draft import Draft, Path, as_label
from krcoach.io.errors import InputError
from krcoach.io.formats import InputFormat
from krcoach.io.yaml_safe import SafeLoader, check_aliases

_LABEL_FIELDS = ("id", "owner", "team", "period")


def read_yaml(text: str, source: str) -> Draft:
    """A Draft from YAML, with the line of every node (from PyYAML's marks)."""
    try:
        node, data = _composed(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = None if mark is None else mark.line + 1
        raise InputError(source, line, f"invalid YAML: {exc.problem or exc.context}") from None
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        raise InputError(source, line, f"invalid YAML: character U+{exc.character:04X} is not allowed") from None
    except yaml.YAMLError as exc:
        raise InputError(source, None, f"invalid YAML: {exc}") from None
    lines = {} if node is None else dict(_yaml_lines(node, ()))
    return _normalised(data, lines, source, InputFormat.yaml)


def _composed(text: str) -> tuple[yaml.Node | None, object]:
    """The node tree of a single YAML document (its aliases bounded), and the data built from it."""
    loader = SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, None
        check_aliases(node)
        return node, loader.construct_document(node)
    finally:
        loader.dispose()


def read_json(text: str, source: str) -> Draft:
    """A Draft from JSON, with the line of every value (found by walking the raw text)."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(source, exc.lineno, f"invalid JSON: {exc.msg} (column {exc.colno})") from None
    except ValueError as exc:  # a number Python will not convert (over 4,300 digits)
        raise InputError(source, None, f"invalid JSON: {str(exc).partition(';')[0]}") from None
    return _normalised(data, _JsonLines(text).lines, source, InputFormat.json)


def _yaml_lines(node: yaml.Node, path: Path) -> Iterator[tuple[Path, int]]:
    """The line of each node: a scalar's own line; a mapping entry holding a collection, its key's line."""
    yield path, node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            child = (*path, str(key.value))
            yield from _yaml_lines(value, child)
            if not isinstance(value, yaml.ScalarNode):
                yield child, key.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            yield from _yaml_lines(item, (*path, index))


class _JsonLines:
    """The line where each value starts, in a JSON text already known to be valid."""

    _SPACE = re.compile(r"[ \t\r\n]*")
    _DECODER = json.JSONDecoder()

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.lines: dict[Path, int] = {}
        self._newlines = [match.start() for match in re.finditer("\n", text)]
        self._value(())

    def _value(self, path: Path) -> None:
        self._skip()
        self.lines[path] = bisect.bisect_left(self._newlines, self.pos) + 1
        opening = self.text[self.pos]
        if opening in "{[":
            self._container(path, keyed=opening == "{")
        else:
            self.pos = self._DECODER.raw_decode(self.text, self.pos)[1]

    def _container(self, path: Path, *, keyed: bool) -> None:
        self.pos += 1
        index = 0
        while True:
            self._skip()
            if self.text[self.pos] in "]}":
                self.pos += 1
                return
            if keyed:
                key, self.pos = self._DECODER.raw_decode(self.text, self.pos)
                self._skip()
                self.pos += 1  # the colon
            self._value((*path, key if keyed else index))
            index += 1
            self._skip()
            if self.text[self.pos] == ",":
                self.pos += 1

    def _skip(self) -> None:
        match = self._SPACE.match(self.text, self.pos)
        self.pos = match.end() if match else self.pos


def _normalised(data: object, lines: dict[Path, int], source: str, fmt: InputFormat) -> Draft:
    """The data as the OKRSet schema expects it, with the lines moved along with the values."""
    if isinstance(data, list):
        draft = Draft(source, fmt, {"objectives": data}, {("objectives", *path): n for path, n in lines.items()})
        draft.lines[()] = lines.get((), 1)
    elif isinstance(data, dict) or data is None:
        draft = Draft(source, fmt, dict(data or {}), dict(lines))
    else:
        raise InputError(source, lines.get(()), f"expected a mapping or a list, found {type(data).__name__}")
    objectives = draft.data.get("objectives")
    if isinstance(objectives, list):
        draft.data["objectives"] = [
            _objective(item, ("objectives", index), draft.lines) for index, item in enumerate(objectives)
        ]
    return draft


def _objective(item: object, path: Path, lines: dict[Path, int]) -> object:
    """One Objective with `objective` read as `title`, labels as text, plain-string Key Results as objects."""
    if not isinstance(item, dict):
        return item
    objective: dict[str, Any] = {key: as_label(value) if key in _LABEL_FIELDS else value for key, value in item.items()}
    if "objective" in objective and "title" not in objective:
        objective["title"] = objective.pop("objective")
        if (line := lines.pop((*path, "objective"), None)) is not None:
            lines[(*path, "title")] = line
    key_results = objective.get("key_results")
    if isinstance(key_results, list):
        objective["key_results"] = [
            _key_result(kr, (*path, "key_results", index), lines) for index, kr in enumerate(key_results)
        ]
    return objective


def _key_result(item: object, path: Path, lines: dict[Path, int]) -> object:
    if isinstance(item, str):
        if path in lines:
            lines[(*path, "text")] = lines[path]
        return {"text": item}
    if isinstance(item, dict) and "id" in item:
        return {**item, "id": as_label(item["id"])}
    return item
