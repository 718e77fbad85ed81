"""`krcoach worker`: an ARQ worker that runs the Objectives of jobs queued on Redis.

At-least-once: ARQ keeps a task in its queue until it finishes and marks it in progress with an expiry of the
task timeout + 10 s; a worker killed mid-task leaves it to be taken again by another once that expires. Outcomes
are stored with HSETNX, so an Objective run twice is stored once. Every `sweep_s`, a worker re-queues the
Objectives of unfinished jobs that have neither an outcome nor a queued task (an API replica that died between
storing a job and queueing it, or a task that used up its tries).
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from typing import Any

from arq.connections import ArqRedis
from arq.cron import cron
from arq.worker import Worker, func
from prometheus_client import start_http_server

from krcoach.api import metrics
from krcoach.budget import ModelBudget
from krcoach.coach import Coach
from krcoach.config import Settings
from krcoach.domain.okr import OKRSet
from krcoach.engines.registry import build_engine, model_budget
from krcoach.scale.redis_jobs import QUEUE, RUN_OBJECTIVE, enqueue_objectives, redis_settings
from krcoach.scale.redis_store import RedisJobStore

log = logging.getLogger("krcoach.worker")


async def run_objective(ctx: dict[str, Any], job_id: str, index: int) -> bool:
    """Analyse one Objective of a job and store its outcome; True when this run stored it."""
    store: RedisJobStore = ctx["store"]
    state, caller, engine = await store.run_info(job_id, index)
    if state is None:
        return False  # ended, cancelled, or this Objective is already stored
    okr_set = await _okr_set(ctx, store, job_id)
    coach: Coach = ctx["offline"] if engine == "rules" else ctx["coach"]
    budget: ModelBudget = ctx["budget"]
    allowance = budget.allowance(caller) if budget.enabled and coach.uses_model else None
    outcome = await coach.objective_outcome(okr_set.objectives[index], allowance=allowance)
    stored = await store.save_outcome(job_id, index, outcome)
    if stored:
        metrics.record_usage(coach.engine_name, outcome.usage, outcome.analysis.key_results)
    log.debug("objective done", extra={"job_id": job_id, "index": index, "stored": stored, "caller": caller})
    return stored


async def _okr_set(ctx: dict[str, Any], store: RedisJobStore, job_id: str) -> OKRSet:
    """The job's input, read and parsed once per worker while its Objectives run here (a few jobs kept).

    ARQ hands each task a copy of the context, so the cache is made at start-up; it holds one read per job,
    which the Objectives that start together all await.
    """
    cache: OrderedDict[str, asyncio.Task[OKRSet]] = ctx["okr_sets"]
    if job_id not in cache:
        cache[job_id] = asyncio.create_task(store.okr_set(job_id))
        while len(cache) > 8:
            cache.popitem(last=False)
    try:
        return await asyncio.shield(cache[job_id])
    except Exception:
        cache.pop(job_id, None)  # not kept: the next task reads again
        raise


async def requeue_missing(ctx: dict[str, Any]) -> int:
    """Queue the Objectives of unfinished jobs that have no outcome (queued or running ones are not doubled)."""
    store: RedisJobStore = ctx["store"]
    pool: ArqRedis = ctx["redis"]
    queued = 0
    for job_id in await store.unfinished():
        status = await store.status(job_id)
        missing = sorted(set(range(status.objectives_total)) - await store.done_indexes(job_id))
        await enqueue_objectives(pool, job_id, missing)
        queued += len(missing)
    return queued


def build_worker(settings: Settings, *, burst: bool = False, handle_signals: bool = True) -> Worker:
    """The ARQ worker for these settings (Redis URL, engine, concurrency, task timeout)."""
    if not settings.redis_url:
        raise ValueError("krcoach worker needs KRCOACH_REDIS_URL")
    timeout = settings.worker_item_timeout_s or settings.llm_deadline_s + 30

    async def startup(ctx: dict[str, Any]) -> None:
        if settings.worker_metrics_port:
            start_http_server(settings.worker_metrics_port)  # Prometheus: Key Results, model calls, tokens, fallbacks
        coach = Coach(build_engine(None, settings), concurrency=1)
        ctx["coach"] = coach
        ctx["offline"] = Coach() if coach.uses_model else coach
        ctx["store"] = RedisJobStore(ctx["redis"])
        ctx["okr_sets"] = OrderedDict()
        ctx["budget"] = model_budget(settings)
        log.info("worker ready", extra={"engine": coach.engine_name, "max_jobs": settings.worker_concurrency})

    sweep_minutes = set(range(0, 60, max(1, settings.worker_sweep_min)))
    return Worker(
        functions=[func(run_objective, name=RUN_OBJECTIVE, timeout=timeout, max_tries=settings.worker_max_tries)],
        cron_jobs=[cron(requeue_missing, minute=sweep_minutes, second=0, run_at_startup=True)],
        queue_name=QUEUE,
        redis_settings=redis_settings(settings.redis_url),
        on_startup=startup,
        max_jobs=settings.worker_concurrency,
        job_timeout=timeout,  # also the sweep's: ARQ's in-progress expiry is the longest timeout + 10 s
        poll_delay=settings.worker_poll_s,
        keep_result=0,
        burst=burst,
        handle_signals=handle_signals,
        log_results=False,
    )
