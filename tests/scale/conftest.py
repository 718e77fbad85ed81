"""The `redis` suite: a real redis-server on loopback; skipped where it is missing unless a run requires it."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from krcoach.testing.redis_server import is_available, running_redis


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A redis-server for the session (every test uses its own keys or flushes)."""
    if not is_available():
        if os.environ.get("KRCOACH_REQUIRE_REDIS") == "1":
            pytest.fail("redis-server is not installed: run `make redis` (Debian's redis-server package)")
        pytest.skip("redis-server is not installed")
    with running_redis(tmp_path_factory.mktemp("redis")) as url:
        yield url
