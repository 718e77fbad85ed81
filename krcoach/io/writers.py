"""Render a SetAnalysis as JSON, JSON Lines, CSV or a Markdown report."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator
from enum import StrEnum
from functools import cache
from typing import TYPE_CHECKING, Any

from krcoach.domain.analysis import KeyResultAnalysis, Kind, ObjectiveAnalysis, RejectedProposal, SetAnalysis
from krcoach.domain.issue_codes import CATALOGUE, IssueCode

if TYPE_CHECKING:
    import jinja2

__all__ = ["OutputFormat", "render"]


class OutputFormat(StrEnum):
    """The formats an analysis can be written in."""

    json = "json"
    jsonl = "jsonl"
    md = "md"
    csv = "csv"


CSV_COLUMNS = (
    "objective_id",
    "objective",
    "id",
    "key_result",
    "label",
    "kind",
    "confidence",
    "issues",
    "proposal",
    "placeholders",
    "fallback",
    "errors",
    "rejected",
    "objective_project_style",
    "objective_suggestion",
    *("second_opinion_label", "second_opinion_agrees", "second_opinion_review", "second_opinion_reason"),
)
"""The columns of the CSV output, in order; the other columns of the input rows follow them."""

INPUT_SUFFIX = " (input)"
"""Added to an input column's name in the CSV output when krcoach's own columns already use the name."""

_JSONL_FIELDS = (
    *("text", "label", "kind", "confidence", "needs_work", "time_frame", "issues", "proposals"),
    *("fallback", "errors", "rejected", "columns", "second_opinion"),
)
_VERDICTS = {
    Kind.MILESTONE: "Action (milestone)",
    Kind.ACTIVITY_QUOTA: "Action (activity quota)",
    Kind.TASK: "Action (task)",
    Kind.PERFORMANCE_MEASURE: "Result",
    Kind.MEASURE_WITHOUT_TARGET: "Result (no target yet)",
    Kind.VAGUE: "Vague",
}


def render(analysis: SetAnalysis, fmt: OutputFormat) -> str:
    """The analysis as text in ``fmt``, ending with a newline."""
    return _RENDERERS[OutputFormat(fmt)](analysis)


def _rows(analysis: SetAnalysis) -> Iterator[tuple[ObjectiveAnalysis, KeyResultAnalysis]]:
    """Every Key Result with its Objective, in input order."""
    for objective in analysis.objectives:
        for key_result in objective.key_results:
            yield objective, key_result


def _json(analysis: SetAnalysis) -> str:
    return analysis.model_dump_json(indent=2) + "\n"


def _jsonl(analysis: SetAnalysis) -> str:
    lines = []
    for objective, key_result in _rows(analysis):
        dumped = key_result.model_dump(mode="json", include=set(_JSONL_FIELDS))
        record: dict[str, Any] = {
            "id": key_result.id,
            "objective_id": key_result.objective_id,
            "objective": objective.title,
            **{name: dumped[name] for name in _JSONL_FIELDS},
            "objective_project_style": objective.project_style,
            "objective_suggestion": objective.suggestion,
        }
        lines.append(json.dumps(record, ensure_ascii=False) + "\n")
    return "".join(lines)


def _csv(analysis: SetAnalysis) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    extras = list(dict.fromkeys(name for _, key_result in _rows(analysis) for name in key_result.columns))
    writer.writerow([*CSV_COLUMNS, *(name + INPUT_SUFFIX if name in CSV_COLUMNS else name for name in extras)])
    for objective, key_result in _rows(analysis):
        proposal = key_result.proposals[0] if key_result.proposals else None
        writer.writerow(
            [
                key_result.objective_id,
                objective.title,
                key_result.id,
                key_result.text,
                key_result.label.value,
                key_result.kind.value,
                f"{key_result.confidence:.2f}",
                ";".join(issue.code.value for issue in key_result.issues),
                proposal.text if proposal else "",
                " ".join(proposal.placeholders) if proposal else "",
                "true" if key_result.fallback else "false",
                "; ".join(key_result.errors),
                "; ".join(_rejected_cell(rejection) for rejection in key_result.rejected),
                "true" if objective.project_style else "false",
                objective.suggestion or "",
                *_second_opinion_cells(key_result),
                *(key_result.columns.get(name, "") for name in extras),
            ]
        )
    return out.getvalue()


def _rejected_cell(rejection: RejectedProposal) -> str:
    """One rejected proposal in a CSV cell: "llm:m still_an_action, re-asked: passed" (details are in errors)."""
    reasked = f", re-asked: {rejection.reask.value}" if rejection.reask else ""
    return f"{rejection.engine} {rejection.reason.value}{reasked}"


def _second_opinion_cells(key_result: KeyResultAnalysis) -> tuple[str, str, str, str]:
    """The model's label, whether it agrees, whether to review, and its reason (empty without a model)."""
    opinion = key_result.second_opinion
    if opinion is None:
        return "", "", "", ""
    return opinion.label.value, str(opinion.agrees).lower(), str(opinion.review).lower(), opinion.reason


def _markdown(analysis: SetAnalysis) -> str:
    text = _template().render(analysis=analysis, verdict=_verdict, title_of=_title_of, cell=_cell, disagrees=_disagrees)
    return text.rstrip("\n") + "\n"


@cache
def _template() -> jinja2.Template:
    """The report template (krcoach/templates/report.md.j2)."""
    import jinja2  # noqa: PLC0415 - loads only for a Markdown report, not for `krcoach check`

    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("krcoach", "templates"),
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    return environment.get_template("report.md.j2")


def _verdict(key_result: KeyResultAnalysis) -> str:
    """The diagnosis in words: "Action (milestone)", "Result", "Result (no target yet)" …"""
    return _VERDICTS[key_result.kind]


def _disagrees(key_result: KeyResultAnalysis) -> bool:
    """True when a model gave a second opinion that differs from the rules' label."""
    return key_result.second_opinion is not None and not key_result.second_opinion.agrees


def _title_of(code: IssueCode) -> str:
    """The human title of an issue code."""
    return CATALOGUE[code].title


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell: pipes escaped, on one line."""
    return " ".join(text.replace("|", "\\|").split())


_RENDERERS: dict[OutputFormat, Callable[[SetAnalysis], str]] = {
    OutputFormat.json: _json,
    OutputFormat.jsonl: _jsonl,
    OutputFormat.csv: _csv,
    OutputFormat.md: _markdown,
}
