"""Recorded model replies: record a live run to a JSON Lines cassette, replay it offline with no server.

The first line names the model and output mode; each further line is one reply, keyed by a hash of the
request (model, messages, response_format), so a replay answers exactly the requests that were recorded.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
from pathlib import Path
from typing import Any

from krcoach.llm.cache import cache_key
from krcoach.llm.errors import ConfigurationError
from krcoach.llm.transport import ChatReply, ChatRequest, ChatTransport

_REPLY_FIELDS = ("content", "finish_reason", "refusal", "prompt_tokens", "completion_tokens", "latency_ms")


def request_key(request: ChatRequest) -> str:
    """What identifies a request in a cassette."""
    return cache_key(request.model, request.messages, request.response_format)


class RecordingTransport:
    """Passes requests on and appends every reply to a cassette file.

    With ``resume``, the replies already in the cassette (same model and output mode) answer their requests again
    and only the others reach the server: a long recording that stopped half-way goes on from where it was. When the
    run ends, `finish` drops the replies it no longer asked for, so the cassette holds exactly this run's requests.
    """

    def __init__(self, inner: ChatTransport, path: Path, *, model: str, output_mode: str, resume: bool = False) -> None:
        self._inner = inner
        self._path = path
        self._lock = asyncio.Lock()
        self._kept: dict[str, ChatReply] = {}
        self._asked: set[str] = set()
        path.parent.mkdir(parents=True, exist_ok=True)
        header = {"cassette": 1, "model": model, "output_mode": output_mode}
        if resume and path.is_file():
            recorded_header, self._kept = read_cassette(path)
            if recorded_header != header:
                raise ConfigurationError(f"{path}: recorded as {recorded_header}, cannot resume as {header}")
            return
        path.write_text(json.dumps(header) + "\n", encoding="utf-8")

    async def complete(self, request: ChatRequest) -> ChatReply:
        """The inner transport's reply, recorded (or, resuming, the reply already recorded for it)."""
        key = request_key(request)
        self._asked.add(key)
        kept = self._kept.get(key)
        if kept is not None:
            return dataclasses.replace(kept)
        reply = await self._inner.complete(request)
        entry: dict[str, Any] = {"key": key, "asks": _last_user_message(request)[:160]}
        entry.update({name: getattr(reply, name) for name in _REPLY_FIELDS})
        async with self._lock:
            with self._path.open("a", encoding="utf-8") as file:
                file.write(json.dumps(entry, ensure_ascii=False) + "\n")
        return reply

    def finish(self) -> int:
        """Rewrite the cassette without the replies this run did not ask for (kept from a resumed recording).

        Returns how many were dropped. Call it only when the run has ended: a stopped run keeps everything.
        """
        lines = self._path.read_text(encoding="utf-8").splitlines()
        asked = [line for line in lines[1:] if line.strip() and json.loads(line)["key"] in self._asked]
        self._path.write_text("".join(line + "\n" for line in [lines[0], *asked]), encoding="utf-8")
        return len(lines) - 1 - len(asked)


class ReplayTransport:
    """Answers from a cassette; a request that was not recorded is a configuration error."""

    def __init__(self, path: Path) -> None:
        self.header, self._replies = read_cassette(path)
        self._path = path

    async def complete(self, request: ChatRequest) -> ChatReply:
        """The recorded reply for this exact request."""
        recorded = self._replies.get(request_key(request))
        if recorded is None:
            raise ConfigurationError(
                f"{self._path}: this request was not recorded (the prompt, model or data changed); "
                "record it again with `krcoach eval-model --record <cassette>`"
            )
        return dataclasses.replace(recorded)


def read_cassette(path: Path) -> tuple[dict[str, Any], dict[str, ChatReply]]:
    """The header and the replies by request key."""
    lines = path.read_text(encoding="utf-8").splitlines()
    if not lines:
        raise ConfigurationError(f"{path}: empty cassette")
    header: dict[str, Any] = json.loads(lines[0])
    replies: dict[str, ChatReply] = {}
    for line in lines[1:]:
        if line.strip():
            entry = json.loads(line)
            replies[entry["key"]] = ChatReply(**{name: entry[name] for name in _REPLY_FIELDS})
    return header, replies


def _last_user_message(request: ChatRequest) -> str:
    users = [m["content"] for m in request.messages if m["role"] == "user"]
    return users[-1].rsplit("<okr_draft>", 1)[-1].strip() if users else ""
