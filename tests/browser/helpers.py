"""Steps the browser tests share: type a draft, coach it, find a Key Result's card and its proposals."""

from __future__ import annotations

from playwright.sync_api import Locator, Page, expect

OBJECTIVE = "Launch the new onboarding flow"
LAUNCH = "Launch the redesigned onboarding flow by 30 June"
SIGN_UPS = "Grow weekly sign-ups from 1,200 to 1,500 by end of Q2"
INTERVIEWS = "Run 20 customer interviews by end of Q2"
HIRE = "Hire 3 support engineers"
SUPPORT = "Support customers get answers fast"  # names support: the library's response-time measures fit HIRE


def type_draft(page: Page, title: str, key_results: list[str], index: int = 0) -> None:
    """Type an Objective and its Key Results into the `index`-th Objective card."""
    page.get_by_label("Objective", exact=True).nth(index).fill(title)
    page.get_by_label("Key Results").nth(index).fill("\n".join(key_results))


def coach(page: Page, title: str = OBJECTIVE, key_results: list[str] | None = None) -> None:
    """Type a draft and coach it; returns when the coaching is shown."""
    type_draft(page, title, key_results or [LAUNCH, SIGN_UPS, INTERVIEWS])
    page.get_by_role("button", name="Coach my Key Results").click()
    expect(page.locator("li.kr").first).to_be_visible()


def card(page: Page, text: str) -> Locator:
    """The coaching card of the Key Result written as `text`."""
    return page.locator("li.kr").filter(has=page.locator(".kr__text", has_text=text))


def proposal(page: Page, text: str, index: int = 0) -> Locator:
    """The `index`-th proposal for that Key Result."""
    return card(page, text).locator("[data-proposal]").nth(index)


def okra_card(page: Page, number: int, objective: int = 0) -> Locator:
    """Key Result `number` (1-based) of an Objective in the OKRA view."""
    return page.locator(".okra-objective").nth(objective).locator(".okra-kr").nth(number - 1)
