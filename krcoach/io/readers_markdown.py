"""Markdown outline reader: headings or "Objective:" lines, bullet Key Results, an optional Actions section.

# Growth OKRs, Q3                  ← first line, no bullets before the next heading: the set's name (skipped: title)
We agreed these at the offsite.    ← prose before the first Objective (skipped: introduction)
Team: Growth                       ← before the first Objective: a default for every Objective
## Objective 1: New customers succeed without help
Owner: Dana
Key Results:                       ← skipped (section heading), like "Objectives" or "OKRs" alone
- KR1: Increase NPS from 32 to 50 by end of Q3
<!-- to be confirmed -->           ← skipped (comment), as is a quote "> …"; "---" is a horizontal rule
Actions:                           ← bullets below go to the Objective's actions
- Launch the redesigned onboarding flow

Any other non-blank line (prose under an Objective, a list item before the first Objective, a level 4-6 heading
that names nothing) is an InputError naming its line. Tables: see readers_markdown_tables.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from typing import Literal

from krcoach.io.draft import Draft, DraftBuilder, Skip
from krcoach.io.errors import InputError
from krcoach.io.formats import InputFormat
from krcoach.io.readers_markdown_tables import Table, is_table_row, table_at
from krcoach.io.tabular import Header, Record, add_records, is_empty_row

_BOLD = r"(?:\*\*|__)?"
_SEPARATOR = r"\s*(?::|\.|\)|\s[-–—])\s*"
_HEADING = re.compile(r"^\s{0,3}(?P<hashes>#{1,6})\s+(?P<text>.*?)(?:\s+#+)?\s*$")
_BULLET = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+(?:\[[ xX]\]\s+)?(?P<text>.*)$")
_RULE = re.compile(r"^\s*([-*_])(?:\s*\1){2,}\s*$")
_OBJECTIVE_LEVELS = 3

Section = Literal["key_results", "actions"]


def _unlabelled(label: re.Pattern[str], cell: object) -> object:
    """A table cell without its label ("KR1: …", "**Objective 2:** …"), as in the outline."""
    if isinstance(cell, str) and (match := label.match(cell)) and match["rest"]:
        return match["rest"]
    return cell


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


_COMMENT_OPEN, _COMMENT_CLOSE = "<!--", "-->"
_QUOTE = re.compile(r"^\s{0,3}>")
_BEFORE_OBJECTIVE = "before any Objective: start each Objective with a heading or an 'Objective:' line"


def read_markdown(text: str, source: str) -> Draft:
    """A Draft from a Markdown outline (see the module docstring for the shape)."""
    parser = _OutlineParser(source)
    lines = [_spaced(line.rstrip("\r")) for line in text.split("\n")]
    index = 0
    while index < len(lines):
        table = None if parser.in_comment else table_at(lines, index)
        if table is not None:
            parser.table(table)
            index = table.end
        else:
            parser.feed(lines[index], index + 1)
            index += 1
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
        self.in_comment = False
        self.pending_prose: list[int] = []  # prose after the first-line heading: under an Objective, if it is one

    @property
    def _skip(self) -> Callable[[int, Skip], None]:
        return self.builder.draft.skip

    def feed(self, line: str, number: int) -> None:
        """Take one line of the outline."""
        if not line.strip():
            return
        if self.in_comment or line.lstrip().startswith(_COMMENT_OPEN):
            self.in_comment = _COMMENT_CLOSE not in line.split(_COMMENT_OPEN, 1)[-1]
            self._skip(number, Skip.COMMENT)
            return
        if _RULE.match(line) or _QUOTE.match(line):
            self._skip(number, Skip.RULE if _RULE.match(line) else Skip.COMMENT)
            return
        if is_table_row(line):
            raise InputError(
                self.builder.draft.source,
                number,
                "a table row with no header row and separator row ('| --- |') above it",
            )
        first = not self.seen_content
        self.seen_content = True
        heading = _HEADING.match(line)
        bullet = None if heading else _BULLET.match(line)
        marked = heading or bullet
        content = (marked["text"] if marked else line).strip()
        if _LIST_TITLE.match(content):
            self._skip(number, Skip.SECTION)
        elif section := next((name for name, pattern in _SECTIONS.items() if pattern.match(content)), None):
            self.section = section
            self._skip(number, Skip.SECTION)
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
        else:
            self._other(number, heading_level=len(heading["hashes"]) if heading else None)

    def table(self, table: Table) -> None:
        """Take a table: its rows are Key Results, of the Objective in their row or of the one above."""
        source = self.builder.draft.source
        self.seen_content = True
        header = Header(
            table.header.cells,
            table.header.line,
            source,
            objective_required=False,
            width_hint="a '|' inside a cell is written '\\|'",
        )
        self._skip(table.header.line, Skip.HEADER)
        if table.separator is not None:
            self._skip(table.separator, Skip.SEPARATOR)
        if "objective" in header.roles:
            self._name_set_from_pending()
        else:
            self._open_pending()
            if not self.builder.has_objective:
                raise InputError(
                    source,
                    table.header.line,
                    "a table of Key Results with no Objective: add an 'Objective' column, "
                    "or put the Objective as a heading above the table",
                )
        records: list[Record] = []
        for row in table.rows:
            if is_empty_row(row.cells):
                self._skip(row.line, Skip.EMPTY_ROW)
                continue
            record = header.record(row.cells, row.line)
            records.append(
                replace(
                    record,
                    objective=_unlabelled(_OBJECTIVE, record.objective),
                    key_result=_unlabelled(_KEY_RESULT, record.key_result),
                )
            )
        add_records(self.builder, records, continuing=self.builder.current_title)
        self.section = "key_results"

    def _other(self, number: int, *, heading_level: int | None, under_objective: bool = False) -> None:
        """A line that is none of the outline's kinds: an introduction before the first Objective, else an error."""
        if self.builder.has_objective or under_objective:
            what = f"a level-{heading_level} heading" if heading_level else "this line"
            raise InputError(
                self.builder.draft.source,
                number,
                f"{what} is not a Key Result, an Action, a field (Owner:, Team:, Period:) or an Objective: "
                "write Key Results as list items ('- …') or 'KR1: …' lines, notes as '> …' or '<!-- … -->'",
            )
        if self.pending is not None:
            self.pending_prose.append(number)
        self._skip(number, Skip.INTRODUCTION)

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
        self._name_set_from_pending()
        self.builder.objective(title, number)
        self.section = "key_results"

    def _name_set_from_pending(self) -> None:
        """An Objective follows the first-line heading with no Key Result between: the heading names the set."""
        if self.pending is not None:
            self.builder.draft.data["name"], self.builder.draft.lines[("name",)] = self.pending
            self._skip(self.pending[1], Skip.TITLE)
            self.defaults.update(self.pending_fields)
            self.pending = None

    def _open_pending(self) -> None:
        """Bullets came after the first-line heading: it was an Objective after all."""
        if self.pending is None:
            return
        if self.pending_prose:
            self._other(self.pending_prose[0], heading_level=None, under_objective=True)
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
        source = self.builder.draft.source
        if not self.builder.has_objective:
            raise InputError(source, number, f"a {'Key Result' if label else 'list item'} {_BEFORE_OBJECTIVE}")
        if not text:
            raise InputError(source, number, f"{content!r} has no text: write the Key Result or delete the line")
        if self.section == "actions":
            self.builder.action(text, number)
        else:
            self.builder.key_result(text, number)
