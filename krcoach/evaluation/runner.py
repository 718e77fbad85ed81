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
from krcoach.evaluation.relevance import JUDGEMENTS_FILE, load_judgements, relevance_report
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


def run_eval(
    suites: Sequence[Suite], out: Path, gate: Path | None, *, console: Console, judgements: Path = JUDGEMENTS_FILE
) -> list[str]:
    """Run the suites; return the thresholds breached (empty when the gate passes or there is none).

    For the real suites, the first offline proposal of every action-based Key Result is looked up in the committed
    judgements; those not judged yet are written to `unjudged_proposals.jsonl` in ``out``.
    """
    if not suites:
        raise ValueError("no eval suite to run: no eval files found")
    cases = {suite.name: load_files(list(suite.files)) for suite in suites}
    reports = {name: score(suite_cases) for name, suite_cases in cases.items()}
    judged = load_judgements(judgements)
    relevance = {name: relevance_report(cases[name], judged) for name in cases if name.startswith("real_")}
    thresholds = _read_thresholds(gate) if gate is not None else {}
    breaches = []
    for name, report in reports.items():
        metrics = report.metrics() | (relevance[name].metrics() if name in relevance else {})
        breaches += [f"{name}: {breach}" for breach in check_thresholds(metrics, thresholds, name, gate)]
    titled = [(s.name, s.title, reports[s.name]) for s in suites]
    sections = [render_summary(titled, breaches, gated=gate is not None, relevance=relevance)]
    sections += [render_markdown(reports[s.name], title=s.title) for s in suites]
    out.mkdir(parents=True, exist_ok=True)
    (out / "report.md").write_text("\n".join(sections), encoding="utf-8")
    payload = {name: report.model_dump(mode="json") for name, report in reports.items()}
    for name, found in relevance.items():
        payload[name]["relevance"] = found.model_dump(mode="json")
    (out / "report.json").write_text(json.dumps({"suites": payload}, indent=2) + "\n", encoding="utf-8")
    unjudged = [item.model_dump() for found in relevance.values() for item in found.unjudged]
    (out / "unjudged_proposals.jsonl").write_text("".join(json.dumps(u) + "\n" for u in unjudged), encoding="utf-8")
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
