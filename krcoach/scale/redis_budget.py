"""The per-caller model budget ledger on Redis: one hash per (window, caller), shared by every machine."""

from __future__ import annotations

import redis as redis_sync
from redis.asyncio import Redis

from krcoach.scale.redis_client import redis_client, resolved

PREFIX = "krcoach:budget:"


class RedisLedger:
    """A `BudgetLedger` in Redis; entries expire two days after their window opens (longer than any period)."""

    def __init__(self, url: str, keep_s: int = 14 * 86400) -> None:
        self._redis: Redis = redis_client(url)
        self._sync = redis_sync.Redis.from_url(url, socket_timeout=5)
        self._keep_s = keep_s

    async def spent(self, caller: str, window: int) -> tuple[int, int]:
        """(calls, tokens) in the window."""
        calls, tokens = await resolved(self._redis.hmget(_key(window, caller), ["calls", "tokens"]))
        return int(calls or 0), int(tokens or 0)

    async def add(self, caller: str, window: int, calls: int, tokens: int) -> None:
        """Atomic increments, and an expiry."""
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.hincrby(_key(window, caller), "calls", calls)
            pipe.hincrby(_key(window, caller), "tokens", tokens)
            pipe.expire(_key(window, caller), self._keep_s)
            await pipe.execute()

    def callers(self, window: int) -> list[tuple[str, int, int]]:
        """Everyone with spending in the window (SCAN; for `/metrics`)."""
        prefix = f"{PREFIX}{window}:"
        found: list[tuple[str, int, int]] = []
        for key in self._sync.scan_iter(match=prefix + "*", count=500):
            name = key.decode() if isinstance(key, bytes) else str(key)
            calls, tokens = self._sync.hmget(name, ["calls", "tokens"])  # type: ignore[misc]
            found.append((name.removeprefix(prefix), int(calls or 0), int(tokens or 0)))
        return sorted(found)

    def close(self) -> None:
        """Close the synchronous connection (the asyncio one closes with its loop)."""
        self._sync.close()


def _key(window: int, caller: str) -> str:
    return f"{PREFIX}{window}:{caller}"
