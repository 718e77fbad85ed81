"""POST /v1/drafts/parse: a file's text in, the OKR set out; unreadable input named by its line."""

from __future__ import annotations

import json
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from fastapi.testclient import TestClient

from krcoach.api.routes import drafts
from krcoach.domain.okr import OKRSet
from krcoach.io import read_okr_set
from tests.api.conftest import ClientFactory
from tests.test_readers_accounting import UNCLOSED
from tests.test_readers_tables import NOTION, workbook

PARSE = "/v1/drafts/parse"
LAUNCH = "Launch the redesigned onboarding flow by 30 June"
INTERVIEWS = "Run 20 customer interviews by end of Q2"
MARKDOWN = f"""# Growth team OKRs, Q2

## Objective: Redesign the onboarding experience
Team: Growth

- KR1: {LAUNCH}
- KR2: {INTERVIEWS}

Actions:
- Write the help centre articles
"""
CSV = f"objective,key_result\nRedesign onboarding,{LAUNCH}\n,{INTERVIEWS}\nCustomers stay,Hire 4 agents\n"
YAML = f"objectives:\n  - title: Redesign the onboarding experience\n    key_results:\n      - text: {LAUNCH}\n"
JSONL = json.dumps({"objective": "Redesign the onboarding experience", "key_result": LAUNCH}) + "\n"


def _parse(client: TestClient, text: str | bytes, **params: str) -> Any:
    return client.post(PARSE, content=text, params=params, headers={"Content-Type": "text/plain"})


def test_a_markdown_outline_is_read_into_objectives_key_results_and_actions(client: TestClient) -> None:
    response = _parse(client, MARKDOWN, filename="okrs.md")

    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "Growth team OKRs, Q2"
    [objective] = body["objectives"]
    assert objective["title"] == "Redesign the onboarding experience" and objective["team"] == "Growth"
    assert [kr["text"] for kr in objective["key_results"]] == [LAUNCH, INTERVIEWS]
    assert objective["actions"] == ["Write the help centre articles"]


def test_a_csv_file_is_grouped_into_objectives_by_its_objective_column(client: TestClient) -> None:
    response = _parse(client, CSV, filename="team okrs.csv")

    assert response.status_code == 200
    objectives = response.json()["objectives"]
    assert [o["title"] for o in objectives] == ["Redesign onboarding", "Customers stay"]
    assert [kr["text"] for kr in objectives[0]["key_results"]] == [LAUNCH, INTERVIEWS]


@pytest.mark.parametrize("text", [MARKDOWN, CSV, YAML, JSONL], ids=["md", "csv", "yaml", "jsonl"])
def test_without_a_filename_the_format_is_sniffed_from_the_content(client: TestClient, text: str) -> None:
    response = _parse(client, text)

    assert response.status_code == 200
    assert response.json()["objectives"][0]["key_results"][0]["text"] == LAUNCH


def test_an_explicit_format_wins_over_the_filename(client: TestClient) -> None:
    response = _parse(client, YAML, filename="notes.txt", format="yaml")

    assert response.status_code == 200
    assert response.json()["objectives"][0]["title"] == "Redesign the onboarding experience"


def test_the_parsed_set_can_be_analysed_as_it_is(client: TestClient) -> None:
    parsed = _parse(client, MARKDOWN, filename="okrs.md").json()

    analysis = client.post("/v1/okr-sets/analyze", json=parsed)

    assert analysis.status_code == 200
    assert analysis.json()["objectives"][0]["key_results"][0]["label"] == "action"


def test_a_csv_without_the_key_result_column_is_a_problem_naming_the_file_and_line(client: TestClient) -> None:
    response = _parse(client, "objective,measure\nGrow,Ship it\n", filename="okrs.csv")

    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["type"].endswith("/unreadable-draft")
    assert problem["detail"].startswith("okrs.csv, line 1: no 'Key Result' column in the header")


def test_invalid_json_names_the_line_it_fails_on(client: TestClient) -> None:
    response = _parse(client, '{"objectives": [\n  {"title": "Grow",\n  oops}\n]}', filename="okrs.json")

    assert response.status_code == 422
    assert "line 3" in response.json()["detail"]


def test_an_overlong_key_result_is_named_by_its_line(client: TestClient) -> None:
    response = _parse(client, "## Objective: Grow\n\n- " + "x" * 1001 + "\n", filename="okrs.md")

    assert response.status_code == 422
    assert response.json()["detail"].startswith("okrs.md, line 3:")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("   \n", "draft: the input is empty"),
        ("just some words", "draft: cannot tell the format of the input"),
        (b"## Objective: Caf\xe9\n", "draft, line 1: not valid UTF-8"),
    ],
    ids=["empty", "unknown-format", "not-utf8"],
)
def test_unreadable_bodies_are_explained(client: TestClient, text: str | bytes, expected: str) -> None:
    response = _parse(client, text)

    assert response.status_code == 422
    assert response.json()["detail"].startswith(expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Grow\r revenue", "draft: cannot tell the format of the input"),
        ("[" * 100_000, "draft: the input is nested too deeply to be an OKR set"),
        ("objectives:\n  - title: Grow\n    period: 2026-02-30\n", "draft, line 3: invalid YAML: cannot read"),
        ("objectives: &loop\n  - title: Grow\n    key_results: *loop\n", "draft, line 1: invalid YAML: an alias"),
    ],
    ids=["stray-carriage-return", "nested-too-deeply", "impossible-date", "alias-in-itself"],
)
def test_hostile_drafts_are_explained_never_a_server_error(client: TestClient, text: str, expected: str) -> None:
    response = _parse(client, text)

    assert response.status_code == 422
    assert response.json()["detail"].startswith(expected)


def test_other_requests_are_answered_while_a_draft_is_being_read(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    reading, done = threading.Event(), threading.Event()

    def slow_read(data: bytes, **options: Any) -> OKRSet:
        reading.set()
        assert done.wait(10), "nothing was answered while the draft was read"
        return read_okr_set(data, **options)

    monkeypatch.setattr(drafts, "read_okr_set", slow_read)
    with ThreadPoolExecutor(max_workers=1) as pool:
        parsed = pool.submit(_parse, client, MARKDOWN, filename="okrs.md")
        assert reading.wait(10)
        assert client.get("/healthz").status_code == 200  # the read runs off the event loop
        done.set()
        assert parsed.result(timeout=10).status_code == 200


def test_only_the_base_name_of_the_filename_is_echoed(client: TestClient) -> None:
    response = _parse(client, "objective,measure\n", filename="../../etc/okrs.csv")

    assert response.json()["detail"].startswith("okrs.csv, line 1:")


def test_an_unknown_format_is_a_validation_problem_naming_the_query_field(client: TestClient) -> None:
    response = _parse(client, MARKDOWN, format="docx")

    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["query.format"]


def test_a_body_over_the_limit_is_refused_before_it_is_read(make_client: ClientFactory) -> None:
    client = make_client(max_body_bytes=1024)

    response = _parse(client, MARKDOWN + "- more\n" * 200, filename="okrs.md")

    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"


def test_the_route_is_documented_with_examples_of_its_body(client: TestClient) -> None:
    operation = client.get("/openapi.json").json()["paths"][PARSE]["post"]

    examples = operation["requestBody"]["content"]["text/plain"]["examples"]
    assert {"markdown", "csv"} <= set(examples)
    assert operation["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/OKRSet"
    }
    assert "422" in operation["responses"]


def test_an_xlsx_workbook_is_read_from_the_named_sheet_with_its_extra_columns(client: TestClient) -> None:
    data = workbook({"Notes": [["hello"]], "Q3": [["Goal", "KR", "Status"], ["Grow", LAUNCH, "on track"]]})
    response = _parse(client, data, filename="okrs.xlsx", sheet="Q3")

    assert response.status_code == 200
    [key_result] = response.json()["objectives"][0]["key_results"]
    assert (key_result["text"], key_result["columns"]) == (LAUNCH, {"Status": "on track"})
    unknown = _parse(client, data, filename="okrs.xlsx", sheet="Q4")
    assert unknown.status_code == 422
    assert unknown.json()["detail"] == "okrs.xlsx: no sheet named 'Q4' in the workbook (sheets: 'Notes', 'Q3')"


def test_a_markdown_table_is_read_and_a_broken_csv_names_its_line(client: TestClient) -> None:
    table = _parse(client, NOTION, filename="q3.md").json()
    assert [len(o["key_results"]) for o in table["objectives"]] == [2, 2]
    broken = _parse(client, UNCLOSED, filename="okrs.csv")
    assert broken.status_code == 422
    assert broken.json()["detail"].startswith("okrs.csv, line 2: a quote opened on this line is not closed")
