"""The deterministic diagnosis: which Key Results are actions, which are results, and what is wrong."""

from __future__ import annotations

import pytest

from krcoach.domain.analysis import Kind, Label
from krcoach.domain.diagnosis import diagnose
from krcoach.domain.issue_codes import CATALOGUE, IssueCode, Scope


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Launch the redesigned onboarding flow by 30 June", Kind.MILESTONE),
        ("Migrate billing to the new payment provider by end of Q3", Kind.MILESTONE),
        ("Achieve SOC 2 Type II certification", Kind.MILESTONE),
        ("Obtain ISO 27001 certification by December", Kind.MILESTONE),
        ("New pricing page live by May", Kind.MILESTONE),
        ("Conduct 20 customer interviews by end of Q2", Kind.ACTIVITY_QUOTA),
        ("Publish 12 blog posts", Kind.ACTIVITY_QUOTA),
        ("Hold six partnership meetings this quarter", Kind.ACTIVITY_QUOTA),
        ("Hire 5 senior engineers", Kind.ACTIVITY_QUOTA),
        ("100% of staff complete security awareness training", Kind.ACTIVITY_QUOTA),
        ("Increase the number of webinars to 8 per quarter", Kind.ACTIVITY_QUOTA),
        ("Complete 80% of the Q2 campaign plan", Kind.ACTIVITY_QUOTA),
        ("12 case studies published", Kind.ACTIVITY_QUOTA),
        ("Sales team books 40 demos a month", Kind.ACTIVITY_QUOTA),
        ("Create a customer health dashboard", Kind.TASK),
        ("Foster a culture of experimentation", Kind.TASK),
    ],
)
def test_action_based_key_results_are_labelled_action_with_their_shape(text: str, kind: Kind) -> None:
    diagnosis = diagnose(text)
    assert (diagnosis.label, diagnosis.kind) == (Label.ACTION, kind)


@pytest.mark.parametrize(
    "text",
    [
        "Increase NPS from 32 to 50",
        "Reduce time to first value to 2 days",
        "Grow ARR from $2.5M to $4M by end of FY26",
        "Acquire 50 new enterprise customers in Q3",
        "Cut monthly churn from 3% to 1.5%",
        "Achieve 40% week-4 retention for new cohorts",
        "Double weekly active teams by year end",
        "Resolve 90% of tickets within 24 hours",
        "Monthly churn below 2%",
        "80% of customers rate onboarding 4 or 5 out of 5",
    ],
)
def test_result_based_key_results_that_start_with_a_verb_are_not_called_actions(text: str) -> None:
    diagnosis = diagnose(text)
    assert diagnosis.label is Label.RESULT
    assert diagnosis.kind is Kind.PERFORMANCE_MEASURE


def test_a_direction_without_a_number_is_a_measure_without_target() -> None:
    diagnosis = diagnose("Improve customer retention")
    assert diagnosis.kind is Kind.MEASURE_WITHOUT_TARGET
    assert IssueCode.DIRECTION_WITHOUT_NUMBER in diagnosis.codes
    assert IssueCode.MISSING_TIME_FRAME in diagnosis.codes
    assert diagnosis.needs_work


def test_a_wish_with_nothing_to_count_is_vague() -> None:
    diagnosis = diagnose("Be more innovative")
    assert diagnosis.kind is Kind.VAGUE
    assert IssueCode.VAGUE_GOAL in diagnosis.codes
    assert diagnosis.needs_work


def test_maintaining_a_level_is_a_measure_flagged_as_a_health_metric() -> None:
    diagnosis = diagnose("Maintain 99.9% uptime")
    assert diagnosis.label is Label.RESULT
    assert IssueCode.HEALTH_METRIC in diagnosis.codes


def test_weasel_words_are_flagged_with_the_span_that_triggered_them() -> None:
    text = "Increase engagement with effective onboarding emails by Q3"
    spans = [issue.span for issue in diagnose(text).issues if issue.code is IssueCode.WEASEL_WORD]
    assert [span.text for span in spans if span] == ["engagement", "effective"]
    assert all(span and text[span.start : span.end] == span.text for span in spans)


def test_engagement_with_a_rate_is_a_measure_not_a_weasel_word() -> None:
    assert IssueCode.WEASEL_WORD not in diagnose("Raise email engagement rate from 12% to 18% by Q4").codes


def test_a_complete_result_key_result_needs_no_work() -> None:
    diagnosis = diagnose("Increase NPS from 32 to 50 by end of Q3")
    assert diagnosis.issues == ()
    assert not diagnosis.needs_work
    assert diagnosis.time_frame == "by end of Q3"


@pytest.mark.parametrize(
    ("text", "time_frame"),
    [
        ("Reach 40% by Q3 10.01", "by Q3"),
        ("Grow ARR to $2m by 30 June 2026.5", "by 30 June"),
        ("Cut churn to 2% in 2026.03", None),
        ("Cut churn H2 26,000", None),
    ],
)
def test_a_time_frame_never_ends_inside_a_number(text: str, time_frame: str | None) -> None:
    assert diagnose(text).time_frame == time_frame


@pytest.mark.parametrize(
    ("text", "time_frame"),
    [
        ("Ship the pipeline by Week 6.", "by Week 6"),
        ("Hire 5 engineers by sprint 10", "by sprint 10"),
        ("Raise NPS by 10 by month 2", "by month 2"),
        ("Reduce churn by week", "by week"),
    ],
)
def test_a_numbered_period_is_a_deadline_not_a_cadence(text: str, time_frame: str) -> None:
    assert diagnose(text).time_frame == time_frame


@pytest.mark.parametrize("text", ["Launch the flow; - -", "Launch the flow and { \u200b", "Run 5 demos and — —"])
def test_a_second_clause_of_only_punctuation_is_diagnosed_not_a_crash(text: str) -> None:
    diagnosis = diagnose(text)
    assert (diagnosis.label, diagnosis.needs_work) == (Label.ACTION, True)


def test_a_target_without_baseline_is_noted_but_not_blocking() -> None:
    diagnosis = diagnose("Increase NPS to 50 by end of Q3")
    assert IssueCode.MISSING_BASELINE in diagnosis.codes
    assert not diagnosis.needs_work


def test_two_measures_in_one_key_result_are_flagged() -> None:
    assert IssueCode.TWO_MEASURES in diagnose("Increase NPS to 50 and reduce churn to 2% by Q3").codes
    assert IssueCode.TWO_MEASURES not in diagnose("Increase NPS from 32 to 50 by Q3").codes


def test_vanity_measures_are_flagged() -> None:
    assert IssueCode.VANITY_MEASURE in diagnose("Grow app downloads to 50k by Q4").codes


def test_the_action_issue_points_at_the_words_that_make_it_an_action() -> None:
    issue = diagnose("Run 20 customer interviews by end of Q2").issues[0]
    assert issue.code is IssueCode.ACTIVITY_QUOTA
    assert issue.span is not None and issue.span.text == "Run 20"


def test_bullets_and_kr_labels_do_not_change_the_diagnosis() -> None:
    plain = diagnose("Launch the partner portal by June")
    labelled = diagnose("- KR2: Launch the partner portal by June")
    assert (labelled.label, labelled.kind) == (plain.label, plain.kind)


def test_diagnosis_is_deterministic() -> None:
    text = "Hold six partnership meetings this quarter"
    assert diagnose(text).issues == diagnose(text).issues


def test_every_issue_code_is_defined_once_in_the_catalogue() -> None:
    assert set(CATALOGUE) == set(IssueCode)
    for code, definition in CATALOGUE.items():
        assert definition.code is code
        assert definition.title and definition.explanation and definition.fix
        assert isinstance(definition.scope, Scope)


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("Make the signup form delightful", Label.RESULT),  # a wish: vague, not a task
        ("Share of patients seen within 4 hours: 71% → 85%", Label.RESULT),
        ("Reduce overnight alerts for the platform team", Label.RESULT),  # lowering a burden is not a quota
        ("Double the number of dashboards built by customers", Label.RESULT),
        ("Churn rate of small accounts, tracked monthly", Label.RESULT),
        ("Zero lost-time injuries this year", Label.RESULT),
        ("Volunteers recruit 30 new households", Label.ACTION),
        ("Customers refer 200 new accounts this quarter", Label.RESULT),
        ("Account managers host 3 roadmap briefings per key account", Label.ACTION),
        ("All 18 internal apps running on the new identity provider by March", Label.ACTION),
        ("Double outbound call volume per rep", Label.ACTION),
        ("Raise data privacy awareness across the company", Label.ACTION),
    ],
)
def test_who_acts_and_what_is_counted_decide_the_label(text: str, label: Label) -> None:
    assert diagnose(text).label is label


def test_an_action_issue_span_covers_the_whole_group_a_share_is_of() -> None:
    text = "100% of support agents complete the de-escalation course"
    issue = next(i for i in diagnose(text).issues if i.code is IssueCode.ACTIVITY_PERCENTAGE)
    assert issue.span is not None
    assert text[issue.span.start : issue.span.end] == "100% of support agents"


@pytest.mark.parametrize(
    ("text", "decided_by"),
    [
        ("Ship a new release every month", "every month"),
        ("The changelog is updated once a week", "a week"),
        ("Complete a code kata every day in March", "every day"),
        ("Tidy the shared drive weekly", "weekly"),
        ("15 teachers trained in the new curriculum", "15 teachers"),
        ("12 volunteers have been onboarded", "12 volunteers"),
    ],
)
def test_work_that_recurs_or_counts_several_things_is_a_quota_and_says_which_words(text: str, decided_by: str) -> None:
    diagnosis = diagnose(text)
    assert diagnosis.kind is Kind.ACTIVITY_QUOTA
    span = diagnosis.issues[0].span
    assert span is not None and span.text == decided_by


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Set up a weekly metrics review", Kind.MILESTONE),
        ("All 42 production services running on Kubernetes by end of September", Kind.MILESTONE),
        ("Create a troubleshooting guide for the top 10 ticket drivers", Kind.TASK),
        ("Roll out the new curriculum to all Year 7 classes", Kind.MILESTONE),
        ("Build a rolling 12-month revenue forecast", Kind.TASK),
    ],
)
def test_a_cadence_naming_a_deliverable_or_a_number_sizing_a_scope_makes_no_quota(text: str, kind: Kind) -> None:
    assert diagnose(text).kind is kind


@pytest.mark.parametrize(
    "text",
    [
        "Migrate the clusters to Postgres 16",
        "Finish Course Module 3: negotiation basics",
        "Pass the ISO 27001 certification audit",
        "Publish 1 case study with a design partner",
        "Launch one pilot programme with a partner school",
    ],
)
def test_a_number_in_a_name_or_a_count_of_one_deliverable_makes_a_milestone_not_a_quota(text: str) -> None:
    assert diagnose(text).kind is Kind.MILESTONE


@pytest.mark.parametrize(
    "text",
    [
        "Hire 5 engineers for the platform team",
        "Publish 1 blog post every week",
        "Write one newsletter monthly",
        "Run 20 customer interviews",
    ],
)
def test_counts_after_the_leading_verb_or_of_recurring_work_stay_quotas(text: str) -> None:
    assert diagnose(text).kind is Kind.ACTIVITY_QUOTA


@pytest.mark.parametrize(
    ("text", "time_frame"),
    [
        ("Cut checkout abandonment by half by Q3", "by Q3"),
        ("Reduce onboarding time by half", None),
        ("Support tickets cut in half", None),
    ],
)
def test_halving_a_measure_is_a_target_not_a_cadence(text: str, time_frame: str | None) -> None:
    diagnosis = diagnose(text)
    assert diagnosis.kind is Kind.PERFORMANCE_MEASURE
    assert diagnosis.time_frame == time_frame
