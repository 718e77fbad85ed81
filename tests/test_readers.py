"""Reading OKR sets: every supported format gives the same set; bad input fails naming file and line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from krcoach.domain.okr import MAX_TEXT_CHARS
from krcoach.formats.errors import InputError
from krcoach.formats.readers import InputFormat, detect_format, read_okr_set

FIXTURES = Path(__file__).parent / "fixtures"
TITLES = ["New customers succeed without help", "Support is fast"]


def read(name: str) -> list[tuple[str, list[str]]]:
    okr_set = read_okr_set((FIXTURES / name).read_bytes(), source=name)
    return [(o.title, [kr.text for kr in o.key_results]) for o in okr_set.objectives]


@pytest.mark.parametrize("name", ["set.jsonl", "set.csv", "set.md", "set.yaml"])
def test_every_format_groups_key_results_under_their_objective(name: str) -> None:
    objectives = read(name)
    assert [title for title, _ in objectives] == TITLES
    assert [len(krs) for _, krs in objectives] == [2, 1]
    assert objectives[0][1][0] == "Launch the onboarding flow by June"


def test_ids_given_are_kept_and_missing_ones_assigned() -> None:
    okr_set = read_okr_set((FIXTURES / "set.jsonl").read_bytes(), source="set.jsonl")
    assert [kr.id for kr in okr_set.objectives[0].key_results] == ["a", "O1.KR2"]
    assert okr_set.objectives[1].team == "Support"


def test_markdown_reads_fields_strips_kr_labels_and_keeps_actions() -> None:
    okr_set = read_okr_set((FIXTURES / "set.md").read_bytes(), source="set.md")
    first = okr_set.objectives[0]
    assert okr_set.name == "Team OKRs"
    assert (first.owner, first.period) == ("Dana", "2026-Q2")
    assert first.key_results[1].text == "Increase activation from 20% to 30%"
    assert first.actions == ["Instrument the funnel"]


def test_csv_tolerates_a_byte_order_mark_and_loose_header_names() -> None:
    assert read("set.csv")[0][1][1] == "Increase activation from 20% to 30%, by month"


def test_json_accepts_the_schema_and_a_bare_list_of_objectives() -> None:
    document = [{"title": "Support is fast", "key_results": ["Reduce churn to 2%"]}]
    okr_set = read_okr_set(json.dumps(document).encode(), source="set.json")
    assert okr_set.objectives[0].key_results[0].text == "Reduce churn to 2%"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"objectives": []}', InputFormat.json),
        ('{"objective": "a", "key_result": "b"}\n{"objective": "a", "key_result": "c"}', InputFormat.jsonl),
        ("objective,key_result\na,b", InputFormat.csv),
        ("objectives:\n  - title: a", InputFormat.yaml),
        ("## Grow\n- Reduce churn", InputFormat.md),
    ],
)
def test_standard_input_is_sniffed(text: str, expected: InputFormat) -> None:
    assert detect_format("<stdin>", text) is expected


def error_of(data: bytes, source: str) -> InputError:
    with pytest.raises(InputError) as caught:
        read_okr_set(data, source=source)
    return caught.value


def test_an_empty_file_is_an_error_naming_the_file() -> None:
    assert str(error_of(b"  \n", "okrs.yaml")) == "okrs.yaml: the input is empty"


def test_an_unknown_format_lists_the_supported_ones() -> None:
    error = error_of(b"just some words", "<stdin>")
    assert "cannot tell the format" in error.message and "CSV" in error.message


def test_bad_encoding_names_the_line_of_the_first_bad_byte() -> None:
    error = error_of(b"## Grow\n- Reduce churn\n- Caf\xe9 visits up\n", "okrs.md")
    assert (error.line, "not valid UTF-8" in error.message) == (3, True)


def test_a_key_result_over_the_limit_names_its_line() -> None:
    long_kr = "Increase " + "very " * (MAX_TEXT_CHARS // 5) + "retention"
    error = error_of(f"## Grow\n- Reduce churn\n- {long_kr}\n".encode(), "okrs.md")
    assert error.line == 3
    assert f"the limit is {MAX_TEXT_CHARS}" in error.message


def test_a_long_key_result_in_yaml_names_its_line() -> None:
    long_kr = "x" * (MAX_TEXT_CHARS + 1)
    error = error_of(
        f"objectives:\n  - title: Grow\n    key_results:\n      - ok\n      - {long_kr}\n".encode(), "o.yaml"
    )
    assert error.line == 5


def test_invalid_json_names_the_line() -> None:
    assert error_of(b'{"objectives": [\n  {"title": "a",,}\n]}', "o.json").line == 2


def test_a_jsonl_line_without_a_key_result_is_named() -> None:
    error = error_of(b'{"objective": "a", "key_result": "b"}\n{"objective": "a"}\n', "o.jsonl")
    assert (error.line, error.message) == (2, "missing 'key_result'")


def test_csv_without_required_columns_is_an_error() -> None:
    assert "missing column(s): key_result" in error_of(b"objective,kr\na,b\n", "o.csv").message


def test_unknown_fields_are_refused_rather_than_dropped() -> None:
    error = error_of(b"objectives:\n  - title: Grow\n    budget: 10\n", "o.yaml")
    assert "unknown field(s): budget" in error.message and error.line == 2


def test_markdown_without_objectives_is_an_error() -> None:
    assert "no objectives found" in error_of(b"- just a bullet\n", "o.md").message
