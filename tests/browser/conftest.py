"""The coaching page in headless Chromium (Debian's, driven by Playwright's sync API) against `krcoach serve`.

One service and one browser per session; a fresh browser context per test. Each test leaves a screenshot in
test-artifacts/browser/<test>.png, and fails if the page raised a JavaScript error.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Playwright, ViewportSize, expect, sync_playwright

from krcoach.testing.browser import CHROMIUM, CHROMIUM_ARGS
from krcoach.testing.service import ServiceProcess, running_service

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"
DESKTOP: ViewportSize = {"width": 1280, "height": 900}


@pytest.fixture(scope="session")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServiceProcess]:
    """`krcoach serve` on loopback, on the offline engine."""
    tmp = tmp_path_factory.mktemp("service")
    env = {"KRCOACH_JOBS_DB": str(tmp / "jobs.sqlite3"), "KRCOACH_ENGINE": "rules", "KRCOACH_LOG_LEVEL": "warning"}
    with running_service(env, tmp / "service.log") as running:
        yield running


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    """Playwright's sync API for the session."""
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    """Debian's Chromium, headless (never a downloaded browser)."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("KRCOACH_REQUIRE_BROWSER"):
            pytest.fail(f"{CHROMIUM} is not installed: run `make chromium` (Debian's chromium package)")
        pytest.skip(f"{CHROMIUM} is not installed")
    launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield launched
    launched.close()


class PageFactory:
    """Opens pages in fresh contexts; records JavaScript errors; screenshots each page at the end."""

    def __init__(self, browser: Browser, base_url: str, name: str) -> None:
        self.browser = browser
        self.base_url = base_url
        self.name = name
        self.pages: list[Page] = []
        self.errors: list[str] = []

    def open(self, viewport: ViewportSize | None = None, *, base_url: str | None = None) -> Page:
        """A new page on the coaching page, in its own context (clipboard allowed, downloads accepted)."""
        context = self.browser.new_context(
            viewport=viewport or DESKTOP,
            accept_downloads=True,
            base_url=base_url or self.base_url,
        )
        context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url or self.base_url)
        page = context.new_page()
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.goto("/")
        expect(page.locator("#engine")).not_to_be_empty()  # the modules loaded and asked /healthz
        self.pages.append(page)
        return page

    def close(self) -> None:
        """Screenshot every page to test-artifacts/browser/, then close the contexts."""
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        for index, page in enumerate(self.pages):
            suffix = f"-{index + 1}" if index else ""
            page.screenshot(path=str(ARTIFACTS / f"{self.name}{suffix}.png"), full_page=True)
            page.context.close()


@pytest.fixture
def pages(browser: Browser, service: ServiceProcess, request: pytest.FixtureRequest) -> Iterator[PageFactory]:
    """Open pages with `pages.open()`; each test fails on a JavaScript error in any of them."""
    factory = PageFactory(browser, service.base_url, re.sub(r"[^\w-]+", "_", request.node.name))
    yield factory
    factory.close()
    assert factory.errors == [], factory.errors


@pytest.fixture
def page(pages: PageFactory) -> Page:
    """The coaching page at desktop width."""
    return pages.open()
