"""The Slack app (slack-bolt, async), mounted in the service at `/slack/events`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fastapi import FastAPI, Request, Response

from krcoach.api.context import request_id_of
from krcoach.config import Settings

if TYPE_CHECKING:
    from krcoach.slack.bot_token import BotTokenCheck

EVENTS_PATH = "/slack/events"
"""Where Slack sends slash commands, shortcuts, button clicks and events (the manifest's request URL)."""


def install_slack(app: FastAPI, settings: Settings) -> BotTokenCheck | None:
    """Mount the Slack app's endpoint on `app`; each request carries the app's services (the coach) to bolt.

    Returns the bot token's start-up check (None without a token): the lifespan starts and stops it.
    """
    # Imported here: bolt and aiohttp load only when the Slack app is on.
    from slack_bolt.adapter.starlette.async_handler import AsyncSlackRequestHandler  # noqa: PLC0415

    from krcoach.slack.app import REQUEST_ID, SEEN_EVENTS, SERVICES, build_bolt_app, web_api_client  # noqa: PLC0415
    from krcoach.slack.bot_token import BotTokenCheck  # noqa: PLC0415
    from krcoach.slack.seen import SeenEvents  # noqa: PLC0415

    token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None
    check = BotTokenCheck(token, web_api_client(settings, token=token, retries=False)) if token else None
    handler = AsyncSlackRequestHandler(build_bolt_app(settings, check))
    seen = SeenEvents(settings.jobs_db)

    @app.post(EVENTS_PATH, include_in_schema=False)
    async def slack_events(request: Request) -> Response:
        REQUEST_ID.set(request_id_of(request.scope))  # listeners run in copies of this context
        return await handler.handle(request, {SERVICES: request.app.state.services, SEEN_EVENTS: seen})

    return check
