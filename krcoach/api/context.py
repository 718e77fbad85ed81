"""Per-request context kept in the ASGI scope: the request id, set by the middleware, read by handlers and logs."""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

REQUEST_ID_KEY = "krcoach.request_id"


def request_id_of(scope: MutableMapping[str, Any]) -> str | None:
    """The request id the middleware gave this request (None outside a request)."""
    value = scope.get(REQUEST_ID_KEY)
    return value if isinstance(value, str) else None
