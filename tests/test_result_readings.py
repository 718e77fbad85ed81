"""Offline proposals read from the draft's own words: who the work is for, and what they should then do."""

from __future__ import annotations

import pytest

from krcoach.coach import Coach
from krcoach.domain.analysis import Label
from krcoach.domain.diagnosis import diagnose
from krcoach.domain.guards import invented_numbers
from krcoach.domain.okr import OKRSet
from krcoach.engines.base import KeyResultBrief
from krcoach.engines.rules import RulesEngine
from krcoach.engines.rules.readings import key_result_readings, objective_readings


def first_proposal(objective: str, key_result: str) -> tuple[str, str]:
    proposals = RulesEngine().propose(KeyResultBrief("kr-1", key_result, diagnose(key_result)), objective)
    assert proposals, f"no proposal for {key_result!r}"
    return proposals[0].text, proposals[0].source or ""


def test_a_purpose_clause_names_the_result() -> None:
    readings = list(key_result_readings("Write a setup guide to help new volunteers run their first shift"))
    assert readings[0].name == "purpose"
    assert readings[0].measure.startswith("Share of new volunteers who run their first shift")


def test_a_product_on_a_new_platform_is_measured_by_its_users_there() -> None:
    readings = list(key_result_readings("The reader app runs on Android tablets"))
    assert readings[0].measure.startswith("Weekly active users of The reader app on Android tablets")


def test_an_objective_that_helps_people_is_measured_by_how_many_get_there() -> None:
    readings = list(objective_readings("Help more tenants report repairs online"))
    assert readings[0].measure.startswith("Number of tenants who report repairs online")


def test_an_objective_naming_a_measurable_change_is_measured_the_usual_way() -> None:
    readings = list(objective_readings("Head of Support: Reduce churn of small accounts"))
    assert readings[0].name == "named_measure"
    assert readings[0].measure.startswith("Churn of small accounts, measured as the share of [customers] who leave")


def test_an_objective_wanting_a_quality_asks_the_people_it_is_for() -> None:
    readings = list(objective_readings("Make the booking site easier to use for older patients"))
    assert readings[0].measure.startswith("Share of older patients who rate the booking site easy to use")


def test_a_personal_objective_is_measured_as_the_author_rates_it() -> None:
    assert objective_readings("Be calmer and fitter.")[0].measure.startswith("How calm and fit I feel")


def test_a_verb_that_moves_no_measure_is_not_read_as_one() -> None:
    assert list(objective_readings("Maintain a state of full satisfaction")) == []


@pytest.mark.parametrize(
    ("objective", "key_result"),
    [
        ("Help more tenants report repairs online", "Launch the repairs form"),
        ("Make the booking site easier to use for older patients", "Redesign the booking flow"),
        ("Increase retention of trial users", "Run 5 onboarding webinars"),
        ("Keep the reader app fast for commuters", "The reader app runs on Android tablets"),
    ],
)
def test_every_reading_gives_a_result_with_no_invented_number(objective: str, key_result: str) -> None:
    text, source = first_proposal(objective, key_result)
    assert source.startswith("reading/")
    assert diagnose(text).label == Label.RESULT
    assert not invented_numbers(text, objective, key_result)


def test_a_measure_another_key_result_leads_with_still_comes_before_a_template_that_asks() -> None:
    objective = {
        "title": "Increase retention of trial users",
        "key_results": [{"text": "Run 5 onboarding webinars"}, {"text": "Write the welcome email series"}],
    }
    analysis = Coach(RulesEngine()).analyze_now(OKRSet.model_validate({"objectives": [objective]}))
    sources = [kr.proposals[0].source for kr in analysis.objectives[0].key_results]
    assert sources == ["reading/named_measure", "reading/named_measure"]


def test_braces_in_a_key_result_are_text_not_a_template() -> None:
    text, _ = first_proposal("Users succeed", "Fix the {broken} {{export}")
    assert diagnose(text).label == Label.RESULT


def test_a_measure_the_diagnosis_is_sure_of_is_completed_with_placeholders() -> None:
    text, source = first_proposal("Grow self-serve revenue", "Increase activation rate from 40% to 65%")
    assert (text, source) == ("Increase activation rate from 40% to 65% by [deadline]", "completion")


@pytest.mark.parametrize(
    "key_result", ["Collect data on percentage of late invoices", "Gather data on the share of failed builds"]
)
def test_work_that_merely_mentions_a_measure_is_not_completed_into_an_echo(key_result: str) -> None:
    assert diagnose(key_result).label == Label.RESULT  # the diagnosis misreads it; the engine does not echo it
    text, source = first_proposal("Get paid on time", key_result)
    assert source != "completion"
    assert not text.startswith(key_result)
