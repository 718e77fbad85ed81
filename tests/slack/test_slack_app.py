"""The Slack app over real HTTP: signed requests in, acknowledgements out, replies at response_url or the Web API."""

from __future__ import annotations

import json
import time
from typing import Any

from krcoach.slack.blocks import highlight
from krcoach.testing.slack import (
    BOT_USER_ID,
    CHANNEL_ID,
    FORM,
    JSON,
    FakeSlackWebApi,
    ResponseUrlReceiver,
    ThreadedService,
    app_mention_body,
    button_click_payload,
    command_body,
    interaction_body,
    message_shortcut_payload,
    signed_headers,
)
from tests.slack.conftest import BOT_TOKEN, SIGNING_SECRET, StandInEngine

EXAMPLE_KR = "Launch the redesigned onboarding flow by 30 June"
EXAMPLE_OBJECTIVE = "New customers succeed without help"
PASTED_SET = (
    f"<@{BOT_USER_ID}> please review\n"
    f"Objective: {EXAMPLE_OBJECTIVE}\n"
    f"• {EXAMPLE_KR}\n"
    "• Increase NPS from 32 to 50 by end of Q3\n"
)
NOTHING_HAPPENS_WITHIN_S = 0.5


def all_text(message: dict[str, Any]) -> str:
    """Every piece of text in a message's blocks (and its fallback text), for assertions on what people read."""
    return str(message.get("text", "")) + "\n" + json.dumps(message.get("blocks", []), ensure_ascii=False)


def buttons(message: dict[str, Any]) -> list[dict[str, Any]]:
    """Every button in the message, in order."""
    found: list[dict[str, Any]] = []
    for block in message.get("blocks", []):
        elements = [block.get("accessory"), *block.get("elements", [])]
        found.extend(e for e in elements if e and e.get("type") == "button")
    return found


def coach_by_command(service: ThreadedService, receiver: ResponseUrlReceiver, name: str) -> dict[str, Any]:
    """The coaching reply to `/kr <example> | <objective>` (posted to a fresh response_url)."""
    response = service.post(command_body(f"{EXAMPLE_KR} | {EXAMPLE_OBJECTIVE}", receiver.url(name)), FORM)
    assert response.status_code == 200
    return receiver.wait_at(f"/hooks/{name}")[0].body


def test_slash_command_is_acknowledged_at_once_and_the_coaching_arrives_at_the_response_url(
    slack_service: ThreadedService, receiver: ResponseUrlReceiver, engine: StandInEngine
) -> None:
    engine.delay_s = 1.5  # a slow model: the acknowledgement must not wait for it
    started = time.monotonic()
    response = slack_service.post(command_body(f"{EXAMPLE_KR} | {EXAMPLE_OBJECTIVE}", receiver.url("slash")), FORM)
    acknowledged_after = time.monotonic() - started

    assert response.status_code == 200
    assert acknowledged_after < 1.0
    reply = receiver.wait_at("/hooks/slash")[0].body
    assert time.monotonic() - started >= engine.delay_s
    assert reply["response_type"] == "ephemeral"
    text = all_text(reply)
    assert "*Action-based*: a milestone" in text
    assert "It says whether something gets delivered, not whether delivering it made a difference." in text
    assert "`[baseline]`" in text and "`[target]`" in text
    assert "Actions kept (OKRA)" in text and EXAMPLE_KR in text
    assert "`llm:stand-in`" in text
    labels = [button["text"]["text"] for button in buttons(reply)]
    assert labels.count("Use this rewrite") == 2
    assert labels[-1] == "Show the OKRA set"


def test_a_forged_signature_gets_401_and_no_work_is_done(
    slack_service: ThreadedService, receiver: ResponseUrlReceiver, engine: StandInEngine
) -> None:
    body = command_body(EXAMPLE_KR, receiver.url("forged"))
    response = slack_service.post(body, FORM, secret="not-the-signing-secret")

    assert response.status_code == 401
    time.sleep(NOTHING_HAPPENS_WITHIN_S)
    assert receiver.at("/hooks/forged") == []
    assert engine.briefs == []


def test_a_request_older_than_five_minutes_gets_401_and_no_work_is_done(
    slack_service: ThreadedService, receiver: ResponseUrlReceiver, engine: StandInEngine
) -> None:
    six_minutes_ago = int(time.time()) - 6 * 60
    body = command_body(EXAMPLE_KR, receiver.url("stale"))
    response = slack_service.post(body, FORM, timestamp=six_minutes_ago)

    assert response.status_code == 401
    time.sleep(NOTHING_HAPPENS_WITHIN_S)
    assert receiver.at("/hooks/stale") == []
    assert engine.briefs == []


def test_a_request_four_minutes_old_is_still_accepted(
    slack_service: ThreadedService, receiver: ResponseUrlReceiver, engine: StandInEngine
) -> None:
    body = command_body(EXAMPLE_KR, receiver.url("four-minutes"))
    response = slack_service.post(body, FORM, timestamp=int(time.time()) - 4 * 60)

    assert response.status_code == 200
    assert receiver.wait_at("/hooks/four-minutes")


def test_message_shortcut_coaches_the_message_it_was_run_on(
    slack_service: ThreadedService, receiver: ResponseUrlReceiver, engine: StandInEngine
) -> None:
    payload = message_shortcut_payload("Conduct 20 customer interviews by end of Q2", receiver.url("shortcut"))
    response = slack_service.post(interaction_body(payload), FORM)

    assert response.status_code == 200
    reply = receiver.wait_at("/hooks/shortcut")[0].body
    text = all_text(reply)
    assert "*Action-based*: an activity quota" in text
    assert "Conduct 20 customer interviews by end of Q2" in text
    assert any(button["text"]["text"] == "Use this rewrite" for button in buttons(reply))


def test_app_mention_with_a_pasted_set_is_reviewed_in_a_thread_through_the_web_api(
    slack_service: ThreadedService, web_api: FakeSlackWebApi, engine: StandInEngine
) -> None:
    response = slack_service.post(app_mention_body(PASTED_SET, ts="1700000000.000301"), JSON)

    assert response.status_code == 200
    call = web_api.wait_in_thread("chat.postMessage", "1700000000.000301")
    assert call.body["channel"] == CHANNEL_ID
    assert call.headers["Authorization"] == f"Bearer {BOT_TOKEN}"
    text = all_text(call.body)
    assert "2 Key Results in 1 Objective: 1 action-based, 1 result-based" in text
    assert EXAMPLE_KR in text and "Increase NPS from 32 to 50 by end of Q3" in text
    assert "please review" not in text  # the words before the outline are not a Key Result
    assert BOT_USER_ID not in text


def test_a_mention_slack_sends_again_is_reviewed_once(
    slack_service: ThreadedService, web_api: FakeSlackWebApi, engine: StandInEngine
) -> None:
    body = app_mention_body(PASTED_SET, ts="1700000000.000302")
    first = slack_service.post(body, JSON)
    web_api.wait_in_thread("chat.postMessage", "1700000000.000302")

    again = slack_service.http.post(
        f"{slack_service.base_url}/slack/events",
        content=body,
        headers={**signed_headers(SIGNING_SECRET, body, JSON), "X-Slack-Retry-Num": "1",
                 "X-Slack-Retry-Reason": "http_timeout"},
    )  # fmt: skip
    time.sleep(0.5)

    assert first.status_code == again.status_code == 200
    replies = [c for c in web_api.calls("chat.postMessage") if c.body.get("thread_ts") == "1700000000.000302"]
    assert len(replies) == 1
    assert len(engine.briefs) == 1


def test_use_this_rewrite_replaces_the_message_with_the_chosen_rewrite(
    slack_service: ThreadedService, receiver: ResponseUrlReceiver, engine: StandInEngine
) -> None:
    reply = coach_by_command(slack_service, receiver, "before-choice")
    second_rewrite = [b for b in buttons(reply) if b["text"]["text"] == "Use this rewrite"][1]
    chosen = json.loads(second_rewrite["value"])["t"]

    click = button_click_payload(second_rewrite, receiver.url("choice"))
    assert slack_service.post(interaction_body(click), FORM).status_code == 200

    replacement = receiver.wait_at("/hooks/choice")[0].body
    assert replacement["replace_original"] is True
    text = all_text(replacement)
    assert "Your Key Result, result-based" in text
    assert highlight(chosen) in text  # the rewrite, its placeholders shown as code
    assert f"*Action kept:* {EXAMPLE_KR}" in text
    assert buttons(replacement) == []


def test_use_this_rewrite_in_a_reviewed_set_keeps_the_other_key_results(
    slack_service: ThreadedService, receiver: ResponseUrlReceiver, web_api: FakeSlackWebApi, engine: StandInEngine
) -> None:
    slack_service.post(app_mention_body(PASTED_SET, ts="1700000000.000302"), JSON)
    review = web_api.wait_in_thread("chat.postMessage", "1700000000.000302").body
    first_rewrite = next(b for b in buttons(review) if b["text"]["text"] == "Use this rewrite")

    click = button_click_payload(first_rewrite, receiver.url("set-choice"), message={"blocks": review["blocks"]})
    slack_service.post(interaction_body(click), FORM)

    replacement = receiver.wait_at("/hooks/set-choice")[0].body
    assert replacement["replace_original"] is True
    text = all_text(replacement)
    assert "Chosen rewrite:" in text
    assert "Increase NPS from 32 to 50 by end of Q3" in text  # the other Key Result is still there
    assert not any(b["text"]["text"] == "Use this rewrite" for b in buttons(replacement))
    assert buttons(replacement)[-1]["text"]["text"] == "Show the OKRA set"


def test_show_the_okra_set_posts_the_okra_view(
    slack_service: ThreadedService, receiver: ResponseUrlReceiver, engine: StandInEngine
) -> None:
    reply = coach_by_command(slack_service, receiver, "before-okra")
    show_okra = buttons(reply)[-1]

    click = button_click_payload(show_okra, receiver.url("okra"))
    assert slack_service.post(interaction_body(click), FORM).status_code == 200

    view = receiver.wait_at("/hooks/okra")[0].body
    assert view["replace_original"] is False
    assert view["blocks"][0] == {
        "type": "header",
        "text": {"type": "plain_text", "text": "OKRA: Objectives, Key Results, Actions"},
    }
    text = all_text(view)
    assert f"*Objective:* {EXAMPLE_OBJECTIVE}" in text
    assert "*Key Results*" in text and "`[baseline]`" in text and "_(rewrite)_" in text
    assert f"*Actions*\\n• {EXAMPLE_KR} → moves O1.KR1" in text


def test_an_empty_kr_command_gets_short_ephemeral_help_and_no_work(
    slack_service: ThreadedService, receiver: ResponseUrlReceiver, engine: StandInEngine
) -> None:
    response = slack_service.post(command_body("   ", receiver.url("empty")), FORM)

    assert response.status_code == 200
    answer = response.json()
    assert answer["response_type"] == "ephemeral"
    assert answer["text"].startswith("Give me a Key Result to coach: `/kr <Key Result> | <Objective>`")
    assert len(answer["text"]) < 300 and "Traceback" not in answer["text"]
    time.sleep(NOTHING_HAPPENS_WITHIN_S)
    assert receiver.at("/hooks/empty") == []
    assert engine.briefs == []


def test_an_unreadable_mention_gets_a_short_ephemeral_message_in_the_thread(
    slack_service: ThreadedService, web_api: FakeSlackWebApi, engine: StandInEngine
) -> None:
    slack_service.post(app_mention_body(f"<@{BOT_USER_ID}>", ts="1700000000.000303"), JSON)

    notice = web_api.wait_in_thread("chat.postEphemeral", "1700000000.000303").body
    assert notice["text"].startswith("Write one Key Result on a line")
    assert not any(c.body.get("thread_ts") == "1700000000.000303" for c in web_api.calls("chat.postMessage"))


def test_the_engine_failing_reaches_the_person_as_a_short_message(
    slack_service: ThreadedService, receiver: ResponseUrlReceiver, engine: StandInEngine
) -> None:
    engine.failing = True
    slack_service.post(command_body(EXAMPLE_KR, receiver.url("failing")), FORM)

    notice = receiver.wait_at("/hooks/failing")[0].body
    assert notice["response_type"] == "ephemeral"
    assert notice["text"] == (
        "Sorry, the coach could not answer: the `llm:stand-in` engine failed. Try again in a minute."
    )
    assert "blocks" not in notice


def test_slack_url_verification_is_answered_with_the_challenge(slack_service: ThreadedService) -> None:
    body = json.dumps({"type": "url_verification", "token": "t", "challenge": "c4ll3ng3"}).encode()
    response = slack_service.post(body, JSON)

    assert response.status_code == 200
    assert response.json() == {"challenge": "c4ll3ng3"}
