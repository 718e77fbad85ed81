"""Batch jobs: submit a set (202 + Location), follow its progress, fetch its result, cancel it."""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, Header, Response, status

from krcoach.api.deps import CallerDep, CoachingDep, Services, ServicesDep
from krcoach.api.problems import ProblemError
from krcoach.api.routes.analyze import ERRORS
from krcoach.api.schemas import JobCreated
from krcoach.domain.analysis import SetAnalysis
from krcoach.domain.okr import OKRSet
from krcoach.jobs.errors import IdempotencyConflict, JobNotFinished, JobNotFound
from krcoach.jobs.store import JobStatus

router = APIRouter(prefix="/v1/jobs", tags=["jobs"])
_KEY_RE = re.compile(r"^[\x21-\x7e]{1,200}$")
_NOT_FOUND: dict[int | str, dict[str, Any]] = {404: ERRORS[422] | {"description": "No job with this id."}}


@router.post(
    "",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=JobCreated,
    summary="Submit a set as a batch job",
    description=(
        "With API keys on, a job is seen (status, result, cancel) only with the key that submitted it. "
        "The same `Idempotency-Key` with the same body returns the same job; with another body, 409. The job "
        "spends the submitter's model budget as it runs; once that is spent, its remaining Objectives are "
        "answered by the offline engine, marked as fallbacks with the reason."
    ),
    responses={**ERRORS, 409: ERRORS[422] | {"description": "Idempotency-Key reused with another body."}},
)
async def submit_job(  # noqa: PLR0917 - FastAPI injects parameters by name
    body: OKRSet,
    app: ServicesDep,
    caller: CallerDep,
    run: CoachingDep,
    response: Response,
    idempotency_key: Annotated[
        str | None,
        Header(
            description="Makes retries of this submission safe: 1-200 visible ASCII characters.",
            json_schema_extra={"pattern": _KEY_RE.pattern},  # checked below, to answer with a plain-words problem
        ),
    ] = None,
) -> JobCreated:
    size = sum(len(o.key_results) for o in body.objectives)
    if size > app.settings.max_job_key_results:
        raise ProblemError(413, "Set too large", f"{size} Key Results; at most {app.settings.max_job_key_results}.")
    if idempotency_key is not None and not _KEY_RE.match(idempotency_key):
        raise ProblemError(422, "Idempotency-Key not valid", "Use 1-200 visible ASCII characters.", kind="validation")
    key = f"{caller}:{idempotency_key}" if idempotency_key else None
    try:
        job, _ = await app.jobs.create(body, idempotency_key=key, caller=caller, engine=run.engine)
    except IdempotencyConflict as error:
        raise ProblemError(409, "Idempotency-Key reused", str(error), kind="idempotency-conflict") from error
    response.headers["Location"] = f"/v1/jobs/{job.id}"
    return JobCreated(id=job.id, status_url=f"/v1/jobs/{job.id}", result_url=f"/v1/jobs/{job.id}/result")


@router.get("/{job_id}", response_model=JobStatus, summary="A job's state and progress", responses=_NOT_FOUND)
async def job_status(job_id: str, app: ServicesDep, caller: CallerDep) -> JobStatus:
    try:
        await _check_owner(app, job_id, caller)
        return await app.jobs.status(job_id)
    except JobNotFound as error:
        raise ProblemError(404, "Job not found", str(error), kind="job-not-found") from error


@router.get(
    "/{job_id}/result",
    response_model=SetAnalysis,
    summary="A finished job's analysis",
    responses={**_NOT_FOUND, 409: ERRORS[422] | {"description": "The job has not finished (or was cancelled)."}},
)
async def job_result(job_id: str, app: ServicesDep, caller: CallerDep) -> SetAnalysis:
    try:
        await _check_owner(app, job_id, caller)
        return await app.jobs.result(job_id)
    except JobNotFound as error:
        raise ProblemError(404, "Job not found", str(error), kind="job-not-found") from error
    except JobNotFinished as error:
        raise ProblemError(409, "Job not finished", str(error), kind="job-not-finished") from error


@router.delete("/{job_id}", response_model=JobStatus, summary="Cancel a job", responses=_NOT_FOUND)
async def cancel_job(job_id: str, app: ServicesDep, caller: CallerDep) -> JobStatus:
    try:
        await _check_owner(app, job_id, caller)
        return await app.jobs.cancel(job_id)
    except JobNotFound as error:
        raise ProblemError(404, "Job not found", str(error), kind="job-not-found") from error


async def _check_owner(app: Services, job_id: str, caller: str) -> None:
    """With API keys on, a job is visible only to the key that submitted it (others get the same 404)."""
    if app.keys.required and (await app.jobs.submitter(job_id))[0] != caller:
        raise JobNotFound(f"no job {job_id!r}")
