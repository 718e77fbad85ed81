"""The Redis job backend, API side: jobs stored in Redis, one ARQ task per Objective for `krcoach worker`.

API replicas keep no job state of their own: any replica answers for any job. One task per Objective (its ARQ
id is `<job>:<index>`, so it is queued at most once) lets several workers share one large job.
"""

from __future__ import annotations

from arq.connections import ArqRedis, RedisSettings, create_pool

from krcoach.coach import Coach
from krcoach.domain.analysis import SetAnalysis
from krcoach.domain.okr import OKRSet
from krcoach.jobs.errors import JobNotFinished
from krcoach.jobs.store import JobState, JobStatus
from krcoach.scale.redis_store import RedisJobStore

QUEUE = "krcoach:queue"
RUN_OBJECTIVE = "run_objective"


def redis_settings(url: str) -> RedisSettings:
    """ARQ's connection settings for a Redis URL."""
    return RedisSettings.from_dsn(url)


async def enqueue_objectives(pool: ArqRedis, job_id: str, indexes: list[int]) -> None:
    """Queue one task per Objective (a task already queued or running under its id is not queued again)."""
    for index in indexes:
        await pool.enqueue_job(RUN_OBJECTIVE, job_id, index, _job_id=f"{job_id}:{index}", _queue_name=QUEUE)


class RedisJobs:
    """`JobBackend` on Redis; the work is done by `krcoach worker` processes."""

    def __init__(self, url: str, *, assemble_with: Coach, offline: Coach) -> None:
        self._url = url
        self._coach = assemble_with
        self._offline = offline
        self._pool: ArqRedis | None = None
        self._store: RedisJobStore | None = None

    @property
    def name(self) -> str:
        """`redis`."""
        return "redis"

    @property
    def store(self) -> RedisJobStore:
        """The store (after `start`)."""
        if self._store is None:
            raise RuntimeError("the Redis job backend is not started")
        return self._store

    async def start(self) -> None:
        """Connect (lazily: Redis may come up after the API)."""
        self._pool = await create_pool(redis_settings(self._url), default_queue_name=QUEUE)
        self._store = RedisJobStore(self._pool)

    async def stop(self) -> None:
        """Close the connections; jobs go on in the workers."""
        if self._pool is not None:
            await self._pool.aclose()

    async def create(
        self, okr_set: OKRSet, *, idempotency_key: str | None, caller: str, engine: str
    ) -> tuple[JobStatus, bool]:
        """Store the job and queue its Objectives."""
        job, created = await self.store.create(okr_set, idempotency_key=idempotency_key, caller=caller, engine=engine)
        if created:
            assert self._pool is not None
            await enqueue_objectives(self._pool, job.id, list(range(job.objectives_total)))
        return job, created

    async def status(self, job_id: str) -> JobStatus:
        """From Redis."""
        return await self.store.status(job_id)

    async def submitter(self, job_id: str) -> tuple[str, str]:
        """From Redis."""
        return await self.store.submitter(job_id)

    async def result(self, job_id: str) -> SetAnalysis:
        """Assembled from the stored outcomes, once the job is done."""
        status = await self.store.status(job_id)
        if status.state is not JobState.DONE:
            raise JobNotFinished(f"job {job_id} is {status.state.value} ({status.objectives_done}"
                                 f"/{status.objectives_total} Objectives done)")  # fmt: skip
        okr_set = await self.store.okr_set(job_id)
        outcomes = await self.store.outcomes(job_id)
        coach = self._offline if (await self.store.submitter(job_id))[1] == "rules" else self._coach
        return coach.assemble(okr_set, [outcomes[i] for i in range(len(okr_set.objectives))])

    async def cancel(self, job_id: str) -> JobStatus:
        """Mark it cancelled; workers skip its queued Objectives and do not store running ones."""
        await self.store.mark(job_id, JobState.CANCELLED)
        return await self.store.status(job_id)

    async def check_ready(self) -> None:
        """Redis answers."""
        await self.store.redis.ping()
