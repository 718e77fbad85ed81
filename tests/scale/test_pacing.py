"""The shared model rate limit: in no window do admitted calls exceed the limit, in one process or across many."""

from __future__ import annotations

import asyncio
import time
import uuid
from typing import Any

import pytest
from redis.asyncio import Redis

from krcoach.budget import BudgetSpent, ModelBudget, Spending
from krcoach.coach import Coach
from krcoach.config import Settings
from krcoach.domain.analysis import Usage
from krcoach.engines.registry import build_llm_engine
from krcoach.llm.pacing import LocalPacer, PaceLimits
from krcoach.scale.redis_budget import RedisLedger
from krcoach.scale.redis_pacer import RedisPacer
from krcoach.testing.scripted_server import Behaviour, ScriptedServer
from krcoach.testing.timing import max_in_any_window
from krcoach.testing.workloads import GOOD, generated_set


async def _admission_times(pacers: list[LocalPacer] | list[RedisPacer], calls: int, tokens: int = 10) -> list[float]:
    times: list[float] = []

    async def one(index: int) -> None:
        ticket = await pacers[index % len(pacers)].admit(tokens)
        times.append(time.monotonic())
        await pacers[index % len(pacers)].settle(ticket, tokens)

    await asyncio.gather(*(one(i) for i in range(calls)))
    return times


def test_a_local_pacer_admits_no_more_calls_than_the_limit_in_any_window() -> None:
    pacer = LocalPacer(PaceLimits(calls=5, window_s=0.5))

    times = asyncio.run(_admission_times([pacer], 12))

    assert max_in_any_window(times, 0.5) <= 5
    assert max(times) - min(times) >= 1.0  # 12 calls at 5 per 0.5 s need at least two full windows


def test_a_local_pacer_holds_calls_back_once_their_tokens_fill_the_window() -> None:
    pacer = LocalPacer(PaceLimits(tokens=100, window_s=0.4))

    times = asyncio.run(_admission_times([pacer], 6, tokens=40))

    assert max_in_any_window(times, 0.4) <= 2  # 2 × 40 fit in 100, a third does not


@pytest.mark.redis
def test_workers_sharing_one_redis_pacer_never_exceed_the_limit_together(redis_url: str) -> None:
    key = f"test-rate:{uuid.uuid4().hex}"

    async def run() -> list[float]:
        clients = [Redis.from_url(redis_url) for _ in range(3)]
        pacers = [RedisPacer(client, PaceLimits(calls=6, window_s=0.6), key=key) for client in clients]
        try:
            return await _admission_times(pacers, 20)
        finally:
            for client in clients:
                await client.aclose()

    times = asyncio.run(run())

    assert max_in_any_window(times, 0.6) <= 6
    assert max(times) - min(times) >= 1.2


@pytest.mark.redis
def test_a_settled_call_counts_its_real_tokens_not_its_estimate(redis_url: str) -> None:
    key = f"test-rate:{uuid.uuid4().hex}"

    async def run() -> float:
        client = Redis.from_url(redis_url)
        pacer = RedisPacer(client, PaceLimits(tokens=1000, window_s=5), key=key)
        try:
            ticket = await pacer.admit(900)  # estimated high
            await pacer.settle(ticket, 100)  # used little
            started = time.monotonic()
            await pacer.admit(800)  # fits only because the estimate was corrected
            return time.monotonic() - started
        finally:
            await client.aclose()

    assert asyncio.run(run()) < 0.5


def test_the_model_engine_paces_its_calls_to_the_configured_limit() -> None:
    arrivals: list[float] = []

    def timed(body: dict[str, Any]) -> Behaviour:
        arrivals.append(time.monotonic())
        return GOOD(body)

    server = ScriptedServer(timed, latency_s=0.05)
    with server.running() as base_url:
        settings = Settings(
            llm_base_url=base_url, llm_model="scripted", llm_cache="off", concurrency=8,
            llm_rate_limit_calls=3, llm_rate_window_s=0.5,
        )  # fmt: skip
        analysis = Coach(build_llm_engine(settings), concurrency=8).analyze_now(generated_set(8, 2))

    assert analysis.meta.usage.calls == len(arrivals) == 8
    assert max_in_any_window(arrivals, 0.45) <= 3  # the server sees them a little after admission


@pytest.mark.redis
def test_a_callers_model_budget_on_redis_is_one_budget_for_every_replica(redis_url: str) -> None:
    async def run() -> tuple[BudgetSpent | None, BudgetSpent | None, list[tuple[str, Spending]]]:
        replicas = [ModelBudget(RedisLedger(redis_url), calls=3, tokens=None, period_s=3600) for _ in range(2)]
        caller = f"key:{uuid.uuid4().hex[:8]}"
        await replicas[0].charge(caller, Usage(calls=2, prompt_tokens=10))
        still_open = await replicas[1].refusal(caller)
        await replicas[1].charge(caller, Usage(calls=1, prompt_tokens=10))
        spent = await replicas[0].refusal(caller)
        listed = [entry for entry in replicas[1].current() if entry[0] == caller]
        for replica in replicas:
            replica.close()
        return still_open, spent, listed

    still_open, spent, listed = asyncio.run(run())

    assert still_open is None
    assert spent is not None and "3 of 3 model calls an hour" in spent.reason
    assert [(spending.calls, spending.tokens) for _, spending in listed] == [(3, 20)]
