"""Batch jobs over HTTP: 202 + Location, progress, result, idempotent submission, cancel."""

from __future__ import annotations

import re
import time
from typing import Any

from fastapi.testclient import TestClient

from krcoach.domain.analysis import SetAnalysis
from tests.api.conftest import ClientFactory
from tests.api.test_analyze import DRAFT
from tests.api.test_errors import assert_problem


def wait_until_done(client: TestClient, job_id: str, timeout: float = 20) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        status: dict[str, Any] = client.get(f"/v1/jobs/{job_id}").json()
        if status["state"] in {"done", "failed", "cancelled"} or time.monotonic() > deadline:
            return status
        time.sleep(0.05)


def big_set(objectives: int, per_objective: int) -> dict[str, Any]:
    return {
        "objectives": [
            {
                "title": f"Objective {o}",
                "key_results": [
                    {"text": f"Run {k + 1} customer interviews in region {o}"} for k in range(per_objective)
                ],
            }
            for o in range(objectives)
        ]
    }


def test_a_job_is_accepted_with_a_location_and_finishes_with_every_key_result(client: TestClient) -> None:
    submitted = client.post("/v1/jobs", json=big_set(20, 5))

    assert submitted.status_code == 202
    job_id = submitted.json()["id"]
    assert submitted.headers["location"] == f"/v1/jobs/{job_id}"
    status = wait_until_done(client, job_id)
    assert status["state"] == "done"
    assert status["key_results_done"] == status["key_results_total"] == 100
    result = SetAnalysis.model_validate(client.get(f"/v1/jobs/{job_id}/result").json())
    assert len(result.key_results()) == 100 and len({kr.id for kr in result.key_results()}) == 100
    assert 'krcoach_jobs_total{state="done"}' in client.get("/metrics").text


def test_the_same_idempotency_key_returns_the_same_job(client: TestClient) -> None:
    first = client.post("/v1/jobs", json=DRAFT, headers={"Idempotency-Key": "batch-42"})
    again = client.post("/v1/jobs", json=DRAFT, headers={"Idempotency-Key": "batch-42"})
    other = client.post("/v1/jobs", json=DRAFT, headers={"Idempotency-Key": "batch-43"})

    assert first.json()["id"] == again.json()["id"] != other.json()["id"]


def test_an_idempotency_key_reused_with_another_body_is_409(client: TestClient) -> None:
    client.post("/v1/jobs", json=DRAFT, headers={"Idempotency-Key": "batch-7"})

    reused = client.post("/v1/jobs", json=big_set(1, 1), headers={"Idempotency-Key": "batch-7"})

    assert_problem(reused, 409)


def test_the_idempotency_key_format_is_documented_as_it_is_checked(client: TestClient) -> None:
    operation = client.get("/openapi.json").json()["paths"]["/v1/jobs"]["post"]
    [header] = [p for p in operation["parameters"] if p["name"] == "idempotency-key"]
    pattern = re.compile(header["schema"]["pattern"])

    for key in ["batch-42", "x" * 200, "with space", "x" * 201, "caf\u00e9"]:
        response = client.post("/v1/jobs", json=DRAFT, headers={b"Idempotency-Key": key.encode()})
        assert (response.status_code == 202) == bool(pattern.match(key)), key


def test_the_result_of_an_unfinished_or_unknown_job_is_a_problem(client: TestClient) -> None:
    assert_problem(client.get("/v1/jobs/no-such-job"), 404)
    assert_problem(client.get("/v1/jobs/no-such-job/result"), 404)
    assert_problem(client.delete("/v1/jobs/no-such-job"), 404)


def test_a_cancelled_job_reports_cancelled_and_has_no_result(client: TestClient) -> None:
    job_id = client.post("/v1/jobs", json=big_set(200, 5)).json()["id"]

    cancelled = client.delete(f"/v1/jobs/{job_id}")

    assert cancelled.status_code == 200
    assert wait_until_done(client, job_id)["state"] in {"cancelled", "done"}
    if client.get(f"/v1/jobs/{job_id}").json()["state"] == "cancelled":
        assert_problem(client.get(f"/v1/jobs/{job_id}/result"), 409)


def test_with_api_keys_a_job_is_seen_only_with_the_key_that_submitted_it(make_client: ClientFactory) -> None:
    client = make_client(api_keys="owner-key,other-key")
    owner, other = {"Authorization": "Bearer owner-key"}, {"Authorization": "Bearer other-key"}
    job_id = client.post("/v1/jobs", json=big_set(2, 2), headers=owner).json()["id"]

    for method, path in [("GET", ""), ("GET", "/result"), ("DELETE", "")]:
        answer = client.request(method, f"/v1/jobs/{job_id}{path}", headers=other)
        assert_problem(answer, 404)
    assert client.get(f"/v1/jobs/{job_id}", headers=owner).status_code == 200
