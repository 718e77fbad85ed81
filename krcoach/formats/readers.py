"""Read an OKR set from bytes in any supported format, or fail with an InputError naming file and line."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import PurePath

from krcoach.domain.okr import OKRSet
from krcoach.formats.errors import InputError
from krcoach.formats.markdown import parse_markdown
from krcoach.formats.raw import RawSet, to_okr_set
from krcoach.formats.structured import parse_json, parse_yaml
from krcoach.formats.tabular import parse_csv, parse_jsonl


class InputFormat(StrEnum):
    """The formats krcoach reads."""

    yaml = "yaml"
    json = "json"
    jsonl = "jsonl"
    csv = "csv"
    md = "md"


_EXTENSIONS = {
    ".yaml": InputFormat.yaml,
    ".yml": InputFormat.yaml,
    ".json": InputFormat.json,
    ".jsonl": InputFormat.jsonl,
    ".ndjson": InputFormat.jsonl,
    ".csv": InputFormat.csv,
    ".md": InputFormat.md,
    ".markdown": InputFormat.md,
}
_PARSERS = {
    InputFormat.yaml: parse_yaml,
    InputFormat.json: parse_json,
    InputFormat.jsonl: parse_jsonl,
    InputFormat.csv: parse_csv,
    InputFormat.md: parse_markdown,
}
SUPPORTED = "YAML (.yaml/.yml), JSON (.json), JSON Lines (.jsonl/.ndjson), CSV (.csv), Markdown (.md)"


def read_okr_set(data: bytes, *, source: str, fmt: InputFormat | None = None) -> OKRSet:
    """Decode, detect the format (unless given), parse and validate."""
    text = decode(data, source)
    chosen = fmt or detect_format(source, text)
    raw: RawSet = _PARSERS[chosen](text, source)
    return to_okr_set(raw, source)


def decode(data: bytes, source: str) -> str:
    """UTF-8 text (a byte-order mark is dropped); bad bytes and empty input are errors."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise InputError(
            source, f"not valid UTF-8 (byte 0x{data[error.start]:02x}); save the file as UTF-8", line
        ) from None
    if not text.strip():
        raise InputError(source, "the input is empty")
    return text


def detect_format(source: str, text: str) -> InputFormat:
    """The format from the file extension, else from the content."""
    suffix = PurePath(source).suffix.lower()
    if suffix in _EXTENSIONS:
        return _EXTENSIONS[suffix]
    sniffed = _sniff(text)
    if sniffed is None:
        raise InputError(source, f"cannot tell the format; supported: {SUPPORTED} (use --input-format)")
    return sniffed


def _sniff(text: str) -> InputFormat | None:
    stripped = text.lstrip()
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if stripped.startswith(("{", "[")):
        try:
            json.loads(stripped)
        except json.JSONDecodeError:
            return InputFormat.jsonl if all(line.startswith("{") for line in lines) else None
        return InputFormat.json
    first = lines[0].lower()
    if "objective" in first and "key_result" in first.replace(" ", "_") and "," in first:
        return InputFormat.csv
    if first.startswith(("objectives:", "name:", "- title:", "- objective:")):
        return InputFormat.yaml
    if first.startswith("#") or first.replace("*", "").startswith("objective"):
        return InputFormat.md
    return None
