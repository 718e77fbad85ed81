"""The bot token, verified once at start-up in the background, never on a request's path.

Bolt's own single-workspace authorization calls the Web API (`auth.test`) while a request waits, so a Slack
Web API that is down or slow turned a slash command into a 500 or a late ack. Here `auth.test` runs in a task
started with the service: until it answers, requests are authorised with the token as configured (commands and
shortcuts reply through `response_url`, which needs no token); once it answers, the bot's user id is known.
While the Web API cannot be reached the check is tried again, at growing intervals; a token Slack rejects is
not tried again. `/readyz` reports the state.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum

import aiohttp
from slack_bolt.authorization import AuthorizeResult
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

log = logging.getLogger("krcoach.slack")

RETRY_AFTER_S: Sequence[float] = (1, 2, 5, 10, 30, 60)
"""Waits between checks while the Web API cannot be reached (the last one repeats)."""
CHECK_TIMEOUT_S = 10
_RETRYABLE_ERRORS = frozenset(
    {"ratelimited", "service_unavailable", "fatal_error", "internal_error", "request_timeout"}
)


class TokenState(Enum):
    """Where the start-up check of the bot token stands."""

    PENDING = "pending"
    VERIFIED = "verified"
    UNREACHABLE = "unreachable"
    REJECTED = "rejected"


@dataclass(frozen=True, slots=True)
class BotIdentity:
    """What `auth.test` says about the token."""

    user_id: str | None
    bot_id: str | None
    team_id: str | None


class BotTokenCheck:
    """`auth.test` once at start-up (in the background), and `authorize` for bolt without any network call."""

    def __init__(self, token: str, client: AsyncWebClient, retry_after_s: Sequence[float] = RETRY_AFTER_S) -> None:
        self._token = token
        self._client = client
        self._retry_after_s = retry_after_s
        self.state = TokenState.PENDING
        self.detail = "not checked yet"
        self.identity: BotIdentity | None = None
        self.attempts = 0
        self._task: asyncio.Task[None] | None = None

    @property
    def status(self) -> str:
        """One line for `/readyz`, e.g. `verified (bot UKRCOACH)` or `unreachable: …, trying again`."""
        if self.state is TokenState.VERIFIED and self.identity is not None:
            return f"verified (bot {self.identity.user_id})"
        return f"{self.state.value}: {self.detail}"

    def start(self) -> None:
        """Start the check in the background (on the running event loop)."""
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._verify(), name="slack-auth-test")

    async def stop(self) -> None:
        """Cancel the check if it still runs."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    def authorization(self, enterprise_id: str | None, team_id: str | None, user_id: str | None) -> AuthorizeResult:
        """What bolt's `authorize` answers: the configured token, and the bot's ids once the check has them."""
        identity = self.identity
        return AuthorizeResult(
            enterprise_id=enterprise_id,
            team_id=team_id,
            user_id=user_id,
            bot_token=self._token,
            bot_user_id=identity.user_id if identity else None,
            bot_id=identity.bot_id if identity else None,
        )

    async def _verify(self) -> None:
        waits = iter(self._retry_after_s)
        wait = 0.0
        while True:
            self.attempts += 1
            if await self._check_once():
                return
            wait = next(waits, wait)
            extra = {"retry_in_s": wait, "error": self.detail}
            log.warning("Slack Web API unreachable; checking the bot token again", extra=extra)
            await asyncio.sleep(wait)

    async def _check_once(self) -> bool:
        """One `auth.test`; True when the answer is final (verified or rejected)."""
        try:
            answer = await asyncio.wait_for(self._client.auth_test(), CHECK_TIMEOUT_S)
        except SlackApiError as error:
            data, status = error.response.data, int(error.response.status_code)
            code = str(data.get("error") if isinstance(data, dict) and data.get("error") else f"HTTP {status}")
            if status >= 500 or code in _RETRYABLE_ERRORS:
                self.state, self.detail = TokenState.UNREACHABLE, f"auth.test answered {code}"
                return False
            self.state, self.detail = TokenState.REJECTED, f"auth.test answered {code}"
            log.error("Slack rejected the bot token: mentions cannot be answered", extra={"error": code})
            return True
        except TimeoutError:
            self.state, self.detail = TokenState.UNREACHABLE, f"auth.test gave no answer within {CHECK_TIMEOUT_S} s"
            return False
        except (aiohttp.ClientError, OSError) as error:
            self.state, self.detail = TokenState.UNREACHABLE, f"{type(error).__name__}: {error}"[:200]
            return False
        self.identity = BotIdentity(
            user_id=_text(answer.get("user_id")),
            bot_id=_text(answer.get("bot_id")),
            team_id=_text(answer.get("team_id")),
        )
        self.state, self.detail = TokenState.VERIFIED, "ok"
        log.info("Slack bot token verified", extra={"bot_user_id": self.identity.user_id})
        return True


def _text(value: object) -> str | None:
    return str(value) if value else None
