"""Read an OKR set from YAML, JSON, JSON Lines, CSV, a Markdown outline or table, or an .xlsx workbook.

Every problem with the input is raised as an :class:`~krcoach.io.errors.InputError` naming the source and,
wherever it is knowable, the 1-based line. :func:`read_document` also reports the lines skipped on purpose.
"""

from __future__ import annotations

import codecs
import json
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import PurePath

from krcoach.domain.okr import OKRSet
from krcoach.io.draft import Draft, DraftBuilder, Skipped, to_okr_set
from krcoach.io.errors import InputError
from krcoach.io.formats import EXTENSIONS, STDIN, InputFormat, detect_format
from krcoach.io.readers_csv import read_csv
from krcoach.io.readers_markdown import read_markdown
from krcoach.io.readers_structured import read_json, read_yaml
from krcoach.io.readers_xlsx import ZIP_MAGIC, read_xlsx
from krcoach.io.tabular import OBJECTIVE_FIELDS, Record, add_records

__all__ = ["Reading", "detect_format", "read_document", "read_okr_set"]

_REQUIRED = ("objective", "key_result")


@dataclass(frozen=True, slots=True)
class Reading:
    """What a reader read (the set) and what it skipped on purpose (titles, comments, headers …)."""

    okr_set: OKRSet
    fmt: InputFormat
    skipped: tuple[Skipped, ...]

    def summary(self, source: str) -> str:
        """One line for people: `okrs.md: read 2 Objectives, 5 Key Results, 1 Action; skipped 1 title (line 1)`."""
        objectives = self.okr_set.objectives
        counts = [
            _counted(len(objectives), "Objective"),
            _counted(sum(len(o.key_results) for o in objectives), "Key Result"),
            _counted(sum(len(o.actions) for o in objectives), "Action"),
        ]
        text = f"{source}: read {', '.join(counts)} ({self.fmt.value})"
        if not self.skipped:
            return text + "; skipped no line"
        kinds = Counter(skipped.kind for skipped in self.skipped)
        parts = []
        for kind, count in kinds.items():
            lines = ", ".join(str(s.line) for s in self.skipped if s.kind is kind)
            parts.append(f"{_counted(count, kind.value)} (line{'s' if count > 1 else ''} {lines})")
        return f"{text}; skipped on purpose: {'; '.join(parts)}"


def read_okr_set(data: bytes, *, source: str, fmt: InputFormat | None = None, sheet: str | None = None) -> OKRSet:
    """Parse ``data`` (the bytes of a file, or of stdin when ``source`` is "<stdin>") into an OKRSet.

    The format is ``fmt`` when given, else detected from the extension of ``source`` or the content; ``sheet``
    names the worksheet of an .xlsx workbook (default: the first).
    """
    return read_document(data, source=source, fmt=fmt, sheet=sheet).okr_set


def read_document(data: bytes, *, source: str, fmt: InputFormat | None = None, sheet: str | None = None) -> Reading:
    """Like :func:`read_okr_set`, with the format read and the lines skipped on purpose."""
    draft = _draft(data, source, fmt, sheet)
    return Reading(to_okr_set(draft), draft.fmt, tuple(sorted(draft.skipped, key=lambda s: s.line)))


def _draft(data: bytes, source: str, fmt: InputFormat | None, sheet: str | None) -> Draft:
    if _is_workbook(data, source, fmt):
        return read_xlsx(data, source, sheet)
    if sheet is not None:
        raise InputError(source, None, "a sheet can only be chosen in an .xlsx workbook")
    text = _decoded(data, source)
    try:
        return _READERS[InputFormat(fmt) if fmt else detect_format(source, text)](text, source)
    except RecursionError:  # the parsers recurse once per level of nesting: `[[[[…` or a YAML outline as deep
        raise InputError(source, None, "the input is nested too deeply to be an OKR set") from None


def _is_workbook(data: bytes, source: str, fmt: InputFormat | None) -> bool:
    """An .xlsx workbook: said so, named so, or (unnamed) starting as a zip archive does."""
    if fmt is not None:
        return InputFormat(fmt) is InputFormat.xlsx
    named = None if source == STDIN else EXTENSIONS.get(PurePath(source).suffix.lower())
    return named is InputFormat.xlsx or (named is None and data.startswith(ZIP_MAGIC))


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


def _read_jsonl(text: str, source: str) -> Draft:
    """One object per line: {"id"?, "objective", "key_result", "owner"?, "team"?, "period"?}."""
    builder = DraftBuilder(source, InputFormat.jsonl)
    add_records(builder, _jsonl_records(text, source))
    return builder.draft


def _jsonl_records(text: str, source: str) -> Iterator[Record]:
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
            raise InputError(source, number, f"missing field{_s(missing)} {', '.join(map(repr, missing))}")
        yield Record(
            line=number,
            objective=record["objective"],
            key_result=record["key_result"],
            kr_id=record.get("id"),
            objective_id=record.get("objective_id"),
            fields={name: record.get(name) for name in OBJECTIVE_FIELDS},
        )


def _json_type(value: object) -> str:
    names = {list: "an array", str: "a string", bool: "a boolean", int: "a number", float: "a number"}
    return names.get(type(value), "null")


def _counted(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _s(items: list[str]) -> str:
    return "s" if len(items) > 1 else ""


_READERS: dict[InputFormat, Callable[[str, str], Draft]] = {
    InputFormat.yaml: read_yaml,
    InputFormat.json: read_json,
    InputFormat.jsonl: _read_jsonl,
    InputFormat.csv: read_csv,
    InputFormat.md: read_markdown,
}
