"""CSV reader, strict: title rows, a header row, then one row per Key Result; anything broken is refused by line.

An unclosed quote, a row with the wrong number of fields, and an Objective or Key Result cell that runs over
several lines (a quote left open swallowing the rows below) are each an InputError naming the line: no row is
merged into another. A cell of another column may hold line breaks (a note typed with Alt+Enter).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from krcoach.io.draft import Draft, DraftBuilder, Skip
from krcoach.io.errors import InputError
from krcoach.io.formats import InputFormat, csv_dialect, first_line
from krcoach.io.tabular import Header, Record, add_records, is_empty_row

_ONE_LINE_ROLES = {"objective": "Objective", "key_result": "Key Result", "id": "id", "objective_id": "objective id"}


def read_csv(text: str, source: str) -> Draft:
    """A Draft from CSV (comma, semicolon or tab separated; any line ends)."""
    builder = DraftBuilder(source, InputFormat.csv)
    dialect = csv_dialect(first_line(text.lstrip()))
    header: Header | None = None
    records: list[Record] = []
    for start, end, cells in _rows(text, dialect, source):
        if not cells:
            continue
        if is_empty_row(cells):
            builder.draft.skip(start, Skip.EMPTY_ROW)
        elif header is None and sum(bool(cell.strip()) for cell in cells) == 1:
            builder.draft.skip(start, Skip.TITLE)
        elif header is None:
            header = Header(cells, start, source)
            builder.draft.skip(start, Skip.HEADER)
        else:
            if end > start:
                _check_one_line(header, cells, start, end, source)
            records.append(header.record(cells, start))
    if header is None:
        raise InputError(source, None, "no header row naming an 'Objective' and a 'Key Result' column")
    add_records(builder, records)
    return builder.draft


def _rows(text: str, dialect: type[csv.Dialect], source: str) -> Iterator[tuple[int, int, list[str]]]:
    """Each row with the lines it starts and ends on; a quoting error names the line its row starts on."""
    reader = csv.reader(io.StringIO(text, newline=""), dialect, strict=True)
    start = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise InputError(source, start, _quoting_problem(exc, start, reader.line_num)) from None
        end = reader.line_num
        yield start, end, cells
        start = end + 1


def _quoting_problem(exc: csv.Error, start: int, reached: int) -> str:
    if "unexpected end of data" in str(exc):
        return 'a quote opened on this line is never closed: close it, or double a quote meant as text ("")'
    if reached > start:
        return (
            f"a quote opened on this line is not closed where it should be: the cell runs on to line {reached} ({exc})"
        )
    return f"invalid CSV: {exc}"


def _check_one_line(header: Header, cells: list[str], start: int, end: int, source: str) -> None:
    """An Objective or Key Result cell spanning lines is a quote left open, not text: refused."""
    for role, name in _ONE_LINE_ROLES.items():
        index = header.roles.get(role)
        if index is not None and index < len(cells) and ("\n" in cells[index] or "\r" in cells[index]):
            raise InputError(
                source,
                start,
                f"the {name} cell that starts on this line runs on to line {end}: is a quote left open? "
                f"(a {name} is one line of text)",
            )
