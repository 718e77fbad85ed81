"""Row formats: JSON Lines and CSV, one Key Result per row; consecutive rows of one objective are grouped."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from krcoach.formats.errors import InputError
from krcoach.formats.raw import RawKeyResult, RawObjective, RawSet


def parse_jsonl(text: str, source: str) -> RawSet:
    """One `{"id"?, "objective", "key_result"}` object per line."""
    raw = RawSet()
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as error:
            raise InputError(source, f"invalid JSON: {error.msg}", number) from None
        if not isinstance(row, dict):
            raise InputError(source, "each line must be a JSON object", number)
        _add_row(raw, row, number, source)
    return raw


def parse_csv(text: str, source: str) -> RawSet:
    """Columns `objective`, `key_result`, optional `id` (and owner, team, period); header names case-free."""
    reader = csv.reader(io.StringIO(text))
    try:
        header = [name.strip().lower().replace(" ", "_") for name in next(reader)]
    except StopIteration:
        raise InputError(source, "CSV has no header", 1) from None
    missing = [column for column in ("objective", "key_result") if column not in header]
    if missing:
        raise InputError(source, f"CSV is missing column(s): {', '.join(missing)} (found: {', '.join(header)})", 1)
    raw = RawSet()
    try:
        for values in reader:
            if not any(value.strip() for value in values):
                continue
            if len(values) > len(header):
                raise InputError(source, f"row has {len(values)} fields, the header {len(header)}", reader.line_num)
            _add_row(raw, dict(zip(header, values, strict=False)), reader.line_num, source)
    except csv.Error as error:
        raise InputError(source, f"invalid CSV: {error}", reader.line_num) from None
    return raw


def _add_row(raw: RawSet, row: dict[str, Any], line: int, source: str) -> None:
    objective = row.get("objective")
    key_result = row.get("key_result")
    if not isinstance(objective, str) or not objective.strip():
        raise InputError(source, "missing 'objective'", line)
    if not isinstance(key_result, str):
        raise InputError(source, "missing 'key_result'", line)
    if not raw.objectives or raw.objectives[-1].title != objective:
        raw.objectives.append(
            RawObjective(
                title=objective,
                line=line,
                owner=_text(row.get("owner")),
                team=_text(row.get("team")),
                period=_text(row.get("period")),
            )
        )
    raw.objectives[-1].key_results.append(RawKeyResult(text=key_result, line=line, id=_text(row.get("id")) or ""))


def _text(value: Any) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return str(value).strip()
