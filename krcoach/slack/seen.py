"""Slack event de-duplication: Slack re-sends an event it thinks was not received (`X-Slack-Retry-Num`).

Each `event_id` is recorded once in a table of the job store's SQLite file, so a retry that reaches another
worker process is recognised too. Records older than an hour (Slack stops retrying within minutes) are pruned.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

from krcoach.sqlite import open_shared

_SCHEMA = "CREATE TABLE IF NOT EXISTS slack_events (event_id TEXT PRIMARY KEY, seen_at REAL NOT NULL)"
KEEP_S = 3600.0


class SeenEvents:
    """The event ids already taken on."""

    def __init__(self, path: Path) -> None:
        self._lock = threading.Lock()
        self._db = open_shared(path)
        with self._lock:
            self._db.execute(_SCHEMA)

    def first_time(self, event_id: str) -> bool:
        """Record the event; True the first time it is seen, False for a repeat."""
        now = time.time()
        with self._lock:
            inserted = self._db.execute(
                "INSERT OR IGNORE INTO slack_events (event_id, seen_at) VALUES (?, ?)", (event_id, now)
            ).rowcount
            self._db.execute("DELETE FROM slack_events WHERE seen_at < ?", (now - KEEP_S,))
        return inserted == 1

    def close(self) -> None:
        """Close the connection."""
        with self._lock:
            self._db.close()
