"""The FastAPI application: `create_app(settings)` wires services, middleware, error handlers and routes."""

from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from krcoach import __version__
from krcoach.api import metrics
from krcoach.api.deps import Services
from krcoach.api.docs import install_docs
from krcoach.api.middleware import BodyLimitMiddleware, RequestContextMiddleware
from krcoach.api.openapi import install_openapi
from krcoach.api.problems import install_problem_handlers
from krcoach.api.routes import analyze, drafts, health, jobs
from krcoach.api.security import ApiKeys, request_limiter
from krcoach.budget import ModelBudget
from krcoach.coach import Coach, ObjectiveOutcome
from krcoach.config import Settings, get_settings
from krcoach.engines.registry import build_engine, http_transport, model_budget
from krcoach.jobs.backend import JobBackend, LocalJobs
from krcoach.jobs.runner import JobRunner
from krcoach.jobs.store import JobState, JobStore
from krcoach.slack import install_slack
from krcoach.web import install_web

log = logging.getLogger("krcoach.api")

DESCRIPTION = """
Coaches Key Results that measure results, not actions. Post a draft, get per Key Result whether it is
action- or result-based and why, result-based rewrites (unknown numbers as `[placeholders]`, never invented),
and the OKRA view that keeps the work as Actions.

Every answer names the engine that produced it (`meta.engine`, header `X-Krcoach-Engine`): `rules` (offline,
the default) or `llm:<model>` when a model is configured. Errors are `application/problem+json` (RFC 9457).
"""


def create_app(settings: Settings | None = None, coach: Coach | None = None) -> FastAPI:
    """The service, on the configured engine (or the `coach` given, in tests)."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        chosen = coach or Coach(build_engine(None, settings), concurrency=settings.concurrency)
        offline = Coach(concurrency=settings.concurrency) if chosen.uses_model else chosen
        budget = model_budget(settings)
        jobs = _job_backend(settings, chosen, offline, budget)
        app.state.services = Services(
            settings=settings,
            coach=chosen,
            offline=offline,
            jobs=jobs,
            keys=ApiKeys(settings.api_keys),
            limiter=request_limiter(settings),
            budget=budget,
            model_probe=http_transport(settings).probe if chosen.engine_name.startswith("llm:") else None,
            slack_bot_token=slack_bot_token,
        )
        await jobs.start()
        if slack_bot_token is not None:
            slack_bot_token.start()  # in the background: no request waits for the Slack Web API
        gc.freeze()  # what exists now lives as long as the app: keep it out of every garbage collection
        log.info("ready", extra={"engine": chosen.engine_name, "jobs": jobs.name, "jobs_db": str(settings.jobs_db)})
        try:
            yield
        finally:
            if slack_bot_token is not None:
                await slack_bot_token.stop()
            await jobs.stop()  # running jobs stay resumable
            await app.state.services.limiter.close()
            budget.close()
            log.info("stopped")

    app = FastAPI(
        title="krcoach",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,  # served by install_docs from local files
        redoc_url=None,
        openapi_tags=[
            {"name": "analysis", "description": "Synchronous coaching of a Key Result or a set."},
            {"name": "jobs", "description": "Batch jobs for large sets: durable, resumable, idempotent."},
            {"name": "operations", "description": "Health, readiness and metrics."},
        ],
    )
    install_problem_handlers(app)
    install_openapi(app)
    app.include_router(analyze.router)
    app.include_router(drafts.router)
    app.include_router(jobs.router)
    app.include_router(health.router)
    install_docs(app)
    slack_bot_token = install_slack(app, settings) if settings.slack_signing_secret is not None else None
    if settings.web_ui:
        install_web(app)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST", "DELETE"],
            allow_headers=["Authorization", "Content-Type", "Idempotency-Key", "X-Request-ID"],
            expose_headers=["Location", "Retry-After", "X-Request-ID", "X-Krcoach-Engine"],
        )

    def body_limit(path: str) -> int:
        return settings.max_job_body_bytes if path.rstrip("/") == "/v1/jobs" else settings.max_body_bytes

    app.add_middleware(BodyLimitMiddleware, limit_for=body_limit)
    app.add_middleware(RequestContextMiddleware)  # outermost: every response carries the request id
    return app


def _job_backend(settings: Settings, coach: Coach, offline: Coach, budget: ModelBudget) -> JobBackend:
    """Redis (run by `krcoach worker`) when configured, else SQLite run inside this process."""
    if settings.redis_url and settings.job_backend != "sqlite":
        from krcoach.scale.redis_jobs import RedisJobs  # noqa: PLC0415 - Redis loads only when configured

        return RedisJobs(settings.redis_url, assemble_with=coach, offline=offline)
    if settings.job_backend == "redis":
        raise ValueError("KRCOACH_JOB_BACKEND=redis needs KRCOACH_REDIS_URL")
    store = JobStore(settings.jobs_db)
    runner = JobRunner(
        store,
        coach,
        max_running_jobs=settings.max_running_jobs,
        on_outcome=_count_outcome(coach),
        on_state=_count_job_state,
        offline=offline,
        allowance_for=budget.allowance if budget.enabled else None,
    )
    return LocalJobs(store, runner)


def _count_outcome(coach: Coach) -> Callable[[str, ObjectiveOutcome], None]:
    def count(_job_id: str, outcome: ObjectiveOutcome) -> None:
        metrics.record_usage(coach.engine_name, outcome.usage, outcome.analysis.key_results)

    return count


def _count_job_state(_job_id: str, state: JobState) -> None:
    """Jobs started and ended here, by the state they ended in; and how many run now."""
    metrics.JOBS.labels(state=state.value).inc()
    if state is JobState.RUNNING:
        metrics.JOBS_RUNNING.inc()
    else:
        metrics.JOBS_RUNNING.dec()
