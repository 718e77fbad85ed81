"""`krcoach eval-injection`: the figures on one line, a Markdown and JSON report, exit 1 on any failure or leak."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from krcoach.cli import app
from krcoach.config import get_settings
from tests.injection.paths import CORPUS

runner = CliRunner()
SUMMARY = re.compile(
    r"injection corpus: (\d+) cases, schema-valid (\d+)/\d+, leaks (\d+), guard failures (\d+), pass (\d+)%"
)


@pytest.fixture(autouse=True)
def no_configured_model(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name in ("KRCOACH_LLM_BASE_URL", "OPENAI_BASE_URL", "KRCOACH_LLM_API_KEY", "OPENAI_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def small_corpus(tmp_path: Path, *ids: str) -> Path:
    cases = [case for case in yaml.safe_load(CORPUS.read_text(encoding="utf-8")) if case["id"] in ids]
    path = tmp_path / "corpus.yaml"
    path.write_text(yaml.safe_dump(cases, allow_unicode=True), encoding="utf-8")
    return path


def test_the_scripted_run_prints_the_figures_writes_the_report_and_exits_1_unless_all_passed(tmp_path: Path) -> None:
    result = runner.invoke(app, ["eval-injection", "--out", str(tmp_path)])
    report = json.loads((tmp_path / "report.json").read_text())
    summary = SUMMARY.search(result.stdout)

    assert summary is not None, result.output
    cases, valid, leaks, failures, rate = map(int, summary.groups())
    assert (cases, valid, leaks, failures) == (
        report["cases"],
        report["schema_valid"],
        report["leaks"],
        report["guard_failures"],
    )
    assert rate == round(100 * report["passed"] / report["cases"])
    assert result.exit_code == (0 if report["passed"] == report["cases"] and report["leaks"] == 0 else 1)
    assert summary.group(0) in (tmp_path / "report.md").read_text()


def test_a_recorded_run_replays_offline_to_the_same_figures(tmp_path: Path) -> None:
    corpus = small_corpus(tmp_path, "io-02", "ji-04", "ol-de")
    cassette = tmp_path / "run.jsonl"

    recorded = runner.invoke(app, ["eval-injection", "--corpus", str(corpus), "--record", str(cassette)])
    replayed = runner.invoke(app, ["eval-injection", "--corpus", str(corpus), "--replay", str(cassette)])

    assert SUMMARY.search(recorded.stdout) and SUMMARY.search(replayed.stdout), recorded.output + replayed.output
    assert recorded.exit_code == replayed.exit_code
    assert SUMMARY.findall(recorded.stdout) == SUMMARY.findall(replayed.stdout)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--live"], "KRCOACH_LLM_BASE_URL"),
        (["--record", "a.jsonl", "--replay", "b.jsonl"], "not both"),
        (["--corpus", "missing.yaml"], "missing.yaml"),
    ],
    ids=["live-without-endpoint", "record-and-replay", "missing-corpus"],
)
def test_a_run_that_cannot_start_exits_2_saying_why(args: list[str], message: str) -> None:
    result = runner.invoke(app, ["eval-injection", *args])

    assert result.exit_code == 2
    assert message in result.output and "Traceback" not in result.output
