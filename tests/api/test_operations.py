"""Probes, metrics and the OpenAPI document."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient

from tests.api.conftest import ClientFactory


def test_healthz_and_readyz_answer_on_the_offline_engine(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok", "engine": "rules", "checks": {}}
    ready = client.get("/readyz").json()
    assert ready["status"] == "ready" and ready["checks"] == {"job_store": "ok"}


def test_readyz_is_503_when_the_configured_model_endpoint_does_not_answer(make_client: ClientFactory) -> None:
    client = make_client(engine="auto", llm_base_url="http://127.0.0.1:9/v1")

    response = client.get("/readyz")

    assert response.status_code == 503
    assert "model endpoint" in response.json()["detail"]


def test_metrics_count_requests_key_results_and_latency(client: TestClient) -> None:
    client.post("/v1/key-results/analyze", json={"key_result": "Run 20 customer interviews"})

    text = client.get("/metrics").text

    assert 'krcoach_http_requests_total{method="POST",route="/v1/key-results/analyze",status="200"}' in text
    assert 'krcoach_key_results_analyzed_total{engine="rules",label="action"}' in text
    assert "krcoach_http_request_duration_seconds_bucket" in text
    assert "krcoach_jobs_running" in text


FASTAPI_OWN = {"HTTPValidationError", "ValidationError"}  # never returned: validation errors are problem+json


def test_every_schema_in_the_openapi_document_is_documented_with_an_example(client: TestClient) -> None:
    document: dict[str, Any] = client.get("/openapi.json").json()
    paths = document["paths"]

    assert {"/v1/key-results/analyze", "/v1/okr-sets/analyze", "/v1/jobs", "/v1/jobs/{job_id}"} <= set(paths)
    undocumented = [
        name
        for name, schema in document["components"]["schemas"].items()
        if not (schema.get("examples") or schema.get("example") or schema.get("enum"))
        and name not in {"HTTPValidationError", "ValidationError"}
    ]
    assert undocumented == []


def test_every_error_answer_is_documented_as_the_problem_document_it_is(client: TestClient) -> None:
    document: dict[str, Any] = client.get("/openapi.json").json()
    problem = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}

    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            errors = {status: response.get("content") for status, response in responses.items() if status >= "400"}
            assert all(content == problem for content in errors.values()), (method, path, errors)
            if operation.get("security"):  # behind the API-key check and the rate limit
                assert {"401", "429"} <= set(errors), (method, path)
            if "requestBody" in operation:  # undecodable, too large, not valid
                assert {"400", "413", "422"} <= set(errors), (method, path)
    assert not FASTAPI_OWN & set(document["components"]["schemas"])


def test_the_api_docs_load_every_asset_from_the_service_itself(client: TestClient) -> None:
    page = client.get("/docs")

    assets = re.findall(r"""(?:src|href)=['"]([^'"]+)['"]""", page.text)

    assert page.status_code == 200 and assets
    assert all(url.startswith("/") for url in assets), assets  # nothing from a CDN: /docs works offline
    for url in assets:
        assert client.get(url).status_code == 200, url


def test_request_latency_is_measured_in_seconds_from_the_request_start(client: TestClient) -> None:
    client.post("/v1/key-results/analyze", json={"key_result": "Run 20 customer interviews"})

    text = client.get("/metrics").text

    total = re.search(
        r'krcoach_http_request_duration_seconds_sum\{method="POST",route="/v1/key-results/analyze"\} (\S+)', text
    )
    assert total is not None
    assert 0 < float(total.group(1)) < 5
