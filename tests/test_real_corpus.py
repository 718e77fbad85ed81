"""The real-world corpus (evals/datasets/real/): sourced, varied, labelled twice, and split by source."""

from __future__ import annotations

import importlib.util
import json
from collections import Counter
from pathlib import Path
from types import ModuleType

import pytest

from krcoach.evaluation.dataset import EvalCase, load_files

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT / "evals" / "datasets" / "real"
RESERVED = ROOT.parent / "shared" / "RESERVED_SOURCES.txt"


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("real_corpus", ROOT / "scripts" / "real_corpus.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def parts() -> dict[str, list[EvalCase]]:
    return {name: load_files([REAL / f"{name}.jsonl"]) for name in ("dev", "test")}


@pytest.fixture(scope="module")
def corpus(parts: dict[str, list[EvalCase]]) -> list[EvalCase]:
    return parts["dev"] + parts["test"]


def test_the_corpus_holds_at_least_600_sourced_key_results(corpus: list[EvalCase]) -> None:
    assert len(corpus) >= 600
    assert all(case.source and case.source_key and case.author for case in corpus)
    assert {case.author_type for case in corpus} == {"own_use", "example"}
    assert len({(case.objective, case.key_result) for case in corpus}) == len(corpus)


def test_most_rows_were_written_by_organisations_for_their_own_use(corpus: list[EvalCase]) -> None:
    own = sum(case.author_type == "own_use" for case in corpus)
    assert own / len(corpus) >= 0.6


def test_no_source_or_organisation_holds_more_than_5_percent(corpus: list[EvalCase]) -> None:
    groups = _script()._split_groups([case.model_dump() for case in corpus])
    by_group = Counter(groups[case.source_key] for case in corpus)
    assert max(by_group.values()) <= 0.05 * len(corpus)
    assert len(by_group) >= 40
    assert len({case.domain for case in corpus}) >= 10


def test_no_source_is_in_both_parts_and_the_parts_are_about_even(parts: dict[str, list[EvalCase]]) -> None:
    all_rows = [case.model_dump() for part in parts.values() for case in part]
    groups = _script()._split_groups(all_rows)
    dev_groups = {groups[case.source_key] for case in parts["dev"]}
    test_groups = {groups[case.source_key] for case in parts["test"]}
    assert not dev_groups & test_groups
    assert 0.35 <= len(parts["test"]) / len(all_rows) <= 0.65


def test_no_row_comes_from_a_source_reserved_for_the_independent_check(corpus: list[EvalCase]) -> None:
    assert RESERVED.is_file(), f"{RESERVED} is where shared/ sits beside the repository"
    reserved = [line.strip() for line in RESERVED.read_text().splitlines() if line.strip() and line[0] != "#"]
    is_reserved = _script()._is_reserved
    assert not [
        case.id for case in corpus if is_reserved(case.source_key, reserved) or is_reserved(case.source, reserved)
    ]


def test_every_row_was_labelled_by_two_labellers_and_agreement_is_recorded(corpus: list[EvalCase]) -> None:
    agreement = json.loads((REAL / "agreement.json").read_text())
    assert agreement["not_in_corpus"] == 0
    assert agreement["labelled_by_both"] == agreement["rows"] == len(corpus)
    assert 0.0 < agreement["label_agreement"] <= 1.0
    assert sum(case.hard for case in corpus) == agreement["adjudicated"]
    assert all(case.note.startswith(("agreed:", "adjudicated:")) for case in corpus)
