"""The API fuzzed from its own OpenAPI document (schemathesis): every `/v1` operation, with schema-valid and with
malformed requests. Whatever is sent, the answer is never a 5xx, every error is an RFC 9457 problem document, and
every answer (status, content type, body, headers) is the one the document promises.

A bounded number of examples keeps the module quick; `benchmarks/fuzz_api.py` runs the same checks at length.
"""

from __future__ import annotations

import importlib
import pkgutil
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.routing import APIRoute
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.python import asgi

from krcoach.api import routes
from krcoach.api.routes.analyze import NDJSON
from tests.reliability.api_fuzzing import (
    V1_OPERATIONS,
    FuzzCase,
    call_and_validate,
    fuzz_app,
    fuzz_schema,
    operation_labels,
)

EXAMPLES = 50
"""Generated requests per operation and mode (the examples and coverage phases add their own)."""

_FOLDER = Path(tempfile.gettempdir()) / f"krcoach-fuzz-{uuid.uuid4().hex}"
"""Made by the job store when the first case is sent; removed at the end."""
SERVICE = fuzz_app(_FOLDER / "jobs.sqlite3")
positive = fuzz_schema(SERVICE, GenerationMode.POSITIVE, max_examples=EXAMPLES)
negative = fuzz_schema(SERVICE, GenerationMode.NEGATIVE, max_examples=EXAMPLES).exclude(path_regex=r"\{job_id\}")
"""The job id is any string, so a job's own operations have nothing to make malformed (they are fuzzed positively)."""


@pytest.fixture(scope="module", autouse=True)
def _service_stopped_at_the_end() -> Iterator[None]:
    yield
    asgi.shutdown_lifespans()  # stops the job runner and closes the job store
    shutil.rmtree(_FOLDER, ignore_errors=True)


def _served_v1_operations() -> set[str]:
    """Every `/v1` route of every module in `krcoach.api.routes`, documented or not."""
    served: set[str] = set()
    for module_info in pkgutil.iter_modules(routes.__path__):
        router = getattr(importlib.import_module(f"{routes.__name__}.{module_info.name}"), "router", None)
        for route in getattr(router, "routes", []):
            if isinstance(route, APIRoute) and route.path.startswith("/v1/"):
                served |= {f"{method} {route.path}" for method in route.methods or ()}
    return served


def test_every_v1_operation_the_service_serves_is_documented_and_fuzzed() -> None:
    assert operation_labels(positive) == set(V1_OPERATIONS) == _served_v1_operations()
    assert operation_labels(negative) == {label for label in V1_OPERATIONS if label.startswith("POST")}


@positive.parametrize()
def test_schema_valid_requests_get_the_documented_answer_and_never_a_server_error(case: FuzzCase) -> None:
    call_and_validate(case)


@negative.parametrize()
def test_malformed_requests_are_refused_with_a_problem_document_and_never_a_server_error(case: FuzzCase) -> None:
    call_and_validate(case)


def test_a_set_streamed_as_ndjson_is_one_documented_key_result_analysis_a_line() -> None:
    streamed: list[int] = []

    @given(case=positive["/v1/okr-sets/analyze"]["POST"].as_strategy())
    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
    def stream(case: FuzzCase) -> None:
        response = call_and_validate(case, headers={"Accept": NDJSON})  # each line is read as a KeyResultAnalysis
        if response.status_code == 200:
            assert response.headers["content-type"] == [NDJSON]
            streamed.append(response.content.count(b"\n"))

    stream()
    assert any(streamed), "no Key Result was ever streamed"


def test_a_submitted_job_can_be_followed_fetched_and_cancelled_as_documented() -> None:
    follow = [positive[path][method] for path, method in (
        ("/v1/jobs/{job_id}", "GET"), ("/v1/jobs/{job_id}/result", "GET"), ("/v1/jobs/{job_id}", "DELETE"),
    )]  # fmt: skip
    answers: set[tuple[str, int]] = set()

    @given(case=positive["/v1/jobs"]["POST"].as_strategy())
    @settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck))
    def lifecycle(case: FuzzCase) -> None:
        case.headers.pop("idempotency-key", None)  # a key the fuzzing already used with another body is a 409
        created = call_and_validate(case)
        if created.status_code != 202:
            return
        job_id = created.json()["id"]
        assert created.headers["location"] == [f"/v1/jobs/{job_id}"]
        for operation in follow:
            response = call_and_validate(operation.Case(path_parameters={"job_id": job_id}))
            answers.add((operation.label, response.status_code))

    lifecycle()
    assert ("GET /v1/jobs/{job_id}", 200) in answers and ("DELETE /v1/jobs/{job_id}", 200) in answers
