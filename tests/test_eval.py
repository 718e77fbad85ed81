"""The eval suite: metrics, the report files, and a gate that fails when a metric drops below its bound."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rich.console import Console

from krcoach.evaluation.dataset import EvalCase, load_cases
from krcoach.evaluation.metrics import accuracy, confusion, per_label, wilson_interval
from krcoach.evaluation.runner import Suite, default_suites, folder_suite, run_eval

CASES = [
    {"id": "t1", "domain": "sales", "objective": "Grow", "key_result": "Hire 3 sales reps", "label": "action",
     "kind": "activity_quota"},
    {"id": "t2", "domain": "sales", "objective": "Grow", "key_result": "Grow ARR from $2M to $3M by Q4",
     "label": "result", "kind": "performance_measure"},
    {"id": "t3", "domain": "cx", "objective": "Delight", "key_result": "Launch the loyalty app by June",
     "label": "result", "kind": "performance_measure", "note": "deliberately mislabelled"},
]  # fmt: skip


@pytest.fixture
def dataset(tmp_path: Path) -> Path:
    folder = tmp_path / "datasets"
    folder.mkdir()
    (folder / "cases.jsonl").write_text("\n".join(json.dumps(case) for case in CASES) + "\n")
    return folder


def test_wilson_interval_brackets_the_observed_rate() -> None:
    low, high = wilson_interval(95, 100)
    assert low < 0.95 < high
    assert low > 0.88
    assert high < 0.98


def test_per_label_scores_and_confusion_count_the_pairs() -> None:
    pairs = [("action", "action"), ("action", "result"), ("result", "result")]
    assert accuracy(pairs) == pytest.approx(2 / 3)
    action, result = per_label(pairs, ["action", "result"])
    assert (action.precision, action.recall, result.precision) == (1.0, 0.5, 0.5)
    assert confusion(pairs, ["action", "result"]) == [[1, 1], [0, 1]]


def test_a_kind_that_contradicts_its_label_is_refused(tmp_path: Path) -> None:
    bad = dict(CASES[0], kind="performance_measure")
    (tmp_path / "bad.jsonl").write_text(json.dumps(bad) + "\n")
    with pytest.raises(ValueError, match=r"bad.jsonl:1: invalid case"):
        load_cases(tmp_path)


def test_the_report_lists_misses_and_is_written_as_markdown_and_json(dataset: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    breaches = run_eval([folder_suite(dataset)], out, None, console=Console(quiet=True))
    report = json.loads((out / "report.json").read_text())["suites"]["dataset"]
    assert breaches == []
    assert report["label_accuracy"] == pytest.approx(2 / 3)
    assert [miss["id"] for miss in report["label_misses"]] == ["t3"]
    assert report["rewrites"]["proposals_with_invented_numbers"] == 0
    assert "| t3 | Launch the loyalty app by June | result | action |" in (out / "report.md").read_text()


def test_the_gate_reports_every_metric_below_its_bound(dataset: Path, tmp_path: Path) -> None:
    gate = tmp_path / "gate.toml"
    gate.write_text("[min]\nlabel_accuracy = 0.95\n[max]\ninvented_number_share = 0.0\n")
    breaches = run_eval([folder_suite(dataset)], tmp_path / "out", gate, console=Console(quiet=True))
    assert breaches == ["dataset: label_accuracy = 0.6667 is below the min of 0.95"]


def test_a_suites_own_thresholds_apply_to_it_alone(dataset: Path, tmp_path: Path) -> None:
    gate = tmp_path / "gate.toml"
    gate.write_text("[other.min]\nlabel_accuracy = 0.99\n[first.min]\nlabel_accuracy = 0.9\n")
    suites = [Suite("first", "First", (dataset / "cases.jsonl",)), Suite("other", "Other", (dataset / "cases.jsonl",))]
    breaches = run_eval(suites, tmp_path / "out", gate, console=Console(quiet=True))
    assert breaches == [
        "first: label_accuracy = 0.6667 is below the min of 0.9",
        "other: label_accuracy = 0.6667 is below the min of 0.99",
    ]


def test_the_report_leads_with_the_real_test_part() -> None:
    suites = default_suites(Path(__file__).parent.parent / "evals" / "datasets")
    assert [suite.name for suite in suites][-1] == "self_written"
    if len(suites) > 1:
        assert suites[0].name == "real_test"


def test_the_committed_dataset_is_large_and_varied_enough() -> None:
    cases: list[EvalCase] = load_cases(Path(__file__).parent.parent / "evals" / "datasets")
    assert len(cases) >= 300
    assert len({case.domain for case in cases}) >= 8
    assert len({case.key_result for case in cases}) == len(cases)
