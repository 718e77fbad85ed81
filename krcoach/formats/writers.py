"""Write an analysis as JSON, JSON Lines, CSV, or a Markdown report people paste into a doc."""

from __future__ import annotations

import csv
import io
import json
from enum import StrEnum
from functools import cache

from jinja2 import Environment, PackageLoader, StrictUndefined, Template

from krcoach.domain.analysis import KeyResultAnalysis, SetAnalysis
from krcoach.domain.issue_codes import CATALOGUE, IssueCode

CSV_COLUMNS = (
    "objective_id", "objective", "id", "key_result", "label", "kind", "confidence", "issues", "proposal",
    "placeholders",
)  # fmt: skip


class OutputFormat(StrEnum):
    """The formats krcoach writes."""

    md = "md"
    json = "json"
    jsonl = "jsonl"
    csv = "csv"


def render(analysis: SetAnalysis, fmt: OutputFormat) -> str:
    """The analysis in the chosen format, as text."""
    if fmt is OutputFormat.json:
        return analysis.model_dump_json(indent=2) + "\n"
    if fmt is OutputFormat.jsonl:
        return "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in jsonl_records(analysis))
    if fmt is OutputFormat.csv:
        return _csv(analysis)
    return _template().render(analysis=analysis, verdict=verdict, title_of=title_of, cell=cell)


def jsonl_records(analysis: SetAnalysis) -> list[dict[str, object]]:
    """One record per Key Result, in input order, echoing its id."""
    titles = {objective.id: objective.title for objective in analysis.objectives}
    records: list[dict[str, object]] = []
    for kr in analysis.key_results():
        record: dict[str, object] = {"id": kr.id, "objective_id": kr.objective_id, "objective": titles[kr.objective_id]}
        record |= kr.model_dump(
            mode="json",
            include={
                "text",
                "label",
                "kind",
                "confidence",
                "needs_work",
                "time_frame",
                "issues",
                "proposals",
                "errors",
            },
        )
        records.append(record)
    return records


def _csv(analysis: SetAnalysis) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    titles = {objective.id: objective.title for objective in analysis.objectives}
    for kr in analysis.key_results():
        first = kr.proposals[0] if kr.proposals else None
        writer.writerow(
            [
                kr.objective_id, titles[kr.objective_id], kr.id, kr.text, kr.label.value, kr.kind.value,
                f"{kr.confidence:.2f}", ";".join(issue.code.value for issue in kr.issues),
                first.text if first else "", " ".join(first.placeholders) if first else "",
            ]
        )  # fmt: skip
    return buffer.getvalue()


def verdict(kr: KeyResultAnalysis) -> str:
    """'Action (milestone)', 'Result', 'Result (no target yet)' …"""
    kind = kr.kind.value
    if kr.label == "action":
        return f"Action ({kind.replace('_', ' ')})"
    return {"measure_without_target": "Result (no target yet)", "vague": "Vague"}.get(kind, "Result")


def title_of(code: IssueCode) -> str:
    """The human title of an issue code."""
    return CATALOGUE[code].title


def cell(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return " ".join(text.split()).replace("|", "\\|")


@cache
def _template() -> Template:
    environment = Environment(
        loader=PackageLoader("krcoach", "templates"), autoescape=False, trim_blocks=True, lstrip_blocks=True,
        undefined=StrictUndefined, keep_trailing_newline=True,
    )  # fmt: skip
    return environment.get_template("report.md.j2")
