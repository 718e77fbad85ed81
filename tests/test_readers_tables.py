"""The documents people really have: Markdown tables, numbered outlines, spreadsheets as CSV or as .xlsx."""

from __future__ import annotations

import io
from collections.abc import Sequence

import openpyxl
import pytest

from krcoach.io import InputError, InputFormat, read_document, read_okr_set
from tests.test_readers import error_of, outline, read_text

NOTION = """# Q3 OKRs

| Objective | Key Result | Owner |
| --- | --- | --- |
| Grow revenue | Increase ARR from 3M to 4M by end of Q3 | Ann |
|  | Win 3 enterprise logos | Bo |
| Customers stay | Reduce monthly churn from 3% to 2% | Cy |
|  | Launch the loyalty programme by August | Dee |
"""
NOTION_OUTLINE = [
    ("Grow revenue", ["Increase ARR from 3M to 4M by end of Q3", "Win 3 enterprise logos"]),
    ("Customers stay", ["Reduce monthly churn from 3% to 2%", "Launch the loyalty programme by August"]),
]


def workbook(sheets: dict[str, Sequence[Sequence[object]]]) -> bytes:
    """The bytes of a real .xlsx file with these sheets, written by openpyxl."""
    book = openpyxl.Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- Markdown tables ------------------------------------------------------------------------------------------


def test_a_notion_table_export_gives_every_key_result_under_its_objective() -> None:
    okr_set = read_text(NOTION, "q3.md")
    assert outline(okr_set) == NOTION_OUTLINE
    assert okr_set.name == "Q3 OKRs"
    assert [kr.columns for kr in okr_set.objectives[0].key_results] == [{"Owner": "Ann"}, {"Owner": "Bo"}]


def test_a_table_is_recognised_on_standard_input_and_in_a_txt_file() -> None:
    for source in ("<stdin>", "okrs.txt"):
        assert outline(read_text(NOTION, source)) == NOTION_OUTLINE


@pytest.mark.parametrize(
    "header",
    ["| Key Result | Objective | Owner |", "| KR | Goal | Owner |", "|**Key results**|objectives|owner|"],
)
def test_table_columns_come_in_any_order_with_headers_matched_loosely(header: str) -> None:
    text = f"{header}\n|:---|:---:|---:|\n| Win 3 logos | Grow revenue | Ann |\n| Hire 4 | | Bo |\n"
    assert outline(read_text(text, "o.md")) == [("Grow revenue", ["Win 3 logos", "Hire 4"])]


def test_a_table_without_an_objective_column_lists_key_results_of_the_heading_above() -> None:
    text = "## Objective: Grow revenue\n\n| KR | Status |\n|---|---|\n| KR1: Win 3 logos | on track |\n"
    [objective] = read_text(text, "o.md").objectives
    assert [(kr.text, kr.columns) for kr in objective.key_results] == [("Win 3 logos", {"Status": "on track"})]


def test_table_cells_lose_their_kr_and_objective_labels_and_keep_escaped_pipes() -> None:
    text = "| Objective | Key Result |\n|---|---|\n| **Objective 1:** Grow | KR 1.1 - Raise NPS \\| CSAT to 50 |\n"
    assert outline(read_text(text, "o.md")) == [("Grow", ["Raise NPS | CSAT to 50"])]


def test_rows_whose_objective_cell_repeats_the_objective_stay_in_it_and_ids_are_kept() -> None:
    text = "| Objective | ID | Key Result |\n|---|---|---|\n| Grow | K1 | Win 3 logos |\n| Grow | K2 | Hire 4 |\n"
    [objective] = read_text(text, "o.md").objectives
    assert [(kr.id, kr.text) for kr in objective.key_results] == [("K1", "Win 3 logos"), ("K2", "Hire 4")]


def test_a_confluence_wiki_table_is_read() -> None:
    text = "||Objective||Key Result||Owner||\n|Grow revenue|Win 3 logos|Ann|\n|  |Hire 4|Bo|\n"
    assert outline(read_text(text, "o.md")) == [("Grow revenue", ["Win 3 logos", "Hire 4"])]


def test_tables_and_outline_mix_in_one_document() -> None:
    text = NOTION + "\n## Objective: Hire well\n- Cut time to hire to 30 days\n"
    assert outline(read_text(text, "o.md"))[2] == ("Hire well", ["Cut time to hire to 30 days"])


def test_table_header_separator_and_empty_rows_are_reported_as_skipped() -> None:
    reading = read_document(b"| Objective | KR |\n|---|---|\n| Grow | Win 3 logos |\n| | |\n", source="o.md")
    assert [(s.line, s.kind.value) for s in reading.skipped] == [
        (1, "column header"),
        (2, "table separator"),
        (4, "empty row"),
    ]


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        (
            "| Objective | KR |\n|---|---|\n| Grow | Win 3 logos | Ann |\n",
            3,
            "this row has 3 cells; the header (line 1)",
        ),
        ("| Objective | KR |\n|---|---|\n| Grow |\n", 3, "this row has 1 cell; the header (line 1) has 2"),
        ("| Objective | Metric |\n|---|---|\n| Grow | NPS |\n", 1, "no 'Key Result' column in the header"),
        ("| KR | Owner |\n|---|---|\n| Win 3 logos | Ann |\n", 1, "a table of Key Results with no Objective"),
        ("## Grow\n| Win 3 logos | Ann |\n", 2, "a table row with no header row and separator row"),
        ("| Objective | KR |\n|---|---|\n| Grow | |\n| | |\n| Grow | |\n", 5, "this row has no Key Result"),
        ("| Goal | KR | Objective |\n|---|---|---|\n", 1, "two columns mean the same: 'Goal' and 'Objective'"),
    ],
)
def test_a_table_that_cannot_be_read_whole_is_refused_naming_the_line(text: str, line: int, message: str) -> None:
    error = error_of(text, "o.md")
    assert error.line == line
    assert error.message.startswith(message)


# --- numbered outlines (Google Docs) ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Objective 1: Grow revenue\nKR1: Win 3 logos\nKR 1.2 - Hire 4\n",
        "1. Objective 1: Grow revenue\n   1. KR 1.1 - Win 3 logos\n   2. KR 1.2: Hire 4\n",
        "**Objective 1:** Grow revenue\n\n**KR1:** Win 3 logos\n**KR2** - Hire 4\n",
        "O1. Grow revenue\nKR 1.1 – Win 3 logos\nKR 1.2 — Hire 4\n",
    ],
)
def test_google_docs_numbered_outlines_with_kr_prefixes_are_read(text: str) -> None:
    assert outline(read_text(text, "okrs.txt")) == [("Grow revenue", ["Win 3 logos", "Hire 4"])]


# --- spreadsheets saved as CSV ---------------------------------------------------------------------------------


def test_a_spreadsheet_csv_with_a_bom_crlf_and_extra_columns_keeps_every_column() -> None:
    text = "\ufeffObjective,Key Result,Owner,Status,Progress\r\nGrow,Win 3 logos,Ann,on track,40%\r\n,Hire 4,Bo,,\r\n"
    [objective] = read_text(text, "o.csv").objectives
    assert (objective.title, objective.owner) == ("Grow", "Ann")
    assert [kr.columns for kr in objective.key_results] == [
        {"Owner": "Ann", "Status": "on track", "Progress": "40%"},
        {"Owner": "Bo", "Status": "", "Progress": ""},
    ]


def test_a_csv_title_row_above_the_header_is_skipped_as_a_title() -> None:
    reading = read_document(b"Team OKRs Q3\nobjective,key_result\nGrow,Win 3 logos\n", source="o.csv")
    assert outline(reading.okr_set) == [("Grow", ["Win 3 logos"])]
    assert [(s.line, s.kind.value) for s in reading.skipped] == [(1, "title"), (2, "column header")]


# --- .xlsx workbooks -------------------------------------------------------------------------------------------

ROWS: list[list[object]] = [
    ["Team OKRs Q3"],
    [],
    ["Goal", "KR", "Owner", "Progress"],
    ["Grow", "Win 3 logos", "Ann", 0.5],
]
ROWS += [[None, "Reduce churn to 2%", "Bo", 1.0]]


def test_an_xlsx_workbook_is_read_from_its_first_sheet_with_extra_columns_as_shown() -> None:
    data = workbook({"Q3": ROWS, "Other": [["objective", "key_result"], ["Hire", "Hire 4"]]})
    [objective] = read_okr_set(data, source="okrs.xlsx").objectives
    assert (objective.title, [kr.text for kr in objective.key_results]) == (
        "Grow",
        ["Win 3 logos", "Reduce churn to 2%"],
    )
    assert [kr.columns for kr in objective.key_results] == [
        {"Owner": "Ann", "Progress": "0.5"},
        {"Owner": "Bo", "Progress": "1"},
    ]


def test_a_named_sheet_is_read_instead_and_an_unknown_one_lists_the_sheets() -> None:
    data = workbook({"Notes": [["hello"]], "Q3": ROWS})
    assert outline(read_okr_set(data, source="okrs.xlsx", sheet="Q3"))[0][0] == "Grow"
    error = error_of_workbook(data, sheet="Q4")
    assert error.message == "no sheet named 'Q4' in the workbook (sheets: 'Notes', 'Q3')"
    assert error_of_workbook(data).message.endswith("in the sheet 'Notes'")


def test_a_workbook_on_standard_input_is_recognised_by_its_bytes() -> None:
    reading = read_document(workbook({"Q3": ROWS}), source="<stdin>")
    assert reading.fmt is InputFormat.xlsx
    assert [(s.line, s.kind.value) for s in reading.skipped] == [(1, "title"), (3, "column header")]


def test_an_xlsx_row_names_its_row_number_in_errors() -> None:
    data = workbook({"Q3": [["objective", "key_result"], ["Grow", "Win 3 logos"], ["Grow", None, "stray"]]})
    error = error_of_workbook(data)
    assert (error.line, error.message) == (3, "a value in column 3, which has no header: name the column")


@pytest.mark.parametrize(
    ("data", "source", "sheet", "message"),
    [
        (b"PK\x03\x04 not really a zip", "okrs.xlsx", None, "not a readable .xlsx workbook (BadZipFile)"),
        (b"objective,key_result\nGrow,Win\n", "okrs.csv", "Q3", "a sheet can only be chosen in an .xlsx workbook"),
    ],
)
def test_what_is_not_a_workbook_is_refused_as_such(data: bytes, source: str, sheet: str | None, message: str) -> None:
    assert error_of_workbook(data, source=source, sheet=sheet).message == message


def error_of_workbook(data: bytes, *, source: str = "okrs.xlsx", sheet: str | None = None) -> InputError:
    with pytest.raises(InputError) as caught:
        read_okr_set(data, source=source, sheet=sheet)
    return caught.value
