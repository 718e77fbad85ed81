"""Reading OKR sets: every format gives the same set; bad input fails naming the source and the line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from krcoach.domain.okr import MAX_TEXT_CHARS, OKRSet
from krcoach.io import InputError, InputFormat, detect_format, read_okr_set

FIXTURES = Path(__file__).parent / "fixtures"
TITLES = ["New customers succeed without help", "Support is fast"]
FIRST_KRS = ["Launch the onboarding flow by June", "Increase activation from 20% to 30%"]
LONG_TEXT = "Increase " + "very " * (MAX_TEXT_CHARS // 5) + "retention"


def read_fixture(name: str) -> OKRSet:
    return read_okr_set((FIXTURES / name).read_bytes(), source=name)


def read_text(text: str, source: str) -> OKRSet:
    return read_okr_set(text.encode(), source=source)


def outline(okr_set: OKRSet) -> list[tuple[str, list[str]]]:
    return [(o.title, [kr.text for kr in o.key_results]) for o in okr_set.objectives]


def error_of(data: bytes | str, source: str) -> InputError:
    with pytest.raises(InputError) as caught:
        read_okr_set(data.encode() if isinstance(data, str) else data, source=source)
    return caught.value


# --- every format -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["set.yaml", "set.json", "set.jsonl", "set.csv", "set.md", "okrs.txt"])
def test_every_format_groups_key_results_under_their_objective(name: str) -> None:
    objectives = outline(read_fixture(name))
    assert [title for title, _ in objectives] == TITLES
    assert [len(krs) for _, krs in objectives] == [2, 1]
    assert objectives[0][1][0] == FIRST_KRS[0]
    assert objectives[1][1] == ["Reduce first response time to 2 hours"]


def test_ids_given_are_kept_and_missing_ones_assigned() -> None:
    okr_set = read_fixture("set.jsonl")
    assert [o.id for o in okr_set.objectives] == ["O1", "O2"]
    assert [kr.id for kr in okr_set.objectives[0].key_results] == ["a", "O1.KR2"]
    assert okr_set.objectives[1].key_results[0].id == "c"


# --- YAML and JSON ------------------------------------------------------------------------------------------


def test_yaml_reads_the_schema_with_objective_as_an_alias_of_title() -> None:
    okr_set = read_fixture("set.yaml")
    assert okr_set.name == "Team OKRs"
    assert okr_set.objectives[0].owner == "Dana"
    assert okr_set.objectives[1].title == "Support is fast"


def test_json_reads_owner_team_period_and_actions() -> None:
    first, second = read_fixture("set.json").objectives
    assert (first.owner, first.period, first.actions) == ("Dana", "2026-Q2", ["Instrument the funnel"])
    assert second.team == "Support"


@pytest.mark.parametrize(
    ("text", "source"),
    [
        ('[{"objective": "Support is fast", "key_results": ["Reduce churn to 2%"]}]', "set.json"),
        ("- objective: Support is fast\n  key_results:\n    - Reduce churn to 2%\n", "set.yaml"),
    ],
)
def test_a_bare_list_of_objectives_is_accepted(text: str, source: str) -> None:
    assert outline(read_text(text, source)) == [("Support is fast", ["Reduce churn to 2%"])]


def test_key_results_may_be_plain_strings_or_objects_with_an_id() -> None:
    text = "- title: Grow\n  key_results:\n    - Reduce churn to 2%\n    - {id: K9, text: Win 3 logos}\n"
    key_results = read_text(text, "o.yaml").objectives[0].key_results
    assert [(kr.id, kr.text) for kr in key_results] == [("O1.KR1", "Reduce churn to 2%"), ("K9", "Win 3 logos")]


def test_yaml_numbers_and_dates_in_labels_are_read_as_text() -> None:
    text = "- id: 7\n  title: Grow\n  period: 2026-07-01\n  key_results: [{id: 1, text: Win 3 logos}]\n"
    objective = read_text(text, "o.yaml").objectives[0]
    assert (objective.id, objective.period, objective.key_results[0].id) == ("7", "2026-07-01", "1")


# --- JSON Lines ---------------------------------------------------------------------------------------------


def test_jsonl_reads_owner_team_period_skips_blank_lines_and_ignores_other_fields() -> None:
    text = (
        '{"objective": "Grow", "key_result": "Win 3 logos", "owner": "Ann", "period": "Q3", "domain": "sales"}\n'
        "\n"
        '{"objective": "Grow", "key_result": "Reduce churn to 2%", "label": "result"}\n'
    )
    (objective,) = read_text(text, "o.jsonl").objectives
    assert (objective.owner, objective.period, len(objective.key_results)) == ("Ann", "Q3", 2)


def test_jsonl_groups_only_consecutive_lines_with_the_same_objective() -> None:
    text = "".join(
        json.dumps({"objective": objective, "key_result": kr}) + "\n"
        for objective, kr in [("A", "a1"), ("A", "a2"), ("B", "b1"), ("A", "a3")]
    )
    assert outline(read_text(text, "o.ndjson")) == [("A", ["a1", "a2"]), ("B", ["b1"]), ("A", ["a3"])]


# --- CSV ----------------------------------------------------------------------------------------------------


def test_csv_tolerates_a_byte_order_mark_and_loose_header_names() -> None:
    assert outline(read_fixture("set.csv"))[0][1][1] == "Increase activation from 20% to 30%, by month"


def test_csv_reads_optional_columns_and_semicolon_separated_files() -> None:
    text = "Objective;Key Result;Owner;Team;ID\nGrow;Win 3 logos;Ann;Sales;K1\nGrow;Reduce churn to 2%;;;\n"
    (objective,) = read_text(text, "o.csv").objectives
    assert (objective.owner, objective.team) == ("Ann", "Sales")
    assert [kr.id for kr in objective.key_results] == ["K1", "O1.KR2"]


def test_csv_rows_with_an_empty_objective_continue_the_one_above() -> None:
    text = "objective,key_result\nGrow,Win 3 logos\n,Reduce churn to 2%\nHire well,Cut time to hire to 30 days\n"
    assert outline(read_text(text, "o.csv")) == [
        ("Grow", ["Win 3 logos", "Reduce churn to 2%"]),
        ("Hire well", ["Cut time to hire to 30 days"]),
    ]


def test_csv_skips_blank_lines_and_rows_of_empty_cells() -> None:
    text = "\nobjective,key_result\r\n\r\nGrow,Win 3 logos\r\n,,\r\nGrow,Reduce churn to 2%\r\n"
    assert outline(read_text(text, "o.csv")) == [("Grow", ["Win 3 logos", "Reduce churn to 2%"])]


def test_csv_written_by_krcoach_reads_back_with_its_objective_ids() -> None:
    text = "objective_id,objective,id,key_result,label\nG,Grow,G.1,Win 3 logos,result\n"
    objective = read_text(text, "o.csv").objectives[0]
    assert (objective.id, objective.key_results[0].id) == ("G", "G.1")


# --- Markdown -----------------------------------------------------------------------------------------------


def test_markdown_reads_title_fields_kr_labels_and_actions() -> None:
    okr_set = read_fixture("set.md")
    first = okr_set.objectives[0]
    assert okr_set.name == "Team OKRs"
    assert (first.owner, first.period) == ("Dana", "2026-Q2")
    assert [kr.text for kr in first.key_results] == FIRST_KRS
    assert first.actions == ["Instrument the funnel"]


def test_markdown_text_before_the_first_objective_is_ignored() -> None:
    assert read_fixture("okrs.txt").name is None


def test_a_first_heading_followed_by_bullets_is_an_objective_not_a_title() -> None:
    okr_set = read_text("# Grow revenue\n- Win 3 logos\n## Hire well\n- Cut time to hire to 30 days\n", "o.md")
    assert okr_set.name is None
    assert [o.title for o in okr_set.objectives] == ["Grow revenue", "Hire well"]


def test_markdown_fields_under_the_title_apply_to_every_objective() -> None:
    text = "# Q3 OKRs\nTeam: Growth\n\n## Grow revenue\n- Win 3 logos\n## Hire well\nTeam: People\n- Hire 4\n"
    okr_set = read_text(text, "o.md")
    assert [o.team for o in okr_set.objectives] == ["Growth", "People"]


def test_markdown_sections_bullets_and_labels_in_their_usual_spellings() -> None:
    text = (
        "### Objective 2 - Grow revenue\n"
        "### Key Results\n"
        "+ **KR1:** Win 3 logos\n"
        "2) Key Result 2: Reduce churn to 2%\n"
        "#### Initiatives\n"
        "- [ ] Hire 2 account executives\n"
        "- [x] Run a pricing study\n"
    )
    objective = read_text(text, "o.md").objectives[0]
    assert objective.title == "Grow revenue"
    assert [kr.text for kr in objective.key_results] == ["Win 3 logos", "Reduce churn to 2%"]
    assert objective.actions == ["Hire 2 account executives", "Run a pricing study"]


def test_headings_that_only_say_objectives_or_key_results_are_skipped() -> None:
    text = "# Q3 OKRs\n## Objectives\n### Objective 1: Grow revenue\n#### Key Results\n- Win 3 logos\n"
    okr_set = read_text(text, "o.md")
    assert (okr_set.name, outline(okr_set)) == ("Q3 OKRs", [("Grow revenue", ["Win 3 logos"])])


def test_an_actions_section_ends_at_the_next_objective() -> None:
    text = "Objective: Grow\n- Win 3 logos\nActions:\n- Hire\n\n**Objective:** Hire well\n- Cut time to hire\n"
    second = read_text(text, "o.md").objectives[1]
    assert ([kr.text for kr in second.key_results], second.actions) == (["Cut time to hire"], [])


# --- format detection ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("okrs.yaml", InputFormat.yaml),
        ("okrs.YML", InputFormat.yaml),
        ("okrs.json", InputFormat.json),
        ("okrs.jsonl", InputFormat.jsonl),
        ("okrs.ndjson", InputFormat.jsonl),
        ("okrs.csv", InputFormat.csv),
        ("okrs.md", InputFormat.md),
        ("okrs.markdown", InputFormat.md),
    ],
)
def test_the_extension_names_the_format(source: str, expected: InputFormat) -> None:
    assert detect_format(source, "anything") is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"objectives": []}', InputFormat.json),
        ('[{"title": "a"}]', InputFormat.json),
        ('{"objective": "a", "key_result": "b"}\n{"objective": "a", "key_result": "c"}', InputFormat.jsonl),
        ('{"objective": "a", "key_result": "b"}', InputFormat.jsonl),
        ("objective,key_result\na,b", InputFormat.csv),
        ("Objective;Key Result\na;b", InputFormat.csv),
        ("objectives:\n  - title: a", InputFormat.yaml),
        ("- title: a\n  key_results: [b]", InputFormat.yaml),
        ("## Grow\n- Reduce churn", InputFormat.md),
        ("Objective: Grow\nKR1: Reduce churn", InputFormat.md),
    ],
)
def test_standard_input_and_unknown_extensions_are_sniffed(text: str, expected: InputFormat) -> None:
    assert detect_format("<stdin>", text) is expected
    assert detect_format("okrs.txt", text) is expected


def test_a_given_format_wins_over_the_extension() -> None:
    okr_set = read_okr_set(b"objective,key_result\nGrow,Win 3 logos\n", source="okrs.txt", fmt=InputFormat.csv)
    assert outline(okr_set) == [("Grow", ["Win 3 logos"])]


# --- errors -------------------------------------------------------------------------------------------------


def test_an_input_error_reads_source_line_message() -> None:
    assert str(InputError("okrs.md", 3, "bad")) == "okrs.md:3: bad"
    assert str(InputError("<stdin>", None, "bad")) == "<stdin>: bad"


def test_an_unknown_format_lists_the_supported_ones() -> None:
    error = error_of("just some words", "<stdin>")
    assert str(error).startswith("<stdin>: cannot tell the format")
    assert all(fmt.value in error.message for fmt in InputFormat)


@pytest.mark.parametrize("data", [b"", b"  \n\t\n", b"\xef\xbb\xbf\n"])
def test_an_empty_input_is_an_error_naming_the_source(data: bytes) -> None:
    assert str(error_of(data, "okrs.yaml")) == "okrs.yaml: the input is empty"


def test_bad_encoding_names_the_line_of_the_first_bad_byte() -> None:
    error = error_of(b"## Grow\n- Reduce churn\n- Caf\xe9 visits up\n", "okrs.md")
    assert str(error).startswith("okrs.md:3: not valid UTF-8")


@pytest.mark.parametrize(
    ("text", "source", "line", "expected"),
    [
        ('{"objectives": [\n  {"title": "a",,}\n]}', "o.json", 2, "invalid JSON"),
        ("objectives:\n  - title: a\n   key_results: [\n", "o.yaml", 3, "invalid YAML"),
        ("objectives:\n  - title: [a\n", "o.yaml", 3, "invalid YAML"),
        ("objectives:\n  - title: a\x00\n", "o.yaml", 2, "invalid YAML: character U+0000"),
        ('{"objective": "a", "key_result": "b"}\n{"objective": "a",\n', "o.jsonl", 2, "invalid JSON"),
    ],
)
def test_syntax_errors_name_the_line_from_the_parser(text: str, source: str, line: int, expected: str) -> None:
    error = error_of(text, source)
    assert (error.source, error.line) == (source, line)
    assert error.message.startswith(expected)


def test_a_jsonl_line_that_is_not_an_object_is_named() -> None:
    error = error_of('{"objective": "a", "key_result": "b"}\n\n["a", "b"]\n', "o.jsonl")
    assert str(error) == "o.jsonl:3: expected a JSON object, found an array"


def test_a_jsonl_line_without_a_key_result_is_named() -> None:
    error = error_of('{"objective": "a", "key_result": "b"}\n{"objective": "a"}\n', "o.jsonl")
    assert str(error) == "o.jsonl:2: missing field 'key_result'"


def test_csv_without_required_columns_names_them() -> None:
    error = error_of("objective,measure\na,b\n", "o.csv")
    assert str(error) == "o.csv:1: no 'Key Result' column in the header (found: 'objective', 'measure')"


@pytest.mark.parametrize(
    ("text", "source", "line"),
    [
        ("objectives:\n  - title: Grow\n  - title: ''\n    key_results: [a]\n", "o.yaml", 3),
        ("objectives:\n  - key_results: [a]\n", "o.yaml", 2),
        ('[\n {"title": "Grow"},\n {"title": " ", "key_results": ["a"]}\n]', "o.json", 3),
        ("objective,key_result\n,Win 3 logos\n", "o.csv", 2),
        ("# Plan\n\nObjective:\n- Win 3 logos\n", "o.md", 3),
    ],
)
def test_an_objective_without_a_title_names_its_line(text: str, source: str, line: int) -> None:
    error = error_of(text, source)
    assert (error.source, error.line) == (source, line)
    assert "has no title" in error.message


@pytest.mark.parametrize(
    ("text", "source", "line"),
    [
        (f"## Grow\n- Reduce churn\n- {LONG_TEXT}\n", "o.md", 3),
        (f"objectives:\n  - title: Grow\n    key_results:\n      - ok\n      - {LONG_TEXT}\n", "o.yaml", 5),
        (
            f'{{"objectives": [{{"title": "Grow",\n "key_results": [\n"ok",\n{{"text": "{LONG_TEXT}"}}]}}]}}',
            "o.json",
            4,
        ),
        (f'{{"objective": "a", "key_result": "b"}}\n{{"objective": "a", "key_result": "{LONG_TEXT}"}}', "o.jsonl", 2),
        (f"objective,key_result\nGrow,ok\nGrow,{LONG_TEXT}\n", "o.csv", 3),
    ],
)
def test_a_key_result_over_the_limit_names_its_line(text: str, source: str, line: int) -> None:
    error = error_of(text, source)
    assert (error.source, error.line) == (source, line)
    assert error.message.startswith('Key Result "Increase very')
    assert f"the limit is {MAX_TEXT_CHARS:,}" in error.message


def test_an_objective_over_the_limit_names_its_line() -> None:
    error = error_of(f"Intro\n\nObjective: {LONG_TEXT}\n- ok\n", "o.md")
    assert error.line == 3
    assert error.message.startswith('Objective "Increase very')


@pytest.mark.parametrize(
    ("text", "source"),
    [
        ("An introduction, and nothing else\n", "o.md"),
        ("objectives: []\n", "o.yaml"),
        ("# only comments in YAML\n", "o.yaml"),
        ('{"name": "Plan"}', "o.json"),
        ("objective,key_result\n", "o.csv"),
    ],
)
def test_no_objectives_at_all_is_an_error_saying_what_was_expected(text: str, source: str) -> None:
    error = error_of(text, source)
    assert error.source == source
    assert error.message.startswith("no objectives found; ")


def test_unknown_fields_are_refused_naming_the_field_and_its_line() -> None:
    error = error_of("objectives:\n  - title: Grow\n    budget: 10\n", "o.yaml")
    assert error.line == 3
    assert error.message.startswith("objective 1: unknown field 'budget' (known fields: id, title")


def test_a_schema_violation_reads_as_field_path_and_reason() -> None:
    error = error_of('{"objectives": [{"title": "Grow",\n "key_results": [\n {"text": 42}]}]}', "o.json")
    assert str(error) == "o.json:3: objective 1, key result 1, field 'text': Input should be a valid string"


def test_an_overlong_label_is_a_readable_schema_error() -> None:
    error = error_of(f"Objective: Grow\nOwner: {'x' * 201}\n- Win 3 logos\n", "o.md")
    assert str(error) == "o.md:2: objective 1, field 'owner': String should have at most 200 characters"


def test_a_duplicate_id_names_the_line_of_the_second() -> None:
    text = "objective,key_result,id\nGrow,Win 3 logos,K1\nHire well,Hire 4,K1\n"
    assert str(error_of(text, "o.csv")) == "o.csv:3: duplicate Key Result id 'K1'; ids must be unique across the set"


def test_a_document_that_is_neither_a_mapping_nor_a_list_is_refused() -> None:
    assert str(error_of("42\n", "o.yaml")) == "o.yaml:1: expected a mapping or a list, found int"


# --- hostile input: refused with an InputError, quickly, never a crash ----------------------------------------
