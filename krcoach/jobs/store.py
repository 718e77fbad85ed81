"""The job store: one SQLite file holding each job's input and each finished Objective's outcome.

Durability: WAL journal with `synchronous=NORMAL`. A committed outcome survives the process being killed
(SIGKILL, OOM); only a power loss may lose the last commits, and then the runner redoes those Objectives.
Outcomes are keyed by (job, Objective index) and inserted with `INSERT OR IGNORE`, so an Objective that runs
twice (a restart, two workers) is stored once. One connection, guarded by a lock, serves every thread.
"""

from __future__ import annotations

import hashlib
import threading
import uuid
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from krcoach.coach import ObjectiveOutcome
from krcoach.domain.okr import OKRSet
from krcoach.jobs.errors import IdempotencyConflict, JobNotFound
from krcoach.sqlite import open_shared

SCHEMA_VERSION = 2
_SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    id TEXT PRIMARY KEY,
    state TEXT NOT NULL,
    okr_set TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    idempotency_key TEXT UNIQUE,
    objectives_total INTEGER NOT NULL,
    key_results_total INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    error TEXT,
    caller TEXT NOT NULL DEFAULT '',
    engine TEXT NOT NULL DEFAULT 'auto'
);
CREATE TABLE IF NOT EXISTS outcomes (
    job_id TEXT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
    objective_index INTEGER NOT NULL,
    key_results INTEGER NOT NULL,
    outcome TEXT NOT NULL,
    PRIMARY KEY (job_id, objective_index)
);
CREATE INDEX IF NOT EXISTS jobs_by_state ON jobs(state, created_at);
"""
_ADDED_IN_2 = {"caller": "TEXT NOT NULL DEFAULT ''", "engine": "TEXT NOT NULL DEFAULT 'auto'"}


class JobState(StrEnum):
    """Where a job is: `queued` → `running` → `done`; or `cancelled`, or `failed` (with `error`)."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    CANCELLED = "cancelled"
    FAILED = "failed"


UNFINISHED = (JobState.QUEUED, JobState.RUNNING)


class JobStatus(BaseModel):
    """A job's state and progress."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "3f9c2d0e8a5b4c1d9e7f6a5b4c3d2e1f",
                    "state": "running",
                    "created_at": "2026-11-23T09:00:00+00:00",
                    "updated_at": "2026-11-23T09:00:04+00:00",
                    "objectives_total": 40,
                    "objectives_done": 12,
                    "key_results_total": 1000,
                    "key_results_done": 300,
                    "error": None,
                }
            ]
        }
    )

    id: str
    state: JobState
    created_at: str = Field(description="UTC, ISO 8601.")
    updated_at: str = Field(description="UTC, ISO 8601: the last state change or finished Objective.")
    objectives_total: int
    objectives_done: Annotated[int, Field(description="Objectives whose outcome is stored (never lost).")]
    key_results_total: int
    key_results_done: int
    error: str | None = Field(default=None, description="Why the job failed, when it did.")


class JobStore:
    """Jobs and their finished outcomes in one SQLite file (created on first use)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._db = open_shared(path)
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("PRAGMA foreign_keys=ON")
        with self._lock:
            self._db.executescript(_SCHEMA)
            columns = {row[1] for row in self._db.execute("PRAGMA table_info(jobs)")}
            for name, definition in _ADDED_IN_2.items():
                if name not in columns:  # a store written by an older version
                    self._db.execute(f"ALTER TABLE jobs ADD COLUMN {name} {definition}")
            self._db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")

    def create(
        self, okr_set: OKRSet, *, idempotency_key: str | None = None, caller: str = "", engine: str = "auto"
    ) -> tuple[JobStatus, bool]:
        """A new queued job, or the job this idempotency key already made (False); another body: conflict.

        `caller` is whose model budget the job spends; `engine` is `auto` (the service's engine) or `rules`.
        """
        payload = okr_set.model_dump_json()
        fingerprint = hashlib.sha256(payload.encode()).hexdigest()
        now = _now()
        with self._lock, self._db:
            self._db.execute("BEGIN IMMEDIATE")
            if idempotency_key is not None:
                row = self._db.execute(
                    "SELECT id, fingerprint FROM jobs WHERE idempotency_key = ?", (idempotency_key,)
                ).fetchone()
                if row is not None:
                    if row[1] != fingerprint:
                        raise IdempotencyConflict("this Idempotency-Key was used with a different body")
                    return self._status(row[0]), False
            job_id = uuid.uuid4().hex
            self._db.execute(
                "INSERT INTO jobs (id, state, okr_set, fingerprint, idempotency_key, objectives_total,"
                " key_results_total, created_at, updated_at, caller, engine) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (job_id, JobState.QUEUED, payload, fingerprint, idempotency_key, len(okr_set.objectives),
                 sum(len(o.key_results) for o in okr_set.objectives), now, now, caller, engine),
            )  # fmt: skip
            return self._status(job_id), True

    def status(self, job_id: str) -> JobStatus:
        """The job's state and progress (JobNotFound for an unknown id)."""
        with self._lock:
            return self._status(job_id)

    def okr_set(self, job_id: str) -> OKRSet:
        """The set the job was submitted with."""
        with self._lock:
            row = self._db.execute("SELECT okr_set FROM jobs WHERE id = ?", (job_id,)).fetchone()
        if row is None:
            raise JobNotFound(f"no job {job_id!r}")
        return OKRSet.model_validate_json(row[0])

    def submitter(self, job_id: str) -> tuple[str, str]:
        """Who submitted the job (whose model budget it spends) and the engine asked for (`auto` or `rules`)."""
        with self._lock:
            row = self._db.execute("SELECT caller, engine FROM jobs WHERE id = ?", (job_id,)).fetchone()
        if row is None:
            raise JobNotFound(f"no job {job_id!r}")
        return row[0], row[1]

    def save_outcome(self, job_id: str, index: int, outcome: ObjectiveOutcome) -> bool:
        """Store one Objective's outcome; False when it was already stored (then nothing changes)."""
        with self._lock, self._db:
            cursor = self._db.execute(
                "INSERT OR IGNORE INTO outcomes (job_id, objective_index, key_results, outcome) VALUES (?, ?, ?, ?)",
                (job_id, index, len(outcome.analysis.key_results), outcome.model_dump_json()),
            )
            if cursor.rowcount:
                self._db.execute("UPDATE jobs SET updated_at = ? WHERE id = ?", (_now(), job_id))
            return cursor.rowcount == 1

    def outcomes(self, job_id: str) -> dict[int, ObjectiveOutcome]:
        """Every stored outcome of the job, by Objective index."""
        with self._lock:
            rows = self._db.execute(
                "SELECT objective_index, outcome FROM outcomes WHERE job_id = ?", (job_id,)
            ).fetchall()
        return {index: ObjectiveOutcome.model_validate_json(text) for index, text in rows}

    def done_indexes(self, job_id: str) -> set[int]:
        """Indexes of the Objectives whose outcome is stored."""
        with self._lock:
            rows = self._db.execute("SELECT objective_index FROM outcomes WHERE job_id = ?", (job_id,)).fetchall()
        return {row[0] for row in rows}

    def mark(
        self, job_id: str, state: JobState, error: str | None = None, *, only_from: tuple[JobState, ...] = ()
    ) -> bool:
        """Move the job to `state` (only from the states in `only_from`, when given); True when it moved."""
        allowed = only_from or tuple(JobState)
        marks = ",".join("?" * len(allowed))
        with self._lock, self._db:
            cursor = self._db.execute(
                f"UPDATE jobs SET state = ?, error = ?, updated_at = ? WHERE id = ? AND state IN ({marks})",
                (state, error, _now(), job_id, *allowed),
            )
            return cursor.rowcount == 1

    def unfinished(self) -> list[str]:
        """Ids of queued or running jobs, oldest first."""
        with self._lock:
            rows = self._db.execute(
                "SELECT id FROM jobs WHERE state IN (?, ?) ORDER BY created_at", UNFINISHED
            ).fetchall()
        return [row[0] for row in rows]

    def check_writable(self) -> None:
        """Raise (sqlite3.Error) unless a write transaction can be opened and committed now."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            self._db.execute("ROLLBACK")

    def close(self) -> None:
        """Close the connection (further calls fail)."""
        with self._lock:
            self._db.close()

    def _status(self, job_id: str) -> JobStatus:
        row = self._db.execute(
            "SELECT j.id, j.state, j.created_at, j.updated_at, j.objectives_total, j.key_results_total, j.error,"
            " COUNT(o.objective_index), COALESCE(SUM(o.key_results), 0)"
            " FROM jobs j LEFT JOIN outcomes o ON o.job_id = j.id WHERE j.id = ? GROUP BY j.id",
            (job_id,),
        ).fetchone()
        if row is None:
            raise JobNotFound(f"no job {job_id!r}")
        return JobStatus(
            id=row[0], state=JobState(row[1]), created_at=row[2], updated_at=row[3], objectives_total=row[4],
            key_results_total=row[5], error=row[6], objectives_done=row[7], key_results_done=row[8],
        )  # fmt: skip


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")
