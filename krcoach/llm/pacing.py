"""Pacing: at most N model calls and T tokens in any window of W seconds, for everyone who shares the pacer.

A provider's rate limit is per account, so every caller that shares the account must share one budget. The
pacer is asked before every attempt (retries count: the provider counts them too) with an estimate of the
tokens the call may use; the estimate is corrected to the real use once the reply is in.

`LocalPacer` shares the budget inside one process; `krcoach.scale.redis_pacer.RedisPacer` across processes and
machines. Both use a sliding window: in no window of `window_s` seconds do the admitted calls exceed the limit,
and each admitted call holds its place a little longer (`margin_s`) for the time its request takes to arrive.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections import deque
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class PaceLimits:
    """The shared limits; None means no limit on that resource."""

    calls: int | None = None
    tokens: int | None = None
    window_s: float = 60.0
    margin_s: float = 0.25
    """A call holds its place for `window_s + margin_s`: a request that reaches the provider up to this long
    after it was admitted (a new connection, a busy event loop) still cannot crowd the provider's window."""

    @property
    def held_s(self) -> float:
        """How long an admitted call counts against the limit."""
        return self.window_s + self.margin_s

    @property
    def enabled(self) -> bool:
        """True when either limit is set."""
        return self.calls is not None or self.tokens is not None


class Pacer(Protocol):
    """Admits model calls within the shared limits."""

    async def admit(self, estimated_tokens: int) -> str:
        """Wait until one more call (using about `estimated_tokens`) fits; returns a ticket for `settle`."""
        ...

    async def settle(self, ticket: str, used_tokens: int) -> None:
        """Replace the call's estimate with the tokens it really used."""
        ...


class NoPacer:
    """Admits everything at once."""

    async def admit(self, estimated_tokens: int) -> str:
        """No wait."""
        return ""

    async def settle(self, ticket: str, used_tokens: int) -> None:
        """Nothing to correct."""


@dataclass(slots=True)
class _Admitted:
    at: float
    tokens: int
    ticket: str


class LocalPacer:
    """The sliding window in this process (all engines built from the same settings share it)."""

    def __init__(self, limits: PaceLimits) -> None:
        self._limits = limits
        self._admitted: deque[_Admitted] = deque()
        self._lock = asyncio.Lock()
        self._tickets = itertools.count()

    async def admit(self, estimated_tokens: int) -> str:
        """Wait for room in the window, then take it."""
        async with self._lock:  # first come, first served
            while (wait := self._wait_for(estimated_tokens, time.monotonic())) > 0:
                await asyncio.sleep(wait)
            ticket = str(next(self._tickets))
            self._admitted.append(_Admitted(time.monotonic(), estimated_tokens, ticket))
            return ticket

    async def settle(self, ticket: str, used_tokens: int) -> None:
        """Correct the call's tokens."""
        for entry in self._admitted:
            if entry.ticket == ticket:
                entry.tokens = used_tokens
                return

    def _wait_for(self, tokens: int, now: float) -> float:
        window = self._limits.held_s
        while self._admitted and self._admitted[0].at <= now - window:
            self._admitted.popleft()
        calls_full = self._limits.calls is not None and len(self._admitted) >= self._limits.calls
        used = sum(entry.tokens for entry in self._admitted)
        tokens_full = self._limits.tokens is not None and self._admitted and used + tokens > self._limits.tokens
        if not (calls_full or tokens_full):
            return 0.0
        return max(0.001, self._admitted[0].at + window - now)
