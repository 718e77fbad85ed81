"""Who is calling: optional API keys (`Authorization: Bearer`) and a per-caller rate limit (token bucket).

The rate limit is kept in this process, or on Redis (`krcoach.scale.redis_rate_limit`) when a Redis URL is set,
so that every worker process and replica shares one bucket per caller.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import time
from dataclasses import dataclass, field
from typing import Protocol

from pydantic import SecretStr

from krcoach.api.problems import ProblemError
from krcoach.config import Settings


class ApiKeys:
    """The accepted keys; with none configured the API is open (local use) and callers are told apart by address."""

    def __init__(self, keys: list[SecretStr]) -> None:
        self._digests = [hashlib.sha256(key.get_secret_value().encode()).digest() for key in keys]

    @property
    def required(self) -> bool:
        """True when a key must be presented."""
        return bool(self._digests)

    def caller(self, authorization: str | None, client_address: str) -> str:
        """A stable, non-secret name for the caller; 401 when a key is required and missing or wrong."""
        if not self.required:
            return f"address:{client_address}"
        scheme, _, token = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise ProblemError(
                401,
                "Not authenticated",
                "Send `Authorization: Bearer <API key>`.",
                kind="unauthenticated",
                headers={"WWW-Authenticate": "Bearer"},
            )
        digest = hashlib.sha256(token.strip().encode()).digest()
        if not any(hmac.compare_digest(digest, known) for known in self._digests):
            raise ProblemError(
                401, "Not authenticated", "The API key is not valid.", kind="unauthenticated",
                headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
            )  # fmt: skip
        return "key:" + digest.hex()[:12]


class RequestLimiter(Protocol):
    """The per-caller request limit: in this process (`RateLimiter`) or shared on Redis (`RedisRateLimiter`)."""

    async def check(self, caller: str) -> None:
        """Take one request for the caller, or raise 429 with `Retry-After`."""
        ...

    async def close(self) -> None:
        """Release connections."""
        ...


@dataclass(frozen=True, slots=True)
class RateLimits:
    """`per_minute` requests a minute per caller, with bursts up to `burst` (a token bucket that starts full).

    In any minute a caller gets at most `burst + per_minute` requests through; the default burst is `per_minute`.
    """

    per_minute: int
    burst: int | None = None

    @property
    def capacity(self) -> int:
        """The bucket's size: the burst."""
        return self.burst if self.burst is not None else self.per_minute

    @property
    def per_second(self) -> float:
        """How fast the bucket refills."""
        return self.per_minute / 60.0

    def refused(self, wait_s: float) -> ProblemError:
        """The 429 for a caller who must wait `wait_s` seconds for the next request."""
        wait = max(1, math.ceil(wait_s))
        return ProblemError(
            429,
            "Too many requests",
            f"Rate limit of {self.per_minute} requests a minute reached; retry in {wait} s.",
            kind="rate-limited",
            headers={"Retry-After": str(wait)},
        )


@dataclass(slots=True)
class _Bucket:
    tokens: float
    updated: float = field(default_factory=time.monotonic)


class RateLimiter:
    """The token bucket of each caller, in this process only: every worker process and replica has its own."""

    def __init__(self, limits: RateLimits | int, *, max_callers: int = 100_000) -> None:
        self.limits = limits if isinstance(limits, RateLimits) else RateLimits(limits)
        self._capacity = float(self.limits.capacity)
        self._rate = self.limits.per_second
        self._buckets: dict[str, _Bucket] = {}
        self._max_callers = max_callers

    async def check(self, caller: str) -> None:
        """Take one token for the caller, or raise 429 with the seconds until one is free."""
        wait = self.take(caller)
        if wait > 0:
            raise self.limits.refused(wait)

    def take(self, caller: str) -> float:
        """Take one token: 0 when there was one, else the seconds until there is one."""
        now = time.monotonic()
        bucket = self._buckets.get(caller)
        if bucket is None:
            if len(self._buckets) >= self._max_callers:
                self._buckets.clear()  # bounded memory; forgetting callers only ever lets more through
            bucket = self._buckets[caller] = _Bucket(self._capacity, now)
        bucket.tokens = min(self._capacity, bucket.tokens + (now - bucket.updated) * self._rate)
        bucket.updated = now
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            return 0.0
        return (1 - bucket.tokens) / self._rate

    async def close(self) -> None:
        """Nothing to release."""


def request_limiter(settings: Settings) -> RequestLimiter:
    """The per-caller request limit: shared on Redis when a Redis URL is set, else within this process."""
    limits = RateLimits(settings.rate_limit_per_minute, settings.rate_limit_burst)
    if settings.redis_url:
        from krcoach.scale.redis_rate_limit import RedisRateLimiter  # noqa: PLC0415 - Redis loads only when configured

        return RedisRateLimiter(settings.redis_url, limits)
    return RateLimiter(limits)
