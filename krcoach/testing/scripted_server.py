"""A scripted OpenAI-compatible server on loopback, for tests and benchmarks that inject faults.

It speaks `POST /v1/chat/completions` over real HTTP (FastAPI under uvicorn in a thread), so the real `openai`
client is exercised end to end. Each request is answered by a script: a function of the request body that
returns a `Reply`, a `Fail` (status, body, headers) or a `Drop` (the connection is cut mid-reply).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import multiprocessing
import re
import socket
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from multiprocessing.process import BaseProcess
from typing import Any

import httpx
import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from starlette.types import Receive, Scope, Send


@dataclass(frozen=True, slots=True)
class Reply:
    """A chat completion with this content."""

    content: str | None
    finish_reason: str = "stop"
    refusal: str | None = None
    delay_s: float = 0.0


@dataclass(frozen=True, slots=True)
class Fail:
    """An HTTP error."""

    status: int
    body: dict[str, Any] = field(default_factory=lambda: {"error": {"message": "scripted failure"}})
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0


@dataclass(frozen=True, slots=True)
class Drop:
    """Start a reply, then cut the connection."""


Behaviour = Reply | Fail | Drop
Script = Callable[[dict[str, Any]], Behaviour]


def in_order(*behaviours: Behaviour | Script) -> Script:
    """Answer the n-th request with the n-th behaviour; the last one answers every request after that."""
    counter = itertools.count()

    def script(body: dict[str, Any]) -> Behaviour:
        chosen = behaviours[min(next(counter), len(behaviours) - 1)]
        return chosen(body) if callable(chosen) else chosen

    return script


_DRAFT_RE = re.compile(r"<okr_draft>\s*(?P<draft>.*?)\s*</okr_draft>", re.DOTALL)


def draft_of(body: dict[str, Any]) -> dict[str, Any]:
    """The draft a krcoach prompt carries (the last <okr_draft> of the first user message)."""
    user = next(m["content"] for m in body["messages"] if m["role"] == "user")
    drafts: list[dict[str, Any]] = [json.loads(m.group("draft")) for m in _DRAFT_RE.finditer(user)]
    return drafts[-1]


LabelFor = Callable[[dict[str, Any]], tuple[str, str]]
"""A scripted model's label and reason for a Key Result of the draft."""


def rules_label(key_result: dict[str, Any]) -> tuple[str, str]:
    """The label the draft's diagnosis gives (a Key Result not to rewrite: result): a model that agrees."""
    label = str(key_result.get("diagnosis", "result")).split(" ", 1)[0]
    return label, f"Read the same way as the diagnosis: a {label} Key Result."


def labels_for(draft: dict[str, Any], label: LabelFor = rules_label) -> list[dict[str, str]]:
    """A label entry for every Key Result of the draft."""
    entries = []
    for key_result in draft["key_results"]:
        chosen, reason = label(key_result)
        entries.append({"id": key_result["id"], "label": chosen, "reason": reason})
    return entries


def answer_with(
    proposal: Callable[[dict[str, Any]], str], suggestion: str | None = None, label: LabelFor = rules_label
) -> Script:
    """A script that answers every Key Result to rewrite with `proposal(key_result)` and labels every one."""

    def script(body: dict[str, Any]) -> Behaviour:
        draft = draft_of(body)
        reply = {
            "objective_suggestion": suggestion,
            "key_results": [
                {"id": kr["id"], "proposals": [{"text": proposal(kr), "rationale": "What would change for people."}]}
                for kr in draft["key_results"]
                if kr.get("rewrite", True)
            ],
            "labels": labels_for(draft, label),
        }
        return Reply(json.dumps(reply))

    return script


def good_proposal(key_result: dict[str, Any]) -> str:
    """A result-based rewrite that passes krcoach's checks for any Key Result."""
    return "Share of active customers who renew their subscription, by month: from [baseline] to [target] by [deadline]"


class _DroppedReply(Response):
    """Announces a body, sends part of it, then fails so uvicorn closes the connection."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = [(b"content-type", b"application/json"), (b"content-length", b"4096")]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": b'{"id": "chatcmpl-cut", "choi', "more_body": True})
        raise ConnectionResetError("scripted connection drop")


class ScriptedServer:
    """An OpenAI-compatible server whose answers come from a script; records every request body."""

    def __init__(self, script: Script | Behaviour | Sequence[Behaviour], *, latency_s: float = 0.0) -> None:
        if isinstance(script, Reply | Fail | Drop):
            script = in_order(script)
        self._script = script if callable(script) else in_order(*script)
        self._latency_s = latency_s
        self.requests: list[dict[str, Any]] = []
        self.arrivals: list[float] = []
        """`time.time()` of each chat request's arrival (wall clock: comparable across processes)."""
        self.app = FastAPI()
        self.app.post("/v1/chat/completions")(self._complete)
        self.app.get("/v1/models")(self._models)
        self.app.get("/scripted/requests")(self._request_count)

    async def _request_count(self) -> dict[str, Any]:
        return {"requests": len(self.requests), "arrivals": self.arrivals}

    async def _models(self) -> dict[str, Any]:
        return {"object": "list", "data": [{"id": "scripted", "object": "model"}]}

    async def _complete(self, request: Request) -> Response:
        """Answer as scripted, `latency_s` (+ the behaviour's delay) after the request arrived.

        The reply is built before the wait, so the server's own work is inside the latency, not added to it.
        """
        arrived = time.monotonic()
        self.arrivals.append(time.time())
        body = await request.json()
        self.requests.append(body)
        behaviour = self._script(body)
        reply: Response
        if isinstance(behaviour, Drop):
            reply = _DroppedReply()
        elif isinstance(behaviour, Fail):
            reply = JSONResponse(behaviour.body, status_code=behaviour.status, headers=behaviour.headers)
        else:
            reply = JSONResponse(_completion(body, behaviour))
        remaining = arrived + self._latency_s + getattr(behaviour, "delay_s", 0.0) - time.monotonic()
        if remaining > 0:
            await asyncio.sleep(remaining)
        return reply

    @contextmanager
    def running_in_child(self) -> Iterator[str]:
        """Serve from a forked child process (its own interpreter, so it takes no CPU from the caller's).

        For benchmarks: `requests` stays empty in the parent; `request_count(base_url)` asks the child.
        """
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        config = uvicorn.Config(self.app, log_level="critical", lifespan="off", timeout_keep_alive=30)
        child = multiprocessing.get_context("fork").Process(
            target=uvicorn.Server(config).run, kwargs={"sockets": [sock]}, daemon=True
        )
        child.start()
        base_url = f"http://127.0.0.1:{port}/v1"
        try:
            _wait_until_up(base_url, child)
            yield base_url
        finally:
            child.terminate()
            child.join(timeout=10)
            sock.close()

    @contextmanager
    def running(self) -> Iterator[str]:
        """Serve on a free loopback port in a background thread; yields the base URL (ending in /v1)."""
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        config = uvicorn.Config(self.app, log_level="critical", lifespan="off", timeout_keep_alive=30)
        server = uvicorn.Server(config)
        thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
        thread.start()
        deadline = time.monotonic() + 10
        while not server.started:
            if time.monotonic() > deadline or not thread.is_alive():
                raise RuntimeError("the scripted server did not start")
            time.sleep(0.01)
        try:
            yield f"http://127.0.0.1:{port}/v1"
        finally:
            server.should_exit = True
            thread.join(timeout=10)
            sock.close()


def request_count(base_url: str) -> int:
    """How many chat completions a scripted server (possibly in a child process) has been asked for."""
    return len(arrivals(base_url))


def arrivals(base_url: str) -> list[float]:
    """When each chat completion request reached a scripted server (possibly in a child process), wall clock."""
    with httpx.Client(trust_env=False, timeout=5) as http:
        times: list[float] = http.get(base_url.removesuffix("/v1") + "/scripted/requests").json()["arrivals"]
        return times


def _wait_until_up(base_url: str, child: BaseProcess) -> None:
    deadline = time.monotonic() + 10
    with httpx.Client(trust_env=False, timeout=1) as http:
        while time.monotonic() < deadline and child.is_alive():
            try:
                if http.get(f"{base_url}/models").status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.02)
    raise RuntimeError("the scripted server did not start")


def _completion(body: dict[str, Any], reply: Reply) -> dict[str, Any]:
    prompt_chars = sum(len(m.get("content") or "") for m in body.get("messages", []))
    message: dict[str, Any] = {"role": "assistant", "content": reply.content}
    if reply.refusal is not None:
        message["refusal"] = reply.refusal
    return {
        "id": "chatcmpl-scripted",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": body.get("model", "scripted"),
        "choices": [{"index": 0, "message": message, "finish_reason": reply.finish_reason}],
        "usage": {
            "prompt_tokens": prompt_chars // 4,
            "completion_tokens": len(reply.content or "") // 4,
            "total_tokens": prompt_chars // 4 + len(reply.content or "") // 4,
        },
    }
