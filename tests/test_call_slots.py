"""The run's concurrency limit counts HTTP calls in flight: Objectives wait off the CPU, re-asks keep the slot.

What stays as it was: one call per Objective, results in the set's order, every retry and re-ask, and requests
that are the same bytes as before (the limit decides when a request is sent, never what it says).
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from krcoach.coach import Coach
from krcoach.config import Settings
from krcoach.domain.okr import OKRSet
from krcoach.engines.registry import build_llm_engine
from krcoach.llm.slots import CallSlots
from krcoach.llm.transport import ChatReply, ChatRequest, OpenAITransport
from krcoach.running import run_sync
from krcoach.testing.scripted_server import Reply, ScriptedServer, answer_with, draft_of, good_proposal

GOOD = answer_with(good_proposal)


def _set(objectives: int, per_objective: int = 2) -> OKRSet:
    return OKRSet.model_validate(
        {
            "objectives": [
                {
                    "title": f"Customers in region {o} stay with us",
                    "key_results": [{"text": f"Run {k + 2} workshops in region {o}"} for k in range(per_objective)],
                }
                for o in range(objectives)
            ]
        }
    )


class CountingTransport:
    """Answers like the scripted model after `delay_s`, recording the calls in flight and each request."""

    def __init__(self, delay_s: float = 0.02, broken_first_for: str | None = None) -> None:
        self.delay_s = delay_s
        self.in_flight = 0
        self.most_in_flight = 0
        self.calls: list[str] = []
        self.bodies: list[str] = []
        self._broken_first_for = broken_first_for

    async def complete(self, request: ChatRequest) -> ChatReply:
        body = {"messages": request.messages}
        title = draft_of(body)["objective"]
        reask = request.messages[-1]["content"].startswith("Your answer cannot be used yet")
        self.calls.append(title + (" (re-ask)" if reask else ""))
        self.bodies.append(json.dumps(request.messages))
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            await asyncio.sleep(self.delay_s)
        finally:
            self.in_flight -= 1
        if title == self._broken_first_for and not reask:
            return ChatReply(content="{not json")
        reply = GOOD(body)
        assert isinstance(reply, Reply)
        return ChatReply(content=reply.content)


def _coach(transport: CountingTransport, concurrency: int) -> Coach:
    settings = Settings(llm_model="scripted", llm_cache="off", concurrency=concurrency)
    return Coach(build_llm_engine(settings, transport), concurrency=concurrency)


def test_no_more_http_calls_are_in_flight_than_the_concurrency_and_results_keep_the_sets_order() -> None:
    transport = CountingTransport()
    okr_set = _set(12)
    analysis = _coach(transport, 3).analyze_now(okr_set)
    assert transport.most_in_flight == 3
    assert len(transport.calls) == 12 == analysis.meta.usage.calls  # one call per Objective
    assert [o.title for o in analysis.objectives] == [o.title for o in okr_set.objectives]


def test_a_re_ask_keeps_the_slot_before_objectives_that_have_not_started() -> None:
    okr_set = _set(3)
    first = okr_set.objectives[0].title
    transport = CountingTransport(broken_first_for=first)
    analysis = _coach(transport, 1).analyze_now(okr_set)
    assert transport.calls[:2] == [first, f"{first} (re-ask)"]
    assert analysis.meta.usage.reasks == 1 and analysis.meta.usage.calls == 4


def test_the_requests_are_the_same_whatever_the_concurrency() -> None:
    okr_set = _set(5)
    serial, wide = CountingTransport(), CountingTransport()
    _coach(serial, 1).analyze_now(okr_set)
    _coach(wide, 4).analyze_now(okr_set)
    assert sorted(serial.bodies) == sorted(wide.bodies)


def test_urgent_waiters_go_first_and_a_cancelled_waiter_passes_its_slot_on() -> None:
    async def scenario() -> list[str]:
        slots = CallSlots(1)
        order: list[str] = []
        await slots.acquire()

        async def take(name: str, *, urgent: bool) -> None:
            await slots.acquire(urgent=urgent)
            order.append(name)
            slots.release()

        new = asyncio.ensure_future(take("new", urgent=False))
        cancelled = asyncio.ensure_future(take("cancelled", urgent=True))
        urgent = asyncio.ensure_future(take("urgent", urgent=True))
        await asyncio.sleep(0)
        cancelled.cancel()
        slots.release()
        await asyncio.gather(new, urgent, cancelled, return_exceptions=True)
        assert slots.free == 1
        return order

    assert run_sync(scenario()) == ["urgent", "new"]


def test_a_cold_pool_is_opened_before_a_batch_and_a_warm_one_is_left_alone() -> None:
    with ScriptedServer(GOOD).running() as base_url:
        transport = OpenAITransport(base_url=base_url, api_key=None)
        listed: list[Any] = []
        models = transport._client.models
        original = models.list

        def counting(**options: Any) -> Any:
            listed.append(options)
            return original(**options)

        models.list = counting  # type: ignore[method-assign]
        settings = Settings(llm_base_url=base_url, llm_model="scripted", llm_cache="off", concurrency=4)
        coach = Coach(build_llm_engine(settings, transport), concurrency=4)

        async def twice() -> None:
            await coach.analyze(_set(6))
            assert len(listed) == 4  # min(concurrency, Objectives) connections opened at once
            await coach.analyze(_set(6))
            assert len(listed) == 4  # the pool answered a moment ago: its connections are open
            await coach.analyze(_set(1))
            await transport.close()

        run_sync(twice())


def test_a_batch_collects_garbage_less_often_and_puts_the_thresholds_back() -> None:
    import gc  # noqa: PLC0415

    before = gc.get_threshold()
    seen: list[tuple[int, ...]] = []

    class Watching(CountingTransport):
        async def complete(self, request: ChatRequest) -> ChatReply:
            seen.append(gc.get_threshold())
            return await super().complete(request)

    _coach(Watching(), 2).analyze_now(_set(3))
    assert seen and all(t[0] >= 50_000 for t in seen)
    assert gc.get_threshold() == before
