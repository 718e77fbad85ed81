"""The Slack app (slack-bolt, async), mounted in the service at `/slack/events`."""

from __future__ import annotations

from fastapi import FastAPI, Request, Response

from krcoach.config import Settings

EVENTS_PATH = "/slack/events"
"""Where Slack sends slash commands, shortcuts, button clicks and events (the manifest's request URL)."""


def install_slack(app: FastAPI, settings: Settings) -> None:
    """Mount the Slack app's endpoint on `app`; each request carries the app's services (the coach) to bolt."""
    # Imported here: bolt and aiohttp load only when the Slack app is on.
    from slack_bolt.adapter.starlette.async_handler import AsyncSlackRequestHandler  # noqa: PLC0415

    from krcoach.slack.app import SEEN_EVENTS, SERVICES, build_bolt_app  # noqa: PLC0415
    from krcoach.slack.seen import SeenEvents  # noqa: PLC0415

    handler = AsyncSlackRequestHandler(build_bolt_app(settings))
    seen = SeenEvents(settings.jobs_db)

    @app.post(EVENTS_PATH, include_in_schema=False)
    async def slack_events(request: Request) -> Response:
        return await handler.handle(request, {SERVICES: request.app.state.services, SEEN_EVENTS: seen})
