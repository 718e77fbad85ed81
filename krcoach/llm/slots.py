"""Call slots: the concurrency limit of one run, counted in model calls in flight rather than in Objectives.

A run (one `Coach` analysis) has `concurrency` slots. An Objective waits for a slot before anything is done for it
(so Objectives waiting their turn take no CPU from those in flight), is diagnosed and briefed while it holds the
slot, keeps it for its conversation with the model (the call, its retries and re-asks, exactly as before), and
hands it on the moment that conversation is over: the engine's checks of the proposals, the coach's second check
and the Objective's analysis happen outside any slot, after the Objective woken by the slot has sent its request.
So at most `concurrency` HTTP calls are in flight, and no slot waits for CPU work that no request needs.

A call made after its turn handed the slot back (none in krcoach's engines) takes one again, before any Objective
that has not started.

The slots of the current run travel in a context variable: the coach sets it, the retrying transport (below the
engine) uses it, and code that calls an engine directly (no run) is not limited here.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Protocol, runtime_checkable


@runtime_checkable
class WarmsUp(Protocol):
    """A transport (or engine) that can open its connections ahead of a batch."""

    async def warm_up(self, connections: int) -> None:
        """Open up to `connections` connections, if they are not open already."""
        ...


class CallSlots:
    """`size` slots; waiting callers are served urgent first (calls of Objectives already started), then in order."""

    def __init__(self, size: int) -> None:
        self._free = max(1, size)
        self._urgent: deque[asyncio.Future[None]] = deque()
        self._waiting: deque[asyncio.Future[None]] = deque()
        self._preparing = 0
        """Turns that hold a slot and have not started their first call yet (diagnosing, briefing)."""
        self._prepared = asyncio.Event()
        self._prepared.set()

    async def sent(self) -> None:
        """Return once no turn is preparing its first call: reply processing waits for the requests to go out."""
        while self._preparing:
            await self._prepared.wait()

    def _preparing_by(self, change: int) -> None:
        self._preparing += change
        if self._preparing:
            self._prepared.clear()
        else:
            self._prepared.set()

    @property
    def waiting(self) -> bool:
        """True when a caller waits for a slot."""
        for queue in (self._urgent, self._waiting):
            while queue and queue[0].done():  # cancelled while waiting
                queue.popleft()
        return bool(self._urgent or self._waiting)

    @property
    def free(self) -> int:
        """Slots nobody holds."""
        return self._free

    async def acquire(self, *, urgent: bool = False) -> None:
        """Wait for a slot; `urgent` callers go before every non-urgent one."""
        if self._free > 0 and not self.waiting:
            self._free -= 1
            if not urgent:
                self._preparing_by(1)
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        (self._urgent if urgent else self._waiting).append(future)
        try:
            await future
        except asyncio.CancelledError:
            if future.done() and not future.cancelled():  # handed a slot just as we were cancelled: pass it on
                if not urgent:
                    self._preparing_by(-1)
                self.release()
            raise

    def release(self) -> None:
        """Hand the slot to the next waiting caller, or free it."""
        for queue in (self._urgent, self._waiting):
            while queue:
                future = queue.popleft()
                if not future.done():
                    if queue is self._waiting:  # a new turn: preparing from now on, though it has not woken yet
                        self._preparing_by(1)
                    future.set_result(None)
                    return
        self._free += 1

    @asynccontextmanager
    async def turn(self) -> AsyncIterator[None]:
        """An Objective's turn: a slot, kept until its conversation with the model is over (or the turn ends)."""
        await self.acquire()  # counts the turn as preparing
        holder = _Holder(self, held=True, preparing=True)
        token = _CURRENT.set(holder)
        try:
            yield
        finally:
            _CURRENT.reset(token)
            holder.started()
            holder.give_back()


@dataclass(slots=True)
class _Holder:
    """The slot state of one Objective's turn (one task)."""

    slots: CallSlots
    held: bool
    preparing: bool = False

    def started(self) -> None:
        """The turn's first call starts (or the turn ends without one)."""
        if self.preparing:
            self.preparing = False
            self.slots._preparing_by(-1)

    def give_back(self) -> None:
        if self.held:
            self.held = False
            self.slots.release()


_CURRENT: ContextVar[_Holder | None] = ContextVar("krcoach_call_slot", default=None)


async def hold_slot() -> None:
    """Make sure the current turn holds a slot before an HTTP call (no limit outside a run).

    The turn's slot is used for its first call and kept for the retries and re-asks of the same conversation; a
    call after the turn handed its slot back takes one again, before any Objective that has not started.
    """
    holder = _CURRENT.get()
    if holder is None:
        return
    if not holder.held:
        await holder.slots.acquire(urgent=True)
        holder.held = True
    holder.started()


def hand_back() -> bool:
    """The conversation with the model is over: hand the turn's slot on. True when one was handed back."""
    holder = _CURRENT.get()
    if holder is None or not holder.held:
        return False
    holder.started()
    holder.give_back()
    return True


async def requests_sent() -> None:
    """Wait until every turn of the current run that holds a slot has sent its request.

    Called after `hand_back`: the Objective just woken by the slot sends its request before this one's reply is
    checked and assembled, so the calls in flight are kept full first and the CPU work nobody waits for comes after.
    """
    holder = _CURRENT.get()
    if holder is not None:
        await holder.slots.sent()
