"""The Slack transport: bolt (async) listeners that only translate: Slack payload → OKRSet → coach → Block Kit.

Every listener acknowledges first (Slack waits 3 seconds at most) and does the work after, replying through the
payload's `response_url` (command, shortcut, buttons) or `chat.postMessage` in the thread (app mentions).
Bolt checks every request's signature and timestamp before any listener runs.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable, Mapping
from contextvars import ContextVar
from typing import Any, TypeVar

import aiohttp
from slack_bolt.async_app import AsyncApp
from slack_bolt.authorization import AuthorizeResult
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from krcoach.api import metrics
from krcoach.api.deps import Services
from krcoach.config import Settings
from krcoach.domain.analysis import SetAnalysis
from krcoach.domain.okr import OKRSet
from krcoach.slack.blocks import SHOW_OKRA, USE_REWRITE, SlackMessage, coaching_message, okra_message
from krcoach.slack.bot_token import BotTokenCheck
from krcoach.slack.choices import message_with_choice
from krcoach.slack.inputs import SlackInputError, okr_set_from_command, okr_set_from_message
from krcoach.slack.seen import SeenEvents
from krcoach.slack.values import ButtonValueError, decode_okra, decode_rewrite

log = logging.getLogger("krcoach.slack")

SLASH_COMMAND = "/kr"
MESSAGE_SHORTCUT = "coach_key_result"
SERVICES = "krcoach_services"
"""The context key under which each request carries this app's `Services` (the coach lives there)."""
SEEN_EVENTS = "krcoach_seen_events"
"""The context key of the `SeenEvents` record (a retried event is answered once)."""
WEB_API_TIMEOUT_S = 10
"""Longest wait for one Web API call (a reply in a thread); slack_sdk's default is 30 s."""
REQUEST_ID: ContextVar[str | None] = ContextVar("krcoach_slack_request_id", default=None)
"""The service's id of the request Slack sent (its `X-Request-ID`); listeners log it (they run in its context)."""
UNEXPECTED = "Sorry, something went wrong on krcoach's side. Nothing was changed; the details are in its log."
STALE_BUTTON = "That button comes from an older message I can no longer read. Ask me again."

T = TypeVar("T")
Reply = Callable[[SlackMessage], Awaitable[None]]
Notify = Callable[[str], Awaitable[None]]


class CoachError(Exception):
    """The engine failed; `str(error)` is the short message for the person."""


def build_bolt_app(settings: Settings, bot_token: BotTokenCheck | None = None) -> AsyncApp:
    """The bolt app: its listeners, the signing secret, a Web API client on `settings.slack_api_url`.

    Authorization never calls the Web API: with a bot token, `bot_token` (checked once, in the background)
    answers it; without one, commands, shortcuts and buttons still work (they reply through response_url).
    """
    if settings.slack_signing_secret is None:
        raise ValueError("the Slack app needs KRCOACH_SLACK_SIGNING_SECRET")
    bolt = AsyncApp(
        signing_secret=settings.slack_signing_secret.get_secret_value(),
        client=web_api_client(settings),
        authorize=_authorize_with(bot_token),
        logger=logging.getLogger("krcoach.slack.bolt"),
    )
    bolt.command(SLASH_COMMAND)(on_kr_command)
    bolt.message_shortcut(MESSAGE_SHORTCUT)(on_message_shortcut)
    bolt.event("app_mention")(on_app_mention)
    bolt.action(re.compile(rf"^{re.escape(USE_REWRITE)}:"))(on_use_rewrite)
    bolt.action(SHOW_OKRA)(on_show_okra)
    return bolt


def web_api_client(settings: Settings, *, token: str | None = None, retries: bool = True) -> AsyncWebClient:
    """A Web API client on `settings.slack_api_url` whose calls give up after 10 s (bolt sets the token per request).

    With `retries`, a refused connection is tried once more (slack_sdk's default); nothing else is retried.
    """
    base_url = settings.slack_api_url if settings.slack_api_url.endswith("/") else settings.slack_api_url + "/"
    client = AsyncWebClient(token=token, base_url=base_url, timeout=WEB_API_TIMEOUT_S)
    if not retries:
        client.retry_handlers = []
    return client


def _authorize_with(bot_token: BotTokenCheck | None) -> Callable[..., Awaitable[AuthorizeResult]]:
    async def authorize(enterprise_id: str | None, team_id: str | None, user_id: str | None) -> AuthorizeResult:
        if bot_token is None:
            return AuthorizeResult(enterprise_id=enterprise_id, team_id=team_id, user_id=user_id)
        return bot_token.authorization(enterprise_id, team_id, user_id)

    return authorize


async def on_kr_command(
    ack: AsyncAck, command: dict[str, Any], respond: AsyncRespond, context: AsyncBoltContext
) -> None:
    """`/kr <Key Result> | <Objective>`: bad input is answered in the acknowledgement; the coaching follows."""
    try:
        okr_set = okr_set_from_command(str(command.get("text") or ""))
    except SlackInputError as error:
        await ack(text=str(error), response_type="ephemeral")
        return
    await ack()
    await _coach(okr_set, context, _responder(respond), _ephemeral(respond))


async def on_message_shortcut(
    ack: AsyncAck, shortcut: dict[str, Any], respond: AsyncRespond, context: AsyncBoltContext
) -> None:
    """ "Coach this Key Result" on a message: its text is one Key Result, or a set."""
    await ack()
    text = str((shortcut.get("message") or {}).get("text") or "")
    notify = _ephemeral(respond)
    try:
        okr_set = okr_set_from_message(text, context.bot_user_id)
    except SlackInputError as error:
        await notify(str(error))
        return
    await _coach(okr_set, context, _responder(respond), notify)


async def on_app_mention(event: dict[str, Any], body: dict[str, Any], context: AsyncBoltContext) -> None:
    """A mention with a pasted set (bolt acknowledges events itself): the review goes to the thread.

    Slack re-sends an event it believes lost; a repeat of an event already taken on is ignored.
    """
    seen: SeenEvents | None = context.get(SEEN_EVENTS)
    if seen is not None and body.get("event_id") and not seen.first_time(str(body["event_id"])):
        log.info("ignored a repeated Slack event", extra={"event_id": body["event_id"]})
        return
    client = context.client
    channel, thread = str(event["channel"]), str(event.get("thread_ts") or event["ts"])

    async def reply(message: SlackMessage) -> None:
        await client.chat_postMessage(channel=channel, thread_ts=thread, text=message.text, blocks=message.blocks)

    async def notify(text: str) -> None:
        if user := event.get("user"):
            await client.chat_postEphemeral(channel=channel, user=str(user), thread_ts=thread, text=text)

    try:
        okr_set = okr_set_from_message(str(event.get("text") or ""), context.bot_user_id or _bot_user(body))
    except SlackInputError as error:
        await _guarded(notify, str(error))
        return
    await _coach(okr_set, context, reply, notify)


async def on_use_rewrite(ack: AsyncAck, action: dict[str, Any], body: dict[str, Any], respond: AsyncRespond) -> None:
    """ "Use this rewrite": the message is replaced with the chosen rewrite (the Action kept)."""
    await ack()
    try:
        choice = decode_rewrite(str(action.get("value") or ""))
    except ButtonValueError:
        await _ephemeral(respond)(STALE_BUTTON)
        return
    message = message_with_choice((body.get("message") or {}).get("blocks"), choice)
    await _guarded(_responder(respond, replace_original=True), message)


async def on_show_okra(ack: AsyncAck, action: dict[str, Any], respond: AsyncRespond) -> None:
    """ "Show the OKRA set": posts the OKRA view the button carries."""
    await ack()
    try:
        snapshot = decode_okra(str(action.get("value") or ""))
    except ButtonValueError:
        await _ephemeral(respond)(STALE_BUTTON)
        return
    await _guarded(_responder(respond), okra_message(snapshot))


async def _coach(okr_set: OKRSet, context: AsyncBoltContext, reply: Reply, notify: Notify) -> None:
    """Analyse the set and reply; bad input and failures reach the person as a short message."""
    services: Services = context[SERVICES]
    try:
        analysis = await _analyze(services, okr_set, f"slack:{context.team_id}:{context.user_id}")
    except (SlackInputError, CoachError) as error:
        await _guarded(notify, str(error))
        return
    try:
        await reply(coaching_message(analysis))
    except Exception as error:
        log.exception("could not post the coaching reply", extra=_about(error))
        if not _slack_unreachable(error):  # else the notice would fail the same way: nothing is tried again
            await _guarded(notify, UNEXPECTED)


async def _analyze(services: Services, okr_set: OKRSet, caller: str) -> SetAnalysis:
    """The analysis within the Slack user's model budget (once it is spent, the offline engine answers)."""
    size = sum(len(objective.key_results) for objective in okr_set.objectives)
    limit = services.settings.max_sync_key_results
    if size > limit:
        raise SlackInputError(f"That is {size} Key Results; I coach at most {limit} at once in Slack.")
    coach = services.coach
    allowance = services.budget.allowance(caller) if services.budget.enabled and coach.uses_model else None
    try:
        analysis = await coach.analyze(okr_set, allowance=allowance)
    except Exception:
        log.exception("the coach failed", extra={"engine": coach.engine_name})
        raise CoachError(
            f"Sorry, the coach could not answer: the `{coach.engine_name}` engine failed. Try again in a minute."
        ) from None
    metrics.record_usage(analysis.meta.engine, analysis.meta.usage, analysis.key_results())
    return analysis


def _responder(respond: AsyncRespond, *, replace_original: bool = False) -> Reply:
    async def reply(message: SlackMessage) -> None:
        response = await respond(
            text=message.text,
            blocks=message.blocks,
            response_type="ephemeral",
            replace_original=replace_original,
        )
        if response.status_code != 200:
            raise RuntimeError(f"response_url answered {response.status_code}: {response.body[:200]}")

    return reply


def _ephemeral(respond: AsyncRespond) -> Notify:
    async def notify(text: str) -> None:
        await respond(text=text, response_type="ephemeral", replace_original=False)

    return notify


async def _guarded(send: Callable[[T], Awaitable[None]], what: T) -> None:
    """Send, logging (never raising) when Slack refuses: there is nobody left to tell."""
    try:
        await send(what)
    except (SlackApiError, aiohttp.ClientError, OSError, RuntimeError, ValueError, TimeoutError) as error:
        log.exception("could not reply in Slack", extra=_about(error))


def _about(error: BaseException) -> dict[str, object]:
    """Log fields: the request id (to find the request Slack sent) and the failure in one line."""
    return {"request_id": REQUEST_ID.get(), "error": f"{type(error).__name__}: {error}"[:300]}


def _slack_unreachable(error: BaseException) -> bool:
    """The Web API or response_url could not be reached, timed out, or answered a server error."""
    if isinstance(error, SlackApiError):
        return int(error.response.status_code) >= 500
    return isinstance(error, aiohttp.ClientError | OSError | TimeoutError)


def _bot_user(body: Mapping[str, Any]) -> str | None:
    """The bot's user id from an event's `authorizations` (when bolt has no `auth.test` answer)."""
    authorizations = body.get("authorizations") or [{}]
    found = authorizations[0].get("user_id")
    return str(found) if found else None
