"""The page without a mouse (Tab, Enter; focus always visible) and on a phone (375 px, no sideways scroll)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, ViewportSize, expect

from tests.browser.conftest import PageFactory
from tests.browser.helpers import HIRE, INTERVIEWS, LAUNCH, OBJECTIVE, SUPPORT, card, coach, proposal

pytestmark = pytest.mark.browser

PHONE: ViewportSize = {"width": 375, "height": 740}
FOCUS_VISIBLE = """() => {
  const style = getComputedStyle(document.activeElement);
  return style.boxShadow !== "none" || (style.outlineStyle !== "none" && style.outlineWidth !== "0px");
}"""
NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth"


def tab_to(page: Page, selector: str, limit: int = 40) -> None:
    """Press Tab until the focused element matches `selector` (fails after `limit` presses)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("selector => document.activeElement.matches(selector)", selector):
            assert page.evaluate(FOCUS_VISIBLE), f"focus on {selector} is not visible"
            return
    raise AssertionError(f"{selector} not reached with Tab")


def test_a_draft_is_typed_coached_filled_in_and_accepted_with_the_keyboard_only(page: Page) -> None:
    page.keyboard.press("Tab")
    expect(page.locator(".skip-link")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_label("Objective", exact=True)).to_be_focused()
    page.keyboard.type(OBJECTIVE)
    page.keyboard.press("Tab")
    expect(page.get_by_label("Key Results")).to_be_focused()
    page.keyboard.type(f"{LAUNCH}\n{INTERVIEWS}")
    tab_to(page, "#analyse")
    page.keyboard.press("Enter")

    expect(card(page, LAUNCH).locator(".badge")).to_have_text("Action")
    expect(page.locator("#results-heading")).to_be_focused()
    tab_to(page, "input.placeholder-input")
    page.keyboard.type("38%")
    page.keyboard.press("Tab")
    page.keyboard.type("60%")
    tab_to(page, "button[data-focus$=':accept']")
    page.keyboard.press("Enter")

    first = proposal(page, LAUNCH)
    expect(first).to_contain_text("Accepted")
    expect(first.get_by_role("button", name="Undo accept")).to_be_focused()
    expect(page.locator(".okra-kr").first).to_contain_text("from 38% to 60% by 30 June")


def test_the_conversation_is_answered_with_enter_and_focus_lands_on_the_verdict(page: Page) -> None:
    coach(page, SUPPORT, [HIRE])
    page.locator("#results-heading").focus()

    tab_to(page, "button[data-focus$=':ask']")
    page.keyboard.press("Enter")
    for answer in ("4 hours", "1 hour", "end of Q3"):
        expect(proposal(page, HIRE).locator(".conversation input")).to_be_focused()
        page.keyboard.type(answer)
        page.keyboard.press("Enter")

    verdict = proposal(page, HIRE).locator(".check")
    expect(verdict).to_contain_text("Reads as a result now")
    expect(verdict).to_be_focused()
    assert page.evaluate(FOCUS_VISIBLE)


def test_results_and_questions_are_announced_in_live_regions(page: Page) -> None:
    coach(page, SUPPORT, [HIRE])

    expect(page.locator("#announcer")).to_have_attribute("aria-live", "polite")
    expect(page.locator("#announcer")).to_have_text("Coached 1 Key Result: 0 results, 1 actions.")
    proposal(page, HIRE).get_by_role("button", name="Ask me, step by step").click()
    live = proposal(page, HIRE).locator(".conversation [aria-live]")
    expect(live).to_contain_text("What is the median today?")


def test_the_page_fits_a_phone_without_sideways_scrolling(pages: PageFactory) -> None:
    page = pages.open(PHONE)
    assert page.evaluate(NO_SIDEWAYS_SCROLL)

    coach(page)
    proposal(page, LAUNCH).get_by_role("textbox", name="baseline").fill("share of new customers finishing alone")
    proposal(page, LAUNCH).get_by_role("button", name="Accept").click()
    proposal(page, INTERVIEWS).get_by_role("button", name="Ask me, step by step").click()
    proposal(page, LAUNCH, 1).get_by_role("button", name="Edit").click()

    expect(page.locator(".conversation")).to_be_visible()
    expect(page.locator(".okra-kr").first).to_be_visible()
    assert page.evaluate(NO_SIDEWAYS_SCROLL), page.evaluate("[document.documentElement.scrollWidth, innerWidth]")
    overflowing = page.evaluate(
        """() => [...document.querySelectorAll("body *")]
            .filter((element) => element.getBoundingClientRect().right > window.innerWidth + 0.5)
            .map((element) => element.className || element.tagName)"""
    )
    assert overflowing == []
