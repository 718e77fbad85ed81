"""Slack on loopback, for tests: requests signed as Slack signs them, a `response_url` receiver, a fake Web API,
and the service on a real uvicorn in a thread.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import uvicorn
from fastapi import FastAPI

from krcoach.testing.service import HOST, free_port

BOT_USER_ID = "UKRCOACH"
TEAM_ID = "T0TEAM"
USER_ID = "U0PERSON"
CHANNEL_ID = "C0CHANNEL"
Json = dict[str, Any]


# Signing, as Slack does: v0 HMAC-SHA256 of `v0:{timestamp}:{body}`.


def slack_signature(secret: str, timestamp: int, body: bytes) -> str:
    """The `X-Slack-Signature` Slack sends for this body at this time."""
    base = b"v0:" + str(timestamp).encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def signed_headers(secret: str, body: bytes, content_type: str, *, timestamp: int | None = None) -> dict[str, str]:
    """The headers of a request from Slack: content type, timestamp (now by default) and signature."""
    when = int(time.time()) if timestamp is None else timestamp
    return {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": str(when),
        "X-Slack-Signature": slack_signature(secret, when, body),
    }


# Bodies, as Slack sends them.

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"


def command_body(text: str, response_url: str, *, command: str = "/kr") -> bytes:
    """A slash command: form-encoded fields."""
    fields = {
        "token": "deprecated-verification-token",
        "team_id": TEAM_ID,
        "channel_id": CHANNEL_ID,
        "user_id": USER_ID,
        "command": command,
        "text": text,
        "response_url": response_url,
        "trigger_id": "1.2.3",
        "api_app_id": "A0KRCOACH",
    }
    return urllib.parse.urlencode(fields).encode()


def interaction_body(payload: Mapping[str, Any]) -> bytes:
    """A shortcut or a button click: `payload=<JSON>`, form-encoded."""
    return urllib.parse.urlencode({"payload": json.dumps(payload)}).encode()


def message_shortcut_payload(message_text: str, response_url: str, *, callback_id: str = "coach_key_result") -> Json:
    """The payload of a message shortcut run on a message with this text."""
    return {
        "type": "message_action",
        "callback_id": callback_id,
        "trigger_id": "1.2.3",
        "response_url": response_url,
        "team": {"id": TEAM_ID},
        "channel": {"id": CHANNEL_ID},
        "user": {"id": USER_ID},
        "message_ts": "1700000000.000100",
        "message": {"type": "message", "user": "U0AUTHOR", "ts": "1700000000.000100", "text": message_text},
    }


def button_click_payload(button: Mapping[str, Any], response_url: str, *, message: Json | None = None) -> Json:
    """The payload of a click on `button` (a Block Kit button element); `message` for non-ephemeral messages."""
    payload: Json = {
        "type": "block_actions",
        "trigger_id": "1.2.3",
        "response_url": response_url,
        "team": {"id": TEAM_ID},
        "user": {"id": USER_ID},
        "channel": {"id": CHANNEL_ID},
        "container": {"type": "message", "is_ephemeral": message is None},
        "actions": [
            {
                "type": "button",
                "action_id": button["action_id"],
                "block_id": "b",
                "value": button["value"],
                "text": button["text"],
                "action_ts": "1700000001.000200",
            }
        ],
    }
    if message is not None:
        payload["message"] = message
    return payload


def app_mention_body(text: str, *, ts: str = "1700000000.000300", thread_ts: str | None = None) -> bytes:
    """An Events API `app_mention` callback, as JSON."""
    event: Json = {"type": "app_mention", "user": USER_ID, "text": text, "ts": ts, "channel": CHANNEL_ID}
    if thread_ts:
        event["thread_ts"] = thread_ts
    envelope = {
        "token": "deprecated-verification-token",
        "team_id": TEAM_ID,
        "api_app_id": "A0KRCOACH",
        "type": "event_callback",
        "event_id": f"Ev{ts.replace('.', '')}",
        "event_time": int(time.time()),
        "event": event,
        "authorizations": [{"team_id": TEAM_ID, "user_id": BOT_USER_ID, "is_bot": True}],
    }
    return json.dumps(envelope).encode()


# Loopback servers that record what is POSTed to them.


@dataclass
class Received:
    """One POST: its path, its body read as JSON (or form fields), and its headers."""

    path: str
    body: Json
    headers: dict[str, str] = field(default_factory=dict)


class _Recorder:
    """An HTTP server in a thread that records every POST and answers with `answer(received)`.

    `failing_status` makes it answer that status (with a plain-text body) instead; `delay_s` makes it wait that
    long before answering. `answered` lists the POSTs answered so far.
    """

    def __init__(self) -> None:
        self.received: list[Received] = []
        self.answered: list[Received] = []
        self.failing_status: int | None = None
        self.delay_s = 0.0
        self._changed = threading.Condition()
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                path = urllib.parse.urlsplit(self.path).path
                got = Received(path, _parsed(raw, self.headers.get("Content-Type", "")), dict(self.headers))
                with recorder._changed:
                    recorder.received.append(got)
                    recorder._changed.notify_all()
                time.sleep(recorder.delay_s)
                status, content_type = recorder.failing_status or 200, "application/json"
                answer = json.dumps(recorder.answer(got)).encode()
                if recorder.failing_status is not None:
                    content_type, answer = "text/plain", b"Internal Server Error"
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", content_type)
                    self.send_header("Content-Length", str(len(answer)))
                    self.end_headers()
                    self.wfile.write(answer)
                except OSError:
                    return  # the caller gave up waiting
                with recorder._changed:
                    recorder.answered.append(got)

            def log_message(self, format: str, *args: Any) -> None:
                """Quiet."""

        self._server = ThreadingHTTPServer((HOST, 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self.base_url = f"http://{HOST}:{self._server.server_address[1]}"

    def answer(self, received: Received) -> Json:
        """The JSON answered to a POST."""
        return {"ok": True}

    def start(self) -> None:
        """Start serving."""
        self._thread.start()

    def stop(self) -> None:
        """Stop serving."""
        self._server.shutdown()
        self._server.server_close()

    def at(self, path: str) -> list[Received]:
        """What was POSTed to `path` so far."""
        with self._changed:
            return [r for r in self.received if r.path == path]

    def answered_count(self) -> int:
        """How many POSTs have been answered so far."""
        with self._changed:
            return len(self.answered)

    def wait_at(
        self, path: str, count: int = 1, timeout: float = 10, *, where: Callable[[Received], bool] | None = None
    ) -> list[Received]:
        """Wait until `count` POSTs (those `where` accepts) reached `path`; all of them. Fails on timeout."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while len(found := [r for r in self.received if r.path == path and (not where or where(r))]) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"{len(found)} of {count} POSTs reached {path} within {timeout:g} s")
                self._changed.wait(left)
            return found


class ResponseUrlReceiver(_Recorder):
    """Plays Slack's `response_url` endpoints: `url(name)` is a fresh one per test."""

    def url(self, name: str) -> str:
        """A response_url whose POSTs are recorded under the path `/hooks/<name>`."""
        return f"{self.base_url}/hooks/{name}"


class FakeSlackWebApi(_Recorder):
    """Plays the Slack Web API: `auth.test`, `chat.postMessage`, `chat.postEphemeral`; `api_url` for the settings."""

    @property
    def api_url(self) -> str:
        """The base URL to configure as `KRCOACH_SLACK_API_URL`."""
        return f"{self.base_url}/api/"

    def calls(self, method: str) -> list[Received]:
        """The calls of one method (e.g. `chat.postMessage`) so far."""
        return self.at(f"/api/{method}")

    def wait_in_thread(self, method: str, thread_ts: str, timeout: float = 10) -> Received:
        """The first call of `method` (e.g. `chat.postMessage`) into the thread `thread_ts`, once it came."""
        return self.wait_at(f"/api/{method}", timeout=timeout, where=lambda r: r.body.get("thread_ts") == thread_ts)[0]

    auth_error: str | None = None
    """Set (e.g. `invalid_auth`), `auth.test` answers `{"ok": false, "error": auth_error}` as for a bad token."""

    def answer(self, received: Received) -> Json:
        """What Slack would answer (the parts the app reads)."""
        method = received.path.removeprefix("/api/")
        if method == "auth.test" and self.auth_error:
            return {"ok": False, "error": self.auth_error}
        if method == "auth.test":
            return {"ok": True, "user_id": BOT_USER_ID, "bot_id": "B0KRCOACH", "team_id": TEAM_ID, "user": "krcoach"}
        if method == "chat.postMessage":
            return {"ok": True, "channel": received.body.get("channel"), "ts": "1700000009.000900"}
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": "1700000009.000901"}
        return {"ok": False, "error": f"unknown_method {method}"}


def refusing_api_url() -> str:
    """A Web API base URL on a loopback port nothing listens on: every connection is refused."""
    return f"http://{HOST}:{free_port()}/api/"


def _parsed(raw: bytes, content_type: str) -> Json:
    if content_type.startswith(JSON):
        loaded = json.loads(raw or b"{}")
        return loaded if isinstance(loaded, dict) else {"value": loaded}
    return dict(urllib.parse.parse_qsl(raw.decode()))


@contextmanager
def recording(server: _Recorder) -> Iterator[None]:
    """Serve while inside the block."""
    server.start()
    try:
        yield
    finally:
        server.stop()


# The service, on a real uvicorn in this process (so a test can give it its own coach).


@dataclass
class ThreadedService:
    """A running app; `post` sends a body signed with `secret` (or any headers given)."""

    base_url: str
    secret: str
    http: httpx.Client

    def post(
        self, body: bytes, content_type: str, *, timestamp: int | None = None, secret: str | None = None
    ) -> httpx.Response:
        """POST `body` to `/slack/events`, signed as Slack signs it (with another secret to forge it)."""
        headers = signed_headers(secret or self.secret, body, content_type, timestamp=timestamp)
        return self.http.post(f"{self.base_url}/slack/events", content=body, headers=headers)


@contextmanager
def serving(app: FastAPI, secret: str, startup_timeout: float = 20) -> Iterator[ThreadedService]:
    """Run `app` on uvicorn on a free loopback port in a thread (lifespan included) until the block ends."""
    config = uvicorn.Config(app, host=HOST, port=0, log_config=None, access_log=False, lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + startup_timeout
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    with httpx.Client(timeout=10, trust_env=False) as http:
        try:
            yield ThreadedService(f"http://{HOST}:{port}", secret, http)
        finally:
            server.should_exit = True
            thread.join(timeout=15)
