"""Objective and set-level checks: project-style Objectives, too many Key Results, all actions, counter-metrics."""

from __future__ import annotations

import pytest

from krcoach.domain.diagnosis import diagnose
from krcoach.domain.issue_codes import IssueCode
from krcoach.domain.objectives import project_trigger
from krcoach.domain.set_checks import group_findings


@pytest.mark.parametrize(
    ("title", "trigger"),
    [
        ("Redesign the onboarding experience", "Redesign"),
        ("Migrate the platform to Kubernetes", "Migrate"),
        ("Roll out the new CRM", "Roll"),
        ("Website redesign", "redesign"),
    ],
)
def test_objectives_written_as_projects_are_flagged(title: str, trigger: str) -> None:
    span = project_trigger(title)
    assert span is not None and title[span[0] : span[1]] == trigger


@pytest.mark.parametrize(
    "title",
    [
        "New customers succeed without help",
        "Improve the experience of new customers",
        "Grow revenue in Europe",
    ],
)
def test_objectives_written_as_results_are_not_flagged(title: str) -> None:
    assert project_trigger(title) is None


def codes(*texts: str) -> list[IssueCode]:
    return list(group_findings([diagnose(text) for text in texts]))


def test_an_objective_whose_key_results_are_all_actions_is_flagged() -> None:
    assert codes("Launch the app by June", "Hire 3 designers") == [IssueCode.ALL_ACTIONS]


def test_more_than_five_key_results_is_too_many() -> None:
    texts = [f"Reduce error rate in service {name} from 4% to 1% by Q3" for name in "ABCDEF"]
    assert IssueCode.TOO_MANY_KEY_RESULTS in codes(*texts)


def test_a_growth_key_result_without_a_counter_metric_is_flagged() -> None:
    assert codes("Grow weekly sign-ups from 400 to 900 by Q4") == [IssueCode.NO_COUNTER_METRIC]
    paired = codes("Grow weekly sign-ups from 400 to 900 by Q4", "Keep refund rate below 2% each month")
    assert IssueCode.NO_COUNTER_METRIC not in paired


def test_an_objective_without_key_results_is_flagged() -> None:
    assert codes() == [IssueCode.NO_KEY_RESULTS]
