"""Transport retries, kept apart from re-asks: 429 (honouring Retry-After), 5xx, timeouts, connection errors.

Backoff is jittered and exponential, bounded by the overall deadline; other 4xx and configuration errors are
never retried. All calls of a run share one `RateLimitGate`, so a 429 pauses every caller, not only the one
that met it.
"""

from __future__ import annotations

import asyncio
import dataclasses
import time
from collections.abc import Awaitable, Callable

from tenacity import AsyncRetrying, RetryCallState, retry_if_exception_type, stop_after_attempt
from tenacity.wait import wait_random_exponential

from krcoach.llm.errors import DeadlineExceeded, RateLimited, TransientError
from krcoach.llm.pacing import NoPacer, Pacer
from krcoach.llm.slots import WarmsUp, hold_slot
from krcoach.llm.transport import ChatReply, ChatRequest, ChatTransport


class RateLimitGate:
    """One rate-limit budget for a whole run: after a 429, nobody calls until the server's wait is over."""

    def __init__(self) -> None:
        self._open_at = 0.0

    def close_for(self, seconds: float) -> None:
        """Hold every caller back for `seconds` from now."""
        self._open_at = max(self._open_at, time.monotonic() + seconds)

    async def wait(self) -> None:
        """Return once calls are allowed again."""
        while (delay := self._open_at - time.monotonic()) > 0:
            await asyncio.sleep(delay)


@dataclasses.dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How hard to try: attempts after the first, and the backoff bounds in seconds."""

    max_retries: int = 4
    base_delay_s: float = 0.5
    max_delay_s: float = 20.0


class RetryingTransport:
    """Wraps a transport with retries of transient failures, within the request's deadline."""

    def __init__(
        self,
        inner: ChatTransport,
        policy: RetryPolicy,
        gate: RateLimitGate | None = None,
        pacer: Pacer | None = None,
    ) -> None:
        self._inner = inner
        self._policy = policy
        self._gate = gate or RateLimitGate()
        self._pacer = pacer or NoPacer()
        self._backoff = wait_random_exponential(multiplier=policy.base_delay_s, max=policy.max_delay_s)

    async def warm_up(self, connections: int) -> None:
        """Pre-open the inner transport's connections, when it can (see `OpenAITransport.warm_up`)."""
        if isinstance(self._inner, WarmsUp):
            await self._inner.warm_up(connections)

    async def complete(self, request: ChatRequest) -> ChatReply:
        """The first successful reply; the last transient error when retries or time run out."""
        attempts = 0
        retrying = AsyncRetrying(
            retry=retry_if_exception_type(TransientError),
            stop=stop_after_attempt(self._policy.max_retries + 1),
            wait=self._wait,
            sleep=self._sleep_within(request.deadline),
            reraise=True,
        )
        async for attempt in retrying:
            with attempt:
                attempts += 1
                await hold_slot()  # the run's concurrency limit: HTTP calls in flight (see slots.py)
                await self._gate.wait()
                ticket = await self._admitted(request)
                reply = await self._inner.complete(_clamped(request))
                await self._pacer.settle(ticket, reply.prompt_tokens + reply.completion_tokens)
                reply.attempts = attempts
                return reply
        raise AssertionError("unreachable: tenacity reraises the last error")  # pragma: no cover

    async def _admitted(self, request: ChatRequest) -> str:
        """Wait for the shared rate limit to admit this attempt (every attempt counts), within the deadline."""
        if isinstance(self._pacer, NoPacer):
            return ""
        estimate = sum(len(m.get("content") or "") for m in request.messages) // 4 + request.max_tokens
        left = None if request.deadline is None else request.deadline - time.monotonic()
        try:
            return await asyncio.wait_for(self._pacer.admit(estimate), timeout=left)
        except TimeoutError as error:
            raise DeadlineExceeded("the shared model rate limit did not admit the call before the deadline") from error

    def _wait(self, state: RetryCallState) -> float:
        error = state.outcome.exception() if state.outcome else None
        if isinstance(error, RateLimited) and error.retry_after is not None:
            self._gate.close_for(error.retry_after)
            return error.retry_after
        return float(self._backoff(state))

    @staticmethod
    def _sleep_within(deadline: float | None) -> Callable[[float], Awaitable[None]]:
        async def sleep(seconds: float) -> None:
            if deadline is not None and time.monotonic() + seconds >= deadline:
                raise DeadlineExceeded(f"the next retry would start after the deadline (wait {seconds:.1f} s)")
            await asyncio.sleep(seconds)

        return sleep


def _clamped(request: ChatRequest) -> ChatRequest:
    """The request with its call timeout cut to the time left before the deadline."""
    if request.deadline is None:
        return request
    left = request.deadline - time.monotonic()
    if left <= 0:
        raise DeadlineExceeded("the deadline passed before the call")
    return dataclasses.replace(request, timeout_s=min(request.timeout_s, left))
