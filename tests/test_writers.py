"""Writing an analysis: one record per Key Result for programs, a readable report for people."""

from __future__ import annotations

import csv
import io
import json

import pytest

from krcoach.domain.analysis import (
    AnalysisMeta,
    Issue,
    KeyResultAnalysis,
    Kind,
    Label,
    ObjectiveAnalysis,
    OkraAction,
    OkraKeyResult,
    OkraObjective,
    Proposal,
    ReaskOutcome,
    RejectedProposal,
    RejectionReason,
    SetAnalysis,
    SetIssue,
    Span,
    Summary,
)
from krcoach.domain.issue_codes import CATALOGUE, IssueCode
from krcoach.io import OutputFormat, render
from krcoach.io.writers import CSV_COLUMNS

LAUNCH = "Launch the redesigned onboarding flow by 30 June"
SHARE = (
    "Share of new customers completing onboarding without contacting support: from [baseline] to [target] by 30 June"
)
NPS = "Increase NPS | CSAT from 32 to 50 by end of Q3"
POSTS = "Publish 12 blog posts"
READERS = "Returning readers per month: from [baseline] to [target]"


def issue(code: IssueCode, trigger: str | None = None) -> Issue:
    span = Span(start=0, end=len(trigger), text=trigger) if trigger else None
    return Issue(code=code, severity=CATALOGUE[code].severity, message=CATALOGUE[code].explanation, span=span)


def proposal(text: str, placeholders: list[str], rationale: str) -> Proposal:
    return Proposal(text=text, rationale=rationale, placeholders=placeholders, engine="rules")


def key_result(kr_id: str, text: str, kind: Kind, **fields: object) -> KeyResultAnalysis:
    return KeyResultAnalysis.model_validate(
        {
            "id": kr_id,
            "objective_id": kr_id.split(".", maxsplit=1)[0],
            "text": text,
            "label": kind.label,
            "kind": kind,
            "confidence": 0.9,
            "needs_work": kind.label is Label.ACTION,
            **fields,
        }
    )


@pytest.fixture
def analysis() -> SetAnalysis:
    launch = key_result(
        "O1.KR1",
        LAUNCH,
        Kind.MILESTONE,
        time_frame="by 30 June",
        issues=[issue(IssueCode.MILESTONE, "Launch")],
        proposals=[proposal(SHARE, ["[baseline]", "[target]"], "Customers finishing alone is the result.")],
    )
    nps = key_result("O1.KR2", NPS, Kind.PERFORMANCE_MEASURE, issues=[issue(IssueCode.TWO_MEASURES)])
    posts = key_result(
        "O2.KR1",
        POSTS,
        Kind.ACTIVITY_QUOTA,
        issues=[issue(IssueCode.MISSING_TIME_FRAME), issue(IssueCode.ACTIVITY_QUOTA, "Publish 12")],
        proposals=[
            proposal(READERS, ["[baseline]", "[target]"], "Readers coming back show the posts answer questions."),
            proposal("Organic sign-ups per month: to [target]", ["[target]"], "Sign-ups are what posts are for."),
        ],
    )
    return SetAnalysis(
        name="Growth team OKRs",
        meta=AnalysisMeta(engine="llm", model="small-model-1", krcoach_version="0.1.0"),
        summary=Summary(objectives=2, key_results=3, actions=2, results=1, needs_work=2, proposals=3),
        objectives=[
            ObjectiveAnalysis(
                id="O1",
                title="Redesign onboarding",
                team="Growth",
                project_style=True,
                suggestion="New customers succeed without help",
                issues=[issue(IssueCode.PROJECT_OBJECTIVE, "Redesign")],
                key_results=[launch, nps],
            ),
            ObjectiveAnalysis(id="O2", title="Be the expert voice", project_style=False, key_results=[posts]),
        ],
        issues=[
            SetIssue(
                code=IssueCode.ALL_ACTIONS,
                severity=CATALOGUE[IssueCode.ALL_ACTIONS].severity,
                message="Both could be done while nobody reads more.",
                objective_id="O2",
            )
        ],
        okra=[
            OkraObjective(
                id="O1",
                title="New customers succeed without help",
                key_results=[
                    OkraKeyResult(
                        id="O1.KR1",
                        text=SHARE,
                        origin="proposal",
                        placeholders=["[baseline]", "[target]"],
                        replaces=LAUNCH,
                    ),
                    OkraKeyResult(id="O1.KR2", text=NPS, origin="original"),
                ],
                actions=[OkraAction(id="O1.A1", text=LAUNCH, moves=["O1.KR1"], from_key_result="O1.KR1")],
            ),
            OkraObjective(
                id="O2",
                title="Be the expert voice",
                key_results=[OkraKeyResult(id="O2.KR1", text=READERS, origin="proposal", replaces=POSTS)],
                actions=[OkraAction(id="O2.A1", text=POSTS, moves=["O2.KR1"], from_key_result="O2.KR1")],
            ),
        ],
    )


# --- JSON ---------------------------------------------------------------------------------------------------


def test_json_is_the_whole_analysis_and_round_trips(analysis: SetAnalysis) -> None:
    text = render(analysis, OutputFormat.json)
    assert SetAnalysis.model_validate_json(text) == analysis
    assert text.startswith('{\n  "schema_version"')


# --- JSON Lines ---------------------------------------------------------------------------------------------


def test_jsonl_has_one_line_per_key_result_in_input_order_echoing_ids(analysis: SetAnalysis) -> None:
    records = [json.loads(line) for line in render(analysis, OutputFormat.jsonl).splitlines()]
    assert [(r["id"], r["objective_id"], r["objective"]) for r in records] == [
        ("O1.KR1", "O1", "Redesign onboarding"),
        ("O1.KR2", "O1", "Redesign onboarding"),
        ("O2.KR1", "O2", "Be the expert voice"),
    ]


def test_jsonl_records_carry_the_diagnosis_issues_and_proposals(analysis: SetAnalysis) -> None:
    first = json.loads(render(analysis, OutputFormat.jsonl).splitlines()[0])
    assert list(first) == [
        "id",
        "objective_id",
        "objective",
        "text",
        "label",
        "kind",
        "confidence",
        "needs_work",
        "time_frame",
        "issues",
        "proposals",
        "fallback",
        "errors",
        "rejected",
        "columns",
        "second_opinion",
        "objective_project_style",
        "objective_suggestion",
    ]
    assert (first["label"], first["kind"], first["needs_work"], first["time_frame"]) == (
        "action",
        "milestone",
        True,
        "by 30 June",
    )
    assert first["issues"][0]["span"] == {"start": 0, "end": 6, "text": "Launch"}
    assert first["proposals"][0]["placeholders"] == ["[baseline]", "[target]"]


def fallen_back(analysis: SetAnalysis) -> SetAnalysis:
    """The analysis with its first Key Result answered by the offline engine after a failed model call."""
    launch = analysis.objectives[0].key_results[0]
    launch.fallback, launch.errors = True, ["model call failed: timeout", "dropped a llm proposal: invented 40%"]
    return analysis


def test_jsonl_carries_fallback_errors_and_the_objective_suggestion_as_json_does(analysis: SetAnalysis) -> None:
    first, _, posts = (json.loads(line) for line in render(fallen_back(analysis), OutputFormat.jsonl).splitlines())
    as_json = json.loads(render(analysis, OutputFormat.json))["objectives"][0]
    assert (first["fallback"], first["errors"]) == (True, as_json["key_results"][0]["errors"])
    assert (first["objective_project_style"], first["objective_suggestion"]) == (True, as_json["suggestion"])
    assert (posts["fallback"], posts["errors"], posts["objective_suggestion"]) == (False, [], None)


def rejected_in(analysis: SetAnalysis) -> SetAnalysis:
    """The analysis with two model proposals rejected on its first Key Result: one re-asked, one repeating the
    prompt (never quoted)."""
    launch = analysis.objectives[0].key_results[0]
    launch.errors = ["dropped a llm:m proposal: the rewrite contains numbers not in the input: 48"]
    launch.rejected = [
        RejectedProposal(
            engine="llm:m",
            reason=RejectionReason.STILL_AN_ACTION,
            reasked=True,
            reask=ReaskOutcome.PASSED,
            detail="the rewrite is still an action (milestone)",
            text="Launch the new flow by [deadline]",
            attempt=1,
        ),
        RejectedProposal(
            engine="llm:m",
            reason=RejectionReason.ECHOES_PROMPT,
            reasked=False,
            detail="the rewrite repeats the instructions; write a Key Result for this draft",
            attempt=2,
        ),
    ]
    return analysis


def test_jsonl_carries_the_rejected_proposals_as_json_does(analysis: SetAnalysis) -> None:
    first, _, posts = (json.loads(line) for line in render(rejected_in(analysis), OutputFormat.jsonl).splitlines())
    as_json = json.loads(render(analysis, OutputFormat.json))["objectives"][0]["key_results"][0]
    assert first["rejected"] == as_json["rejected"] and len(first["rejected"]) == 2
    assert first["rejected"][0] == {
        "engine": "llm:m",
        "reason": "still_an_action",
        "reasked": True,
        "reask": "passed",
        "detail": "the rewrite is still an action (milestone)",
        "text": "Launch the new flow by [deadline]",
        "attempt": 1,
    }
    assert first["rejected"][1]["text"] is None
    assert posts["rejected"] == []


def test_csv_names_each_rejected_proposal_with_its_reason_and_re_ask(analysis: SetAnalysis) -> None:
    launch, _, posts = csv_rows(rejected_in(analysis))
    assert launch["rejected"] == "llm:m still_an_action, re-asked: passed; llm:m echoes_prompt"
    assert "numbers not in the input: 48" in launch["errors"]
    assert posts["rejected"] == ""


def test_markdown_lists_rejected_proposals_with_the_reason_without_quoting_prompt_copies(
    analysis: SetAnalysis,
) -> None:
    report = render(rejected_in(analysis), OutputFormat.md)
    section = report.split("### O1.KR1", 1)[1].split("###", 1)[0]
    assert "Rejected proposals:" in section
    assert "- `still_an_action` (llm:m, reply 1): “Launch the new flow by [deadline]”" in section
    assert "  - Re-asked: passed" in section
    assert "- `echoes_prompt` (llm:m, reply 2): not shown" in section
    assert "  - Re-asked: no" in section


def test_markdown_shows_a_key_result_with_rejected_proposals_even_when_it_needs_no_work(
    analysis: SetAnalysis,
) -> None:
    posts = analysis.objectives[1].key_results[0]
    posts.needs_work = False
    assert "### O2.KR1" not in render(analysis, OutputFormat.md)
    posts.rejected = [
        RejectedProposal(
            engine="llm:m",
            reason=RejectionReason.NOT_REQUESTED,
            reasked=False,
            detail="proposed for a Key Result that was not to be rewritten; not shown",
            text="Returning readers per month: from [baseline] to [target] by [deadline]",
            attempt=1,
        )
    ]
    assert "`not_requested`" in render(analysis, OutputFormat.md).split("### O2.KR1", 1)[1]


# --- CSV ----------------------------------------------------------------------------------------------------


def test_csv_carries_fallback_errors_and_the_objective_suggestion_as_json_does(analysis: SetAnalysis) -> None:
    launch, nps, posts = csv_rows(fallen_back(analysis))
    assert (launch["fallback"], launch["errors"]) == (
        "true",
        "model call failed: timeout; dropped a llm proposal: invented 40%",
    )
    assert (nps["objective_project_style"], nps["objective_suggestion"]) == (
        "true",
        "New customers succeed without help",
    )
    assert (posts["fallback"], posts["errors"], posts["objective_suggestion"]) == ("false", "", "")


def test_input_columns_are_echoed_after_krcoachs_own_in_csv_and_jsonl(analysis: SetAnalysis) -> None:
    first, second = analysis.objectives[0].key_results
    first.columns, second.columns = {"Owner": "Ann", "Status": "on track"}, {"Owner": "Bo", "label": "mine"}
    header = next(csv.reader(io.StringIO(render(analysis, OutputFormat.csv))))
    assert header[len(CSV_COLUMNS) :] == ["Owner", "Status", "label (input)"]
    rows = csv_rows(analysis)
    assert [(r["Owner"], r["Status"], r["label (input)"]) for r in rows] == [
        ("Ann", "on track", ""),
        ("Bo", "", "mine"),
        ("", "", ""),
    ]
    records = [json.loads(line) for line in render(analysis, OutputFormat.jsonl).splitlines()]
    assert [r["columns"] for r in records] == [first.columns, second.columns, {}]


def csv_rows(analysis: SetAnalysis) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(render(analysis, OutputFormat.csv))))


def test_csv_has_the_columns_and_one_row_per_key_result(analysis: SetAnalysis) -> None:
    reader = csv.reader(io.StringIO(render(analysis, OutputFormat.csv)))
    header, *rows = list(reader)
    assert tuple(header) == CSV_COLUMNS
    assert [row[2] for row in rows] == ["O1.KR1", "O1.KR2", "O2.KR1"]


def test_csv_joins_issue_codes_and_gives_the_first_proposal_with_its_placeholders(analysis: SetAnalysis) -> None:
    posts = csv_rows(analysis)[2]
    assert (posts["objective"], posts["key_result"], posts["label"], posts["kind"]) == (
        "Be the expert voice",
        POSTS,
        "action",
        "activity_quota",
    )
    assert posts["issues"] == "missing_time_frame;activity_quota"
    assert (posts["proposal"], posts["placeholders"]) == (READERS, "[baseline] [target]")


def test_csv_leaves_proposal_cells_empty_when_there_is_none(analysis: SetAnalysis) -> None:
    nps = csv_rows(analysis)[1]
    assert (nps["key_result"], nps["proposal"], nps["placeholders"], nps["confidence"]) == (NPS, "", "", "0.90")


# --- Markdown -----------------------------------------------------------------------------------------------


def test_markdown_opens_with_the_set_name_the_engine_and_the_counts(analysis: SetAnalysis) -> None:
    report = render(analysis, OutputFormat.md)
    assert report.startswith("# Growth team OKRs\n")
    assert "`llm` engine (model `small-model-1`)" in report
    assert "2 Objectives and 3 Key Results: 2 action-based, 1 result-based" in report


def test_markdown_without_a_name_or_model_says_okr_review(analysis: SetAnalysis) -> None:
    unnamed = analysis.model_copy(update={"name": None, "meta": AnalysisMeta(engine="rules", krcoach_version="0")})
    report = render(unnamed, OutputFormat.md)
    assert report.startswith("# OKR review\n")
    assert "model" not in report.splitlines()[2]


def test_markdown_shows_set_issues_with_their_objective(analysis: SetAnalysis) -> None:
    assert "- **Every Key Result is an action** (O2: Be the expert voice): Both could" in render(
        analysis, OutputFormat.md
    )


def test_markdown_has_each_objective_with_the_result_style_suggestion(analysis: SetAnalysis) -> None:
    report = render(analysis, OutputFormat.md)
    assert "## O1: Redesign onboarding" in report and "## O2: Be the expert voice" in report
    assert "Team: Growth" in report
    assert "A result-style Objective: **New customers succeed without help**" in report


def test_markdown_tables_give_verdicts_and_main_issues_with_pipes_escaped(analysis: SetAnalysis) -> None:
    report = render(analysis, OutputFormat.md)
    assert f"| {LAUNCH} | Action (milestone) | A milestone, not a measure |" in report
    assert "| Increase NPS \\| CSAT from 32 to 50 by end of Q3 | Result | Two measures in one Key Result |" in report
    assert f"| {POSTS} | Action (activity quota) | A quota of your own activity |" in report


def test_markdown_details_issues_and_proposals_of_key_results_that_need_work(analysis: SetAnalysis) -> None:
    report = render(analysis, OutputFormat.md)
    assert f"### O1.KR1: {LAUNCH}" in report
    assert "### O1.KR2" not in report
    assert f"- **A milestone, not a measure**: {CATALOGUE[IssueCode.MILESTONE].explanation} (“Launch”)" in report
    assert "from `[baseline]` to `[target]` by 30 June" in report
    assert "  - Why: Customers finishing alone is the result." in report
    assert "  - To fill in: `[target]`" in report


def test_markdown_uses_human_words_not_enum_names(analysis: SetAnalysis) -> None:
    report = render(analysis, OutputFormat.md)
    for raw in ("activity_quota", "performance_measure", "missing_time_frame", "IssueCode", "Kind."):
        assert raw not in report


def test_markdown_okra_view_links_each_action_to_the_key_result_it_moves(analysis: SetAnalysis) -> None:
    okra = render(analysis, OutputFormat.md).split("## The OKRA view", 1)[1]
    assert "### O1: New customers succeed without help" in okra
    assert f"- O1.KR1: {SHARE.replace('[baseline]', '`[baseline]`').replace('[target]', '`[target]`')}" in okra
    assert f"(rewrites “{LAUNCH}”)" in okra
    assert f"- {LAUNCH} → moves O1.KR1 (“Share of new customers" in okra
    assert f"- {POSTS} → moves O2.KR1 (“Returning readers per month" in okra


def test_markdown_says_when_no_proposal_could_be_made(analysis: SetAnalysis) -> None:
    stuck = analysis.objectives[1].key_results[0].model_copy(update={"proposals": [], "errors": ["no pattern fits"]})
    analysis.objectives[1].key_results[0] = stuck
    assert "- No proposal: no pattern fits" in render(analysis, OutputFormat.md)


@pytest.mark.parametrize("fmt", list(OutputFormat))
def test_every_format_ends_with_one_newline(analysis: SetAnalysis, fmt: OutputFormat) -> None:
    text = render(analysis, fmt)
    assert text.endswith("\n") and not text.endswith("\n\n")
