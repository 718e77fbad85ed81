"""The store file's connections: one per component, shared by threads under the component's lock."""

from __future__ import annotations

import sqlite3
from pathlib import Path


def open_shared(path: Path) -> sqlite3.Connection:
    """A connection in autocommit mode with the WAL journal (readers never wait for the writer); the caller guards
    it with a lock, since it is used from the event loop and from worker threads."""
    path.parent.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(path, check_same_thread=False, isolation_level=None, timeout=30)
    connection.execute("PRAGMA journal_mode=WAL")
    return connection
