"""Reading hostile or broken input: every reader either reads it or refuses it with an InputError, at once."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from krcoach.io import InputError
from tests.test_readers import error_of, outline, read_text


def test_a_csv_with_carriage_return_line_ends_is_recognised_as_csv() -> None:
    assert outline(read_text("objective,key_result\rGrow,Win 3 logos\r", "<stdin>")) == [("Grow", ["Win 3 logos"])]


def test_a_stray_carriage_return_in_the_first_line_is_an_input_error_not_a_crash() -> None:
    assert error_of("Grow\r revenue", "<stdin>").message.startswith("cannot tell the format")


def test_a_csv_field_longer_than_the_csv_module_allows_is_an_input_error_naming_its_line() -> None:
    text = f'objective,key_result\nGrow,"{"x" * 200_000}"\n'
    assert str(error_of(text, "o.csv")) == "o.csv:2: invalid CSV: field larger than field limit (131072)"


@pytest.mark.parametrize(
    ("text", "source"),
    [
        ("[" * 100_000, "o.json"),
        ("[" * 100_000, "<stdin>"),
        ("[" * 100_000, "o.jsonl"),
        ("[" * 100_000, "o.yaml"),
        ("- " * 5_000 + "x", "o.yaml"),
        ('{"objectives": ' + "[" * 900 + "]" * 900 + "}", "o.json"),
    ],
    ids=["json", "sniffed", "jsonl", "yaml-flow", "yaml-block", "json-valid-but-deep"],
)
def test_input_nested_too_deeply_is_refused_as_such(text: str, source: str) -> None:
    assert error_of(text, source).message == "the input is nested too deeply to be an OKR set"


@pytest.mark.parametrize(
    ("text", "source", "expected"),
    [
        ('{"objectives": [' + "1" * 5_000 + "]}", "o.json", "o.json: invalid JSON: Exceeds the limit (4300 digits)"),
        ('{"objective": "a", "key_result": ' + "1" * 5_000 + "}\n", "o.jsonl", "o.jsonl:1: invalid JSON: Exceeds"),
        ("objectives:\n  - title: " + "1" * 5_000 + "\n", "o.yaml", "o.yaml:2: invalid YAML: cannot read '1111"),
    ],
    ids=["json", "jsonl", "yaml"],
)
def test_a_number_too_long_for_python_is_an_input_error(text: str, source: str, expected: str) -> None:
    assert str(error_of(text, source)).startswith(expected)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-02-30", "cannot read '2026-02-30' as timestamp (day is out of range for month)"),
        ("!!int ''", "cannot read '' as int (string index out of range)"),
        ("!!float abc", "cannot read 'abc' as float (could not convert string to float: 'abc')"),
    ],
)
def test_a_yaml_value_that_cannot_be_built_is_an_input_error_naming_its_line(value: str, expected: str) -> None:
    error = error_of(f"objectives:\n  - title: Grow\n    period: {value}\n    key_results: [Win 3 logos]\n", "o.yaml")
    assert (error.line, error.message) == (3, f"invalid YAML: {expected}")


def test_a_yaml_alias_that_contains_itself_is_refused() -> None:
    error = error_of("objectives: &loop\n  - title: Grow\n    key_results: *loop\n", "o.yaml")
    assert error.message == "invalid YAML: an alias refers to a collection that contains it"


def test_yaml_aliases_that_multiply_the_document_are_refused_before_it_is_expanded() -> None:
    lines = ["a0: &a0 [Win 3 logos, Win 3 logos, Win 3 logos, Win 3 logos, Win 3 logos]"]
    lines += [f"a{n}: &a{n} [" + ", ".join([f"*a{n - 1}"] * 10) + "]" for n in range(1, 5)]  # 50,000 values
    text = "\n".join([*lines, "objectives: [{title: Grow, key_results: *a4}]"])
    assert error_of(text, "o.yaml").message == "invalid YAML: aliases repeat more than 10,000 values"


def test_yaml_aliases_for_shared_values_are_still_read() -> None:
    text = (
        "objectives:\n  - &growth\n    title: Grow\n    team: &team Growth\n    key_results: [Win 3 logos]\n"
        "  - <<: *growth\n    title: Keep customers\n  - {title: Hire, team: *team, key_results: [Hire 4 agents]}\n"
    )
    okr_set = read_text(text, "o.yaml")
    assert [o.team for o in okr_set.objectives] == ["Growth"] * 3
    assert outline(okr_set)[1] == ("Keep customers", ["Win 3 logos"])


def test_a_markdown_line_with_a_long_run_of_whitespace_is_read_at_once_with_its_runs_as_one_space() -> None:
    started = time.perf_counter()
    okr_set = read_text("## Objective: Grow\n- KR" + " " * 1_000 + "Win 3 logos\n- Hire  4\tagents\n", "o.md")
    assert time.perf_counter() - started < 1  # the patterns used to backtrack: this line alone took 8 s
    assert outline(okr_set) == [("Grow", ["KR Win 3 logos", "Hire 4 agents"])]


PIECES = ["## ", "- ", "Objective: ", "KR1: ", "Actions:\n", "objectives:\n", "  - title: ", "{", "}", "[", "]", '"']
PIECES += [",", ":", "\n", " ", "objective,key_result\n", '{"objective": "a", "key_result": "b"}\n', "Grow", "\xe9"]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from(PIECES), max_size=30).map("".join),
    st.sampled_from(["<stdin>", "o.md", "o.yaml", "o.json", "o.jsonl", "o.csv", "o.txt"]),
)
def test_any_input_is_read_or_refused_with_an_input_error(text: str, source: str) -> None:
    try:
        read_text(text, source)
    except InputError as error:
        assert error.source == source and error.message
