"""Model budgets per caller (denial of wallet): model calls and tokens a caller may cause per period.

The spending is kept in a ledger every process shares: a table in the job store's SQLite file (one machine), or
Redis (`krcoach.scale.redis_budget`, any number of machines). Periods are fixed windows (`period_s` long,
aligned to the epoch). A request is refused only when the budget is already spent before it starts; what is in
flight then may overshoot by at most the calls running at once. Answers on the offline engine never touch it.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from krcoach.domain.analysis import Usage
from krcoach.sqlite import open_shared

_SCHEMA = """
CREATE TABLE IF NOT EXISTS model_budget (
    caller TEXT NOT NULL,
    window INTEGER NOT NULL,
    calls INTEGER NOT NULL DEFAULT 0,
    tokens INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (caller, window)
);
"""
OFFLINE_HINT = "Ask again with `?engine=rules` for the offline engine's answer now (no model, no budget)."


@dataclass(frozen=True, slots=True)
class Spending:
    """What a caller has used in the current window, and when the window ends."""

    calls: int
    tokens: int
    resets_in_s: int


@dataclass(frozen=True, slots=True)
class BudgetSpent:
    """A refusal: why, and the seconds until the budget renews."""

    reason: str
    retry_after_s: int


class BudgetLedger(Protocol):
    """Where spending per (caller, window) is added up."""

    async def spent(self, caller: str, window: int) -> tuple[int, int]:
        """(calls, tokens) of the caller in the window."""
        ...

    async def add(self, caller: str, window: int, calls: int, tokens: int) -> None:
        """Add to the caller's spending in the window (older windows may be forgotten)."""
        ...

    def callers(self, window: int) -> list[tuple[str, int, int]]:
        """(caller, calls, tokens) of everyone with spending in the window (synchronous: for `/metrics`)."""
        ...

    def close(self) -> None:
        """Release the connection."""
        ...


class SQLiteLedger:
    """The ledger as a table in an SQLite file (the job store's): shared by the processes of one machine."""

    def __init__(self, path: Path) -> None:
        self._lock = threading.Lock()
        self._db = open_shared(path)
        with self._lock:
            self._db.executescript(_SCHEMA)

    async def spent(self, caller: str, window: int) -> tuple[int, int]:
        """One indexed read (tens of microseconds: not worth a thread hop)."""
        with self._lock:
            row = self._db.execute(
                "SELECT calls, tokens FROM model_budget WHERE caller = ? AND window = ?", (caller, window)
            ).fetchone()
        return (int(row[0]), int(row[1])) if row else (0, 0)

    async def add(self, caller: str, window: int, calls: int, tokens: int) -> None:
        """Upsert, and forget windows before the previous one."""
        with self._lock:
            self._db.execute(
                "INSERT INTO model_budget (caller, window, calls, tokens) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (caller, window) DO UPDATE SET calls = calls + excluded.calls, "
                "tokens = tokens + excluded.tokens",
                (caller, window, calls, tokens),
            )
            self._db.execute("DELETE FROM model_budget WHERE window < ?", (window - 1,))

    def callers(self, window: int) -> list[tuple[str, int, int]]:
        """Everyone with spending in the window."""
        with self._lock:
            rows = self._db.execute(
                "SELECT caller, calls, tokens FROM model_budget WHERE window = ? ORDER BY caller", (window,)
            ).fetchall()
        return [(str(caller), int(calls), int(tokens)) for caller, calls, tokens in rows]

    def close(self) -> None:
        """Close the connection."""
        with self._lock:
            self._db.close()


class ModelBudget:
    """The per-caller limits over a ledger; `calls`/`tokens` None means no limit on that resource."""

    def __init__(
        self,
        ledger: BudgetLedger,
        *,
        calls: int | None,
        tokens: int | None,
        period_s: int,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.ledger = ledger
        self.calls = calls
        self.tokens = tokens
        self.period_s = period_s
        self._clock = clock

    @property
    def enabled(self) -> bool:
        """True when either limit is set."""
        return self.calls is not None or self.tokens is not None

    async def spending(self, caller: str) -> Spending:
        """The caller's use in the current window."""
        window, resets_in = self._window()
        calls, tokens = await self.ledger.spent(caller, window)
        return Spending(calls, tokens, resets_in)

    async def refusal(self, caller: str) -> BudgetSpent | None:
        """Why this caller may not cause model calls now, or None while the budget lasts."""
        if not self.enabled:
            return None
        spent = await self.spending(caller)
        period = _period_words(self.period_s)
        if self.calls is not None and spent.calls >= self.calls:
            reason = f"Model budget spent: {spent.calls:,} of {self.calls:,} model calls {period}"
        elif self.tokens is not None and spent.tokens >= self.tokens:
            reason = f"Model budget spent: {spent.tokens:,} of {self.tokens:,} model tokens {period}"
        else:
            return None
        return BudgetSpent(f"{reason}; it renews in {spent.resets_in_s:,} s.", spent.resets_in_s)

    async def charge(self, caller: str, usage: Usage) -> None:
        """Add one answer's model calls and tokens to the caller's current window."""
        tokens = usage.prompt_tokens + usage.completion_tokens
        if not self.enabled or (usage.calls == 0 and tokens == 0):
            return
        window, _ = self._window()
        await self.ledger.add(caller, window, usage.calls, tokens)

    def allowance(self, caller: str) -> CallerAllowance:
        """The coach's view of this caller's budget (see `krcoach.engines.base.ModelAllowance`)."""
        return CallerAllowance(self, caller)

    def current(self) -> list[tuple[str, Spending]]:
        """Every caller with spending in the current window (for `/metrics`)."""
        window, resets_in = self._window()
        return [(caller, Spending(calls, tokens, resets_in)) for caller, calls, tokens in self.ledger.callers(window)]

    def close(self) -> None:
        """Close the ledger."""
        self.ledger.close()

    def _window(self) -> tuple[int, int]:
        now = self._clock()
        window = math.floor(now / self.period_s)
        return window, max(1, math.ceil((window + 1) * self.period_s - now))


@dataclass(frozen=True, slots=True)
class CallerAllowance:
    """One caller's budget, as `ModelAllowance`: refusals carry the offline hint."""

    budget: ModelBudget
    caller: str

    async def refusal(self) -> str | None:
        """The reason the model may not be asked now, or None."""
        spent = await self.budget.refusal(self.caller)
        return None if spent is None else f"{spent.reason} Answered by the offline engine."

    async def charge(self, usage: Usage) -> None:
        """Record one answer's use."""
        await self.budget.charge(self.caller, usage)


def _period_words(period_s: int) -> str:
    named = {60: "a minute", 3600: "an hour", 86400: "a day", 604800: "a week"}
    return named.get(period_s, f"per {period_s:,} s")
