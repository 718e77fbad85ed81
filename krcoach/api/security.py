"""Who is calling: optional API keys (`Authorization: Bearer`) and a per-caller rate limit (token bucket)."""

from __future__ import annotations

import hashlib
import hmac
import math
import time
from dataclasses import dataclass, field

from pydantic import SecretStr

from krcoach.api.problems import ProblemError


class ApiKeys:
    """The accepted keys; with none configured the API is open (local use) and callers are told apart by address."""

    def __init__(self, keys: list[SecretStr]) -> None:
        self._digests = [hashlib.sha256(key.get_secret_value().encode()).digest() for key in keys]

    @property
    def required(self) -> bool:
        """True when a key must be presented."""
        return bool(self._digests)

    def caller(self, authorization: str | None, client_address: str) -> str:
        """A stable, non-secret name for the caller; 401 when a key is required and missing or wrong."""
        if not self.required:
            return f"address:{client_address}"
        scheme, _, token = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise ProblemError(
                401,
                "Not authenticated",
                "Send `Authorization: Bearer <API key>`.",
                kind="unauthenticated",
                headers={"WWW-Authenticate": "Bearer"},
            )
        digest = hashlib.sha256(token.strip().encode()).digest()
        if not any(hmac.compare_digest(digest, known) for known in self._digests):
            raise ProblemError(
                401, "Not authenticated", "The API key is not valid.", kind="unauthenticated",
                headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
            )  # fmt: skip
        return "key:" + digest.hex()[:12]


@dataclass(slots=True)
class _Bucket:
    tokens: float
    updated: float = field(default_factory=time.monotonic)


class RateLimiter:
    """`per_minute` requests a minute per caller, with bursts up to the same number (a token bucket)."""

    def __init__(self, per_minute: int, *, max_callers: int = 100_000) -> None:
        self._capacity = float(per_minute)
        self._rate = per_minute / 60.0
        self._buckets: dict[str, _Bucket] = {}
        self._max_callers = max_callers

    def check(self, caller: str) -> None:
        """Take one token for the caller, or raise 429 with the seconds until one is free."""
        now = time.monotonic()
        bucket = self._buckets.get(caller)
        if bucket is None:
            if len(self._buckets) >= self._max_callers:
                self._buckets.clear()  # bounded memory; forgetting callers only ever lets more through
            bucket = self._buckets[caller] = _Bucket(self._capacity, now)
        bucket.tokens = min(self._capacity, bucket.tokens + (now - bucket.updated) * self._rate)
        bucket.updated = now
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            return
        wait = math.ceil((1 - bucket.tokens) / self._rate)
        raise ProblemError(
            429,
            "Too many requests",
            f"Rate limit of {int(self._capacity)} requests a minute reached; retry in {wait} s.",
            kind="rate-limited",
            headers={"Retry-After": str(wait)},
        )
