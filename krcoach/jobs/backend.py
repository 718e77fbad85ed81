"""The job backend seam: what the API needs from wherever jobs are kept and run.

`LocalJobs` keeps them in SQLite and runs them inside the service (one machine); `krcoach.scale.redis_jobs.
RedisJobs` keeps them in Redis and leaves the running to `krcoach worker` processes (any number of machines).
"""

from __future__ import annotations

import asyncio
from typing import Protocol

from krcoach.domain.analysis import SetAnalysis
from krcoach.domain.okr import OKRSet
from krcoach.jobs.runner import JobRunner
from krcoach.jobs.store import JobStatus, JobStore


class JobBackend(Protocol):
    """Submit, follow, fetch and cancel batch jobs."""

    @property
    def name(self) -> str:
        """`sqlite` or `redis` (for `/readyz` and logs)."""
        ...

    async def start(self) -> None:
        """Begin serving (resume unfinished jobs where this backend runs them)."""
        ...

    async def stop(self) -> None:
        """Stop without cancelling anything: unfinished jobs stay resumable."""
        ...

    async def create(
        self, okr_set: OKRSet, *, idempotency_key: str | None, caller: str, engine: str
    ) -> tuple[JobStatus, bool]:
        """A new queued job (True), or the one this idempotency key made before (False)."""
        ...

    async def status(self, job_id: str) -> JobStatus:
        """State and progress; `JobNotFound` for an unknown id."""
        ...

    async def submitter(self, job_id: str) -> tuple[str, str]:
        """Who submitted the job and the engine asked for."""
        ...

    async def result(self, job_id: str) -> SetAnalysis:
        """The finished job's analysis; `JobNotFinished` before that."""
        ...

    async def cancel(self, job_id: str) -> JobStatus:
        """Cancel a queued or running job (a finished one stays as it is)."""
        ...

    async def check_ready(self) -> None:
        """Raise unless jobs can be stored now."""
        ...


class LocalJobs:
    """Jobs in an SQLite file, run by this process's `JobRunner`."""

    def __init__(self, store: JobStore, runner: JobRunner) -> None:
        self.store = store
        self.runner = runner

    @property
    def name(self) -> str:
        """`sqlite`."""
        return "sqlite"

    async def start(self) -> None:
        """Resume unfinished jobs no other process runs."""
        await self.runner.start()

    async def stop(self) -> None:
        """Stop running jobs (they resume at the next start); close the store."""
        await self.runner.stop()
        self.store.close()

    async def create(
        self, okr_set: OKRSet, *, idempotency_key: str | None, caller: str, engine: str
    ) -> tuple[JobStatus, bool]:
        """Store the job and schedule it here."""
        job, created = self.store.create(okr_set, idempotency_key=idempotency_key, caller=caller, engine=engine)
        if created:
            self.runner.submit(job.id)
        return job, created

    async def status(self, job_id: str) -> JobStatus:
        """From the store."""
        return self.store.status(job_id)

    async def submitter(self, job_id: str) -> tuple[str, str]:
        """From the store."""
        return self.store.submitter(job_id)

    async def result(self, job_id: str) -> SetAnalysis:
        """Assembled from the stored outcomes."""
        return self.runner.result(job_id)

    async def cancel(self, job_id: str) -> JobStatus:
        """Mark it cancelled and stop it here."""
        return await self.runner.cancel(job_id)

    async def check_ready(self) -> None:
        """A write transaction can be opened."""
        await asyncio.to_thread(self.store.check_writable)
