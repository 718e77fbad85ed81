"""The reply cache shared through Redis: one validated reply per request key, kept for a while."""

from __future__ import annotations

from redis.asyncio import Redis

PREFIX = "krcoach:reply:"


class RedisCache:
    """A `ReplyCache` in Redis (entries expire after `ttl_s`)."""

    def __init__(self, redis: Redis, ttl_s: int = 7 * 86400) -> None:
        self._redis = redis
        self._ttl_s = ttl_s

    async def get(self, key: str) -> str | None:
        """The stored reply, if any."""
        value = await self._redis.get(PREFIX + key)
        return None if value is None else value.decode() if isinstance(value, bytes) else str(value)

    async def put(self, key: str, value: str) -> None:
        """Store the reply."""
        await self._redis.set(PREFIX + key, value, ex=self._ttl_s)
