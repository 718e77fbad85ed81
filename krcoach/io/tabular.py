"""Rows of a table (CSV, a Markdown table, a spreadsheet, JSON Lines) into a Draft.

Headers are matched loosely ("Key Result", "KR", "Key results", "Goal" …); columns krcoach does not know (owner,
status, progress …) are kept on each Key Result as its ``columns``. Consecutive rows with the same Objective form
one Objective; a row whose Objective cell is empty continues the Objective above. A row is read, skipped as an
empty row, or refused: a row with no Key Result that starts no Objective, a row of the wrong width, a value under
a column with no name.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from krcoach.io.draft import DraftBuilder, is_blank
from krcoach.io.errors import InputError
from krcoach.io.formats import column_key

OBJECTIVE_FIELDS = ("owner", "team", "period")
"""Columns that also set the field of the Objective a row starts."""

_ROLE_NAMES = {"objective": "Objective", "key_result": "Key Result", "id": "id", "objective_id": "objective id"}


@dataclass(frozen=True, slots=True)
class Record:
    """One row of a table as krcoach reads it."""

    line: int
    objective: object
    key_result: object
    kr_id: object = None
    objective_id: object = None
    fields: Mapping[str, object] = field(default_factory=dict)
    columns: Mapping[str, str] = field(default_factory=dict)


class Header:
    """A table's header row: which column is the Objective, the Key Result, an id; the others kept by name."""

    def __init__(
        self,
        cells: Sequence[str],
        line: int,
        source: str,
        *,
        objective_required: bool = True,
        width_hint: str = "a cell holding the separator must be quoted",
    ) -> None:
        self.line = line
        self.width_hint = width_hint
        self.source = source
        self.width = len(cells)
        self.roles: dict[str, int] = {}
        self.fields: dict[str, int] = {}
        self.extras: list[tuple[int, str]] = []
        self.unnamed: list[int] = []
        seen: dict[str, str] = {}
        for index, cell in enumerate(cells):
            name = " ".join(cell.split())
            if not name:
                self.unnamed.append(index)
                continue
            key = column_key(name) or name.lower()
            if key in seen:
                raise InputError(source, line, f"two columns mean the same: {seen[key]!r} and {name!r}")
            seen[key] = name
            if key in _ROLE_NAMES:
                self.roles[key] = index
            else:
                self.extras.append((index, name))
                if key in OBJECTIVE_FIELDS:
                    self.fields[key] = index
        required = ("objective", "key_result") if objective_required else ("key_result",)
        if missing := [key for key in required if key not in self.roles]:
            found = ", ".join(repr(" ".join(cell.split())) for cell in cells)
            names = " and ".join(f"'{_ROLE_NAMES[key]}'" for key in missing)
            raise InputError(source, line, f"no {names} column in the header (found: {found})")

    def record(self, cells: Sequence[str], line: int, *, exact_width: bool = True) -> Record:
        """The row as a Record; a row of the wrong width, or with a value under no header, is refused."""
        if exact_width and len(cells) != self.width:
            raise InputError(
                self.source,
                line,
                f"this row has {len(cells)} cell{'' if len(cells) == 1 else 's'}; the header (line {self.line}) "
                f"has {self.width}: {self.width_hint}",
            )
        for index in [*self.unnamed, *range(self.width, len(cells))]:
            if index < len(cells) and cells[index].strip():
                raise InputError(
                    self.source, line, f"a value in column {index + 1}, which has no header: name the column"
                )

        def cell(index: int | None) -> str:
            return cells[index].strip() if index is not None and index < len(cells) else ""

        return Record(
            line=line,
            objective=cell(self.roles.get("objective")),
            key_result=cell(self.roles.get("key_result")),
            kr_id=cell(self.roles.get("id")),
            objective_id=cell(self.roles.get("objective_id")),
            fields={name: cell(index) for name, index in self.fields.items()},
            columns={name: cell(index) for index, name in self.extras},
        )


def is_empty_row(cells: Sequence[str]) -> bool:
    """A row of empty cells (``,,`` in CSV, ``| | |`` in Markdown)."""
    return not any(cell.strip() for cell in cells)


def add_records(builder: DraftBuilder, records: Iterable[Record], *, continuing: str | None = None) -> None:
    """Add the rows to ``builder``: consecutive rows with the same Objective form one Objective.

    ``continuing`` is the title of an Objective already open (a Markdown heading above a table) that rows with an
    empty Objective cell continue.
    """
    current: tuple[object, object] | None = None if continuing is None else (continuing, None)
    for record in records:
        key = (record.objective, record.objective_id)
        starts = current is None or (not is_blank(record.objective) and key != current)
        if starts:
            builder.objective(record.objective, record.line, id=record.objective_id, **record.fields)
            current = key
        if not is_blank(record.key_result):
            builder.key_result(record.key_result, record.line, record.kr_id, record.columns)
        elif not starts:
            raise InputError(
                builder.draft.source,
                record.line,
                "this row has no Key Result and starts no new Objective: fill in its Key Result or delete the row",
            )
