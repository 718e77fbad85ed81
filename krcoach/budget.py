"""Model budgets per caller (denial of wallet): model calls and tokens a caller may cause per period.

The ledger is a table in the job store's SQLite file, so every worker process and every restart sees the same
spending. Periods are fixed windows (`period_s` long, aligned to the epoch). A request is refused only when the
budget is already spent before it starts; what is in flight then may overshoot by at most the calls running at
once. Answers on the offline engine never touch the budget.
"""

from __future__ import annotations

import math
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from krcoach.domain.analysis import Usage

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


class ModelBudget:
    """The per-caller ledger and its limits; `calls`/`tokens` None means no limit on that resource."""

    def __init__(
        self,
        path: Path,
        *,
        calls: int | None,
        tokens: int | None,
        period_s: int,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.calls = calls
        self.tokens = tokens
        self.period_s = period_s
        self._clock = clock
        self._lock = threading.Lock()
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None, timeout=30)
        self._db.execute("PRAGMA journal_mode=WAL")
        with self._lock:
            self._db.executescript(_SCHEMA)

    @property
    def enabled(self) -> bool:
        """True when either limit is set."""
        return self.calls is not None or self.tokens is not None

    def spending(self, caller: str) -> Spending:
        """The caller's use in the current window."""
        window, resets_in = self._window()
        with self._lock:
            row = self._db.execute(
                "SELECT calls, tokens FROM model_budget WHERE caller = ? AND window = ?", (caller, window)
            ).fetchone()
        calls, tokens = row or (0, 0)
        return Spending(calls, tokens, resets_in)

    def refusal(self, caller: str) -> BudgetSpent | None:
        """Why this caller may not cause model calls now, or None while the budget lasts."""
        if not self.enabled:
            return None
        spent = self.spending(caller)
        period = _period_words(self.period_s)
        if self.calls is not None and spent.calls >= self.calls:
            reason = f"Model budget spent: {spent.calls:,} of {self.calls:,} model calls {period}"
        elif self.tokens is not None and spent.tokens >= self.tokens:
            reason = f"Model budget spent: {spent.tokens:,} of {self.tokens:,} model tokens {period}"
        else:
            return None
        return BudgetSpent(f"{reason}; it renews in {spent.resets_in_s:,} s.", spent.resets_in_s)

    def charge(self, caller: str, usage: Usage) -> None:
        """Add one answer's model calls and tokens to the caller's current window."""
        tokens = usage.prompt_tokens + usage.completion_tokens
        if not self.enabled or (usage.calls == 0 and tokens == 0):
            return
        window, _ = self._window()
        with self._lock:
            self._db.execute(
                "INSERT INTO model_budget (caller, window, calls, tokens) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (caller, window) DO UPDATE SET calls = calls + excluded.calls, "
                "tokens = tokens + excluded.tokens",
                (caller, window, usage.calls, tokens),
            )
            self._db.execute("DELETE FROM model_budget WHERE window < ?", (window - 1,))

    def allowance(self, caller: str) -> CallerAllowance:
        """The coach's view of this caller's budget (see `krcoach.engines.base.ModelAllowance`)."""
        return CallerAllowance(self, caller)

    def current(self) -> list[tuple[str, Spending]]:
        """Every caller with spending in the current window (for `/metrics`)."""
        window, resets_in = self._window()
        with self._lock:
            rows = self._db.execute(
                "SELECT caller, calls, tokens FROM model_budget WHERE window = ? ORDER BY caller", (window,)
            ).fetchall()
        return [(caller, Spending(calls, tokens, resets_in)) for caller, calls, tokens in rows]

    def close(self) -> None:
        """Close the ledger's connection."""
        with self._lock:
            self._db.close()

    def _window(self) -> tuple[int, int]:
        now = self._clock()
        window = math.floor(now / self.period_s)
        return window, max(1, math.ceil((window + 1) * self.period_s - now))


@dataclass(frozen=True, slots=True)
class CallerAllowance:
    """One caller's budget, as `ModelAllowance`: refusals carry the offline hint."""

    budget: ModelBudget
    caller: str

    def refusal(self) -> str | None:
        """The reason the model may not be asked now, or None."""
        spent = self.budget.refusal(self.caller)
        return None if spent is None else f"{spent.reason} Answered by the offline engine."

    def charge(self, usage: Usage) -> None:
        """Record one answer's use."""
        self.budget.charge(self.caller, usage)


def _period_words(period_s: int) -> str:
    named = {60: "a minute", 3600: "an hour", 86400: "a day", 604800: "a week"}
    return named.get(period_s, f"per {period_s:,} s")
