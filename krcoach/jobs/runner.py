"""Runs jobs inside the service's event loop: each Objective's outcome is stored as it finishes, so a restart
(or a kill) loses at most the Objectives in flight, which run again; what is stored is never recomputed.

Several processes may share one store (`krcoach serve --workers N`): a job runs in the process that holds its
lock file (`fcntl.flock`, released by the kernel when a process dies), and every runner looks for unowned
unfinished jobs at start and then every `sweep_interval_s`, so a job left by a dead worker is picked up.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import logging
from collections.abc import Callable
from pathlib import Path
from typing import IO

from krcoach.coach import Coach, ObjectiveOutcome
from krcoach.domain.analysis import SetAnalysis
from krcoach.engines.base import ModelAllowance
from krcoach.jobs.errors import JobNotFinished
from krcoach.jobs.store import UNFINISHED, JobState, JobStatus, JobStore

log = logging.getLogger("krcoach.jobs")
OutcomeHook = Callable[[str, ObjectiveOutcome], None]
StateHook = Callable[[str, JobState], None]
"""Called when a job starts running here (RUNNING) and when it stops running here, with its state then."""
AllowanceFor = Callable[[str], ModelAllowance | None]
"""The model budget of a job's submitter (None: no limit)."""


class JobRunner:
    """Runs submitted and unfinished jobs, at most `max_running_jobs` at once."""

    def __init__(
        self,
        store: JobStore,
        coach: Coach,
        *,
        max_running_jobs: int = 2,
        on_outcome: OutcomeHook | None = None,
        on_state: StateHook | None = None,
        sweep_interval_s: float = 5.0,
        offline: Coach | None = None,
        allowance_for: AllowanceFor | None = None,
    ) -> None:
        self._store = store
        self._coach = coach
        self._offline = offline or coach
        self._allowance_for = allowance_for
        self._slots = asyncio.Semaphore(max_running_jobs)
        self._on_outcome = on_outcome
        self._on_state = on_state
        self._sweep_interval_s = sweep_interval_s
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self._locks_dir = store.path.parent / f"{store.path.name}.locks"
        self._sweeper: asyncio.Task[None] | None = None
        self._started: set[str] = set()

    async def start(self) -> None:
        """Resume every unfinished job no other process is running, then keep looking for orphaned ones."""
        self._locks_dir.mkdir(parents=True, exist_ok=True)
        self._resume_orphans()
        self._sweeper = asyncio.create_task(self._sweep(), name="krcoach-job-sweeper")

    def submit(self, job_id: str) -> None:
        """Schedule a job (a no-op when it is already running here)."""
        if job_id not in self._tasks:
            self._tasks[job_id] = asyncio.create_task(self._run(job_id), name=f"krcoach-job-{job_id}")

    async def cancel(self, job_id: str) -> JobStatus:
        """Cancel a queued or running job (a finished one is left as it is); its stored outcomes stay."""
        self._store.mark(job_id, JobState.CANCELLED, only_from=UNFINISHED)
        task = self._tasks.get(job_id)
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        return self._store.status(job_id)

    def result(self, job_id: str) -> SetAnalysis:
        """The analysis of a finished job, assembled from its stored outcomes."""
        status = self._store.status(job_id)
        if status.state is not JobState.DONE:
            raise JobNotFinished(f"job {job_id} is {status.state.value} ({status.objectives_done}"
                                 f"/{status.objectives_total} Objectives done)")  # fmt: skip
        okr_set = self._store.okr_set(job_id)
        outcomes = self._store.outcomes(job_id)
        return self._coach_for(job_id).assemble(okr_set, [outcomes[i] for i in range(len(okr_set.objectives))])

    async def stop(self) -> None:
        """Stop every running job without cancelling it: it stays queued/running and the next start resumes it."""
        if self._sweeper is not None:
            self._sweeper.cancel()
        tasks = list(self._tasks.values())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, *([self._sweeper] if self._sweeper else []), return_exceptions=True)
        self._tasks.clear()

    async def _sweep(self) -> None:
        while True:
            await asyncio.sleep(self._sweep_interval_s)
            self._resume_orphans()

    def _resume_orphans(self) -> None:
        for job_id in self._store.unfinished():
            if job_id not in self._tasks and not self._owned_elsewhere(job_id):
                self.submit(job_id)

    async def _run(self, job_id: str) -> None:
        try:
            async with self._slots:
                lock = self._claim(job_id)
                if lock is None:
                    return  # another process runs it
                try:
                    await self._run_claimed(job_id)
                finally:
                    lock.close()  # releases the flock
                    if job_id in self._started:
                        self._started.discard(job_id)
                        with contextlib.suppress(Exception):
                            self._notify_state(job_id, self._store.status(job_id).state)
        finally:
            self._tasks.pop(job_id, None)

    async def _run_claimed(self, job_id: str) -> None:
        if not self._store.mark(job_id, JobState.RUNNING, only_from=UNFINISHED):
            return  # cancelled (or finished) meanwhile
        self._started.add(job_id)
        self._notify_state(job_id, JobState.RUNNING)
        okr_set = self._store.okr_set(job_id)
        caller, _ = self._store.submitter(job_id)
        coach = self._coach_for(job_id)
        allowance = self._allowance_for(caller) if self._allowance_for and coach.uses_model else None
        done = self._store.done_indexes(job_id)
        try:
            async for index, outcome in coach.objective_outcomes(okr_set, skip=done, allowance=allowance):
                if self._store.save_outcome(job_id, index, outcome) and self._on_outcome is not None:
                    self._on_outcome(job_id, outcome)
        except asyncio.CancelledError:
            raise
        except Exception as error:
            log.exception("job failed", extra={"job_id": job_id})
            self._store.mark(job_id, JobState.FAILED, f"{type(error).__name__}: {error}"[:500], only_from=UNFINISHED)
            return
        self._store.mark(job_id, JobState.DONE, only_from=(JobState.RUNNING,))

    def _coach_for(self, job_id: str) -> Coach:
        """The offline coach for a job submitted with `engine=rules`, else the service's."""
        return self._offline if self._store.submitter(job_id)[1] == "rules" else self._coach

    def _claim(self, job_id: str) -> IO[bytes] | None:
        """The job's lock file, locked by this process; None when another process holds it."""
        handle = (self._locks_dir / f"{job_id}.lock").open("ab")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            return None
        return handle

    def _owned_elsewhere(self, job_id: str) -> bool:
        lock = self._claim(job_id)
        if lock is None:
            return True
        lock.close()
        return False

    def _notify_state(self, job_id: str, state: JobState) -> None:
        if self._on_state is not None:
            self._on_state(job_id, state)


def lock_files(store_path: Path) -> list[Path]:
    """The per-job lock files next to a store (for inspection and clean-up tools)."""
    folder = store_path.parent / f"{store_path.name}.locks"
    return sorted(folder.glob("*.lock")) if folder.exists() else []
