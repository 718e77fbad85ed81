"""Bringing a draft as a file (dropped, picked or pasted) and taking the final set away (download, copy)."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import FilePayload, Page, expect

from krcoach.testing.service import ServiceProcess
from tests.browser.helpers import INTERVIEWS, LAUNCH, OBJECTIVE, SIGN_UPS, coach, okra_card, proposal

pytestmark = pytest.mark.browser

MARKDOWN = f"""# Growth team OKRs, Q2

## Objective: {OBJECTIVE}
Team: Growth

- KR1: {LAUNCH}
- KR2: {SIGN_UPS}

Actions:
- Write the help centre articles

## Objective: Customers get answers fast

- Hire 3 support engineers
"""
CSV = f"objective,key_result\n{OBJECTIVE},{LAUNCH}\n,{INTERVIEWS}\n"
FINAL_MARKDOWN = f"""# OKRs

## Objective: {OBJECTIVE}

Key Results:
- KR1: Share of new customers completing onboarding without contacting support, by month: from 38% to 60% by 30 June
- KR2: {SIGN_UPS}
- KR3: {INTERVIEWS}

Actions:
- {LAUNCH} (moves KR1)
"""


def drop_file(page: Page, name: str, text: str) -> None:
    """Drop a file on the drop zone, as a drag from the desktop does."""
    transfer = page.evaluate_handle(
        "([name, text]) => { const t = new DataTransfer(); t.items.add(new File([text], name)); return t; }",
        [name, text],
    )
    page.dispatch_event("#dropzone", "drop", {"dataTransfer": transfer})


def accept_the_filled_launch_rewrite(page: Page) -> None:
    coach(page)
    first = proposal(page, LAUNCH)
    first.get_by_role("textbox", name="baseline").fill("38%")
    first.get_by_role("textbox", name="target").fill("60%")
    first.get_by_role("button", name="Accept").click()


def test_a_dropped_markdown_outline_fills_the_draft_and_its_planned_actions_reach_the_okra_view(page: Page) -> None:
    drop_file(page, "okrs.md", MARKDOWN)

    expect(page.locator("#draft-status")).to_contain_text("Read 2 Objectives and 3 Key Results from okrs.md")
    titles = page.get_by_label("Objective", exact=True)
    expect(titles.nth(0)).to_have_value(OBJECTIVE)
    expect(titles.nth(1)).to_have_value("Customers get answers fast")
    expect(page.get_by_label("Key Results").first).to_have_value(f"{LAUNCH}\n{SIGN_UPS}")
    expect(page.locator(".objective-card__meta").first).to_have_text("Team: Growth · 1 planned Action kept")
    page.get_by_role("button", name="Coach my Key Results").click()
    expect(page.locator(".okra-shared").first).to_contain_text("Write the help centre articles")
    expect(page.locator(".okra-shared").first).to_contain_text("moves KR1, KR2")


def test_a_csv_file_chosen_with_the_file_picker_fills_the_draft(page: Page) -> None:
    with page.expect_file_chooser() as chooser:
        page.get_by_role("button", name="Choose a file…").click()
    csv_file: FilePayload = {"name": "okrs.csv", "mimeType": "text/csv", "buffer": CSV.encode()}
    chooser.value.set_files(files=[csv_file])

    expect(page.get_by_label("Objective", exact=True)).to_have_value(OBJECTIVE)
    expect(page.get_by_label("Key Results")).to_have_value(f"{LAUNCH}\n{INTERVIEWS}")


def test_a_bad_file_shows_the_problem_naming_the_line_and_keeps_what_was_typed(page: Page) -> None:
    page.get_by_label("Objective", exact=True).fill(OBJECTIVE)
    page.get_by_label("Key Results").fill(LAUNCH)

    drop_file(page, "okrs.csv", "objective,measure\nGrow,Ship it\n")

    alert = page.get_by_role("alert")
    expect(alert.locator("p")).to_have_text(
        [
            "okrs.csv cannot be read",
            "okrs.csv, line 1: no 'Key Result' column in the header (found: 'objective', 'measure')",
        ]
    )
    expect(page.locator("#draft-status")).to_be_empty()
    expect(page.get_by_label("Objective", exact=True)).to_have_value(OBJECTIVE)
    expect(page.get_by_label("Key Results")).to_have_value(LAUNCH)


def test_a_pasted_outline_is_read_and_a_broken_one_stays_in_its_box(page: Page) -> None:
    page.get_by_text("Paste an outline").click()
    outline = page.get_by_label("Outline")
    outline.fill('{"objectives": [\n  {"title": "Grow",\n  oops}\n]}')
    page.get_by_role("button", name="Read the outline").click()
    expect(page.get_by_role("alert")).to_contain_text("draft, line 3: invalid JSON")
    expect(outline).to_have_value('{"objectives": [\n  {"title": "Grow",\n  oops}\n]}')

    outline.fill(MARKDOWN)
    page.get_by_role("button", name="Read the outline").click()

    expect(page.get_by_role("alert")).to_be_hidden()
    expect(page.get_by_label("Objective", exact=True)).to_have_count(2)


def test_the_final_set_downloads_as_markdown_that_krcoach_reads_back(page: Page, service: ServiceProcess) -> None:
    accept_the_filled_launch_rewrite(page)

    with page.expect_download() as download:
        page.get_by_role("button", name="Download").click()

    assert download.value.suggested_filename == "okrs.md"
    text = Path(download.value.path()).read_text()
    assert text == FINAL_MARKDOWN
    read_back = httpx.post(f"{service.base_url}/v1/drafts/parse?filename=okrs.md", content=text, trust_env=False)
    assert [kr["text"] for kr in read_back.json()["objectives"][0]["key_results"]][1:] == [SIGN_UPS, INTERVIEWS]


def test_the_final_set_downloads_as_json_that_the_api_analyses(page: Page, service: ServiceProcess) -> None:
    accept_the_filled_launch_rewrite(page)
    page.get_by_label("JSON", exact=True).check()

    with page.expect_download() as download:
        page.get_by_role("button", name="Download").click()

    assert download.value.suggested_filename == "okrs.json"
    document = json.loads(Path(download.value.path()).read_text())
    [objective] = document["objectives"]
    assert objective["title"] == OBJECTIVE
    assert [kr["id"] for kr in objective["key_results"]] == ["O1.KR1", "O1.KR2", "O1.KR3"]
    assert objective["key_results"][0]["text"].endswith("from 38% to 60% by 30 June")
    assert objective["actions"] == [LAUNCH]
    analysis = httpx.post(f"{service.base_url}/v1/okr-sets/analyze", json=document, trust_env=False).json()
    assert [kr["label"] for kr in analysis["objectives"][0]["key_results"]] == ["result", "result", "action"]


def test_copy_puts_the_final_set_on_the_clipboard(page: Page) -> None:
    accept_the_filled_launch_rewrite(page)

    page.get_by_role("button", name="Copy").click()

    expect(page.locator("#export-status")).to_have_text("Copied as Markdown.")
    assert page.evaluate("navigator.clipboard.readText()") == FINAL_MARKDOWN
    page.get_by_label("JSON", exact=True).check()
    page.get_by_role("button", name="Copy").click()
    expect(page.locator("#export-status")).to_have_text("Copied as JSON.")
    assert json.loads(page.evaluate("navigator.clipboard.readText()"))["objectives"][0]["actions"] == [LAUNCH]


def test_the_exports_follow_the_okra_view_after_an_undo(page: Page) -> None:
    accept_the_filled_launch_rewrite(page)
    proposal(page, LAUNCH).get_by_role("button", name="Undo accept").click()

    expect(okra_card(page, 1).locator(".okra-kr__text")).to_have_text(LAUNCH)
    page.get_by_role("button", name="Copy").click()
    expect(page.locator("#export-status")).to_have_text("Copied as Markdown.")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert f"- KR1: {LAUNCH}\n" in copied and "Actions:" not in copied
