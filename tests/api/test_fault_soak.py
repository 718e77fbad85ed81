"""The fault soak, shorter: a job through a real `krcoach serve` while 30% of model replies fail in mixed ways and
the service is SIGKILLed and restarted twice. (`make soak` runs the full 2,000-Key-Result version.)"""

from __future__ import annotations

from pathlib import Path

from krcoach.testing.soak import run_soak


def test_every_key_result_ends_with_exactly_one_outcome_across_two_kills_and_a_faulty_model(tmp_path: Path) -> None:
    report = run_soak(tmp_path, objectives=24, per_objective=20, fault_rate=0.3, kills=2, latency_s=0.2)

    assert report.kills == report.restarts == 2, report.lines()
    assert report.same_job_after_restart
    assert report.state == "done"
    assert report.outcomes == report.distinct_outcomes == 480
    assert report.missing == [] and report.duplicates == []
    assert (report.stored_objectives, report.stored_key_results) == (24, 480)
    assert report.counts_consistent
    assert report.without_outcome == 0
    assert report.invented_numbers == 0
    assert report.model_requests > report.objectives  # faults made the service retry and re-ask
    assert report.passed
