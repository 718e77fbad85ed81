"""The model budget ledger: fixed periods, per caller, shared through the store file."""

from __future__ import annotations

import asyncio
from pathlib import Path

from krcoach.budget import ModelBudget, SQLiteLedger
from krcoach.domain.analysis import Usage


class Clock:
    """A settable clock."""

    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_a_spent_budget_renews_in_the_next_period(tmp_path: Path) -> None:
    clock = Clock(3600 * 1000 + 10)
    budget = ModelBudget(SQLiteLedger(tmp_path / "b.sqlite3"), calls=2, tokens=None, period_s=3600, clock=clock)
    asyncio.run(budget.charge("key:a", Usage(calls=2, prompt_tokens=5)))

    spent = asyncio.run(budget.refusal("key:a"))
    assert spent is not None
    assert spent.retry_after_s == 3590
    clock.now += 3590

    assert asyncio.run(budget.refusal("key:a")) is None


def test_spending_adds_up_calls_and_prompt_plus_completion_tokens(tmp_path: Path) -> None:
    budget = ModelBudget(SQLiteLedger(tmp_path / "b.sqlite3"), calls=None, tokens=1000, period_s=60)

    asyncio.run(budget.charge("key:a", Usage(calls=1, prompt_tokens=300, completion_tokens=50)))
    asyncio.run(budget.charge("key:a", Usage(calls=2, prompt_tokens=100, completion_tokens=25)))

    spending = asyncio.run(budget.spending("key:a"))
    assert (spending.calls, spending.tokens) == (3, 475)
    assert asyncio.run(budget.spending("key:b")).calls == 0


def test_a_disabled_budget_records_nothing_and_refuses_nothing(tmp_path: Path) -> None:
    budget = ModelBudget(SQLiteLedger(tmp_path / "b.sqlite3"), calls=None, tokens=None, period_s=60)

    asyncio.run(budget.charge("key:a", Usage(calls=100, prompt_tokens=10**6)))

    assert asyncio.run(budget.refusal("key:a")) is None
    assert budget.current() == []


def test_answers_from_the_cache_cost_nothing(tmp_path: Path) -> None:
    budget = ModelBudget(SQLiteLedger(tmp_path / "b.sqlite3"), calls=1, tokens=None, period_s=60)

    asyncio.run(budget.charge("key:a", Usage(cache_hits=1)))

    assert asyncio.run(budget.refusal("key:a")) is None
