"""The per-caller request limit shared through Redis: one token bucket per caller for every worker and replica.

Taking a token is one Lua script (atomic in Redis, on Redis' clock): refill the caller's bucket for the time
since it was last touched, then take a token or answer how long until there is one. A bucket left alone expires
once it would be full again, so Redis keeps only callers seen lately.

When Redis cannot be reached the limit falls back to this process's own buckets (the limit then holds per
process, as without Redis) and a warning is logged, at most every `WARN_EVERY_S`.
"""

from __future__ import annotations

import logging
import math
import time
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import RedisError

from krcoach.api.security import RateLimiter, RateLimits

log = logging.getLogger("krcoach.api")

PREFIX = "krcoach:request-rate:"
REDIS_TIMEOUT_S = 1.0
"""A request waits at most this long for Redis before the process's own buckets answer instead."""
WARN_EVERY_S = 10.0

_TAKE = """
local key, capacity, per_second = KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2])
local clock = redis.call('TIME')
local now = tonumber(clock[1]) + tonumber(clock[2]) / 1e6
local state = redis.call('HMGET', key, 'tokens', 'at')
local tokens, at = tonumber(state[1]), tonumber(state[2])
if tokens == nil or at == nil then
  tokens, at = capacity, now
end
tokens = math.min(capacity, tokens + math.max(0, now - at) * per_second)
local wait = 0
if tokens >= 1 then
  tokens = tokens - 1
else
  wait = (1 - tokens) / per_second
end
redis.call('HSET', key, 'tokens', string.format('%.6f', tokens), 'at', string.format('%.6f', now))
redis.call('PEXPIRE', key, math.ceil((capacity - tokens) / per_second * 1000) + 1000)
return string.format('%.6f', wait)
"""


class RedisRateLimiter:
    """A `RequestLimiter` whose buckets live in Redis under `krcoach:request-rate:<caller>`."""

    def __init__(self, url: str, limits: RateLimits) -> None:
        self.limits = limits
        self._redis: Redis = Redis.from_url(url, socket_timeout=REDIS_TIMEOUT_S, socket_connect_timeout=REDIS_TIMEOUT_S)
        self._take: Any = self._redis.register_script(_TAKE)
        self._fallback = RateLimiter(limits)
        self._warned_at = -math.inf

    async def check(self, caller: str) -> None:
        """Take one request from the caller's shared bucket, or raise 429 with `Retry-After`."""
        wait = await self.take(caller)
        if wait > 0:
            raise self.limits.refused(wait)

    async def take(self, caller: str) -> float:
        """Take one token: 0 when there was one, else the seconds until there is one."""
        try:
            answer = await self._take(keys=[PREFIX + caller], args=[self.limits.capacity, self.limits.per_second])
        except (RedisError, OSError) as error:
            self._warn(error)
            return self._fallback.take(caller)
        return float(answer)

    async def close(self) -> None:
        """Close the connections."""
        await self._redis.aclose()

    def _warn(self, error: BaseException) -> None:
        now = time.monotonic()
        if now - self._warned_at >= WARN_EVERY_S:
            self._warned_at = now
            log.warning(
                "Redis unreachable: the request limit holds per process until it is back",
                extra={"error": f"{type(error).__name__}: {error}"[:300]},
            )
