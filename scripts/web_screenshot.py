"""Write the README screenshots of the coaching page: docs/images/web-page.png and web-page-phone.png.

Starts `krcoach serve` on loopback (offline engine), drives Debian's Chromium with Playwright, coaches a small
draft, fills one proposal in and accepts it, and saves a desktop screenshot (the page from the top) and a phone
one (375 px, the conversation asking for a target).

    .venv/bin/python scripts/web_screenshot.py [--out docs/images] [--chromium /usr/bin/chromium]
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from playwright.sync_api import Page, ViewportSize, sync_playwright

from krcoach.testing.browser import CHROMIUM, CHROMIUM_ARGS
from krcoach.testing.service import running_service

OBJECTIVE = "Launch the new onboarding flow"
KEY_RESULTS = [
    "Launch the redesigned onboarding flow by 30 June",
    "Grow weekly sign-ups from 1,200 to 1,500 by end of Q2",
    "Run 20 customer interviews by end of Q2",
]
DESKTOP: ViewportSize = {"width": 1280, "height": 1500}
PHONE: ViewportSize = {"width": 375, "height": 1000}


def coach_the_example(page: Page, base_url: str) -> None:
    """Type the example draft, coach it, fill in and accept the first proposal."""
    page.goto(base_url + "/")
    page.get_by_label("Objective", exact=True).fill(OBJECTIVE)
    page.get_by_label("Key Results").fill("\n".join(KEY_RESULTS))
    page.get_by_role("button", name="Coach my Key Results").click()
    first = page.locator("[data-proposal]").first
    first.get_by_role("textbox", name="baseline").fill("38%")
    first.get_by_role("textbox", name="target").fill("60%")
    first.get_by_role("button", name="Accept").click()
    page.get_by_role("button", name="Use this wording").click()
    page.locator(".okra-kr").first.wait_for()


def ask_one_question(page: Page) -> None:
    """Start the conversation on the interviews proposal, answer its first question, show that card."""
    interviews = page.locator("li.kr").nth(2)
    interviews.get_by_role("button", name="Ask me, step by step").first.click()
    answer = interviews.locator(".conversation input")
    answer.fill("31%")
    answer.press("Enter")
    interviews.locator(".conversation__progress").get_by_text("Question 2 of 2").wait_for()
    interviews.evaluate("element => window.scrollTo(0, element.getBoundingClientRect().top + window.scrollY - 12)")


def shoot(out: Path, chromium: str) -> list[Path]:
    """Both screenshots, written under ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    with tempfile.TemporaryDirectory() as tmp:
        env = {"KRCOACH_JOBS_DB": str(Path(tmp) / "jobs.sqlite3"), "KRCOACH_ENGINE": "rules"}
        with running_service(env, Path(tmp) / "serve.log") as service, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
            try:
                for name, viewport, scale in (("web-page.png", DESKTOP, 1), ("web-page-phone.png", PHONE, 2)):
                    context = browser.new_context(viewport=viewport, device_scale_factor=scale)
                    page = context.new_page()
                    coach_the_example(page, service.base_url)
                    if scale > 1:  # the phone shows the conversation, the desktop the page from the top
                        ask_one_question(page)
                    else:
                        page.evaluate("document.activeElement.blur(); window.scrollTo(0, 0)")
                    path = out / name
                    page.screenshot(path=str(path), full_page=False)
                    written.append(path)
                    context.close()
            finally:
                browser.close()
    return written


def main() -> None:
    """Parse the arguments and write the screenshots."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=Path("docs/images"))
    parser.add_argument("--chromium", default=CHROMIUM)
    arguments = parser.parse_args()
    for path in shoot(arguments.out, arguments.chromium):
        print(path)


if __name__ == "__main__":
    main()
