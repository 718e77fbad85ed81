"""Replies already validated, kept by request: same model, prompt version and input → no model call."""

from __future__ import annotations

import asyncio
import hashlib
import json
import sqlite3
from collections import OrderedDict
from pathlib import Path
from typing import Protocol


class ReplyCache(Protocol):
    """Where validated replies are kept."""

    async def get(self, key: str) -> str | None:
        """The stored reply for `key`, if any."""
        ...

    async def put(self, key: str, value: str) -> None:
        """Store a reply."""
        ...


def cache_key(*parts: object) -> str:
    """A stable key for the parts that decide a reply (model, prompt version and hash, messages, mode)."""
    return hashlib.sha256(json.dumps(parts, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


class NoCache:
    """Keeps nothing."""

    async def get(self, key: str) -> str | None:
        """Always a miss."""
        return None

    async def put(self, key: str, value: str) -> None:
        """Forget it."""


class MemoryCache:
    """An in-process LRU cache (the default)."""

    def __init__(self, max_entries: int = 10_000) -> None:
        self._entries: OrderedDict[str, str] = OrderedDict()
        self._max = max_entries

    async def get(self, key: str) -> str | None:
        """The reply, marked recently used."""
        value = self._entries.get(key)
        if value is not None:
            self._entries.move_to_end(key)
        return value

    async def put(self, key: str, value: str) -> None:
        """Store, evicting the least recently used beyond the bound."""
        self._entries[key] = value
        self._entries.move_to_end(key)
        while len(self._entries) > self._max:
            self._entries.popitem(last=False)


class SQLiteCache:
    """Replies in an SQLite file, shared across runs and processes."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._path = path
        with self._connect() as connection:
            connection.execute("CREATE TABLE IF NOT EXISTS replies (key TEXT PRIMARY KEY, value TEXT NOT NULL)")

    def _connect(self) -> sqlite3.Connection:
        connection = sqlite3.connect(self._path, timeout=30)
        connection.execute("PRAGMA journal_mode=WAL")
        return connection

    def _get(self, key: str) -> str | None:
        with self._connect() as connection:
            row = connection.execute("SELECT value FROM replies WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def _put(self, key: str, value: str) -> None:
        with self._connect() as connection:
            connection.execute("INSERT OR REPLACE INTO replies (key, value) VALUES (?, ?)", (key, value))

    async def get(self, key: str) -> str | None:
        """The stored reply, read off the event loop."""
        return await asyncio.to_thread(self._get, key)

    async def put(self, key: str, value: str) -> None:
        """Store the reply, written off the event loop."""
        await asyncio.to_thread(self._put, key, value)


def open_cache(setting: str) -> ReplyCache:
    """The cache a setting names: `memory`, `off`, or a path to an SQLite file."""
    if setting == "off":
        return NoCache()
    if setting == "memory":
        return MemoryCache()
    return SQLiteCache(Path(setting))
