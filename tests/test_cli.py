"""The command line: the main job on the offline engine, one-line checks, and clean errors with exit code 2."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from krcoach.cli import app
from tests.test_readers_accounting import UNCLOSED
from tests.test_readers_tables import NOTION, workbook

ROOT = Path(__file__).parent.parent
EXAMPLE = ROOT / "examples" / "customer-onboarding.md"
runner = CliRunner()


def test_analyze_prints_the_markdown_report_of_the_example() -> None:
    result = runner.invoke(app, ["analyze", str(EXAMPLE)])
    assert result.exit_code == 0, result.output
    assert "## The OKRA view" in result.stdout and "Action (milestone)" in result.stdout


def test_analyze_writes_jsonl_to_a_file(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    result = runner.invoke(app, ["analyze", str(EXAMPLE), "--format", "jsonl", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert len(out.read_text().splitlines()) == 10


def test_analyze_reads_standard_input_with_a_given_format() -> None:
    text = "objective,key_result\nGrow,Publish 12 posts\n"
    result = runner.invoke(app, ["analyze", "-", "--input-format", "csv", "--format", "json"], input=text)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["summary"]["actions"] == 1


def test_bad_input_exits_2_with_file_and_line_and_no_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "okrs.md"
    bad.write_bytes(b"## Grow\n- fine\n- caf\xe9\n")
    completed = subprocess.run(
        [sys.executable, "-m", "krcoach", "analyze", str(bad)], capture_output=True, text=True, check=False
    )
    assert completed.returncode == 2
    assert f"{bad}:3: not valid UTF-8" in " ".join(completed.stderr.split())
    assert "Traceback" not in completed.stderr


def test_a_missing_file_exits_2() -> None:
    result = runner.invoke(app, ["analyze", "no-such-file.yaml"])
    assert result.exit_code == 2
    assert "cannot read" in result.output


def test_check_prints_the_verdict_reasons_and_proposals() -> None:
    result = runner.invoke(app, ["check", "Run 20 customer interviews by end of Q2", "-O", "Onboarding works"])
    assert result.exit_code == 0, result.output
    assert "ACTION (activity quota" in result.stdout
    assert "from [baseline] to [target] by end of Q2" in result.stdout
    assert "engine: rules" in result.stdout


def test_check_refuses_an_overlong_key_result() -> None:
    result = runner.invoke(app, ["check", "x" * 1001])
    assert result.exit_code == 2
    assert "at most 1000 characters" in result.output


def test_schema_prints_the_versioned_json_schema_of_input_and_analysis() -> None:
    for which, field in (("input", "objectives"), ("analysis", "okra")):
        result = runner.invoke(app, ["schema", which])
        assert result.exit_code == 0, result.output
        document = json.loads(result.stdout)
        assert field in document["properties"]
        assert document["$comment"].startswith("krcoach schema version 1.")


def test_a_large_set_shows_no_progress_bar_when_stderr_is_not_a_terminal(tmp_path: Path) -> None:
    rows = "".join(f"Objective {n // 5},Publish {n} posts\n" for n in range(400))
    source = tmp_path / "big.csv"
    source.write_text("objective,key_result\n" + rows)
    completed = subprocess.run(
        [sys.executable, "-m", "krcoach", "analyze", str(source), "--format", "jsonl"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert completed.returncode == 0
    assert completed.stderr == ""
    assert len(completed.stdout.splitlines()) == 400


def test_a_notion_table_export_is_analysed_key_result_by_key_result(tmp_path: Path) -> None:
    source = tmp_path / "q3.md"
    source.write_text(NOTION)
    result = runner.invoke(app, ["analyze", str(source), "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(r["objective"], r["columns"]["Owner"]) for r in records] == [
        ("Grow revenue", "Ann"),
        ("Grow revenue", "Bo"),
        ("Customers stay", "Cy"),
        ("Customers stay", "Dee"),
    ]


def test_a_csv_with_an_unclosed_quote_exits_2_naming_the_line(tmp_path: Path) -> None:
    source = tmp_path / "okrs.csv"
    source.write_text(UNCLOSED)
    completed = subprocess.run(
        [sys.executable, "-m", "krcoach", "analyze", str(source)], capture_output=True, text=True, check=False
    )
    assert completed.returncode == 2
    assert f"{source}:2: a quote opened on this line is not closed" in " ".join(completed.stderr.split())
    assert completed.stdout == ""


def test_analyze_reads_the_named_sheet_of_a_workbook_and_verbose_says_what_it_read(tmp_path: Path) -> None:
    source = tmp_path / "okrs.xlsx"
    source.write_bytes(workbook({"Notes": [["hello"]], "Q3": [["Objective", "KR"], ["Grow", "Win 3 logos"]]}))
    result = runner.invoke(app, ["analyze", str(source), "--sheet", "Q3", "--format", "json", "--verbose"])
    assert result.exit_code == 0, result.output
    assert "read 1 Objective, 1 Key Result, 0 Actions (xlsx); skipped on purpose: 1 column header" in result.stderr
    assert json.loads(result.stdout)["summary"]["key_results"] == 1
    assert runner.invoke(app, ["analyze", str(source)]).exit_code == 2


def test_check_imports_nothing_only_other_commands_or_the_table_builder_need() -> None:
    offline = {k: v for k, v in os.environ.items() if not k.startswith(("KRCOACH_", "OPENAI_"))}
    completed = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "krcoach", "check", "Run 20 customer interviews"],
        capture_output=True, text=True, check=True, env=offline,
    )  # fmt: skip
    imported = {line.rsplit("|", 1)[-1].strip().split(".")[0] for line in completed.stderr.splitlines()}
    assert "ACTION" in completed.stdout
    assert "typer" in imported
    assert sorted(imported & {"lemminflect", "numpy", "openpyxl", "jinja2", "openai", "fastapi", "uvicorn"}) == []
