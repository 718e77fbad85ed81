"""What can go wrong with a job, as a small hierarchy the API maps to status codes."""

from __future__ import annotations


class JobError(Exception):
    """Base of every job error."""


class JobNotFound(JobError):
    """No job has this id (404)."""


class IdempotencyConflict(JobError):
    """An Idempotency-Key was reused with a different body (409)."""


class JobNotFinished(JobError):
    """The result of a job that is not done was asked for (409)."""
