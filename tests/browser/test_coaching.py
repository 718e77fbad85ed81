"""Coaching on the page: verdicts with reasons, proposals to fill in, accept, edit or dismiss, the OKRA view."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, Route, expect

from krcoach.testing.scripted_server import ScriptedServer, answer_with, good_proposal
from krcoach.testing.service import running_service
from tests.browser.conftest import PageFactory
from tests.browser.helpers import (
    HIRE,
    INTERVIEWS,
    LAUNCH,
    OBJECTIVE,
    SIGN_UPS,
    SUPPORT,
    card,
    coach,
    okra_card,
    proposal,
)

pytestmark = pytest.mark.browser


def test_a_typed_draft_marks_each_key_result_action_or_result_with_the_reasons_in_words(page: Page) -> None:
    coach(page)

    launch, sign_ups, interviews = card(page, LAUNCH), card(page, SIGN_UPS), card(page, INTERVIEWS)
    expect(launch.locator(".badge")).to_have_text("Action")
    expect(launch.locator(".kr__kind")).to_have_text("milestone · by 30 June")
    expect(launch.locator(".reasons")).to_contain_text("not whether delivering it made a difference")
    expect(interviews.locator(".badge")).to_have_text("Action")
    expect(interviews.locator(".kr__kind")).to_have_text("activity quota · by end of Q2")
    expect(sign_ups.locator(".badge")).to_have_text("Result")
    expect(page.locator(".summary")).to_contain_text("3 Key Results: 1 measures a result · 2 are actions")
    expect(page.locator(".objective__suggestion")).to_contain_text("names a project")


def test_placeholders_are_inputs_inside_the_proposal_and_accepting_it_updates_the_okra_view(page: Page) -> None:
    coach(page)
    first = proposal(page, LAUNCH)
    expect(first.locator(".proposal__pending")).to_contain_text("2 values only you know: baseline, target")

    first.get_by_role("textbox", name="baseline").fill("38%")
    first.get_by_role("textbox", name="target").fill("60%")
    first.get_by_role("button", name="Accept").click()

    expect(proposal(page, LAUNCH)).to_contain_text("Accepted")
    rewritten = okra_card(page, 1)
    expect(rewritten.locator(".okra-kr__text")).to_have_text(
        re.compile(r"^Share of new customers .* from 38% to 60% by 30 June$")
    )
    expect(rewritten.locator(".badge")).to_have_text("Result")
    expect(rewritten.locator(".okra-actions")).to_have_text(LAUNCH)  # the work, kept under the KR it moves
    expect(okra_card(page, 3).locator(".badge")).to_have_text("Action")  # not rewritten yet: still an action
    expect(okra_card(page, 3).locator(".okra-actions")).to_have_count(0)


def test_a_value_typed_after_accepting_flows_into_the_okra_view_and_unfilled_ones_stay_marked(page: Page) -> None:
    coach(page)
    first = proposal(page, LAUNCH)
    first.get_by_role("button", name="Accept").click()
    expect(okra_card(page, 1).locator(".placeholder-mark")).to_have_text(["[baseline]", "[target]"])

    proposal(page, LAUNCH).get_by_role("textbox", name="target").fill("60%")

    expect(okra_card(page, 1).locator(".okra-kr__text")).to_contain_text("from [baseline] to 60% by 30 June")
    expect(okra_card(page, 1).locator(".placeholder-mark")).to_have_text(["[baseline]"])


def test_editing_a_proposal_keeps_the_users_wording_and_accepts_it(page: Page) -> None:
    coach(page)
    proposal(page, INTERVIEWS).get_by_role("button", name="Edit").click()
    editor = page.get_by_label("Your wording")
    expect(editor).to_be_focused()

    editor.fill("Share of trial users who say the product solves their main problem: from 31% to 45% by end of Q2")
    page.get_by_role("button", name="Save and accept").click()

    expect(proposal(page, INTERVIEWS)).to_contain_text("Accepted (your edit)")
    expect(okra_card(page, 3).locator(".okra-kr__text")).to_have_text(
        "Share of trial users who say the product solves their main problem: from 31% to 45% by end of Q2"
    )
    expect(okra_card(page, 3).locator(".okra-actions")).to_have_text(INTERVIEWS)


def test_dismissing_a_proposal_hides_it_and_undo_brings_it_back(page: Page) -> None:
    coach(page)
    second = proposal(page, LAUNCH, 1)
    text = second.locator(".proposal__text").inner_text()

    second.get_by_role("button", name="Dismiss").click()

    expect(proposal(page, LAUNCH, 1)).to_have_class(re.compile("proposal--dismissed"))
    expect(proposal(page, LAUNCH, 1).get_by_role("button", name="Accept")).to_have_count(0)
    proposal(page, LAUNCH, 1).get_by_role("button", name="Undo").click()
    expect(proposal(page, LAUNCH, 1).get_by_role("button", name="Accept")).to_be_visible()
    assert proposal(page, LAUNCH, 1).locator(".proposal__text").inner_text() == text


def test_accepting_a_second_proposal_replaces_the_first_for_that_key_result(page: Page) -> None:
    coach(page)
    proposal(page, LAUNCH, 0).get_by_role("button", name="Accept").click()
    proposal(page, LAUNCH, 1).get_by_role("button", name="Accept").click()

    expect(card(page, LAUNCH).locator(".proposal--accepted")).to_have_count(1)
    expect(okra_card(page, 1).locator(".okra-kr__text")).to_contain_text("activation milestone")


def test_the_conversation_asks_one_question_at_a_time_then_rechecks_the_filled_text(page: Page) -> None:
    coach(page, SUPPORT, [HIRE])
    first = proposal(page, HIRE)
    first.get_by_role("button", name="Ask me, step by step").click()
    answer = first.locator(".conversation input")
    expect(answer).to_be_focused()
    expect(first.locator(".conversation__progress")).to_have_text("Question 1 of 3")
    expect(first.locator(".conversation__question")).to_have_text("What is the median today? (baseline)")
    expect(first.locator(".conversation__question")).to_have_count(1)  # one question at a time

    answer.press("Enter")  # an empty answer is not taken
    expect(first.locator(".conversation__error")).to_contain_text("Type your answer")
    answer.fill("4 hours")
    answer.press("Enter")
    expect(first.get_by_role("textbox", name="baseline")).to_have_value("4 hours")  # folded into the proposal
    expect(first.locator(".conversation__question")).to_have_text("What median do you want to reach? (target)")
    expect(first.locator(".conversation__progress")).to_have_text("Question 2 of 3")
    answer.fill("1 hour")
    answer.press("Enter")
    expect(first.locator(".conversation__question")).to_have_text("By when should it get there? (deadline)")
    answer.fill("end of Q3")
    with page.expect_request("**/v1/key-results/analyze") as checked:
        answer.press("Enter")

    sent = json.loads(checked.value.post_data or "{}")
    assert sent["key_result"].endswith("from 4 hours to 1 hour by end of Q3")
    assert "[" not in sent["key_result"]  # nothing left to invent
    check = proposal(page, HIRE).locator(".check")
    expect(check).to_contain_text("Reads as a result now")
    expect(check).to_be_focused()
    expect(proposal(page, HIRE).locator(".conversation")).to_have_count(0)


def test_skipping_a_question_leaves_its_placeholder_for_later(page: Page) -> None:
    coach(page, SUPPORT, [HIRE])
    first = proposal(page, HIRE)
    first.get_by_role("button", name="Ask me, step by step").click()

    first.get_by_role("button", name="Skip").click()
    first.locator(".conversation input").fill("1 hour")
    first.locator(".conversation input").press("Enter")
    first.get_by_role("button", name="Skip").click()

    expect(first.locator(".conversation")).to_have_count(0)
    expect(first.get_by_role("textbox", name="baseline")).to_have_value("")
    expect(first.get_by_role("textbox", name="target")).to_have_value("1 hour")
    expect(first.locator(".proposal__pending")).to_contain_text("baseline, deadline")


def test_the_okra_view_nests_actions_under_the_key_result_they_move_and_keeps_planned_ones(page: Page) -> None:
    coach(page)
    proposal(page, LAUNCH).get_by_role("button", name="Accept").click()
    proposal(page, INTERVIEWS).get_by_role("button", name="Accept").click()
    page.get_by_role("button", name="Use this wording").click()

    objective = page.locator(".okra-objective").first
    expect(objective.locator(".okra-objective__title")).to_have_text(
        page.locator(".objective__title").first.inner_text()
    )
    expect(objective.locator(".okra-replaces")).to_have_text(f"was: {OBJECTIVE}")
    expect(okra_card(page, 1).locator(".okra-actions li")).to_have_text([LAUNCH])
    expect(okra_card(page, 2).locator(".okra-actions li")).to_have_count(0)
    expect(okra_card(page, 3).locator(".okra-actions li")).to_have_text([INTERVIEWS])


def test_the_offline_engine_is_named(page: Page) -> None:
    coach(page)

    expect(page.locator("#engine")).to_have_text("Engine: offline rules")


def test_a_model_engine_is_named_with_its_calls_and_tokens(pages: PageFactory, tmp_path: Path) -> None:
    env = {
        "KRCOACH_LLM_BASE_URL": "",
        "KRCOACH_LLM_MODEL": "scripted",
        "KRCOACH_LLM_CACHE": "off",
        "KRCOACH_JOBS_DB": str(tmp_path / "jobs.sqlite3"),
        "KRCOACH_LOG_LEVEL": "warning",
    }
    with ScriptedServer(answer_with(good_proposal)).running() as model_url:
        env["KRCOACH_LLM_BASE_URL"] = model_url
        with running_service(env, tmp_path / "service.log") as service:
            page = pages.open(base_url=service.base_url)
            coach(page, SUPPORT, [HIRE])

            engine = page.locator("#engine")
            expect(engine).to_have_text(re.compile(r"^Engine: scripted · 1 call · [\d,]+ tokens$"))
            expect(engine).to_have_attribute("title", re.compile(r"prompt \+ [\d,]+ completion tokens"))


def test_a_loading_state_shows_while_the_draft_is_analysed(page: Page) -> None:
    held: list[Route] = []
    page.route("**/v1/okr-sets/analyze", lambda route: held.append(route))  # noqa: PLW0108 (a bound builtin fails)
    button = page.get_by_role("button", name=re.compile("Coach"))
    page.get_by_label("Objective", exact=True).fill(OBJECTIVE)
    page.get_by_label("Key Results").fill(LAUNCH)

    button.click()

    expect(button).to_be_disabled()
    expect(button).to_have_text("Coaching…")
    expect(page.locator("#results-live")).to_have_attribute("aria-busy", "true")
    held[0].continue_()
    expect(card(page, LAUNCH)).to_be_visible()
    expect(button).to_be_enabled()
    expect(page.locator("#results-live")).to_have_attribute("aria-busy", "false")


def test_an_invalid_draft_shows_the_problem_and_keeps_everything_typed(page: Page) -> None:
    too_long = "Grow " + "very " * 220 + "much"
    page.get_by_label("Objective", exact=True).fill(OBJECTIVE)
    page.get_by_label("Key Results").fill(f"{LAUNCH}\n{too_long}")

    page.get_by_role("button", name="Coach my Key Results").click()

    alert = page.get_by_role("alert")
    expect(alert.locator("p, li")).to_have_text(
        ["The request is not valid", "Objective 1, Key Result 2: String should have at most 1000 characters"]
    )
    expect(page.get_by_label("Key Results")).to_have_value(f"{LAUNCH}\n{too_long}")
    expect(page.get_by_label("Key Results")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Objective", exact=True)).to_have_value(OBJECTIVE)


def test_an_objective_without_a_title_is_named_in_the_error(page: Page) -> None:
    page.get_by_label("Key Results").fill(LAUNCH)

    page.get_by_role("button", name="Coach my Key Results").click()

    expect(page.get_by_role("alert")).to_contain_text("Objective 1, title:")
    expect(page.get_by_label("Objective", exact=True)).to_be_focused()
    expect(page.get_by_label("Key Results")).to_have_value(LAUNCH)
