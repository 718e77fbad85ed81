"""The model rate limit shared through Redis: a sliding window of admitted calls, one per provider account.

Every process that points at the same Redis and key shares the window, so N workers together never exceed it.
Admission is one Lua script (atomic in Redis): drop entries older than the window, count the calls and sum the
tokens left, and either add this call or answer how long to wait for the oldest entry to leave the window.
"""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from redis.asyncio import Redis

from krcoach.llm.pacing import PaceLimits

_ADMIT = """
local key, now, window = KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2])
local max_calls, max_tokens = tonumber(ARGV[3]), tonumber(ARGV[4])
local member, tokens = ARGV[5], tonumber(ARGV[6])
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
local entries = redis.call('ZRANGE', key, 0, -1, 'WITHSCORES')
local count, used = #entries / 2, 0
for i = 1, #entries, 2 do
  used = used + tonumber(string.match(entries[i], ':(%d+)$'))
end
local calls_full = max_calls >= 0 and count >= max_calls
local tokens_full = max_tokens >= 0 and count > 0 and used + tokens > max_tokens
if calls_full or tokens_full then
  return tostring(tonumber(entries[2]) + window - now)
end
redis.call('ZADD', key, now, member .. ':' .. tokens)
redis.call('PEXPIRE', key, math.ceil(window * 1000) + 1000)
return '0'
"""

_SETTLE = """
local key, old, new = KEYS[1], ARGV[1], ARGV[2]
local score = redis.call('ZSCORE', key, old)
if score then
  redis.call('ZREM', key, old)
  redis.call('ZADD', key, score, new)
end
return 0
"""


class RedisPacer:
    """A `Pacer` whose window lives in Redis under `key` (one key per provider account)."""

    def __init__(self, redis: Redis, limits: PaceLimits, key: str = "krcoach:model-rate") -> None:
        self._redis = redis
        self._limits = limits
        self._key = key
        self._admit: Any = redis.register_script(_ADMIT)
        self._settle: Any = redis.register_script(_SETTLE)

    async def admit(self, estimated_tokens: int) -> str:
        """Wait until the shared window has room, then take it; the ticket names the entry."""
        member = uuid.uuid4().hex
        calls = -1 if self._limits.calls is None else self._limits.calls
        tokens = -1 if self._limits.tokens is None else self._limits.tokens
        while True:
            now = await self._now()
            args = [now, self._limits.held_s, calls, tokens, member, max(0, estimated_tokens)]
            wait = float(await self._admit(keys=[self._key], args=args))
            if wait <= 0:
                return f"{member}:{max(0, estimated_tokens)}"
            await asyncio.sleep(max(0.001, wait))

    async def settle(self, ticket: str, used_tokens: int) -> None:
        """Replace the entry's estimate with the tokens really used (its time in the window stays)."""
        member = ticket.rsplit(":", 1)[0]
        await self._settle(keys=[self._key], args=[ticket, f"{member}:{max(0, used_tokens)}"])

    async def _now(self) -> float:
        """Redis' clock, so that every machine measures the window alike."""
        seconds, micros = await self._redis.time()
        return float(seconds) + float(micros) / 1e6
