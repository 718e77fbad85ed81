"""Input formats: which one an input is in, from its file name or, failing that, from its content."""

from __future__ import annotations

import csv
import json
import re
from enum import StrEnum
from pathlib import PurePath

import yaml

from krcoach.io.errors import InputError
from krcoach.io.yaml_safe import safe_load


class InputFormat(StrEnum):
    """The formats an OKR set can be read from."""

    yaml = "yaml"
    json = "json"
    jsonl = "jsonl"
    csv = "csv"
    md = "md"
    xlsx = "xlsx"


STDIN = "<stdin>"
"""The source name of standard input."""

EXTENSIONS: dict[str, InputFormat] = {
    ".yaml": InputFormat.yaml,
    ".yml": InputFormat.yaml,
    ".json": InputFormat.json,
    ".jsonl": InputFormat.jsonl,
    ".ndjson": InputFormat.jsonl,
    ".csv": InputFormat.csv,
    ".md": InputFormat.md,
    ".markdown": InputFormat.md,
    ".xlsx": InputFormat.xlsx,
}
"""File extensions that name their format; any other extension (.txt included) is sniffed."""

SUPPORTED = ", ".join(
    f"{fmt.value} ({' '.join(ext for ext, of in EXTENSIONS.items() if of is fmt)})" for fmt in InputFormat
)
"""The supported formats with their extensions, for messages."""

_CSV_DELIMITERS = ",;\t"
_COLUMN_ROLES = {
    **dict.fromkeys(["objective", "objectives", "goal", "goals"], "objective"),
    **dict.fromkeys(["key_result", "key_results", "keyresult", "keyresults", "kr", "krs"], "key_result"),
    **dict.fromkeys(["id", "kr_id", "key_result_id"], "id"),
    **dict.fromkeys(["objective_id", "goal_id"], "objective_id"),
}
_PARENTHESES = re.compile(r"\([^)]*\)")
_NOT_ALPHANUMERIC = re.compile(r"[^0-9a-z]+")
_LINE_END = re.compile(r"\r\n?|\n")
_YAML_KEY = re.compile(r"^objectives\s*:", re.MULTILINE)
_MARKDOWN_HINT = re.compile(
    r"^\s{0,3}(?:#{1,6}\s+\S|[*_]*(?:objective\b|o\d|kr\s*\d)|[-*+]\s+\S|\d+[.)]\s+\S|\|.*\|)",
    re.IGNORECASE | re.MULTILINE,
)


def detect_format(source: str, text: str) -> InputFormat:
    """The format of ``text``: from the extension of ``source`` when it names one, else by sniffing."""
    if source != STDIN and (known := EXTENSIONS.get(PurePath(source).suffix.lower())):
        return known
    sniffed = sniff_format(text)
    if sniffed is None:
        raise InputError(
            source, None, f"cannot tell the format of the input; supported formats: {SUPPORTED}; give one explicitly"
        )
    return sniffed


def sniff_format(text: str) -> InputFormat | None:
    """Guess the format from the content alone; None when nothing fits."""
    stripped = text.lstrip()
    if stripped.startswith(("{", "[")):
        return _sniff_json(stripped)
    if _YAML_KEY.search(text) or _is_yaml_objective_list(text):
        return InputFormat.yaml
    header = first_line(stripped)
    try:
        cells = next(csv.reader([header], csv_dialect(header)), [])
    except csv.Error:  # not CSV, whatever else it is
        cells = []
    if {"objective", "key_result"} <= {column_key(cell) for cell in cells}:
        return InputFormat.csv
    if _MARKDOWN_HINT.search(text):
        return InputFormat.md
    return None


def first_line(text: str) -> str:
    """The first line of ``text``, ended as the csv module ends lines: by "\\n", "\\r\\n" or a lone "\\r"."""
    return _LINE_END.split(text, maxsplit=1)[0]


def column_key(name: str) -> str:
    """A header cell as a column key: "Key Results", "KR" → key_result; "Goal" → objective; "Owner" → owner."""
    key = _NOT_ALPHANUMERIC.sub("_", _PARENTHESES.sub(" ", name).lower()).strip("_")
    return _COLUMN_ROLES.get(key, key)


def csv_dialect(header: str) -> type[csv.Dialect]:
    """The CSV dialect of a file whose header line is ``header``: comma, semicolon or tab separated.

    Only the delimiter is sniffed; quoting is a spreadsheet's (a quote inside a quoted cell doubled), strict.
    """
    try:
        delimiter = csv.Sniffer().sniff(header, _CSV_DELIMITERS).delimiter
    except csv.Error:
        delimiter = ","
    return type("SpreadsheetCSV", (csv.excel,), {"delimiter": delimiter, "strict": True})


def _sniff_json(text: str) -> InputFormat:
    try:
        value = json.loads(text)
    except ValueError:
        lines = [line for line in text.splitlines() if line.strip()]
        many_objects = len(lines) > 1 and all(line.lstrip().startswith("{") for line in lines)
        return InputFormat.jsonl if many_objects else InputFormat.json
    return InputFormat.jsonl if isinstance(value, dict) and "key_result" in value else InputFormat.json


def _is_yaml_objective_list(text: str) -> bool:
    try:
        value = safe_load(text)
    except (yaml.YAMLError, RecursionError):
        return False
    return (
        isinstance(value, list)
        and bool(value)
        and isinstance(value[0], dict)
        and bool({"title", "objective", "key_results"} & set(value[0]))
    )
