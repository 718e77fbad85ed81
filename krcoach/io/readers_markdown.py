"""Markdown outline reader: headings or "Objective:" lines, bullet Key Results, an optional Actions section.

# Growth OKRs, Q3                  ← first line, no bullets before the next heading: the set's name
Team: Growth                       ← before the first Objective: a default for every Objective
## Objective 1: New customers succeed without help
Owner: Dana
Key Results:                       ← skipped, like "Objectives" or "OKRs" alone
- KR1: Increase NPS from 32 to 50 by end of Q3
Actions:                           ← bullets below go to the Objective's actions
- Launch the redesigned onboarding flow
"""

from __future__ import annotations

import re
from typing import Literal

from krcoach.io.draft import Draft, DraftBuilder
from krcoach.io.formats import InputFormat

_BOLD = r"(?:\*\*|__)?"
_SEPARATOR = r"\s*(?::|\.|\)|\s[-–—])\s*"
_HEADING = re.compile(r"^\s{0,3}(?P<hashes>#{1,6})\s+(?P<text>.*?)(?:\s+#+)?\s*$")
_BULLET = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+(?:\[[ xX]\]\s+)?(?P<text>.*)$")
_RULE = re.compile(r"^\s*([-*_])(?:\s*\1){2,}\s*$")
_OBJECTIVE_LEVELS = 3

Section = Literal["key_results", "actions"]


def _labelled(names: str) -> re.Pattern[str]:
    """A line "Name: value", the name possibly bold and numbered ("**Objective 2:** …", "KR 3 - …")."""
    return re.compile(
        rf"^{_BOLD}\s*(?:{names})\s*#?\d*(?:\.\d+)*\s*{_BOLD}{_SEPARATOR}{_BOLD}\s*(?P<rest>.*?)\s*{_BOLD}$",
        re.IGNORECASE,
    )


def _section(names: str) -> re.Pattern[str]:
    """A line or heading that only names a section ("Key Results:", "**Actions**")."""
    return re.compile(rf"^{_BOLD}\s*(?:{names})\s*{_BOLD}\s*:?\s*{_BOLD}$", re.IGNORECASE)


_OBJECTIVE = _labelled(r"objective|o(?=\d)")
_KEY_RESULT = _labelled(r"kr|key\s+result")
_FIELD = _labelled(r"(?P<field>owner|team|period)")
_LIST_TITLE = _section(r"objectives|okrs")
_SECTIONS: dict[Section, re.Pattern[str]] = {
    "key_results": _section(r"key\s+results?|krs?"),
    "actions": _section(r"actions?|initiatives?"),
}


def read_markdown(text: str, source: str) -> Draft:
    """A Draft from a Markdown outline (see the module docstring for the shape)."""
    parser = _OutlineParser(source)
    for number, line in enumerate(text.split("\n"), start=1):
        parser.feed(_spaced(line.rstrip("\r")), number)
    return parser.finish()


def _spaced(line: str) -> str:
    """The line with each run of whitespace after its indentation as one space, as Markdown renders it.

    The patterns above hold several optional parts between `\\s*`s; on a long run of whitespace they backtrack
    polynomially (`Objective` and 2,000 spaces: 50 s, cubic in the length); on runs of one character, linearly.
    """
    text = line.lstrip()
    return line[: len(line) - len(text)] + " ".join(text.split())


class _OutlineParser:
    """Reads the outline one line at a time."""

    def __init__(self, source: str) -> None:
        self.builder = DraftBuilder(source, InputFormat.md)
        self.section: Section = "key_results"
        self.seen_content = False
        self.defaults: dict[str, tuple[str, int]] = {}
        # A heading on the first line: the set's name, unless bullets follow before the next Objective.
        self.pending: tuple[str, int] | None = None
        self.pending_fields: dict[str, tuple[str, int]] = {}

    def feed(self, line: str, number: int) -> None:
        """Take one line of the outline."""
        if not line.strip() or _RULE.match(line):
            return
        first = not self.seen_content
        self.seen_content = True
        heading = _HEADING.match(line)
        bullet = None if heading else _BULLET.match(line)
        marked = heading or bullet
        content = (marked["text"] if marked else line).strip()
        if _LIST_TITLE.match(content):
            return
        if section := next((name for name, pattern in _SECTIONS.items() if pattern.match(content)), None):
            self.section = section
        elif field := _FIELD.match(content):
            self._field(field["field"].lower(), field["rest"], number)
        elif objective := _OBJECTIVE.match(content):
            self._objective(objective["rest"], number)
        elif bullet or _KEY_RESULT.match(content):
            self._item(content, number)
        elif heading and len(heading["hashes"]) <= _OBJECTIVE_LEVELS:
            if first:
                self.pending = (content, number)
            else:
                self._objective(content, number)

    def finish(self) -> Draft:
        """The Draft read so far, with set-wide defaults applied to Objectives that lack them."""
        self._open_pending()
        draft = self.builder.draft
        for objective_path, objective in enumerate(draft.data["objectives"]):
            for name, (value, line) in self.defaults.items():
                if name not in objective:
                    objective[name] = value
                    draft.lines[("objectives", objective_path, name)] = line
        return draft

    def _objective(self, title: str, number: int) -> None:
        if self.pending is not None:
            self.builder.draft.data["name"], self.builder.draft.lines[("name",)] = self.pending
            self.defaults.update(self.pending_fields)
            self.pending = None
        self.builder.objective(title, number)
        self.section = "key_results"

    def _open_pending(self) -> None:
        """Bullets came after the first-line heading: it was an Objective after all."""
        if self.pending is None:
            return
        self.builder.objective(*self.pending)
        for name, (value, line) in self.pending_fields.items():
            self.builder.set_field(name, value, line)
        self.pending = None

    def _field(self, name: str, value: str, number: int) -> None:
        if self.pending is not None:
            self.pending_fields[name] = (value, number)
        elif self.builder.has_objective:
            self.builder.set_field(name, value, number)
        else:
            self.defaults[name] = (value, number)

    def _item(self, content: str, number: int) -> None:
        self._open_pending()
        label = _KEY_RESULT.match(content)
        text = label["rest"] if label else content
        if not self.builder.has_objective or not text:
            return
        if self.section == "actions":
            self.builder.action(text, number)
        else:
            self.builder.key_result(text, number)
