"""Running a coroutine from synchronous code (the CLI, scripts)."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Coroutine, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

T = TypeVar("T")


def run_sync(coroutine: Coroutine[Any, Any, T]) -> T:
    """`asyncio.run(coroutine)`, without its hidden cost on large results.

    On Python 3.11, `asyncio.run` formats the repr of its main task, result included, when it puts the SIGINT
    handler back; for a 1,000-Key-Result analysis that repr alone took about 90 ms. The result is therefore
    handed out of band and the main task returns None.
    """
    results: list[T] = []

    async def main() -> None:
        results.append(await coroutine)

    asyncio.run(main())
    return results[0]


_BATCH_THRESHOLD = 50_000
"""Allocations between two young collections while a batch runs (Python's default: 700)."""
_BATCH_FULL_AFTER = 1_000
"""Middle-generation collections before a full one while a batch runs (Python's default: 10)."""
_batches = 0
_saved: tuple[int, ...] | None = None


@contextmanager
def fewer_collections() -> Iterator[None]:
    """While a batch runs, collect garbage less often, and never the whole heap.

    A batch keeps most of what it builds (1,000 Key Results are about 90,000 objects), and under Python's default
    thresholds that many survivors trigger a full collection in the middle of it: 80-180 ms with every request
    waiting on the event loop. So the young generation is collected every 50,000 allocations, not 700, and a full
    collection waits for 1,000 middle ones, not 10: without that, the fourth 1,000-Key-Result batch of a process
    still met one (`benchmarks/llm_batch.py`, cold pool 3). Young and middle collections still run (cyclic
    garbage is still freed); the process's thresholds are restored when the last batch running in it ends, and
    the full collection that was due runs then, between batches.
    """
    global _batches, _saved  # noqa: PLW0603 - one setting for the whole process
    if _batches == 0:
        _saved = gc.get_threshold()
        young, middle, full = _saved
        gc.set_threshold(max(young, _BATCH_THRESHOLD), middle, max(full, _BATCH_FULL_AFTER))
    _batches += 1
    try:
        yield
    finally:
        _batches -= 1
        if _batches == 0 and _saved is not None:
            gc.set_threshold(*_saved)
