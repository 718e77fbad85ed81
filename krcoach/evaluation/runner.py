"""`krcoach eval`: score each eval suite, write report.md and report.json, check the committed thresholds.

The suites run in a fixed order, real text first: the test part of the real-world corpus (published Key Results,
never tuned on), its development part, then the sets we wrote ourselves. The self-written sets score high because
they were written in the shape of the rules; the real test part is the figure that counts.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.markdown import Markdown

from krcoach.evaluation.dataset import load_files
from krcoach.evaluation.report import render_markdown, render_summary
from krcoach.evaluation.scoring import score


@dataclass(frozen=True, slots=True)
class Suite:
    """A named set of eval files; its thresholds are the `[<name>.min]` / `[<name>.max]` tables of the gate."""

    name: str
    title: str
    files: tuple[Path, ...]


def default_suites(datasets: Path) -> list[Suite]:
    """The committed suites under ``datasets`` (evals/datasets), real test part first; missing parts are left out."""
    real = datasets / "real"
    suites = [
        Suite("real_test", "real, test part (never tuned on)", (real / "test.jsonl",)),
        Suite("real_dev", "real, development part", (real / "dev.jsonl",)),
        Suite("self_written", "self-written (in the shape of the rules)", tuple(sorted(datasets.glob("*.jsonl")))),
    ]
    return [suite for suite in suites if suite.files and all(path.is_file() for path in suite.files)]


def folder_suite(folder: Path) -> Suite:
    """Every *.jsonl file of one folder as a single suite named ``dataset``."""
    files = tuple(sorted(folder.glob("*.jsonl")))
    if not files:
        raise ValueError(f"{folder}: no *.jsonl eval files")
    return Suite("dataset", str(folder), files)


def run_eval(suites: Sequence[Suite], out: Path, gate: Path | None, *, console: Console) -> list[str]:
    """Run the suites; return the thresholds breached (empty when the gate passes or there is none)."""
    if not suites:
        raise ValueError("no eval suite to run: no eval files found")
    reports = {suite.name: score(load_files(list(suite.files))) for suite in suites}
    thresholds = _read_thresholds(gate) if gate is not None else {}
    breaches = [
        f"{name}: {breach}"
        for name, report in reports.items()
        for breach in check_thresholds(report.metrics(), thresholds, name, gate)
    ]
    sections = [render_summary([(s.name, s.title, reports[s.name]) for s in suites], breaches, gated=gate is not None)]
    sections += [render_markdown(reports[s.name], title=s.title) for s in suites]
    out.mkdir(parents=True, exist_ok=True)
    (out / "report.md").write_text("\n".join(sections), encoding="utf-8")
    payload = {name: report.model_dump(mode="json") for name, report in reports.items()}
    (out / "report.json").write_text(json.dumps({"suites": payload}, indent=2) + "\n", encoding="utf-8")
    console.print(Markdown(sections[0]))
    console.print(f"full report: {out / 'report.md'} and {out / 'report.json'}")
    return breaches


def check_gate(metrics: dict[str, float], gate: Path, suite: str | None = None) -> list[str]:
    """Compare metrics to the thresholds of a gate file that apply to ``suite`` (top-level ones apply to all)."""
    return check_thresholds(metrics, _read_thresholds(gate), suite, gate)


def _read_thresholds(gate: Path) -> dict[str, object]:
    return tomllib.loads(gate.read_text(encoding="utf-8"))


def check_thresholds(
    metrics: dict[str, float], thresholds: dict[str, object], suite: str | None = None, gate: Path | None = None
) -> list[str]:
    """The limits these metrics breach: top-level `[min]` / `[max]` apply to every suite, `[<suite>.min]` to one."""
    tables: list[tuple[str, object]] = []
    for key, value in thresholds.items():
        if key in {"min", "max"}:
            tables.append((key, value))
        elif isinstance(value, dict) and set(value) <= {"min", "max"}:
            if suite is not None and key == suite:
                tables += list(value.items())
        else:
            raise ValueError(f"{gate}: unknown table [{key}]; use [min], [max], [<suite>.min] or [<suite>.max]")
    breaches: list[str] = []
    for bound, table in tables:
        assert isinstance(table, dict)
        for name, limit in table.items():
            if name not in metrics:
                raise ValueError(f"{gate}: unknown metric {name!r}; known: {', '.join(sorted(metrics))}")
            value = metrics[name]
            if (bound == "min" and value < limit) or (bound == "max" and value > limit):
                relation = "below" if bound == "min" else "above"
                breaches.append(f"{name} = {value:.4f} is {relation} the {bound} of {limit}")
    return breaches
