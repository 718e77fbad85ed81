"""Writing an analysis: JSON round-trips, JSON Lines and CSV follow input order, Markdown reads as a report."""

from __future__ import annotations

import csv
import io
import json

import pytest

from krcoach.coach import Coach
from krcoach.domain.analysis import SetAnalysis
from krcoach.domain.okr import OKRSet
from krcoach.formats.writers import CSV_COLUMNS, OutputFormat, render


@pytest.fixture(scope="module")
def analysis() -> SetAnalysis:
    okr_set = OKRSet.model_validate(
        {
            "name": "Team | OKRs",
            "objectives": [
                {
                    "title": "Redesign onboarding",
                    "key_results": [
                        {"id": "k1", "text": "Launch the onboarding flow by 30 June"},
                        {"id": "k2", "text": "Increase NPS from 32 to 50 by Q3"},
                    ],
                },
                {"title": "Support is fast", "key_results": [{"id": "k3", "text": "Hire 4 | support agents"}]},
            ],
        }
    )
    return Coach().analyze_now(okr_set)


def test_json_round_trips_through_the_schema(analysis: SetAnalysis) -> None:
    assert SetAnalysis.model_validate_json(render(analysis, OutputFormat.json)) == analysis


def test_jsonl_has_one_line_per_key_result_in_input_order_echoing_ids(analysis: SetAnalysis) -> None:
    lines = [json.loads(line) for line in render(analysis, OutputFormat.jsonl).splitlines()]
    assert [line["id"] for line in lines] == ["k1", "k2", "k3"]
    assert lines[0]["label"] == "action" and lines[0]["kind"] == "milestone"
    assert lines[0]["proposals"] and lines[0]["issues"][0]["code"] == "milestone"
    assert lines[2]["objective"] == "Support is fast"


def test_csv_has_a_row_per_key_result_with_the_first_proposal(analysis: SetAnalysis) -> None:
    rows = list(csv.DictReader(io.StringIO(render(analysis, OutputFormat.csv))))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert [row["id"] for row in rows] == ["k1", "k2", "k3"]
    assert rows[0]["issues"] == "milestone" and "[baseline]" in rows[0]["placeholders"]
    assert rows[1]["proposal"] == ""


def test_markdown_report_shows_verdicts_proposals_and_the_okra_view(analysis: SetAnalysis) -> None:
    report = render(analysis, OutputFormat.md)
    assert report.startswith("# Team | OKRs")
    assert "Answered by the **rules** engine" in report
    assert "| Launch the onboarding flow by 30 June | Action (milestone) |" in report
    assert "Hire 4 \\| support agents" in report
    assert "`[baseline]`" in report
    okra = report.split("## The OKRA view")[1]
    assert "- Launch the onboarding flow by 30 June → moves k1" in okra
    assert "- Increase NPS from 32 to 50 by Q3" in okra
