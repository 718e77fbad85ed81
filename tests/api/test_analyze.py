"""Synchronous analysis over HTTP: one Key Result, a whole set, and the NDJSON stream."""

from __future__ import annotations

import json
from typing import Any

from fastapi.testclient import TestClient

from krcoach.domain.analysis import SetAnalysis
from tests.api.conftest import ClientFactory

LAUNCH = "Launch the redesigned onboarding flow by 30 June"
DRAFT: dict[str, Any] = {
    "objectives": [
        {
            "title": "Redesign the onboarding experience",
            "key_results": [
                {"text": LAUNCH},
                {"text": "Run 20 customer interviews by end of Q2"},
                {"text": "Increase week-1 activation from 22% to 35% by end of Q2"},
            ],
        },
        {"title": "Customers stay with us", "key_results": [{"text": "Hire 4 support agents"}]},
    ]
}


def test_an_action_key_result_is_diagnosed_with_result_based_proposals_and_the_engine_named(
    client: TestClient,
) -> None:
    response = client.post(
        "/v1/key-results/analyze", json={"key_result": LAUNCH, "objective": "New customers succeed without help"}
    )

    assert response.status_code == 200
    body = response.json()
    assert body["key_result"]["label"] == "action" and body["key_result"]["kind"] == "milestone"
    assert body["key_result"]["proposals"] and all(p["engine"] == "rules" for p in body["key_result"]["proposals"])
    assert [a["text"] for a in body["okra"]["actions"]] == [LAUNCH]
    assert body["meta"]["engine"] == "rules" and response.headers["x-krcoach-engine"] == "rules"


def test_a_result_key_result_is_left_as_it_is(client: TestClient) -> None:
    response = client.post("/v1/key-results/analyze", json={"key_result": "Increase NPS from 32 to 50 by Q4"})

    body = response.json()
    assert body["key_result"]["label"] == "result" and body["key_result"]["proposals"] == []
    assert body["okra"]["key_results"][0]["origin"] == "original"


def test_the_request_id_is_echoed_or_made_up(client: TestClient) -> None:
    given = client.post("/v1/key-results/analyze", json={"key_result": LAUNCH}, headers={"X-Request-ID": "abc-123"})
    made = client.post("/v1/key-results/analyze", json={"key_result": LAUNCH})

    assert given.headers["x-request-id"] == "abc-123"
    assert len(made.headers["x-request-id"]) == 32


def test_a_whole_set_gets_the_analysis_and_the_okra_view(client: TestClient) -> None:
    response = client.post("/v1/okr-sets/analyze", json=DRAFT)

    assert response.status_code == 200
    analysis = SetAnalysis.model_validate(response.json())
    assert [kr.text for kr in analysis.key_results()] == [
        kr["text"] for o in DRAFT["objectives"] for kr in o["key_results"]
    ]
    assert analysis.summary.actions == 3
    assert {a.text for o in analysis.okra for a in o.actions} >= {LAUNCH, "Hire 4 support agents"}


def test_ndjson_streams_one_line_per_key_result(client: TestClient) -> None:
    with client.stream(
        "POST", "/v1/okr-sets/analyze", json=DRAFT, headers={"Accept": "application/x-ndjson"}
    ) as response:
        assert response.headers["content-type"].startswith("application/x-ndjson")
        lines = [json.loads(line) for line in response.iter_lines() if line]

    assert sorted(line["id"] for line in lines) == ["O1.KR1", "O1.KR2", "O1.KR3", "O2.KR1"]
    assert all(line["label"] in {"action", "result"} for line in lines)
    assert response.headers["x-krcoach-engine"] == "rules"


def test_a_set_over_the_synchronous_limit_is_sent_to_jobs(make_client: ClientFactory) -> None:
    client = make_client(max_sync_key_results=3)

    response = client.post("/v1/okr-sets/analyze", json=DRAFT)

    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"
    assert "/v1/jobs" in response.json()["detail"]
