"""Jobs in Redis: each job's input and state in a hash, each finished Objective's outcome stored exactly once.

Keys (prefix `krcoach:`): `job:<id>` (state, input, totals, submitter), `job:<id>:outcomes` (Objective index →
outcome JSON), `job:<id>:sizes` (index → Key Results in it), `idem:<caller:key>` (→ job id), and the set
`jobs:unfinished`. Creating a job and saving an outcome are Lua scripts, so they are atomic: an outcome is
written with HSETNX (a second run of the same Objective, after a worker died, changes nothing), and the job
turns `done` in the same step that stores its last outcome.
"""

from __future__ import annotations

import hashlib
import uuid
from datetime import UTC, datetime
from typing import Any

from redis.asyncio import Redis

from krcoach.coach import ObjectiveOutcome
from krcoach.domain.okr import OKRSet
from krcoach.jobs.errors import IdempotencyConflict, JobNotFound
from krcoach.jobs.store import JobState, JobStatus
from krcoach.scale.redis_client import resolved

PREFIX = "krcoach:"
UNFINISHED_SET = PREFIX + "jobs:unfinished"

_CREATE = """
local idem, job, unfinished = KEYS[1], KEYS[2], KEYS[3]
local job_id, fingerprint = ARGV[1], ARGV[2]
if idem ~= '' then
  local existing = redis.call('GET', idem)
  if existing then
    return {existing, redis.call('HGET', ARGV[3] .. existing, 'fingerprint') or ''}
  end
  redis.call('SET', idem, job_id)
end
redis.call('HSET', job, unpack(ARGV, 4))
redis.call('SADD', unfinished, job_id)
return {job_id, fingerprint}
"""

_SAVE = """
local job, outcomes, sizes, unfinished = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local index, outcome, size, now, job_id = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local state = redis.call('HGET', job, 'state')
if state ~= 'queued' and state ~= 'running' then return 0 end
if redis.call('HSETNX', outcomes, index, outcome) == 0 then return 0 end
redis.call('HSET', sizes, index, size)
redis.call('HSET', job, 'updated_at', now, 'state', 'running')
if redis.call('HLEN', outcomes) >= tonumber(redis.call('HGET', job, 'objectives_total')) then
  redis.call('HSET', job, 'state', 'done')
  redis.call('SREM', unfinished, job_id)
end
return 1
"""

_MARK = """
local job, unfinished = KEYS[1], KEYS[2]
local state = redis.call('HGET', job, 'state')
if not state then return -1 end
if state ~= 'queued' and state ~= 'running' then return 0 end
redis.call('HSET', job, 'state', ARGV[1], 'error', ARGV[2], 'updated_at', ARGV[3])
redis.call('SREM', unfinished, ARGV[4])
return 1
"""
_STATUS_FIELDS = ("state", "created_at", "updated_at", "objectives_total", "key_results_total", "error")


class RedisJobStore:
    """The job store on Redis; every method is one round trip or one script."""

    def __init__(self, redis: Redis) -> None:
        self.redis = redis
        self._create: Any = redis.register_script(_CREATE)
        self._save: Any = redis.register_script(_SAVE)
        self._mark: Any = redis.register_script(_MARK)

    async def create(
        self, okr_set: OKRSet, *, idempotency_key: str | None = None, caller: str = "", engine: str = "auto"
    ) -> tuple[JobStatus, bool]:
        """A new queued job, or the job this idempotency key made (False); another body: conflict."""
        payload = okr_set.model_dump_json()
        fingerprint = hashlib.sha256(payload.encode()).hexdigest()
        job_id, now = uuid.uuid4().hex, _now()
        fields = {
            "state": JobState.QUEUED.value, "okr_set": payload, "fingerprint": fingerprint, "caller": caller,
            "engine": engine, "objectives_total": len(okr_set.objectives), "created_at": now, "updated_at": now,
            "key_results_total": sum(len(o.key_results) for o in okr_set.objectives), "error": "",
        }  # fmt: skip
        flat = [str(part) for pair in fields.items() for part in pair]
        idem = PREFIX + "idem:" + idempotency_key if idempotency_key else ""
        found_id, found_fingerprint = await self._create(
            keys=[idem, _job(job_id), UNFINISHED_SET], args=[job_id, fingerprint, PREFIX + "job:", *flat]
        )
        found_id, found_fingerprint = _text(found_id), _text(found_fingerprint)
        if found_id != job_id and found_fingerprint != fingerprint:
            raise IdempotencyConflict("this Idempotency-Key was used with a different body")
        return await self.status(found_id), found_id == job_id

    async def status(self, job_id: str) -> JobStatus:
        """State and progress (JobNotFound for an unknown id)."""
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.hmget(_job(job_id), list(_STATUS_FIELDS))
            pipe.hlen(_job(job_id) + ":outcomes")
            pipe.hvals(_job(job_id) + ":sizes")
            values, done, sizes = await pipe.execute()
        if values[0] is None:
            raise JobNotFound(f"no job {job_id!r}")
        state, created, updated, objectives, key_results, error = (_text(v) for v in values)
        return JobStatus(
            id=job_id, state=JobState(state), created_at=created, updated_at=updated,
            objectives_total=int(objectives), key_results_total=int(key_results), error=error or None,
            objectives_done=int(done), key_results_done=sum(int(size) for size in sizes),
        )  # fmt: skip

    async def okr_set(self, job_id: str) -> OKRSet:
        """The set the job was submitted with."""
        payload = await resolved(self.redis.hget(_job(job_id), "okr_set"))
        if payload is None:
            raise JobNotFound(f"no job {job_id!r}")
        return OKRSet.model_validate_json(payload)

    async def submitter(self, job_id: str) -> tuple[str, str]:
        """Who submitted the job and the engine asked for."""
        caller, engine = await resolved(self.redis.hmget(_job(job_id), ["caller", "engine"]))
        if engine is None:
            raise JobNotFound(f"no job {job_id!r}")
        return _text(caller), _text(engine)

    async def save_outcome(self, job_id: str, index: int, outcome: ObjectiveOutcome) -> bool:
        """Store one Objective's outcome; False when it was stored before (or the job is no longer running)."""
        keys = [_job(job_id), _job(job_id) + ":outcomes", _job(job_id) + ":sizes", UNFINISHED_SET]
        args = [index, outcome.model_dump_json(), len(outcome.analysis.key_results), _now(), job_id]
        return bool(await self._save(keys=keys, args=args))

    async def run_info(self, job_id: str, index: int) -> tuple[str | None, str, str]:
        """(state, caller, engine) when the Objective still has to run (job unfinished, no outcome), else state None."""
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.hmget(_job(job_id), ["state", "caller", "engine"])
            pipe.hexists(_job(job_id) + ":outcomes", str(index))
            (state, caller, engine), stored = await pipe.execute()
        state_text = _text(state)
        runnable = state_text in {JobState.QUEUED.value, JobState.RUNNING.value} and not stored
        return (state_text if runnable else None), _text(caller), _text(engine)

    async def has_outcome(self, job_id: str, index: int) -> bool:
        """True when this Objective's outcome is stored."""
        return bool(await resolved(self.redis.hexists(_job(job_id) + ":outcomes", str(index))))

    async def outcomes(self, job_id: str) -> dict[int, ObjectiveOutcome]:
        """Every stored outcome, by Objective index."""
        stored = await resolved(self.redis.hgetall(_job(job_id) + ":outcomes"))
        return {int(index): ObjectiveOutcome.model_validate_json(text) for index, text in stored.items()}

    async def done_indexes(self, job_id: str) -> set[int]:
        """Indexes of the Objectives whose outcome is stored."""
        return {int(index) for index in await resolved(self.redis.hkeys(_job(job_id) + ":outcomes"))}

    async def mark(self, job_id: str, state: JobState, error: str = "") -> bool:
        """Move an unfinished job to `state` (cancelled, failed); False when it had already ended."""
        moved = await self._mark(keys=[_job(job_id), UNFINISHED_SET], args=[state.value, error, _now(), job_id])
        if moved == -1:
            raise JobNotFound(f"no job {job_id!r}")
        return bool(moved)

    async def unfinished(self) -> list[str]:
        """Ids of queued or running jobs."""
        return sorted(_text(job_id) for job_id in await resolved(self.redis.smembers(UNFINISHED_SET)))


def _job(job_id: str) -> str:
    return f"{PREFIX}job:{job_id}"


def _text(value: object) -> str:
    return value.decode() if isinstance(value, bytes) else "" if value is None else str(value)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")
