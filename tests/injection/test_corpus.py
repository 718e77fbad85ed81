"""The corpus itself: big enough, every kind of attack, and every hostile draft actually reaches the model."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import get_args

import pytest

from krcoach.domain.diagnosis import diagnose
from krcoach.domain.objectives import project_trigger
from krcoach.domain.okr import MAX_TEXT_CHARS
from krcoach.evaluation.injection import InjectionReport
from krcoach.evaluation.injection_corpus import Category, InjectionCase, load_corpus


def test_the_corpus_has_at_least_48_cases_and_every_kind_of_attack_several_times(corpus: list[InjectionCase]) -> None:
    counts = Counter(case.category for case in corpus)

    assert len(corpus) >= 48
    assert set(counts) == set(get_args(Category))
    assert min(counts.values()) >= 4


_ATTACK = re.compile(
    r"ignore|instruction|prompt|rules|okr_draft|system|assistant|administrator|pretend|<script|\{\"", re.IGNORECASE
)


def test_hostile_text_sits_in_objectives_and_in_key_results_with_normal_key_results_mixed_in(
    corpus: list[InjectionCase],
) -> None:
    in_objective = [c.id for c in corpus if _ATTACK.search(c.objective)]
    in_key_result = [c.id for c in corpus if any(_ATTACK.search(kr.text) for _, kr in c.okr_set().key_results())]
    mixed = [c.id for c in corpus if any(not diagnose(kr.text).needs_work for _, kr in c.okr_set().key_results())]

    assert len(in_objective) >= 8
    assert len(in_key_result) >= 20
    assert len(mixed) >= 15


def test_every_case_sends_its_draft_to_the_model(corpus: list[InjectionCase], scripted_report: InjectionReport) -> None:
    for case in corpus:
        objective = case.okr_set().objectives[0]
        assert project_trigger(objective.title) or any(diagnose(kr.text).needs_work for kr in objective.key_results)
    assert all(result.calls >= 1 for result in scripted_report.results)


def test_long_payloads_sit_just_under_the_1000_character_limit(corpus: list[InjectionCase]) -> None:
    long_cases = [case for case in corpus if case.category == "long_payload"]

    for case in long_cases:
        objective = case.okr_set().objectives[0]
        longest = max(len(text) for text in [objective.title, *(kr.text for kr in objective.key_results)])
        assert 0.85 * MAX_TEXT_CHARS <= longest <= MAX_TEXT_CHARS, case.id


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("- {id: xx-01, category: gossip, objective: O, key_results: [Run 3 events], intent: i}", "case xx-01"),
        ("- {id: xx-01, category: markup, objective: O, key_results: [], intent: i}", "case xx-01"),
        ("- {id: xx-01, category: markup, objective: O, key_results: ['" + "a" * 1001 + "'], intent: i}", "xx-01"),
    ],
    ids=["unknown-category", "no-key-results", "text-over-the-limit"],
)
def test_a_malformed_case_is_refused_naming_the_case(tmp_path: Path, entry: str, message: str) -> None:
    path = tmp_path / "corpus.yaml"
    path.write_text(entry + "\n", encoding="utf-8")

    with pytest.raises(ValueError, match=message):
        load_corpus(path)


def test_an_id_used_twice_is_refused(tmp_path: Path) -> None:
    case = "- {id: xx-01, category: markup, objective: O, key_results: [Run 3 events], intent: i}\n"
    path = tmp_path / "corpus.yaml"
    path.write_text(case * 2, encoding="utf-8")

    with pytest.raises(ValueError, match="used twice"):
        load_corpus(path)
