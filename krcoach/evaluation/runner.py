"""`krcoach eval`: score the eval set, write report.md and report.json, check the committed thresholds."""

from __future__ import annotations

import tomllib
from pathlib import Path

from rich.console import Console
from rich.markdown import Markdown

from krcoach.evaluation.dataset import load_cases
from krcoach.evaluation.report import render_markdown
from krcoach.evaluation.scoring import EvalReport, score


def run_eval(dataset: Path, out: Path, gate: Path | None, *, console: Console) -> list[str]:
    """Run the eval; return the thresholds breached (empty when the gate passes or there is none)."""
    cases = load_cases(dataset)
    report = score(cases)
    breaches = check_gate(report, gate) if gate is not None else []
    markdown = render_markdown(report, breaches, gated=gate is not None)
    out.mkdir(parents=True, exist_ok=True)
    (out / "report.md").write_text(markdown, encoding="utf-8")
    (out / "report.json").write_text(report.model_dump_json(indent=2), encoding="utf-8")
    console.print(Markdown(markdown.split("\n## Label misses")[0]))
    console.print(f"full report: {out / 'report.md'} and {out / 'report.json'}")
    return breaches


def check_gate(report: EvalReport, gate: Path) -> list[str]:
    """Compare the report's metrics to the `[min]` and `[max]` tables of a thresholds file."""
    return check_thresholds(report.metrics(), gate)


def check_thresholds(metrics: dict[str, float], gate: Path) -> list[str]:
    """The `[min]` / `[max]` limits of a thresholds file that these metrics breach."""
    thresholds = tomllib.loads(gate.read_text(encoding="utf-8"))
    breaches: list[str] = []
    for bound, table in thresholds.items():
        if bound not in {"min", "max"}:
            raise ValueError(f"{gate}: unknown table [{bound}]; use [min] and [max]")
        for name, limit in table.items():
            if name not in metrics:
                raise ValueError(f"{gate}: unknown metric {name!r}; known: {', '.join(sorted(metrics))}")
            value = metrics[name]
            if (bound == "min" and value < limit) or (bound == "max" and value > limit):
                relation = "below" if bound == "min" else "above"
                breaches.append(f"{name} = {value:.4f} is {relation} the {bound} of {limit}")
    return breaches
