"""Render krcoach's Slack reply to the README example as a preview page and save a PNG of it.

Slack cannot be reached from here, so the picture is of `krcoach.slack.preview` (titled as a preview), drawn by
headless Chromium through Playwright:

    .venv/bin/python scripts/slack_screenshot.py [--out docs/images/slack-reply.png] [--html preview.html]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from playwright.sync_api import sync_playwright

from krcoach.coach import Coach
from krcoach.slack.blocks import coaching_message
from krcoach.slack.inputs import EXAMPLE, okr_set_from_command
from krcoach.slack.preview import preview_html
from krcoach.testing.browser import CHROMIUM, CHROMIUM_ARGS

DEFAULT_OUT = Path(__file__).resolve().parent.parent / "docs" / "images" / "slack-reply.png"


def example_preview() -> str:
    """The preview page of the reply to the README example, on the offline rules engine."""
    analysis = Coach().analyze_now(okr_set_from_command(EXAMPLE.removeprefix("/kr ")))
    return preview_html(coaching_message(analysis), command=EXAMPLE)


def screenshot(page_html: str, out: Path) -> None:
    """A full-page PNG of `page_html`."""
    out.parent.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 920, "height": 600}, device_scale_factor=1.5)
            page.set_content(page_html, wait_until="load")
            page.screenshot(path=str(out), full_page=True)
        finally:
            browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where to write the PNG")
    parser.add_argument("--html", type=Path, help="also write the preview page here")
    options = parser.parse_args()
    page_html = example_preview()
    if options.html:
        options.html.write_text(page_html, encoding="utf-8")
    screenshot(page_html, options.out)
    print(options.out)


if __name__ == "__main__":
    main()
