"""Every line accounted for: read into an Objective or a Key Result, skipped as a documented kind, or refused.

Broken CSV is refused naming the line (nothing merged silently); an input with no Key Result is an error.
"""

from __future__ import annotations

import pytest

from krcoach.io import read_document
from tests.test_readers import error_of, outline, read_text

OUTLINE = """# Growth OKRs
Agreed at the offsite; see the board for context.
Team: Growth
<!-- exported from Notion,
     2026-06-30 -->

## Objectives
### Objective 1: Grow revenue
Owner: Dana
> Stretch goal: ask finance first
Key Results:
- KR1: Increase ARR from 3M to 4M
* [ ] KR 1.2 - Win 3 enterprise logos

Actions:
- Hire 2 account executives
***
"""


def test_every_line_of_an_outline_is_read_or_skipped_as_a_named_kind() -> None:
    reading = read_document(OUTLINE.encode(), source="o.md")
    [objective] = reading.okr_set.objectives
    assert (objective.team, objective.owner, objective.actions) == ("Growth", "Dana", ["Hire 2 account executives"])
    assert [kr.text for kr in objective.key_results] == ["Increase ARR from 3M to 4M", "Win 3 enterprise logos"]
    assert [(s.line, s.kind.value) for s in reading.skipped] == [
        (1, "title"),
        (2, "introduction"),
        (4, "comment"),
        (5, "comment"),
        (7, "section heading"),
        (10, "comment"),
        (11, "section heading"),
        (15, "section heading"),
        (17, "horizontal rule"),
    ]


def test_the_reading_summary_says_what_was_read_and_what_was_skipped_with_lines() -> None:
    summary = read_document(OUTLINE.encode(), source="o.md").summary("o.md")
    assert summary.startswith("o.md: read 1 Objective, 2 Key Results, 1 Action (md); skipped on purpose: 1 title")
    assert "3 section headings (lines 7, 11, 15)" in summary


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("## Grow\n- Win 3 logos\nAlso hire people\n", 3, "this line is not a Key Result, an Action, a field"),
        ("## Grow\nWe want to grow.\n- Win 3 logos\n", 2, "this line is not a Key Result"),
        ("## Grow\n- Win 3 logos\n#### Notes\n", 3, "a level-4 heading is not a Key Result"),
        ("Our plan\n- Win 3 logos\n## Grow\n", 2, "a list item before any Objective"),
        ("Our plan\nKR1: Win 3 logos\n", 2, "a Key Result before any Objective"),
        ("## Grow\n- KR2:\n", 2, "'KR2:' has no text"),
    ],
)
def test_a_markdown_line_that_is_no_documented_kind_is_an_error_naming_it(text: str, line: int, message: str) -> None:
    error = error_of(text, "o.md")
    assert (error.source, error.line) == ("o.md", line)
    assert error.message.startswith(message)


@pytest.mark.parametrize(
    ("text", "source", "looked_for"),
    [
        ("# Plan\n\n## Objective: Grow\nOwner: Dana\n", "o.md", "list items ('- …') or 'KR1: …' lines"),
        ("objectives:\n  - title: Grow\n", "o.yaml", "a 'key_results' list under an Objective"),
        ('{"objectives": [{"title": "Grow", "key_results": []}]}', "o.json", "a 'key_results' list"),
        ('{"objective": "Grow", "key_result": ""}\n', "o.jsonl", 'a line with a non-empty "key_result"'),
        ("objective,key_result\nGrow,\n", "o.csv", "a row with a filled 'Key Result' column"),
    ],
)
def test_an_input_with_objectives_but_no_key_result_is_an_error_naming_what_was_looked_for(
    text: str, source: str, looked_for: str
) -> None:
    error = error_of(text, source)
    assert error.message.startswith(f"no Key Results found: looked for {looked_for}")


# --- strict CSV -----------------------------------------------------------------------------------------------

UNCLOSED = (
    'objective,key_result\n"Grow revenue","Increase ARR to 4M\n"Grow revenue","Win 3 enterprise logos"\n'
    '"Customers stay","Reduce churn to 2%"\n'
)


def test_an_unclosed_quote_is_refused_naming_its_line_instead_of_swallowing_the_next_row() -> None:
    error = error_of(UNCLOSED, "okrs.csv")
    assert error.line == 2
    assert error.message.startswith(
        "a quote opened on this line is not closed where it should be: the cell runs on to line 3"
    )


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ('objective,key_result\nGrow,Win 3 logos\n"Hire,Hire 4\n', 3, "a quote opened on this line is never closed"),
        ('objective,key_result\n"Grow","Win\nHire,"Hire 4"\n', 2, "a quote opened on this line is not closed where"),
        ('objective,key_result\n"Grow" now,Win 3 logos\n', 2, "invalid CSV: ',' expected after '\"'"),
        ("objective,key_result\nGrow,Win 3 logos,Ann\n", 2, "this row has 3 cells; the header (line 1) has 2"),
        ("objective,key_result,owner\nGrow,Win 3 logos\n", 2, "this row has 2 cells; the header (line 1) has 3"),
        ('objective,key_result\n"Grow\nrevenue",Win 3 logos\n', 2, "the Objective cell that starts on this line"),
        ("objective,key_result,\nGrow,Win 3 logos,Ann\n", 2, "a value in column 3, which has no header"),
        ("objective,key_result\nGrow,Win 3 logos\nGrow,\n", 3, "this row has no Key Result and starts no new"),
    ],
)
def test_broken_csv_is_refused_naming_the_line(text: str, line: int, message: str) -> None:
    error = error_of(text, "o.csv")
    assert error.line == line
    assert error.message.startswith(message)


def test_a_note_column_may_hold_line_breaks_as_a_spreadsheet_cell_does() -> None:
    text = 'objective,key_result,notes\nGrow,Win 3 logos,"first line\nsecond line"\nGrow,Hire 4,\n'
    [objective] = read_text(text, "o.csv").objectives
    assert [kr.columns["notes"] for kr in objective.key_results] == ["first line\nsecond line", ""]


def test_a_row_that_only_starts_an_objective_is_read_as_that_objective() -> None:
    text = "objective,key_result\nGrow revenue,\n,Win 3 logos\nHire well,\n,Hire 4\n"
    assert outline(read_text(text, "o.csv")) == [("Grow revenue", ["Win 3 logos"]), ("Hire well", ["Hire 4"])]


def test_a_jsonl_line_with_an_empty_key_result_that_starts_no_objective_is_refused() -> None:
    text = '{"objective": "Grow", "key_result": "Win 3 logos"}\n{"objective": "Grow", "key_result": " "}\n'
    assert error_of(text, "o.jsonl").line == 2
