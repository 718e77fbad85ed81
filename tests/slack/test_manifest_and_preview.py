"""The Slack app manifest matches the app, and the README's preview renders the reply people would see."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from krcoach.coach import Coach
from krcoach.slack import EVENTS_PATH
from krcoach.slack.app import MESSAGE_SHORTCUT, SLASH_COMMAND
from krcoach.slack.blocks import coaching_message
from krcoach.slack.inputs import EXAMPLE, okr_set_from_command
from krcoach.slack.preview import mrkdwn_html, preview_html

MANIFEST = Path(__file__).resolve().parents[2] / "slack" / "manifest.yaml"
REQUEST_URL = f"https://YOUR-HOST{EVENTS_PATH}"


def manifest() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(MANIFEST.read_text())
    return loaded


def test_the_manifest_declares_the_command_the_shortcut_and_the_mention_the_app_listens_to() -> None:
    features, settings = manifest()["features"], manifest()["settings"]

    assert [(c["command"], c["url"]) for c in features["slash_commands"]] == [(SLASH_COMMAND, REQUEST_URL)]
    assert [(s["type"], s["callback_id"]) for s in features["shortcuts"]] == [("message", MESSAGE_SHORTCUT)]
    assert settings["event_subscriptions"] == {"request_url": REQUEST_URL, "bot_events": ["app_mention"]}
    assert settings["interactivity"] == {"is_enabled": True, "request_url": REQUEST_URL}


def test_the_manifest_asks_for_the_minimal_bot_scopes() -> None:
    assert sorted(manifest()["oauth_config"]["scopes"]["bot"]) == ["app_mentions:read", "chat:write", "commands"]


def test_the_preview_is_titled_as_a_preview_and_shows_the_reply() -> None:
    analysis = Coach().analyze_now(okr_set_from_command(EXAMPLE.removeprefix("/kr ")))

    page = preview_html(coaching_message(analysis), command=EXAMPLE)

    assert "<title>Preview of a krcoach reply in Slack</title>" in page
    assert "not a screenshot of Slack" in page
    assert "<b>Action-based</b>" in page
    assert "from <code>[baseline]</code> to <code>[target]</code> by 30 June" in page
    assert page.count("<button") == 3 and '<button class="primary">Use this rewrite</button>' in page


def test_preview_mrkdwn_cannot_inject_html() -> None:
    assert mrkdwn_html("*Ship* &lt;script&gt; `x<y`") == "<b>Ship</b> &lt;script&gt; <code>x&lt;y</code>"
