"""The model's second opinion on the page: both labels and reasons where it disagrees, a review mark, nothing offline.

Most tests feed a scripted analysis: the offline service's real answer, with second opinions added in the browser's
route (as a model-backed service would send them); one goes through a scripted model end to end.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, Route, expect

from krcoach.testing.scripted_server import ScriptedServer, answer_with, good_proposal, rules_label
from krcoach.testing.service import running_service
from tests.browser.conftest import PageFactory
from tests.browser.helpers import INTERVIEWS, LAUNCH, SIGN_UPS, card, coach, proposal
from tests.browser.test_access import NO_SIDEWAYS_SCROLL, PHONE, tab_to

pytestmark = pytest.mark.browser

SAYS_ACTION = "Sign-ups growing is what the campaign team ships each week, not a change in what customers do."
SAYS_RESULT = "New customers using the redesigned flow is the change it is meant to bring."
RESULT_REASON = "it measures a change or level in what others do or in how a system performs"


def second_opinion(kr: dict[str, Any], label: str, reason: str, engine: str = "llm:scripted") -> dict[str, Any]:
    """A second opinion as krcoach's coach builds it for this Key Result (rules' label and reason beside it)."""
    rules = kr["label"]
    because = kr["issues"][0]["message"] if rules == "action" and kr["issues"] else RESULT_REASON
    return {
        "engine": engine,
        "label": label,
        "reason": reason,
        "agrees": label == rules,
        "rules_reason": f"{rules} ({kr['kind']}): {because}",
        "review": rules == "result" and label == "action",
    }


def with_opinions(page: Page, says: dict[str, tuple[str, str]], engine: str = "llm:scripted") -> None:
    """Answer the set analysis with the service's own, each Key Result in `says` carrying that model label."""

    def handle(route: Route) -> None:
        response = route.fetch()
        analysis = response.json()
        for objective in analysis["objectives"]:
            for kr in objective["key_results"]:
                if kr["text"] in says:
                    kr["second_opinion"] = second_opinion(kr, *says[kr["text"]], engine=engine)
        route.fulfill(response=response, json=analysis)

    page.route("**/v1/okr-sets/analyze", handle)


DISPUTED = {
    SIGN_UPS: ("action", SAYS_ACTION),  # the rules read a result: review it
    LAUNCH: ("result", SAYS_RESULT),  # the rules read an action: shown, no mark
    INTERVIEWS: ("action", "Interviews are work the team does."),  # agrees: nothing shown
}


def test_a_result_the_model_calls_an_action_shows_both_labels_and_reasons_and_a_review_mark(page: Page) -> None:
    with_opinions(page, DISPUTED)
    coach(page)

    sign_ups = card(page, SIGN_UPS)
    expect(sign_ups.locator(".badge")).to_have_text(["Result", "Review: the model reads it as an action"])
    expect(sign_ups.locator(".badge--review")).to_be_visible()
    opinion = sign_ups.get_by_role("region", name="Second opinion from scripted")
    expect(opinion.locator("dt")).to_have_text(["Rules: Result (performance measure)", "Model (scripted): Action"])
    expect(opinion.locator("dd")).to_have_text([RESULT_REASON[0].upper() + RESULT_REASON[1:], SAYS_ACTION])
    expect(opinion.locator(".opinion__note")).to_have_text(
        "Review it: if it says whether work was done, move it to the Actions and write a result in its place. "
        "The rules' verdict decides the OKRA view until you do."
    )
    expect(sign_ups.locator(".kr__ok")).to_be_visible()  # the rules' verdict is still shown, first
    expect(page.locator(".okra-kr").nth(1).locator(".badge")).to_have_text("Result")  # and decides the OKRA view


def test_an_action_the_model_calls_a_result_shows_both_reasons_without_a_review_mark(page: Page) -> None:
    with_opinions(page, DISPUTED)
    coach(page)

    launch = card(page, LAUNCH)
    opinion = launch.locator(".opinion")
    expect(opinion.locator("dt")).to_have_text(["Rules: Action (milestone)", "Model (scripted): Result"])
    expect(opinion.locator("dd").first).to_contain_text("not whether delivering it made a difference")
    expect(opinion.locator("dd").nth(1)).to_have_text(SAYS_RESULT)
    expect(opinion.locator(".opinion__note")).to_have_text("The rules' verdict decides the OKRA view.")
    expect(launch.locator(".badge--review")).to_have_count(0)
    expect(launch.locator(".opinion + .proposals__title")).to_have_text("Measure the result instead")


def test_agreement_shows_nothing_and_the_summary_counts_the_disagreements(page: Page) -> None:
    with_opinions(page, DISPUTED)
    coach(page)

    expect(card(page, INTERVIEWS).locator(".opinion")).to_have_count(0)
    expect(page.locator(".opinion")).to_have_count(2)
    expect(page.locator(".summary")).to_have_text(
        "3 Key Results: 1 measures a result · 2 are actions · 3 proposals · the model reads 2 differently (1 to review)"
    )
    expect(page.locator("#announcer")).to_have_text(
        "Coached 3 Key Results: 1 results, 2 actions. The model reads 2 differently, 1 to review."
    )


def test_the_offline_engine_shows_no_second_opinion(page: Page) -> None:
    coach(page)

    expect(page.locator(".opinion, .badge--review, .summary__item--opinion")).to_have_count(0)
    expect(page.locator(".summary")).to_have_text("3 Key Results: 1 measures a result · 2 are actions · 3 proposals")
    expect(page.locator("#announcer")).to_have_text("Coached 3 Key Results: 1 results, 2 actions.")


def test_with_opinions_the_page_is_still_coached_with_the_keyboard_only(page: Page) -> None:
    with_opinions(page, DISPUTED)
    coach(page)
    page.locator("#results-heading").focus()

    tab_to(page, "input.placeholder-input")  # the opinion adds nothing to tab through before the proposal
    assert page.evaluate("document.activeElement.closest('li.kr').dataset.kr") == "O1.KR1"
    page.keyboard.type("38%")
    page.keyboard.press("Tab")
    page.keyboard.type("60%")
    tab_to(page, "button[data-focus$=':accept']")
    page.keyboard.press("Enter")

    expect(proposal(page, LAUNCH)).to_contain_text("Accepted")
    expect(proposal(page, LAUNCH).get_by_role("button", name="Undo accept")).to_be_focused()
    expect(card(page, LAUNCH).locator(".opinion")).to_be_visible()  # re-rendered proposals keep the opinion
    focusable = "a[href], button, input, textarea, select, [tabindex]:not([tabindex='-1'])"
    expect(page.locator(".opinion").locator(focusable)).to_have_count(0)


def test_a_long_opinion_fits_a_phone_without_sideways_scrolling(pages: PageFactory) -> None:
    page = pages.open(PHONE)
    unbroken = "https://models.example/" + "a" * 120
    with_opinions(
        page,
        {SIGN_UPS: ("action", f"{SAYS_ACTION} See {unbroken}"), LAUNCH: ("result", SAYS_RESULT)},
        engine="llm:" + "very-long-model-name-" * 6,
    )
    coach(page)

    expect(card(page, SIGN_UPS).locator(".opinion")).to_be_visible()
    card(page, SIGN_UPS).scroll_into_view_if_needed()
    assert page.evaluate(NO_SIDEWAYS_SCROLL), page.evaluate("[document.documentElement.scrollWidth, innerWidth]")
    overflowing = page.evaluate(
        """() => [...document.querySelectorAll("body *")]
            .filter((element) => element.getBoundingClientRect().right > window.innerWidth + 0.5)
            .map((element) => element.className || element.tagName)"""
    )
    assert overflowing == []
    size = page.evaluate("parseFloat(getComputedStyle(document.querySelector('.opinion dd')).fontSize)")
    assert size >= 14  # readable on a phone


def fine_is_an_action(key_result: dict[str, Any]) -> tuple[str, str]:
    """A model that agrees with the rules, except that it calls every Key Result they found fine an action."""
    if key_result["rewrite"]:
        return rules_label(key_result)
    return "action", SAYS_ACTION


def test_a_scripted_model_s_disagreement_reaches_the_page(pages: PageFactory, tmp_path: Path) -> None:
    env = {
        "KRCOACH_LLM_BASE_URL": "",
        "KRCOACH_LLM_MODEL": "scripted",
        "KRCOACH_LLM_CACHE": "off",
        "KRCOACH_JOBS_DB": str(tmp_path / "jobs.sqlite3"),
        "KRCOACH_LOG_LEVEL": "warning",
    }
    with ScriptedServer(answer_with(good_proposal, label=fine_is_an_action)).running() as model_url:
        env["KRCOACH_LLM_BASE_URL"] = model_url
        with running_service(env, tmp_path / "service.log") as service:
            page = pages.open(base_url=service.base_url)
            coach(page, key_results=[LAUNCH, SIGN_UPS])

            expect(card(page, SIGN_UPS).locator(".badge--review")).to_be_visible()
            opinion = card(page, SIGN_UPS).locator(".opinion")
            expect(opinion.locator("dt")).to_have_text(
                ["Rules: Result (performance measure)", re.compile(r"^Model \(scripted\): Action$")]
            )
            expect(opinion.locator("dd").nth(1)).to_have_text(SAYS_ACTION)
            expect(card(page, LAUNCH).locator(".opinion")).to_have_count(0)  # the model agreed there
