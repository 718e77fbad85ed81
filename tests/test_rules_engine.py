"""The offline engine's measure library: every measure it can propose is a result and invents nothing."""

from __future__ import annotations

import re

import pytest

from krcoach.domain.analysis import Label
from krcoach.domain.checks import measure_findings
from krcoach.domain.diagnosis import diagnose
from krcoach.domain.guards import invented_numbers
from krcoach.domain.issue_codes import IssueCode
from krcoach.engines.rules.library import default_library

LIBRARY = default_library()
MEASURES = [(pattern.id, measure) for _, pattern in LIBRARY.patterns() for measure in pattern.measures]
TIME_FRAMES = ["by 30 June", "by end of Q3", "by [deadline]", "in Q2 2026"]


def test_the_library_covers_at_least_ten_domains_with_unique_pattern_ids() -> None:
    assert len(LIBRARY.domains) >= 10
    ids = [pattern.id for _, pattern in LIBRARY.patterns()]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize(("pattern_id", "measure"), MEASURES)
def test_every_library_measure_diagnoses_as_a_result_with_any_time_frame(pattern_id: str, measure: str) -> None:
    for time_frame in TIME_FRAMES:
        diagnosis = diagnose(f"{measure} {time_frame}")
        assert diagnosis.label is Label.RESULT, (pattern_id, diagnosis.kind)
        assert IssueCode.WEASEL_WORD not in diagnosis.codes, pattern_id


@pytest.mark.parametrize(("pattern_id", "measure"), MEASURES)
def test_no_library_text_contains_a_number(pattern_id: str, measure: str) -> None:
    assert not re.search(r"\d", measure), pattern_id
    assert invented_numbers(measure, "") == set(), pattern_id


def test_objective_suggestions_and_reasons_contain_no_numbers() -> None:
    for _, pattern in LIBRARY.patterns():
        for text in (pattern.result_objective, pattern.why):
            assert invented_numbers(text, "") == set(), pattern.id


def test_the_best_pattern_follows_the_words_of_the_key_result_first() -> None:
    best = LIBRARY.best("Hire 5 senior engineers", "Grow the platform team")
    assert best and best[0][0].id == "people"


def test_measure_findings_of_a_library_measure_ask_for_nothing_but_placeholders() -> None:
    _, measure = MEASURES[0]
    diagnosis = diagnose(f"{measure} by end of Q3")
    codes = {code for code, _ in measure_findings(diagnosis.features, diagnosis.kind)}
    assert not codes & {IssueCode.MISSING_TARGET, IssueCode.MISSING_TIME_FRAME}
