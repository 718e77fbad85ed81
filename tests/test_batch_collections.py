"""A batch analysis runs without a full garbage collection: such a pause holds every model call in flight."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from krcoach.coach import Coach
from krcoach.engines.rules import RulesEngine
from krcoach.testing.workloads import generated_set


@pytest.fixture
def full_collections() -> Iterator[list[int]]:
    """Counts the full collections that start during the test, in a process that collects the whole heap often."""
    seen: list[int] = []

    def watch(phase: str, info: dict[str, int]) -> None:
        if phase == "start" and info.get("generation") == 2:
            seen.append(1)

    saved = gc.get_threshold()
    gc.set_threshold(700, 10, 1)  # a full collection after every second middle one (Python's default: 10)
    gc.collect()
    gc.callbacks.append(watch)
    try:
        yield seen
    finally:
        gc.callbacks.remove(watch)
        gc.set_threshold(*saved)


def test_repeated_batches_of_a_thousand_key_results_meet_no_full_collection(full_collections: list[int]) -> None:
    coach = Coach(RulesEngine())
    okr_set = generated_set(40, 25)
    kept = [coach.analyze_now(okr_set) for _ in range(4)]  # kept alive, as a process serving batches keeps results
    assert all(len(analysis.objectives) == 40 for analysis in kept)
    assert full_collections == []


def test_the_thresholds_are_restored_when_the_batch_ends() -> None:
    saved = gc.get_threshold()
    Coach(RulesEngine()).analyze_now(generated_set(3, 2))
    assert gc.get_threshold() == saved
