"""Batch jobs below the API: the SQLite store keeps every finished Objective once, the runner resumes the rest."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from krcoach.coach import Coach, ObjectiveOutcome
from krcoach.domain.okr import OKRSet
from krcoach.engines.base import EngineInfo, ObjectiveBrief, ObjectiveRewrite
from krcoach.engines.rules import RulesEngine
from krcoach.jobs.errors import IdempotencyConflict, JobNotFinished, JobNotFound
from krcoach.jobs.runner import JobRunner
from krcoach.jobs.store import JobState, JobStore


def okr_set(objectives: int, per_objective: int = 2) -> OKRSet:
    return OKRSet.model_validate(
        {
            "objectives": [
                {
                    "title": f"Customers in region {o} stay",
                    "key_results": [{"text": f"Hire {k + 1} agents in region {o}"} for k in range(per_objective)],
                }
                for o in range(objectives)
            ]
        }
    )


class GatedEngine:
    """The rules engine, but every Objective after the first `free` waits until the gate opens; counts calls."""

    def __init__(self, free: int) -> None:
        self._rules = RulesEngine()
        self._free = free
        self.gate = asyncio.Event()
        self.calls = 0

    @property
    def name(self) -> str:
        return "rules"

    @property
    def info(self) -> EngineInfo:
        return EngineInfo()

    async def rewrite(self, objective: ObjectiveBrief) -> ObjectiveRewrite:
        self.calls += 1
        if self.calls > self._free:
            await self.gate.wait()
        return await self._rules.rewrite(objective)


async def run_to_end(runner: JobRunner, store: JobStore, job_id: str, timeout: float = 10) -> None:
    async with asyncio.timeout(timeout):
        while store.status(job_id).state not in {JobState.DONE, JobState.FAILED, JobState.CANCELLED}:
            await asyncio.sleep(0.01)


def test_a_job_runs_to_done_and_its_result_is_the_coachs_analysis(tmp_path: Path) -> None:
    async def scenario() -> None:
        store = JobStore(tmp_path / "jobs.db")
        runner = JobRunner(store, Coach(concurrency=2))
        await runner.start()
        job, created = store.create(okr_set(5))
        runner.submit(job.id)
        await run_to_end(runner, store, job.id)
        await runner.stop()

        status = store.status(job.id)
        assert created and status.state is JobState.DONE
        assert status.objectives_done == 5 and status.key_results_done == status.key_results_total == 10
        expected = await Coach().analyze(okr_set(5))
        assert runner.result(job.id).model_dump(exclude={"meta"}) == expected.model_dump(exclude={"meta"})

    asyncio.run(scenario())


def test_the_same_idempotency_key_finds_the_same_job_and_another_body_conflicts(tmp_path: Path) -> None:
    store = JobStore(tmp_path / "jobs.db")

    first, created = store.create(okr_set(2), idempotency_key="k")
    again, created_again = store.create(okr_set(2), idempotency_key="k")

    assert created and not created_again and first.id == again.id
    with pytest.raises(IdempotencyConflict):
        store.create(okr_set(3), idempotency_key="k")


def test_an_outcome_saved_twice_is_stored_once(tmp_path: Path) -> None:
    store = JobStore(tmp_path / "jobs.db")
    job, _ = store.create(okr_set(2))
    outcome = asyncio.run(_first_outcome(okr_set(2)))

    assert store.save_outcome(job.id, 0, outcome) is True
    assert store.save_outcome(job.id, 0, outcome) is False
    assert store.status(job.id).objectives_done == 1 and store.status(job.id).key_results_done == 2


def test_a_stopped_job_is_resumed_by_a_new_runner_without_redoing_finished_objectives(tmp_path: Path) -> None:
    async def scenario() -> None:
        engine = GatedEngine(free=3)
        store = JobStore(tmp_path / "jobs.db")
        runner = JobRunner(store, Coach(engine, concurrency=1))
        await runner.start()
        job, _ = store.create(okr_set(8))
        runner.submit(job.id)
        async with asyncio.timeout(5):
            while store.status(job.id).objectives_done < 3:
                await asyncio.sleep(0.01)
        await runner.stop()
        store.close()

        resumed_engine = GatedEngine(free=100)
        store = JobStore(tmp_path / "jobs.db")
        assert store.status(job.id).state is JobState.RUNNING and store.unfinished() == [job.id]
        runner = JobRunner(store, Coach(resumed_engine, concurrency=1))
        await runner.start()
        await run_to_end(runner, store, job.id)
        await runner.stop()

        ids = [kr.id for kr in runner.result(job.id).key_results()]
        assert len(ids) == len(set(ids)) == 16
        assert resumed_engine.calls == 5  # only the Objectives not stored before the stop

    asyncio.run(scenario())


def test_outcomes_committed_before_a_sigkill_are_there_after_reopening(tmp_path: Path) -> None:
    path = tmp_path / "jobs.db"
    store = JobStore(path)
    job, _ = store.create(okr_set(3))
    store.close()
    writer = textwrap.dedent(
        f"""
        import asyncio, os, signal, sys
        from pathlib import Path
        from krcoach.coach import Coach, ObjectiveOutcome
        from krcoach.jobs.store import JobStore
        store = JobStore(Path({str(path)!r}))
        okr_set = store.okr_set({job.id!r})
        async def main():
            async for index, outcome in Coach().objective_outcomes(okr_set):
                store.save_outcome({job.id!r}, index, outcome)
                if len(store.done_indexes({job.id!r})) == 2:
                    os.kill(os.getpid(), signal.SIGKILL)
        asyncio.run(main())
        """
    )

    result = subprocess.run([sys.executable, "-c", writer], capture_output=True, check=False)

    assert result.returncode == -signal.SIGKILL, result.stderr
    assert JobStore(path).status(job.id).objectives_done == 2


def test_a_cancelled_job_stops_and_is_not_resumed(tmp_path: Path) -> None:
    async def scenario() -> None:
        engine = GatedEngine(free=1)
        store = JobStore(tmp_path / "jobs.db")
        runner = JobRunner(store, Coach(engine, concurrency=1))
        await runner.start()
        job, _ = store.create(okr_set(4))
        runner.submit(job.id)
        async with asyncio.timeout(5):
            while store.status(job.id).objectives_done < 1:
                await asyncio.sleep(0.01)

        cancelled = await runner.cancel(job.id)
        await runner.stop()

        assert cancelled.state is JobState.CANCELLED and store.unfinished() == []
        with pytest.raises(JobNotFinished, match="cancelled"):
            runner.result(job.id)

    asyncio.run(scenario())


def test_two_runners_on_one_store_never_run_the_same_job_at_once(tmp_path: Path) -> None:
    async def scenario() -> None:
        first_engine, second_engine = GatedEngine(free=0), GatedEngine(free=0)
        store = JobStore(tmp_path / "jobs.db")
        job, _ = store.create(okr_set(3))
        first = JobRunner(store, Coach(first_engine, concurrency=1))
        await first.start()
        async with asyncio.timeout(5):
            while first_engine.calls == 0:
                await asyncio.sleep(0.01)
        second = JobRunner(JobStore(tmp_path / "jobs.db"), Coach(second_engine, concurrency=1))
        await second.start()
        await asyncio.sleep(0.2)

        assert second_engine.calls == 0  # the job's lock is held by the first runner
        first_engine.gate.set()
        await run_to_end(first, store, job.id)
        await first.stop()
        await second.stop()

    asyncio.run(scenario())


def test_unknown_jobs_and_unfinished_results_are_errors(tmp_path: Path) -> None:
    store = JobStore(tmp_path / "jobs.db")
    runner = JobRunner(store, Coach())
    job, _ = store.create(okr_set(1))

    with pytest.raises(JobNotFound):
        store.status("nope")
    with pytest.raises(JobNotFinished, match="queued"):
        runner.result(job.id)


def test_a_closed_store_is_not_writable(tmp_path: Path) -> None:
    store = JobStore(tmp_path / "jobs.db")
    store.check_writable()
    store.close()

    with pytest.raises(Exception, match="closed"):
        store.check_writable()


async def _first_outcome(draft: OKRSet) -> ObjectiveOutcome:
    async for _, outcome in Coach().objective_outcomes(draft):
        return outcome
    raise AssertionError("no outcome")
