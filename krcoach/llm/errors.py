"""What can go wrong talking to a model, as a small hierarchy.

LLMError
├── TransientError        retried with backoff (the transport layer)
│   ├── RateLimited       429, with the server's Retry-After when it gave one
│   ├── ServerError       5xx
│   ├── CallTimeout       no reply within the call timeout
│   └── ConnectionFailed  refused, reset or dropped connection
├── ConfigurationError    never retried: fix a setting (the message names it)
│   └── OutputModeRejected  the server refuses the configured response_format
├── RequestRejected       another 4xx: never retried
├── ReplyError            a reply that cannot be used (the offline engine answers)
│   └── ReplyRefused      the model refused (not re-asked)
└── DeadlineExceeded      the overall time for one Objective ran out
"""

from __future__ import annotations


class LLMError(Exception):
    """Base of every model-layer error."""


class TransientError(LLMError):
    """A failure worth retrying."""


class RateLimited(TransientError):
    """HTTP 429. `retry_after` is the server's wait in seconds, when it said one."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class ServerError(TransientError):
    """HTTP 5xx."""


class CallTimeout(TransientError):
    """The call took longer than its timeout."""


class ConnectionFailed(TransientError):
    """The connection could not be made or was cut."""


class ConfigurationError(LLMError):
    """The configuration cannot work with this server; the message names the setting to change."""


class OutputModeRejected(ConfigurationError):
    """The server rejected the structured-output mode (`KRCOACH_LLM_OUTPUT_MODE`)."""


class RequestRejected(LLMError):
    """A 4xx other than 429: retrying the same request cannot help."""


class ReplyError(LLMError):
    """The reply cannot be used as it is."""


class ReplyRefused(ReplyError):
    """The model refused to answer."""


class DeadlineExceeded(LLMError):
    """The overall deadline passed before a usable reply."""
