"""A prompt and a schema in, a validated pydantic object out: parse, validate, check, re-ask with the errors.

Transport retries happen below (`retry.py`); this layer re-asks only when a reply arrived but cannot be used:
broken JSON, a schema violation, a cut-off reply, or an object that fails the caller's checks.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ValidationError

from krcoach.llm.errors import ReplyRefused
from krcoach.llm.slots import hand_back, requests_sent
from krcoach.llm.transport import ChatReply, ChatRequest, ChatTransport, Message

T = TypeVar("T", bound=BaseModel)
Check = Callable[[T], list[str]]
"""Problems with a schema-valid object (empty when it can be used)."""

_FENCE_RE = re.compile(r"^\s*```(?:json)?\s*(?P<body>.*?)\s*```\s*$", re.DOTALL)


SchemaError = tuple[tuple[str | int, ...], str]
"""Where in the reply validation failed, and why (pydantic's location and message, never the input)."""


@dataclass(frozen=True, slots=True)
class Attempt(Generic[T]):
    """One reply that arrived, as read: the object (when it validated), its problems, and for a reply that did not
    match the schema, the parsed JSON and where it failed (so the caller can tell which part was rejected)."""

    value: T | None
    problems: tuple[str, ...]
    data: Any = None
    schema_errors: tuple[SchemaError, ...] = ()


@dataclass(slots=True)
class Outcome(Generic[T]):
    """The last usable object (if any), what is still wrong with it, and what it took."""

    value: T | None = None
    problems: list[str] = field(default_factory=list)
    calls: int = 0
    """Model calls that returned a reply (transport retries not counted)."""
    transport_attempts: int = 0
    reasks: int = 0
    first_try_valid: bool = False
    """The first reply passed validation and the checks."""
    first_try_schema_valid: bool = False
    """The first reply parsed and matched the schema (the checks aside)."""
    latencies_ms: list[float] = field(default_factory=list)
    prompt_tokens: int = 0
    completion_tokens: int = 0
    latency_ms: float = 0.0
    raw: str | None = None
    """The text of the reply the value came from."""
    attempts: list[Attempt[T]] = field(default_factory=list)
    """Every reply read, in order (a refused reply, or a call that failed, adds none)."""

    def add(self, reply: ChatReply) -> None:
        """Count one reply's cost."""
        self.calls += 1
        self.transport_attempts += reply.attempts
        self.prompt_tokens += reply.prompt_tokens
        self.completion_tokens += reply.completion_tokens
        self.latency_ms += reply.latency_ms
        self.latencies_ms.append(reply.latency_ms)


@dataclass(frozen=True, slots=True)
class StructuredCaller:
    """Asks a transport for an object of a pydantic type, re-asking up to `max_reasks` times."""

    transport: ChatTransport
    model: str
    max_reasks: int = 2
    max_tokens: int = 1200
    temperature: float = 0.2
    timeout_s: float = 60.0
    deadline_s: float = 180.0

    async def ask(
        self,
        messages: list[Message],
        output: type[T],
        response_format: dict[str, object] | None,
        check: Check[T] | None = None,
        outcome: Outcome[T] | None = None,
    ) -> Outcome[T]:
        """Call until an object passes validation and `check`, or the re-asks run out.

        Raises transport errors (after retries) and `ReplyRefused`; a reply that is still wrong after the last
        re-ask is returned with its problems, so the caller can keep what is good and fall back for the rest.
        Pass `outcome` to keep the cost counted when an error is raised.
        """
        outcome = outcome if outcome is not None else Outcome()
        try:
            await self._converse(messages, output, response_format, check, outcome)
        finally:
            handed_back = hand_back()  # the run's slot goes to the next Objective (see slots.py)
        if handed_back:
            await requests_sent()
        return outcome

    async def _converse(
        self,
        messages: list[Message],
        output: type[T],
        response_format: dict[str, object] | None,
        check: Check[T] | None,
        outcome: Outcome[T],
    ) -> None:
        conversation = list(messages)
        deadline = time.monotonic() + self.deadline_s
        for attempt in range(self.max_reasks + 1):
            request = ChatRequest(
                model=self.model,
                messages=conversation,
                response_format=response_format,
                max_tokens=self.max_tokens,
                temperature=self.temperature,
                timeout_s=self.timeout_s,
                deadline=deadline,
            )
            reply = await self.transport.complete(request)
            outcome.add(reply)
            if reply.refusal:
                raise ReplyRefused(f"the model refused: {reply.refusal[:200]}")
            attempt_read = _read(reply, output, check)
            outcome.attempts.append(attempt_read)
            value, problems = attempt_read.value, list(attempt_read.problems)
            if value is not None:
                outcome.value, outcome.raw = value, reply.content
                outcome.first_try_schema_valid = outcome.first_try_schema_valid or attempt == 0
            outcome.problems = problems
            if not problems:
                outcome.first_try_valid = attempt == 0
                return
            if attempt < self.max_reasks:
                outcome.reasks += 1
                conversation = [*conversation, *_reask(reply, problems)]


def _read(reply: ChatReply, output: type[T], check: Check[T] | None) -> Attempt[T]:
    if reply.finish_reason == "length":
        return Attempt(
            None, ("the reply was cut off at the token limit: answer again, shorter (fewer, shorter proposals)",)
        )
    text = (reply.content or "").strip()
    fenced = _FENCE_RE.match(text)
    if fenced:
        text = fenced.group("body")
    if not text:
        return Attempt(None, ("the reply was empty: answer with the JSON object",))
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        return Attempt(
            None, (f"the reply is not valid JSON ({error.msg} at line {error.lineno} column {error.colno})",)
        )
    except (ValueError, RecursionError):  # an integer of thousands of digits, or nesting deeper than Python's stack
        return Attempt(
            None, ("the reply is not JSON this service can read (a huge number or deep nesting): answer again",)
        )
    try:
        value = output.model_validate(data)
    except ValidationError as error:
        details = error.errors(include_url=False)
        located = tuple((tuple(e.get("loc", ())), str(e.get("msg", "invalid"))) for e in details[:50])
        return Attempt(None, tuple(_described(e) for e in details)[:12], data, located)
    except RecursionError:
        return Attempt(None, ("the reply nests too deeply: answer with the JSON object the schema describes",))
    return Attempt(value, tuple(check(value) if check else ()))


def _described(error: object) -> str:
    details = error if isinstance(error, dict) else {}
    where = ".".join(str(part) for part in details.get("loc", ())) or "the reply"
    return f"{where}: {details.get('msg', 'invalid')}"


def _reask(reply: ChatReply, problems: list[str]) -> list[Message]:
    listed = "\n".join(f"- {problem}" for problem in problems)
    return [
        {"role": "assistant", "content": (reply.content or "")[:4000]},
        {
            "role": "user",
            "content": "Your answer cannot be used yet:\n"
            f"{listed}\n"
            "Answer again with the complete JSON object, fixing every point above.",
        },
    ]
