"""Excel workbooks (.xlsx, through openpyxl): the first sheet or the one named, its rows read as a CSV's are.

Rows above the header that hold a single cell are titles; the row number is the "line" of every message. Merged
Objective cells read as an empty cell under the first: the rows continue the Objective above.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator

from krcoach.io.draft import Draft, DraftBuilder, Skip
from krcoach.io.errors import InputError
from krcoach.io.formats import InputFormat
from krcoach.io.tabular import Header, Record, add_records, is_empty_row

ZIP_MAGIC = b"PK\x03\x04"
"""How every .xlsx file (a zip archive) starts."""


def read_xlsx(data: bytes, source: str, sheet: str | None = None) -> Draft:
    """A Draft from the first worksheet of an .xlsx workbook, or from the one named ``sheet``."""
    builder = DraftBuilder(source, InputFormat.xlsx)
    header: Header | None = None
    records: list[Record] = []
    title, rows = _sheet_rows(data, source, sheet)
    for number, cells in rows:
        if is_empty_row(cells):
            continue  # a spreadsheet's empty rows are blank lines
        if header is None and sum(bool(cell.strip()) for cell in cells) == 1:
            builder.draft.skip(number, Skip.TITLE)
        elif header is None:
            header = Header(cells, number, source)
            builder.draft.skip(number, Skip.HEADER)
        else:
            records.append(header.record(cells, number, exact_width=False))
    if header is None:
        raise InputError(
            source, None, f"no header row naming an 'Objective' and a 'Key Result' column in the sheet {title!r}"
        )
    add_records(builder, records)
    return builder.draft


def _sheet_rows(data: bytes, source: str, sheet: str | None) -> tuple[str, Iterator[tuple[int, list[str]]]]:
    """The chosen worksheet's name, and each of its rows as text with its row number."""
    import openpyxl  # noqa: PLC0415 - openpyxl (and the numpy it imports) loads only for a workbook: 0.2 s

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises what zipfile and its XML parser raise on a bad file
        raise InputError(source, None, f"not a readable .xlsx workbook ({type(exc).__name__})") from None
    try:
        names = [worksheet.title for worksheet in workbook.worksheets]
        if not names:
            raise InputError(source, None, "the workbook has no worksheet")
        if sheet is not None and sheet not in names:
            listed = ", ".join(repr(name) for name in names)
            raise InputError(source, None, f"no sheet named {sheet!r} in the workbook (sheets: {listed})")
        worksheet = workbook.worksheets[names.index(sheet or names[0])]
        try:
            rows = list(worksheet.iter_rows(values_only=True))
        except Exception as exc:  # a damaged sheet inside a valid zip
            raise InputError(
                source, None, f"the sheet {worksheet.title!r} cannot be read ({type(exc).__name__})"
            ) from None
    finally:
        workbook.close()
    return worksheet.title, ((number, [_text(value) for value in row]) for number, row in enumerate(rows, start=1))


def _text(value: object) -> str:
    """A cell's value as the text a person sees: whole numbers without ".0", dates as ISO dates."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        return value.date().isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)
