"""The Slack app (slack-bolt, async), mounted in the service at `/slack/events`."""

from __future__ import annotations

from fastapi import FastAPI

from krcoach.config import Settings


def install_slack(app: FastAPI, settings: Settings) -> None:
    """Mount the Slack app's endpoint on `app`."""
    raise NotImplementedError("the Slack app is being written")
