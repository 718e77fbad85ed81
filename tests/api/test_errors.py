"""Bad requests get a clear problem+json answer (RFC 9457) naming what to fix — never a 500 or a stack trace."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from krcoach.coach import Coach
from krcoach.engines.base import ObjectiveBrief, ObjectiveRewrite
from krcoach.engines.function import FunctionEngine
from tests.api.conftest import ClientFactory

PROBLEM = "application/problem+json"


def assert_problem(response: Any, status: int) -> dict[str, Any]:
    """The response is an RFC 9457 problem with this status, carrying the request id."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    body: dict[str, Any] = response.json()
    assert body["status"] == status and body["title"] and body["request_id"] == response.headers["x-request-id"]
    return body


def test_a_key_result_over_1000_characters_is_422_naming_the_field(client: TestClient) -> None:
    body = assert_problem(client.post("/v1/key-results/analyze", json={"key_result": "x" * 1001}), 422)

    assert body["errors"] and body["errors"][0]["field"] == "body.key_result"
    assert "1000" in str(body["detail"])


def test_the_text_limits_are_the_ones_the_schema_states(client: TestClient) -> None:
    schemas = client.get("/openapi.json").json()["components"]["schemas"]
    documented = schemas["KeyResultRequest"]["properties"]["key_result"]

    padded = client.post("/v1/key-results/analyze", json={"key_result": " " + "x" * 1000})
    blank = client.post("/v1/key-results/analyze", json={"key_result": " \t "})

    assert (documented["minLength"], documented["maxLength"], documented["pattern"]) == (1, 1000, "\\S")
    assert assert_problem(padded, 422)["errors"][0]["field"] == "body.key_result"  # 1,001 characters as sent
    assert assert_problem(blank, 422)["errors"][0]["field"] == "body.key_result"  # no non-space: `pattern`


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        (b"{not json", "application/json"),
        (b"", "application/json"),
        (b"key_result=x", "application/x-www-form-urlencoded"),
        (b'{"key_result": "Run 5 demos", "extra": 1}', "application/json"),
        (b'{"key_result": 42}', "application/json"),
        (b"[]", "application/json"),
        (b'"\\ud800"', "application/json"),
    ],
    ids=["broken-json", "empty", "form", "unknown-field", "wrong-type", "array", "lone-surrogate"],
)
def test_malformed_bodies_are_422(client: TestClient, content: bytes, content_type: str) -> None:
    response = client.post("/v1/key-results/analyze", content=content, headers={"Content-Type": content_type})

    assert_problem(response, 422)


def test_a_set_with_duplicate_ids_is_422(client: TestClient) -> None:
    draft = {
        "objectives": [{"id": "O1", "title": "T", "key_results": [{"id": "a", "text": "x"}, {"id": "a", "text": "y"}]}]
    }

    body = assert_problem(client.post("/v1/okr-sets/analyze", json=draft), 422)

    assert "duplicate" in str(body["detail"])


def test_a_body_over_the_limit_is_413_before_it_is_read(make_client: ClientFactory) -> None:
    client = make_client(max_body_bytes=2048)

    declared = client.post("/v1/key-results/analyze", content=b"x" * 4096, headers={"Content-Type": "application/json"})
    streamed = client.post(
        "/v1/key-results/analyze",
        content=iter([b"x" * 1500, b"x" * 1500]),
        headers={"Content-Type": "application/json"},
    )

    assert "2048" in str(assert_problem(declared, 413)["detail"])
    assert_problem(streamed, 413)


def test_unknown_routes_and_methods_are_problems_too(client: TestClient) -> None:
    assert_problem(client.get("/v1/nothing-here"), 404)
    assert_problem(client.get("/v1/key-results/analyze"), 405)


def test_a_method_not_allowed_names_every_method_of_the_path_in_allow(client: TestClient) -> None:
    for path, allowed in [("/v1/jobs/some-id", "GET, DELETE"), ("/v1/jobs", "POST"), ("/healthz", "GET")]:
        response = client.request("PATCH", path)

        assert_problem(response, 405)
        assert response.headers["allow"] == allowed


def test_an_unexpected_failure_is_a_500_problem_without_internals(make_client: ClientFactory) -> None:
    def explode(_: ObjectiveBrief) -> ObjectiveRewrite:
        raise RuntimeError("secret internals")

    client = make_client(coach=Coach(FunctionEngine(explode)), raise_server_exceptions=False)

    response = client.post("/v1/key-results/analyze", json={"key_result": "Run 20 customer interviews"})

    body = assert_problem(response, 500)
    assert "secret internals" not in response.text and str(body["type"]).endswith("/internal")


def test_with_api_keys_a_request_needs_a_valid_bearer_key(make_client: ClientFactory) -> None:
    client = make_client(api_keys="k-one,k-two")
    body = {"key_result": "Run 20 customer interviews"}

    missing = client.post("/v1/key-results/analyze", json=body)
    wrong = client.post("/v1/key-results/analyze", json=body, headers={"Authorization": "Bearer nope"})
    basic = client.post("/v1/key-results/analyze", json=body, headers={"Authorization": "Basic azpvbmU="})
    right = client.post("/v1/key-results/analyze", json=body, headers={"Authorization": "Bearer k-two"})

    assert assert_problem(missing, 401) and missing.headers["www-authenticate"].startswith("Bearer")
    assert_problem(wrong, 401)
    assert_problem(basic, 401)
    assert right.status_code == 200
    assert client.get("/healthz").status_code == 200  # probes stay open


def test_a_caller_over_the_rate_limit_gets_429_with_retry_after(make_client: ClientFactory) -> None:
    client = make_client(api_keys="k-one,k-two", rate_limit_per_minute=2)
    one = {"Authorization": "Bearer k-one"}
    body = {"key_result": "Run 20 customer interviews"}

    statuses = [client.post("/v1/key-results/analyze", json=body, headers=one).status_code for _ in range(3)]
    other = client.post("/v1/key-results/analyze", json=body, headers={"Authorization": "Bearer k-two"})
    limited = client.post("/v1/key-results/analyze", json=body, headers=one)

    assert statuses == [200, 200, 429]
    assert other.status_code == 200  # the limit is per key
    assert int(limited.headers["retry-after"]) >= 1
    assert_problem(limited, 429)


def test_cors_allows_only_the_configured_origins(make_client: ClientFactory) -> None:
    client = make_client(cors_origins="https://okr.example.org")
    preflight = {"Access-Control-Request-Method": "POST"}

    allowed = client.options("/v1/key-results/analyze", headers={"Origin": "https://okr.example.org", **preflight})
    other = client.options("/v1/key-results/analyze", headers={"Origin": "https://evil.example.com", **preflight})

    assert allowed.headers["access-control-allow-origin"] == "https://okr.example.org"
    assert "access-control-allow-origin" not in other.headers
