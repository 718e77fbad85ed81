"""One asyncio Redis client per URL and event loop (a client's connections belong to the loop that opened them)."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable
from typing import TypeVar

from redis.asyncio import Redis

T = TypeVar("T")


def redis_client(url: str) -> Redis:
    """A client for `url` (connections open lazily, on first use)."""
    client: Redis = Redis.from_url(url, socket_timeout=10, socket_connect_timeout=5, health_check_interval=30)
    return client


async def resolved(value: Awaitable[T] | T) -> T:
    """redis-py's asyncio methods are typed as `Awaitable[T] | T`; this awaits whichever it is."""
    return await value if inspect.isawaitable(value) else value
