"""Waiting for something, and counting events in time windows: shared by the multi-process tests and benchmarks."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import TypeVar

T = TypeVar("T")


def max_in_any_window(times: Sequence[float], window: float) -> int:
    """The most events that fall in any window of `window` seconds (e.g. the peak call rate a server saw)."""
    ordered = sorted(times)
    best, start = 0, 0
    for end, at in enumerate(ordered):
        while ordered[start] <= at - window:
            start += 1
        best = max(best, end - start + 1)
    return best


def wait_for(check: Callable[[], T | None], timeout: float, interval: float = 0.1) -> T:
    """Poll `check` until it returns something truthy, and return that; TimeoutError after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"not reached within {timeout:g} s")
        time.sleep(interval)
