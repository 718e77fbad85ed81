"""The API in-process (TestClient runs the lifespan), each test on its own job database."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from krcoach.api.app import create_app
from krcoach.coach import Coach
from krcoach.config import Settings

ClientFactory = Callable[..., TestClient]


@pytest.fixture
def make_client(tmp_path: Path) -> Iterator[ClientFactory]:
    """Build a client with settings overrides (and optionally a coach); every client is closed at the end."""
    clients: list[TestClient] = []

    def make(coach: Coach | None = None, raise_server_exceptions: bool = True, **overrides: Any) -> TestClient:
        options: dict[str, Any] = {"engine": "rules", "jobs_db": tmp_path / "jobs.sqlite3"}
        options.update(overrides)
        client = TestClient(
            create_app(Settings(**options), coach=coach), raise_server_exceptions=raise_server_exceptions
        )
        client.__enter__()
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.__exit__(None, None, None)


@pytest.fixture
def client(make_client: ClientFactory) -> TestClient:
    """The API on the offline engine with default settings."""
    return make_client()
