"""The common Markdown outline: a heading or `Objective: …` line, then `- …` bullets as Key Results."""

from __future__ import annotations

import re

from krcoach.formats.errors import InputError
from krcoach.formats.raw import RawKeyResult, RawObjective, RawSet

_HEADING_RE = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_OBJECTIVE_LINE_RE = re.compile(r"^\s*(?:\*\*|__)?objective(?:\s*\d+)?\s*[:.\-–—]\s*(?:\*\*|__)?\s*(.+?)\s*$", re.I)
_OBJECTIVE_PREFIX_RE = re.compile(r"^(?:objective(?:\s*\d+)?|o\d+)\s*[:.\-–—]\s*", re.IGNORECASE)
_BULLET_RE = re.compile(r"^\s*(?:[-*+•]|\d+[.)])\s+(.*?)\s*$")
_KR_LABEL_RE = re.compile(r"^(?:\*\*|__)?(?:kr|key\s+result)\s*\d*(?:\.\d+)*\s*[:.)\-–—]\s*(?:\*\*|__)?\s*", re.I)
_FIELD_RE = re.compile(r"^\s*(?:\*\*|__)?(owner|team|period)(?:\*\*|__)?\s*:\s*(?:\*\*|__)?\s*(.+?)\s*$", re.I)
_SECTION_RE = re.compile(
    r"^\s*(?:#{1,6}\s+)?(?:\*\*|__)?(key\s+results?|krs|actions?)\s*:?\s*(?:\*\*|__)?\s*:?\s*$", re.I
)


def parse_markdown(text: str, source: str) -> RawSet:
    """Objectives start at headings or `Objective:` lines; bullets under `Actions:` are planned Actions."""
    raw = RawSet()
    lines = text.splitlines()
    current: RawObjective | None = None
    in_actions = False
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        section = _SECTION_RE.match(line)
        if section is not None:
            in_actions = section.group(1).lower().startswith("action")
            continue
        title = _objective_title(line)
        if title is not None:
            if _is_document_title(lines, number, raw, line):
                raw.name = title
                continue
            current = RawObjective(title=_OBJECTIVE_PREFIX_RE.sub("", title), line=number)
            raw.objectives.append(current)
            in_actions = False
            continue
        if current is None:
            continue
        field = _FIELD_RE.match(line)
        if field is not None:
            setattr(current, field.group(1).lower(), field.group(2))
            continue
        bullet = _BULLET_RE.match(line)
        if bullet is not None:
            item = RawKeyResult(text=_KR_LABEL_RE.sub("", bullet.group(1)).strip(), line=number)
            (current.actions if in_actions else current.key_results).append(item)
    if not raw.objectives:
        raise InputError(source, "no objectives found (expected '## …' headings or 'Objective: …' lines)", 1)
    return raw


def _objective_title(line: str) -> str | None:
    heading = _HEADING_RE.match(line)
    if heading is not None:
        return heading.group(2).strip("*_ ").strip()
    objective = _OBJECTIVE_LINE_RE.match(line)
    return objective.group(1).strip("*_ ").strip() if objective is not None else None


def _is_document_title(lines: list[str], number: int, raw: RawSet, line: str) -> bool:
    """The first heading is the document's title when another heading follows before any bullet."""
    if raw.objectives or raw.name is not None or _HEADING_RE.match(line) is None:
        return False
    if _OBJECTIVE_PREFIX_RE.match(_objective_title(line) or ""):
        return False
    for following in lines[number:]:
        if _BULLET_RE.match(following):
            return False
        if _HEADING_RE.match(following) or _OBJECTIVE_LINE_RE.match(following):
            return True
    return False
