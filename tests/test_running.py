"""Running coroutines from synchronous code."""

from __future__ import annotations

import asyncio

import pytest

from krcoach.running import run_sync


def test_run_sync_returns_what_the_coroutine_returns() -> None:
    async def answer() -> dict[str, int]:
        await asyncio.sleep(0)
        return {"answer": 42}

    assert run_sync(answer()) == {"answer": 42}


def test_run_sync_raises_what_the_coroutine_raises() -> None:
    async def broken() -> None:
        raise ValueError("bad draft")

    with pytest.raises(ValueError, match="bad draft"):
        run_sync(broken())
