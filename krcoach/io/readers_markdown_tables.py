"""Markdown tables in an outline: GitHub, Notion and Confluence exports.

| Objective        | Key Result                     | Owner |   ← the header: columns in any order, matched loosely
| ---------------- | ------------------------------ | ----- |   ← the separator row (GitHub Flavored Markdown)
| Grow revenue     | Increase ARR from 3M to 4M     | Ann   |
|                  | Win 3 enterprise logos         | Bo    |   ← an empty Objective cell continues the one above

Confluence's wiki markup is read too: a header `||Objective||Key Result||` and rows `|a|b|`, with no separator.
A table without an Objective column lists Key Results of the Objective heading above it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_UNESCAPED_PIPE = re.compile(r"(?<!\\)\|")
_SEPARATOR_CELL = re.compile(r"^:?-+:?$")
_CONFLUENCE_HEADER = re.compile(r"^\s*\|\|.*\|\|\s*$")


@dataclass(frozen=True, slots=True)
class TableRow:
    """A row of a table: its 1-based line and its cells, unescaped and trimmed."""

    line: int
    cells: list[str]


@dataclass(frozen=True, slots=True)
class Table:
    """A table found in the outline: header, separator line (None in Confluence markup), rows, and where it ends."""

    header: TableRow
    separator: int | None
    rows: list[TableRow]
    end: int
    """The index of the first line after the table."""


def is_table_row(line: str) -> bool:
    """A line that starts like a table row (a pipe first)."""
    return line.lstrip().startswith("|")


def table_at(lines: list[str], index: int) -> Table | None:
    """The table whose header is ``lines[index]``, if one starts there."""
    line = lines[index]
    if _CONFLUENCE_HEADER.match(line):
        cells = [cell.strip() for cell in line.strip()[2:-2].split("||")]
        rows, end = _rows(lines, index + 1, confluence=True)
        return Table(TableRow(index + 1, cells), None, rows, end)
    if index + 1 >= len(lines) or not _UNESCAPED_PIPE.search(line) or not _is_separator(lines[index + 1]):
        return None
    rows, end = _rows(lines, index + 2, confluence=False)
    return Table(TableRow(index + 1, split_cells(line)), index + 2, rows, end)


def split_cells(line: str) -> list[str]:
    """The cells of a GitHub-style row: outer pipes optional, `\\|` a pipe inside a cell."""
    text = line.strip()
    text = text.removeprefix("|")
    if text.endswith("|") and not text.endswith("\\|"):
        text = text[:-1]
    return [cell.replace("\\|", "|").strip() for cell in _UNESCAPED_PIPE.split(text)]


def _is_separator(line: str) -> bool:
    if "|" not in line:
        return False
    cells = split_cells(line)
    return all(_SEPARATOR_CELL.match(cell) for cell in cells)


def _rows(lines: list[str], index: int, *, confluence: bool) -> tuple[list[TableRow], int]:
    """The rows from ``index`` on, up to a blank line or a line that is not a row."""
    rows: list[TableRow] = []
    while index < len(lines):
        line = lines[index]
        if confluence:
            if not is_table_row(line) or _CONFLUENCE_HEADER.match(line):
                break
        elif not line.strip() or not _UNESCAPED_PIPE.search(line):
            break
        rows.append(TableRow(index + 1, split_cells(line)))
        index += 1
    return rows, index
