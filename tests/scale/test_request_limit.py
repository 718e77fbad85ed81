"""The per-caller request limit on Redis: one bucket per caller for every worker process and replica."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections import Counter
from contextlib import ExitStack
from pathlib import Path

import httpx
import pytest

from krcoach.api.problems import ProblemError
from krcoach.api.security import RateLimits
from krcoach.scale.redis_rate_limit import RedisRateLimiter
from krcoach.testing.service import running_service
from tests.scale.helpers import JSON

pytestmark = pytest.mark.redis

PER_MINUTE = 30
BODY = {"key_result": "Run 20 customer interviews by end of Q2"}


def admitted_at_most(per_minute: int, burst: int, elapsed_s: float) -> int:
    """What a token bucket can let through in `elapsed_s`: the burst, the refill, and one token of rounding."""
    return burst + int(elapsed_s * per_minute / 60) + 1


def test_limiters_sharing_one_redis_take_from_one_bucket_per_caller(redis_url: str) -> None:
    caller = f"key:{uuid.uuid4().hex[:12]}"

    async def run() -> tuple[list[float], float, float]:
        replicas = [RedisRateLimiter(redis_url, RateLimits(per_minute=60, burst=4)) for _ in range(2)]
        waits = [await replicas[n % 2].take(caller) for n in range(6)]
        other = await replicas[1].take(caller + "-other")
        await asyncio.sleep(1.1)  # 60 a minute: one token back a second
        after_a_second = await replicas[0].take(caller)
        for replica in replicas:
            await replica.close()
        return waits, other, after_a_second

    waits, other, after_a_second = asyncio.run(run())

    assert waits[:4] == [0.0] * 4
    assert all(0.5 < wait <= 1.0 for wait in waits[4:]), waits  # about a second until the next token
    assert other == 0.0  # another caller has its own bucket
    assert after_a_second == 0.0


def test_concurrent_requests_on_two_limiters_never_take_more_than_the_bucket_holds(redis_url: str) -> None:
    caller = f"key:{uuid.uuid4().hex[:12]}"

    async def run() -> tuple[int, float]:
        replicas = [RedisRateLimiter(redis_url, RateLimits(per_minute=PER_MINUTE, burst=20)) for _ in range(2)]
        started = time.monotonic()
        waits = await asyncio.gather(*(replicas[n % 2].take(caller) for n in range(200)))
        elapsed = time.monotonic() - started
        for replica in replicas:
            await replica.close()
        return sum(1 for wait in waits if wait == 0), elapsed

    admitted, elapsed = asyncio.run(run())

    assert 20 <= admitted <= admitted_at_most(PER_MINUTE, 20, elapsed)


def test_a_refused_request_is_a_429_naming_the_limit_with_retry_after(redis_url: str) -> None:
    async def run() -> ProblemError:
        limiter = RedisRateLimiter(redis_url, RateLimits(per_minute=2))
        caller = f"key:{uuid.uuid4().hex[:12]}"
        await limiter.check(caller)
        await limiter.check(caller)
        try:
            await limiter.check(caller)
        except ProblemError as error:
            return error
        finally:
            await limiter.close()
        raise AssertionError("the third request was admitted")

    refused = asyncio.run(run())

    assert refused.status == 429
    assert refused.headers == {"Retry-After": "30"}  # 2 a minute: one every 30 s
    assert "2 requests a minute" in str(refused.detail)


def test_two_serve_processes_on_one_redis_admit_one_limit_per_caller(redis_url: str, tmp_path: Path) -> None:
    key, other_key = f"k-{uuid.uuid4().hex}", f"k-{uuid.uuid4().hex}"
    env = limited_env(redis_url, tmp_path, key, other_key)
    with ExitStack() as stack, httpx.Client(timeout=30, trust_env=False) as http:
        replicas = [stack.enter_context(running_service(env, tmp_path / f"api-{n}.log")) for n in range(2)]
        started = time.monotonic()
        answers = [
            http.post(f"{replicas[n % 2].base_url}/v1/key-results/analyze", json=BODY, headers=bearer(key))
            for n in range(3 * PER_MINUTE)
        ]
        elapsed = time.monotonic() - started
        other = http.post(f"{replicas[1].base_url}/v1/key-results/analyze", json=BODY, headers=bearer(other_key))

    statuses = Counter(answer.status_code for answer in answers)
    assert set(statuses) == {200, 429}
    assert PER_MINUTE <= statuses[200] <= admitted_at_most(PER_MINUTE, PER_MINUTE, elapsed)  # not twice the limit
    assert all(int(a.headers["Retry-After"]) >= 1 for a in answers if a.status_code == 429)
    assert {answers[n].status_code for n in (-1, -2)} == {429}  # both replicas refuse once the bucket is empty
    assert other.status_code == 200


def test_two_workers_of_one_serve_on_redis_admit_one_limit_per_caller(redis_url: str, tmp_path: Path) -> None:
    key = f"k-{uuid.uuid4().hex}"
    env = limited_env(redis_url, tmp_path, key)
    with running_service(env, tmp_path / "api.log", workers=2) as service:
        started = time.monotonic()
        statuses: Counter[int] = Counter()
        for _ in range(3 * PER_MINUTE):  # a new connection each time: the kernel spreads them over both workers
            with httpx.Client(timeout=30, trust_env=False) as http:
                url = f"{service.base_url}/v1/key-results/analyze"
                statuses[http.post(url, json=BODY, headers=bearer(key)).status_code] += 1
        elapsed = time.monotonic() - started

    assert PER_MINUTE <= statuses[200] <= admitted_at_most(PER_MINUTE, PER_MINUTE, elapsed)
    assert statuses[429] == 3 * PER_MINUTE - statuses[200]


def limited_env(redis_url: str, tmp_path: Path, *keys: str) -> dict[str, str]:
    """`krcoach serve` on Redis with API keys and the request limit at `PER_MINUTE`."""
    return {
        "KRCOACH_REDIS_URL": redis_url,
        "KRCOACH_ENGINE": "rules",
        "KRCOACH_API_KEYS": ",".join(keys),
        "KRCOACH_RATE_LIMIT_PER_MINUTE": str(PER_MINUTE),
        "KRCOACH_JOBS_DB": str(tmp_path / "unused.sqlite3"),
        "KRCOACH_LOG_LEVEL": "warning",
    }


def bearer(key: str) -> dict[str, str]:
    """The headers of a JSON request with this API key."""
    return {**JSON, "Authorization": f"Bearer {key}"}
