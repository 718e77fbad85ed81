"""One chat call over an OpenAI-compatible API, with failures mapped onto `krcoach.llm.errors`.

The transport is the seam tests replace: `OpenAITransport` speaks HTTP through the official SDK (which sends
through `httpx2`), `RetryingTransport` (in `retry.py`) wraps any transport with backoff.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Any, Protocol

import openai

from krcoach.llm.errors import (
    CallTimeout,
    ConfigurationError,
    ConnectionFailed,
    OutputModeRejected,
    RateLimited,
    RequestRejected,
    ServerError,
)

Message = dict[str, str]

_KEEPALIVE_S = 4.0
"""Below the HTTP client's keep-alive expiry (5 s): a pool that answered this recently still has its connections."""


@dataclass(frozen=True, slots=True)
class ChatRequest:
    """What one call asks."""

    model: str
    messages: list[Message]
    response_format: dict[str, Any] | None = None
    max_tokens: int = 1200
    temperature: float = 0.2
    timeout_s: float = 60.0
    deadline: float | None = None
    """`time.monotonic()` after which no further attempt starts (retries and re-asks included)."""


@dataclass(slots=True)
class ChatReply:
    """What one call returned, and what it cost."""

    content: str | None
    finish_reason: str | None = "stop"
    refusal: str | None = None
    prompt_tokens: int = 0
    completion_tokens: int = 0
    latency_ms: float = 0.0
    attempts: int = 1
    extra: dict[str, Any] = field(default_factory=dict)


class ChatTransport(Protocol):
    """Anything that answers a chat request."""

    async def complete(self, request: ChatRequest) -> ChatReply:
        """One reply, or an `LLMError`."""
        ...


class OpenAITransport:
    """Chat completions through the official `openai` client, its own retries off (ours are in `retry.py`)."""

    def __init__(self, *, base_url: str | None, api_key: str | None) -> None:
        self._client = openai.AsyncOpenAI(base_url=base_url, api_key=api_key or "not-needed", max_retries=0)
        self._last_reply: float | None = None
        """`time.monotonic()` of the last answer over the pool (None: nothing sent yet)."""

    async def warm_up(self, connections: int, timeout_s: float = 2.0) -> None:
        """Open `connections` connections before a batch, when the pool is cold: that many concurrent `GET /models`.

        A batch's first calls then go out at once instead of each waiting for its connection (and TLS handshake)
        while the CPU is busy preparing the others. Nothing happens when the pool answered within its keep-alive
        (the connections are still open); failures are ignored (the calls report their own).
        """
        if self._last_reply is not None and time.monotonic() - self._last_reply < _KEEPALIVE_S:
            return

        async def one() -> None:
            with contextlib.suppress(openai.OpenAIError):
                await self._client.models.list(timeout=timeout_s)

        await asyncio.gather(*(one() for _ in range(max(0, connections))))
        self._last_reply = time.monotonic()

    async def probe(self, timeout_s: float = 5.0) -> None:
        """Raise an `LLMError` unless the endpoint answers (`GET /models`; a 404 still proves it is there)."""
        try:
            await self._client.models.list(timeout=timeout_s)
        except openai.NotFoundError:
            return
        except openai.APITimeoutError as error:
            raise CallTimeout(f"no answer within {timeout_s:g} s") from error
        except openai.APIConnectionError as error:
            raise ConnectionFailed(f"connection failed: {error}") from error
        except openai.APIStatusError as error:
            raise _status_error(error) from error

    async def complete(self, request: ChatRequest) -> ChatReply:
        """Send the request; map SDK exceptions to the krcoach hierarchy."""
        extra: dict[str, Any] = {}
        if request.response_format is not None:
            # sent as it is: the SDK would walk the whole JSON schema of every request to transform nothing
            extra["extra_body"] = {"response_format": request.response_format}
        started = time.perf_counter()
        try:
            completion = await self._client.chat.completions.create(
                model=request.model,
                messages=request.messages,  # type: ignore[arg-type]
                max_tokens=request.max_tokens,
                temperature=request.temperature,
                timeout=request.timeout_s,
                **extra,
            )
        except openai.APITimeoutError as error:
            raise CallTimeout(f"no reply within {request.timeout_s:g} s") from error
        except openai.APIConnectionError as error:
            raise ConnectionFailed(f"connection failed: {error}") from error
        except openai.APIStatusError as error:
            raise _status_error(error) from error
        latency = (time.perf_counter() - started) * 1000
        self._last_reply = time.monotonic()
        if not completion.choices:
            raise ServerError("the server returned no choices")
        choice = completion.choices[0]
        usage = completion.usage
        return ChatReply(
            content=choice.message.content,
            finish_reason=choice.finish_reason,
            refusal=getattr(choice.message, "refusal", None),
            prompt_tokens=usage.prompt_tokens if usage else 0,
            completion_tokens=usage.completion_tokens if usage else 0,
            latency_ms=latency,
        )

    async def close(self) -> None:
        """Close the connection pool."""
        await self._client.close()


def _status_error(error: openai.APIStatusError) -> Exception:
    status = error.status_code
    body = _body_text(error)
    if "response_format" in body and status in {400, 422, 500}:
        return OutputModeRejected(
            f"the server rejected the requested response_format (HTTP {status}: {body[:200]}); "
            "set KRCOACH_LLM_OUTPUT_MODE to another mode (json_object for llama.cpp servers, prompt otherwise)"
        )
    if status == 429:
        return RateLimited(f"rate limited (HTTP 429): {body[:200]}", retry_after=retry_after_seconds(error))
    if status >= 500:
        return ServerError(f"server error (HTTP {status}): {body[:200]}")
    if status in {401, 403}:
        return ConfigurationError(f"the server refused the credentials (HTTP {status}); check KRCOACH_LLM_API_KEY")
    if status == 404:
        return ConfigurationError(
            f"not found (HTTP 404: {body[:200]}); check KRCOACH_LLM_BASE_URL and KRCOACH_LLM_MODEL"
        )
    return RequestRejected(f"the server rejected the request (HTTP {status}): {body[:200]}")


def _body_text(error: openai.APIStatusError) -> str:
    try:
        return error.response.text
    except Exception:  # a streamed or closed body
        return str(error.message)


def retry_after_seconds(error: openai.APIStatusError) -> float | None:
    """The wait a 429 asks for: `retry-after-ms`, `Retry-After` in seconds, or as an HTTP date."""
    headers = error.response.headers
    milliseconds = headers.get("retry-after-ms")
    if milliseconds:
        try:
            return max(0.0, float(milliseconds) / 1000)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        try:
            return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
        except (TypeError, ValueError):
            return None
