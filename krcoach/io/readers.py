"""Read an OKR set from YAML, JSON, JSON Lines, CSV or a Markdown outline.

Every problem with the input is raised as an :class:`~krcoach.io.errors.InputError` naming the source and,
wherever it is knowable, the 1-based line.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from krcoach.domain.okr import OKRSet
from krcoach.io.draft import Draft, DraftBuilder, is_blank, to_okr_set
from krcoach.io.errors import InputError
from krcoach.io.formats import InputFormat, csv_dialect, detect_format, first_line, header_key
from krcoach.io.readers_markdown import read_markdown
from krcoach.io.readers_structured import read_json, read_yaml

__all__ = ["InputFormat", "detect_format", "read_okr_set"]

_REQUIRED = ("objective", "key_result")
_OBJECTIVE_FIELDS = ("owner", "team", "period")


def read_okr_set(data: bytes, *, source: str, fmt: InputFormat | None = None) -> OKRSet:
    """Parse ``data`` (the bytes of a file, or of stdin when ``source`` is "<stdin>") into an OKRSet.

    The format is ``fmt`` when given, else detected from the extension of ``source`` or the content.
    """
    text = _decoded(data, source)
    try:
        reader = _READERS[InputFormat(fmt) if fmt else detect_format(source, text)]
        return to_okr_set(reader(text, source))
    except RecursionError:  # the parsers recurse once per level of nesting: `[[[[…` or a YAML outline as deep
        raise InputError(source, None, "the input is nested too deeply to be an OKR set") from None


def _decoded(data: bytes, source: str) -> str:
    """The text of ``data``: UTF-8 (a leading BOM dropped), not empty."""
    body = data.removeprefix(codecs.BOM_UTF8)
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = body.count(b"\n", 0, exc.start) + 1
        raise InputError(
            source, line, f"not valid UTF-8 (byte 0x{body[exc.start]:02x}); save the file as UTF-8"
        ) from None
    if not text.strip():
        raise InputError(source, None, "the input is empty")
    return text


@dataclass(frozen=True, slots=True)
class _Row:
    """One Key Result row of a row-based format (JSON Lines, CSV), with its line."""

    line: int
    values: Mapping[str, object]


def _read_jsonl(text: str, source: str) -> Draft:
    """One object per line: {"id"?, "objective", "key_result", "owner"?, "team"?, "period"?}."""
    rows: list[_Row] = []
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(source, number, f"invalid JSON: {exc.msg} (column {exc.colno})") from None
        except ValueError as exc:  # a number Python will not convert (over 4,300 digits)
            raise InputError(source, number, f"invalid JSON: {str(exc).partition(';')[0]}") from None
        if not isinstance(record, dict):
            raise InputError(source, number, f"expected a JSON object, found {_json_type(record)}")
        if missing := [name for name in _REQUIRED if name not in record]:
            raise InputError(source, number, f"missing field{_s(missing)} {_quoted(missing)}")
        rows.append(_Row(number, record))
    return _grouped(rows, source, InputFormat.jsonl)


def _read_csv(text: str, source: str) -> Draft:
    """A header row naming `objective`, `key_result` (and optionally id, owner, team, period), then rows."""
    rows = csv.reader(io.StringIO(text, newline=""), csv_dialect(first_line(text.lstrip())))
    try:
        header = next((row for row in rows if not _empty(row)), [])
        columns = {header_key(name): index for index, name in enumerate(header)}
        if missing := [name for name in _REQUIRED if name not in columns]:
            found = _quoted(name.strip() for name in header)
            raise InputError(
                source, rows.line_num, f"missing required column{_s(missing)} {_quoted(missing)} (found: {found})"
            )
        records = [
            _Row(rows.line_num, {key: row[index].strip() if index < len(row) else "" for key, index in columns.items()})
            for row in rows
            if not _empty(row)
        ]
    except csv.Error as exc:  # e.g. a field over the csv module's limit of 131,072 characters
        raise InputError(source, rows.line_num, f"invalid CSV: {exc}") from None
    return _grouped(records, source, InputFormat.csv)


def _empty(row: list[str]) -> bool:
    return not any(cell.strip() for cell in row)


def _grouped(rows: Iterable[_Row], source: str, fmt: InputFormat) -> Draft:
    """Consecutive rows with the same objective (an empty one continuing the one above) form one Objective."""
    builder = DraftBuilder(source, fmt)
    current: tuple[object, object] | None = None
    for row in rows:
        title = row.values.get("objective")
        key = (title, row.values.get("objective_id"))
        if current is None or (key != current and not is_blank(title)):
            fields = {name: row.values.get(name) for name in _OBJECTIVE_FIELDS}
            builder.objective(title, row.line, id=key[1], **fields)
            current = key
        if not is_blank(text := row.values.get("key_result")):
            builder.key_result(text, row.line, row.values.get("id"))
    return builder.draft


def _json_type(value: object) -> str:
    names = {list: "an array", str: "a string", bool: "a boolean", int: "a number", float: "a number"}
    return names.get(type(value), "null")


def _quoted(names: Iterable[str]) -> str:
    return ", ".join(repr(name) for name in names)


def _s(items: list[str]) -> str:
    return "s" if len(items) > 1 else ""


_READERS: dict[InputFormat, Callable[[str, str], Draft]] = {
    InputFormat.yaml: read_yaml,
    InputFormat.json: read_json,
    InputFormat.jsonl: _read_jsonl,
    InputFormat.csv: _read_csv,
    InputFormat.md: read_markdown,
}
