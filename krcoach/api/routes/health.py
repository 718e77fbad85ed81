"""Liveness, readiness and metrics: for orchestrators and Prometheus, outside `/v1`."""

from __future__ import annotations

from fastapi import APIRouter, Response
from pydantic import BaseModel

from krcoach.api import metrics
from krcoach.api.deps import ServicesDep
from krcoach.api.problems import ProblemError
from krcoach.llm.errors import LLMError

router = APIRouter(tags=["operations"])


class Health(BaseModel):
    """The service's state."""

    status: str
    engine: str
    checks: dict[str, str] = {}


@router.get("/healthz", response_model=Health, summary="The process is alive")
async def healthz(app: ServicesDep) -> Health:
    return Health(status="ok", engine=app.coach.engine_name)


@router.get(
    "/readyz",
    response_model=Health,
    summary="Ready to serve: the job store is writable and the model endpoint answers (when one is configured)",
    description="`checks.slack_bot_token` reports the Slack bot token's start-up check (`verified (bot U…)`, "
    "`pending`, `unreachable: …` while it is tried again, or `rejected: …`); it never makes the service unready, "
    "as slash commands and shortcuts are answered without the Web API.",
    responses={503: {"description": "Not ready; `detail` says which check failed."}},
)
async def readyz(app: ServicesDep) -> Health:
    checks: dict[str, str] = {}
    try:
        await app.jobs.check_ready()
        checks["job_store"] = "ok"
    except Exception as error:
        raise ProblemError(503, "Not ready", f"job store: {error}", kind="not-ready") from error
    if app.model_probe is not None:
        try:
            await app.model_probe()
            checks["model_endpoint"] = "ok"
        except LLMError as error:
            raise ProblemError(503, "Not ready", f"model endpoint: {error}", kind="not-ready") from error
    if app.slack_bot_token is not None:
        checks["slack_bot_token"] = app.slack_bot_token.status  # reported, never failing: commands need no token
    return Health(status="ready", engine=app.coach.engine_name, checks=checks)


@router.get("/metrics", summary="Prometheus metrics", response_class=Response)
async def prometheus_metrics(app: ServicesDep) -> Response:
    body, content_type = metrics.exposition(app.budget)
    return Response(body, media_type=content_type)
