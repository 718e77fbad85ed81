"""The coach end to end on the offline engine: proposals, the OKRA view, and proposals checked twice."""

from __future__ import annotations

from krcoach.coach import Coach
from krcoach.domain.analysis import Kind, Label, Proposal
from krcoach.domain.guards import invented_numbers
from krcoach.domain.issue_codes import IssueCode
from krcoach.domain.okr import OKRSet
from krcoach.engines.base import ObjectiveBrief, ObjectiveRewrite
from krcoach.engines.function import FunctionEngine

DRAFT = OKRSet.model_validate(
    {
        "objectives": [
            {
                "title": "Redesign the onboarding experience",
                "key_results": [
                    {"text": "Launch the redesigned onboarding flow by 30 June"},
                    {"text": "Run 20 customer interviews by end of Q2"},
                    {"text": "Increase NPS from 32 to 50 by end of Q3"},
                ],
                "actions": ["Instrument the onboarding funnel"],
            },
            {"title": "Customers stay with us", "key_results": [{"text": "Improve customer retention"}]},
        ]
    }
)


def test_every_action_gets_a_result_proposal_and_is_kept_as_a_linked_action() -> None:
    analysis = Coach().analyze_now(DRAFT)
    launch, interviews, nps = analysis.objectives[0].key_results
    for kr in (launch, interviews):
        assert kr.label is Label.ACTION
        assert kr.proposals, kr.text
        assert all(p.engine == "rules" for p in kr.proposals)
    okra = analysis.okra[0]
    moved = {action.from_key_result: action for action in okra.actions if action.from_key_result}
    assert set(moved) == {launch.id, interviews.id}
    assert moved[launch.id].text == launch.text
    assert moved[launch.id].moves == [launch.id]
    assert [kr.id for kr in okra.key_results] == [launch.id, interviews.id, nps.id]
    assert okra.key_results[0].origin == "proposal" and okra.key_results[0].replaces == launch.text
    assert okra.key_results[2].text == nps.text and okra.key_results[2].origin == "original"


def test_the_okra_view_carries_the_result_style_objective_in_place_of_a_project_title() -> None:
    analysis = Coach().analyze_now(DRAFT)
    project, result = analysis.objectives
    assert project.project_style and project.suggestion
    assert analysis.okra[0].title == project.suggestion
    assert analysis.okra[0].replaces_title == "Redesign the onboarding experience"
    assert not result.project_style
    assert (analysis.okra[1].title, analysis.okra[1].replaces_title) == ("Customers stay with us", None)


def test_planned_actions_from_the_input_are_kept_and_linked_to_the_objectives_key_results() -> None:
    okra = Coach().analyze_now(DRAFT).okra[0]
    planned = [a for a in okra.actions if a.from_key_result is None]
    assert [a.text for a in planned] == ["Instrument the onboarding funnel"]
    assert planned[0].moves == [kr.id for kr in okra.key_results]


def test_proposals_never_contain_numbers_absent_from_the_input_and_keep_the_time_frame() -> None:
    analysis = Coach().analyze_now(DRAFT)
    launch = analysis.objectives[0].key_results[0]
    assert all(p.text.endswith("by 30 June") for p in launch.proposals)
    for kr in analysis.key_results():
        for proposal in kr.proposals:
            assert invented_numbers(proposal.text, kr.text, analysis.objectives[0].title) <= {"30"}
            assert "[baseline]" in proposal.placeholders and "[target]" in proposal.placeholders


def test_a_deadline_next_to_a_decimal_number_is_not_cut_into_an_invented_number() -> None:
    text = "Launch the onboarding flow v2 by Q3 10.01"  # "Q3 10" would be half of 10.01
    draft = OKRSet.model_validate({"objectives": [{"title": "Onboarding", "key_results": [{"text": text}]}]})

    [kr] = Coach().analyze_now(draft).key_results()

    assert kr.proposals and kr.errors == []
    assert all(p.text.endswith("by Q3") and not invented_numbers(p.text, text) for p in kr.proposals)


def test_a_complete_result_key_result_is_left_alone() -> None:
    nps = Coach().analyze_now(DRAFT).objectives[0].key_results[2]
    assert not nps.needs_work and nps.proposals == []


def test_a_measure_without_target_is_completed_with_placeholders() -> None:
    retention = Coach().analyze_now(DRAFT).objectives[1].key_results[0]
    assert retention.kind is Kind.MEASURE_WITHOUT_TARGET
    assert retention.proposals[0].text == "Improve customer retention from [baseline] to [target] by [deadline]"


def test_a_project_style_objective_gets_a_result_style_suggestion() -> None:
    objective = Coach().analyze_now(DRAFT).objectives[0]
    assert objective.project_style
    assert objective.suggestion
    assert [issue.code for issue in objective.issues] == [IssueCode.PROJECT_OBJECTIVE]


def test_the_answer_says_which_engine_answered_and_counts_everything() -> None:
    analysis = Coach().analyze_now(DRAFT)
    assert analysis.meta.engine == "rules"
    assert analysis.meta.usage.calls == 0
    assert (analysis.summary.key_results, analysis.summary.actions, analysis.summary.results) == (4, 2, 2)


def _bad_engine(brief: ObjectiveBrief) -> ObjectiveRewrite:
    """A model that rewrites tasks into tasks and invents baselines."""
    still_action = Proposal(text="Ship the onboarding flow by 30 June", rationale="r", engine="fake")
    invents = Proposal(text="Increase activation from 22% to 35% by 30 June", rationale="r", engine="fake")
    return ObjectiveRewrite(proposals={kr.id: [still_action, invents] for kr in brief.key_results})


def test_bad_engine_proposals_are_dropped_with_reasons_and_the_offline_engine_fills_in() -> None:
    engine = FunctionEngine(_bad_engine, name="fake")
    analysis = Coach(engine).analyze_now(DRAFT)
    launch = analysis.objectives[0].key_results[0]
    assert launch.proposals and all(p.engine == "rules" for p in launch.proposals)
    assert any("still an action" in error for error in launch.errors)
    assert any("numbers not in the input: 22, 35" in error for error in launch.errors)
    assert analysis.meta.engine == "fake"


def test_only_key_results_that_need_work_are_sent_to_the_engine_one_brief_per_objective() -> None:
    engine = FunctionEngine(lambda brief: ObjectiveRewrite(), name="fake")
    Coach(engine).analyze_now(DRAFT)
    assert len(engine.briefs) == 2
    sent = [kr.text for brief in engine.briefs for kr in brief.key_results]
    assert "Increase NPS from 32 to 50 by end of Q3" not in sent
    assert len(sent) == 3
