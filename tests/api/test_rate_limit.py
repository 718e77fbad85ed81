"""The per-caller request limit without Redis (per process), its burst, and Redis going away."""

from __future__ import annotations

import asyncio
import logging

import pytest

from krcoach.api.security import RateLimiter, RateLimits
from krcoach.scale.redis_rate_limit import RedisRateLimiter
from krcoach.testing.service import HOST, free_port
from tests.api.conftest import ClientFactory

BODY = {"key_result": "Run 20 customer interviews"}


def test_the_burst_setting_caps_requests_at_once_and_retry_after_follows_the_rate(make_client: ClientFactory) -> None:
    client = make_client(rate_limit_per_minute=60, rate_limit_burst=3)

    statuses = [client.post("/v1/key-results/analyze", json=BODY).status_code for _ in range(4)]
    refused = client.post("/v1/key-results/analyze", json=BODY)

    assert statuses == [200, 200, 200, 429]
    assert refused.headers["Retry-After"] == "1"  # 60 a minute: a token a second
    assert "60 requests a minute" in refused.json()["detail"]


def test_without_redis_each_limiter_counts_alone_as_each_worker_process_does() -> None:
    workers = [RateLimiter(RateLimits(per_minute=60, burst=2)) for _ in range(2)]

    admitted = sum(1 for n in range(8) if workers[n % 2].take("address:10.0.0.1") == 0)

    assert admitted == 4  # burst x workers: why README gives N x workers as the figure without Redis


def test_an_unreachable_redis_falls_back_to_the_limit_in_this_process_and_says_so(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING, logger="krcoach.api")

    async def run() -> list[float]:
        limiter = RedisRateLimiter(f"redis://{HOST}:{free_port()}/0", RateLimits(per_minute=60, burst=2))
        try:
            return [await limiter.take("address:10.0.0.2") for _ in range(3)]
        finally:
            await limiter.close()

    waits = asyncio.run(run())

    assert waits[:2] == [0.0, 0.0] and waits[2] > 0  # still limited, by this process's bucket
    warnings = [r for r in caplog.records if r.getMessage().startswith("Redis unreachable: the request limit")]
    assert len(warnings) == 1  # once, not once per request
