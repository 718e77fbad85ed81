"""Synchronous analysis: one Key Result, or a whole set (JSON, or NDJSON streamed as Objectives finish)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, Header, Response
from fastapi.responses import StreamingResponse
from pydantic import BaseModel

from krcoach.api import metrics
from krcoach.api.deps import Coaching, CoachingDep, ServicesDep
from krcoach.api.problems import Problem, ProblemError
from krcoach.api.schemas import KeyResultReport, KeyResultRequest
from krcoach.domain.analysis import SetAnalysis
from krcoach.domain.okr import KeyResult, Objective, OKRSet

router = APIRouter(prefix="/v1", tags=["analysis"])
NDJSON = "application/x-ndjson"
ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": Problem, "content": {"application/problem+json": {}}, "description": text}
    for code, text in {
        401: "An API key is required and missing or wrong.",
        413: "The body is too large.",
        422: "A field is not valid; `errors` names each one.",
        429: "Rate limit reached, or the caller's model budget is spent (`alternative` offers the offline "
        "engine); see Retry-After.",
    }.items()
}


@router.post(
    "/key-results/analyze",
    response_model=KeyResultReport,
    summary="Diagnose one Key Result and propose result-based rewrites",
    responses=ERRORS,
)
async def analyze_key_result(body: KeyResultRequest, run: CoachingDep) -> Response:
    key_result = KeyResult(id="O1.KR1", text=body.key_result)
    title = body.objective or "(no Objective given)"
    okr_set = OKRSet(objectives=[Objective(id="O1", title=title, key_results=[key_result])])
    analysis = await run.coach.analyze(okr_set, allowance=run.allowance)
    _count(analysis)
    objective = analysis.objectives[0]
    report = KeyResultReport(
        key_result=objective.key_results[0],
        objective_suggestion=objective.suggestion if body.objective else None,
        okra=analysis.okra[0],
        meta=analysis.meta,
    )
    return _json(report, analysis.meta.engine)


@router.post(
    "/okr-sets/analyze",
    response_model=SetAnalysis,
    summary="Analyse a whole OKR set: diagnosis, proposals and the OKRA view",
    description=(
        "Up to `KRCOACH_MAX_SYNC_KEY_RESULTS` Key Results (larger sets: `POST /v1/jobs`). With "
        f"`Accept: {NDJSON}` the answer streams one JSON line per Key Result as its Objective finishes."
    ),
    responses={**ERRORS, 200: {"content": {NDJSON: {"schema": {"type": "string"}}}}},
)
async def analyze_set(
    body: OKRSet,
    app: ServicesDep,
    run: CoachingDep,
    accept: Annotated[str | None, Header()] = None,
) -> Response:
    size = sum(len(o.key_results) for o in body.objectives)
    limit = app.settings.max_sync_key_results
    if size > limit:
        detail = f"{size} Key Results; at most {limit} here. Submit it to POST /v1/jobs."
        raise ProblemError(413, "Set too large", detail, kind="set-too-large")
    engine = {"X-Krcoach-Engine": run.coach.engine_name}
    if accept and NDJSON in accept:
        return StreamingResponse(_stream(run, body), media_type=NDJSON, headers=engine)
    analysis = await run.coach.analyze(body, allowance=run.allowance)
    _count(analysis)
    return _json(analysis, analysis.meta.engine)


async def _stream(run: Coaching, okr_set: OKRSet) -> AsyncIterator[bytes]:
    async for _, outcome in run.coach.objective_outcomes(okr_set, allowance=run.allowance):
        metrics.record_usage(run.coach.engine_name, outcome.usage, outcome.analysis.key_results)
        for kr in outcome.analysis.key_results:
            yield kr.model_dump_json().encode() + b"\n"


def _json(model: BaseModel, engine: str) -> Response:
    """The model as JSON, serialised once (the route's response_model documents it; no second validation)."""
    return Response(model.model_dump_json(), media_type="application/json", headers={"X-Krcoach-Engine": engine})


def _count(analysis: SetAnalysis) -> None:
    metrics.record_usage(analysis.meta.engine, analysis.meta.usage, analysis.key_results())
