"""Slack's Web API refusing connections, answering 500, or answering after 5 s: commands and shortcuts are still
acknowledged at once and coached through response_url; the bot token is checked once, at start-up, off the
request path; a mention whose reply cannot be posted is logged with the request id and not tried again."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

import httpx
import pytest

from krcoach.api.app import create_app
from krcoach.coach import Coach
from krcoach.config import Settings
from krcoach.testing.slack import (
    FORM,
    JSON,
    FakeSlackWebApi,
    ResponseUrlReceiver,
    ThreadedService,
    app_mention_body,
    command_body,
    interaction_body,
    message_shortcut_payload,
    recording,
    refusing_api_url,
    serving,
)
from tests.slack.conftest import BOT_TOKEN, SIGNING_SECRET
from tests.slack.test_slack_app import EXAMPLE_KR, EXAMPLE_OBJECTIVE, PASTED_SET

ACK_WITHIN_S = 1.0
SLOW_WEB_API_S = 5.0
BEHAVIOURS = ["refusing connections", "answering 500", "answering after 5 s"]
ServiceOn = Callable[[str], AbstractContextManager[ThreadedService]]


@pytest.fixture
def failing_web_api() -> Iterator[FakeSlackWebApi]:
    """A Web API double of its own (each test sets how it fails)."""
    server = FakeSlackWebApi()
    with recording(server):
        yield server


@pytest.fixture
def service_on(tmp_path: Path) -> ServiceOn:
    """Starts the service with the Slack app, its bot token and the Web API at the URL given."""

    @contextmanager
    def start(api_url: str) -> Iterator[ThreadedService]:
        settings = Settings(
            engine="rules",
            jobs_db=tmp_path / "jobs.sqlite3",
            slack_signing_secret=SIGNING_SECRET,
            slack_bot_token=BOT_TOKEN,
            slack_api_url=api_url,
        )
        with serving(create_app(settings, coach=Coach()), SIGNING_SECRET) as service:
            yield service

    return start


def web_api_url(api: FakeSlackWebApi, behaviour: str) -> str:
    """Make the double behave so; its URL (or one nothing listens on, to refuse connections)."""
    if behaviour == "refusing connections":
        return refusing_api_url()
    if behaviour == "answering 500":
        api.failing_status = 500
    else:
        api.delay_s = SLOW_WEB_API_S
    return api.api_url


def started_checking(api: FakeSlackWebApi, behaviour: str) -> None:
    """Wait until the service's start-up token check has reached the double (when it can be reached)."""
    if behaviour != "refusing connections":
        api.wait_at("/api/auth.test")


@pytest.mark.parametrize("behaviour", BEHAVIOURS)
def test_kr_is_acknowledged_within_a_second_and_coached_through_the_response_url_whatever_the_web_api_does(
    behaviour: str, service_on: ServiceOn, failing_web_api: FakeSlackWebApi, receiver: ResponseUrlReceiver
) -> None:
    with service_on(web_api_url(failing_web_api, behaviour)) as service:
        started_checking(failing_web_api, behaviour)
        started = time.monotonic()
        name = "kr-" + behaviour.replace(" ", "-")
        response = service.post(command_body(f"{EXAMPLE_KR} | {EXAMPLE_OBJECTIVE}", receiver.url(name)), FORM)
        acknowledged_after = time.monotonic() - started
        answered_by_then = failing_web_api.answered_count()

        assert response.status_code == 200, response.text
        assert response.text == ""  # the plain ack: no error message in its place
        assert acknowledged_after < ACK_WITHIN_S
        if behaviour == "answering after 5 s":
            assert answered_by_then == 0  # acknowledged while the start-up auth.test still waits for its answer
        reply = receiver.wait_at(f"/hooks/{name}")[0].body
        assert "*Action-based*: a milestone" in reply["text"] + str(reply.get("blocks"))
        assert failing_web_api.at("/api/chat.postMessage") == []


@pytest.mark.parametrize("behaviour", BEHAVIOURS)
def test_a_message_shortcut_is_acknowledged_within_a_second_whatever_the_web_api_does(
    behaviour: str, service_on: ServiceOn, failing_web_api: FakeSlackWebApi, receiver: ResponseUrlReceiver
) -> None:
    name = "shortcut-" + behaviour.replace(" ", "-")
    payload = message_shortcut_payload("Conduct 20 customer interviews by end of Q2", receiver.url(name))
    with service_on(web_api_url(failing_web_api, behaviour)) as service:
        started_checking(failing_web_api, behaviour)
        started = time.monotonic()
        response = service.post(interaction_body(payload), FORM)
        acknowledged_after = time.monotonic() - started

        assert response.status_code == 200, response.text
        assert acknowledged_after < ACK_WITHIN_S
        assert "an activity quota" in str(receiver.wait_at(f"/hooks/{name}")[0].body)


def test_the_bot_token_is_checked_once_at_start_up_not_on_each_request(
    service_on: ServiceOn, failing_web_api: FakeSlackWebApi, receiver: ResponseUrlReceiver
) -> None:
    with service_on(failing_web_api.api_url) as service:
        failing_web_api.wait_at("/api/auth.test")
        for n in range(3):
            assert service.post(command_body(EXAMPLE_KR, receiver.url(f"once-{n}")), FORM).status_code == 200
            receiver.wait_at(f"/hooks/once-{n}")

        assert len(failing_web_api.at("/api/auth.test")) == 1
        assert token_status(service) == "verified (bot UKRCOACH)"


@pytest.mark.parametrize(
    ("behaviour", "reported"),
    [
        ("refusing connections", "unreachable: ClientConnectorError"),
        ("answering 500", "unreachable: auth.test answered HTTP 500"),
    ],
)
def test_readyz_reports_a_web_api_it_cannot_reach_and_stays_ready(
    behaviour: str, reported: str, service_on: ServiceOn, failing_web_api: FakeSlackWebApi
) -> None:
    with service_on(web_api_url(failing_web_api, behaviour)) as service:
        status = wait_for_token_status(service, lambda text: not text.startswith("pending"))

        assert status.startswith(reported), status
        assert readiness(service)["status"] == "ready"
        if behaviour == "answering 500":
            failing_web_api.wait_at("/api/auth.test", count=2)  # tried again after a second
            failing_web_api.failing_status = None
            assert wait_for_token_status(service, lambda text: text.startswith("verified")) == "verified (bot UKRCOACH)"


def test_readyz_reports_a_token_slack_rejects(service_on: ServiceOn, failing_web_api: FakeSlackWebApi) -> None:
    failing_web_api.auth_error = "invalid_auth"
    with service_on(failing_web_api.api_url) as service:
        status = wait_for_token_status(service, lambda text: not text.startswith("pending"))
        time.sleep(1.5)  # longer than the first retry interval: a rejected token is not tried again

        assert status == "rejected: auth.test answered invalid_auth"
        assert len(failing_web_api.at("/api/auth.test")) == 1


@pytest.mark.parametrize("behaviour", ["refusing connections", "answering 500"])
def test_a_mention_whose_reply_the_web_api_refuses_is_logged_with_the_request_id_and_not_tried_again(
    behaviour: str, service_on: ServiceOn, failing_web_api: FakeSlackWebApi, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="krcoach.slack")
    with service_on(web_api_url(failing_web_api, behaviour)) as service:
        response = service.post(app_mention_body(PASTED_SET, ts="1700000000.000401"), JSON)
        request_id = response.headers["X-Request-ID"]
        failure = wait_for_log(caplog, "could not post the coaching reply")
        time.sleep(1.5)  # room for any retry to show up

    assert response.status_code == 200
    assert getattr(failure, "request_id", None) == request_id
    posts = failing_web_api.at("/api/chat.postMessage")
    assert len(posts) == (1 if behaviour == "answering 500" else 0)  # one attempt, no retry of a server error
    assert failing_web_api.at("/api/chat.postEphemeral") == []  # no notice down the same broken path
    assert [r for r in caplog.records if r.getMessage() == "could not post the coaching reply"] == [failure]


def readiness(service: ThreadedService) -> dict[str, object]:
    """`GET /readyz`, which must answer 200."""
    response = service.http.get(f"{service.base_url}/readyz")
    assert response.status_code == 200, response.text
    found: dict[str, object] = response.json()
    return found


def token_status(service: ThreadedService) -> str:
    """What `/readyz` says of the bot token."""
    checks = readiness(service)["checks"]
    assert isinstance(checks, dict)
    return str(checks["slack_bot_token"])


def wait_for_token_status(service: ThreadedService, done: Callable[[str], bool], timeout: float = 10) -> str:
    """The `/readyz` report of the bot token once `done` accepts it."""
    deadline = time.monotonic() + timeout
    while True:
        status = token_status(service)
        if done(status) or time.monotonic() > deadline:
            return status
        time.sleep(0.05)


def wait_for_log(caplog: pytest.LogCaptureFixture, message: str, timeout: float = 15) -> logging.LogRecord:
    """The first log record with this message, once it is logged."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for record in caplog.records:
            if record.getMessage() == message:
                return record
        time.sleep(0.05)
    raise AssertionError(f"nothing logged {message!r} within {timeout:g} s")


def test_the_web_api_double_refuses_answers_500_and_answers_late_as_asked(failing_web_api: FakeSlackWebApi) -> None:
    with httpx.Client(trust_env=False, timeout=10) as http:
        with pytest.raises(httpx.ConnectError):
            http.post(refusing_api_url() + "auth.test")
        failing_web_api.failing_status = 500
        assert http.post(failing_web_api.api_url + "auth.test").status_code == 500
        failing_web_api.failing_status, failing_web_api.delay_s = None, 0.3
        started = time.monotonic()
        assert http.post(failing_web_api.api_url + "auth.test").json()["ok"] is True
        assert time.monotonic() - started >= 0.3
