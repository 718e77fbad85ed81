"""The service as the fuzzer sees it, and what every answer must satisfy (shared with `benchmarks/fuzz_api.py`).

The app runs in-process on the offline engine with an API key required (so the 401 path is part of the contract)
and a rate limit no fuzz run reaches. Every request carries the key; schemathesis leaves the Authorization header
alone and generates everything else from the OpenAPI document the service serves.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import schemathesis
from fastapi import FastAPI
from hypothesis import strategies as st
from schemathesis import APIOperation, Case, CheckContext, GenerationMode, Response
from schemathesis.checks import CheckFunction
from schemathesis.core.result import Ok
from schemathesis.schemas import BaseSchema

from krcoach.api.app import create_app
from krcoach.api.problems import PROBLEM_JSON
from krcoach.api.routes.analyze import NDJSON
from krcoach.api.routes.drafts import XLSX_MEDIA_TYPE
from krcoach.config import Settings
from krcoach.domain.analysis import KeyResultAnalysis

# Workbook bodies: raw bytes, some of them starting as a zip archive (every .xlsx file) does.
schemathesis.openapi.media_type(
    XLSX_MEDIA_TYPE, st.binary(max_size=512) | st.binary(max_size=512).map(b"PK\x03\x04".__add__)
)

FuzzCase = Case[APIOperation[Any, Any, Any, Any]]
"""A request schemathesis generated for one operation of the document."""

API_KEY = "fuzz-key"
AUTH = {"Authorization": f"Bearer {API_KEY}"}

V1_OPERATIONS = (
    "POST /v1/key-results/analyze",
    "POST /v1/okr-sets/analyze",
    "POST /v1/drafts/parse",
    "POST /v1/jobs",
    "GET /v1/jobs/{job_id}",
    "GET /v1/jobs/{job_id}/result",
    "DELETE /v1/jobs/{job_id}",
)
"""Every operation of the versioned API: all of them are fuzzed."""

SCHEMA_CANNOT_SAY = {
    "POST /v1/drafts/parse": "any string fits `type: string`; only a readable draft is accepted",
    "POST /v1/okr-sets/analyze": "ids must be unique across the set, which JSON Schema cannot express",
    "POST /v1/jobs": "ids must be unique across the set, which JSON Schema cannot express",
}
"""Operations where a schema-valid request may still be refused (422): positive data acceptance is not checked."""


def fuzz_app(jobs_db: Path) -> FastAPI:
    """The service on the offline engine, a job store at `jobs_db`, an API key required, no reachable rate limit."""
    settings = Settings(engine="rules", jobs_db=jobs_db, api_keys=[API_KEY], rate_limit_per_minute=10**9)
    return create_app(settings)


def fuzz_schema(app: FastAPI, mode: GenerationMode, *, max_examples: int) -> BaseSchema:
    """The app's own OpenAPI document, limited to `/v1`, generating `mode` data with the API key on every call.

    The document is the one `/openapi.json` serves, read without a request, so that the app (its job store and
    runner) starts with the first case sent rather than when a test module is collected.
    """
    document = schemathesis.openapi.from_dict(app.openapi())
    document.app = app  # cases are sent to the app in-process (ASGI), as `schemathesis.openapi.from_asgi` sets it
    schema = document.include(path_regex=r"^/v1/")
    schema.config.update(headers=AUTH)
    schema.config.generation.update(
        modes=[mode], max_examples=max_examples, with_security_parameters=False, allow_extra_parameters=False
    )
    return schema


def problem_details(ctx: CheckContext, response: Response, case: FuzzCase) -> bool | None:
    """Every 4xx/5xx is an RFC 9457 problem: problem+json with `type`, `title`, `detail`, `status` = the status."""
    if response.status_code < 400:
        return None
    content_type = response.headers.get("content-type", [""])[0]
    assert content_type == PROBLEM_JSON, f"{response.status_code} answered as {content_type!r}, not {PROBLEM_JSON}"
    problem = json.loads(response.content)
    assert isinstance(problem, dict), f"the problem is {type(problem).__name__}, not an object"
    assert isinstance(problem.get("type"), str) and problem["type"], f"no `type`: {problem}"
    assert isinstance(problem.get("title"), str) and problem["title"], f"no `title`: {problem}"
    assert problem.get("status") == response.status_code, f"`status` is not {response.status_code}: {problem}"
    assert isinstance(problem.get("detail"), str), f"`detail` is not a string: {problem}"
    assert problem.get("request_id") == response.headers.get("x-request-id", [None])[0], f"request id: {problem}"
    return True


def ndjson_lines(ctx: CheckContext, response: Response, case: FuzzCase) -> bool | None:
    """A streamed set analysis is one Key Result analysis (the documented schema) a line, none for no Key Result."""
    if response.status_code != 200 or response.headers.get("content-type", [""])[0] != NDJSON:
        return None
    for line in response.content.split(b"\n")[:-1]:  # only "\n" ends a line: U+2028 may sit inside a string
        KeyResultAnalysis.model_validate_json(line)
    assert response.content.endswith(b"\n") or not response.content, "the last line is not ended"
    return True


CHECKS: list[CheckFunction] = [problem_details, ndjson_lines]
"""The service's own checks, run next to schemathesis' built-in ones on every answer."""


def excluded_checks(case: FuzzCase) -> list[CheckFunction]:
    """The built-in checks that do not apply to this case's operation (see SCHEMA_CANNOT_SAY)."""
    if case.operation.label in SCHEMA_CANNOT_SAY:
        return [schemathesis.checks.positive_data_acceptance]
    return []


def operation_labels(schema: BaseSchema) -> set[str]:
    """The labels ("POST /v1/jobs") of every operation in the schema."""
    return {result.ok().label for result in schema.get_all_operations() if isinstance(result, Ok)}


def call_and_validate(case: FuzzCase, headers: dict[str, str] | None = None) -> Response:
    """Send the case with the API key (and `headers`) and run every applicable check on the answer."""
    return case.call_and_validate(
        headers={**AUTH, **(headers or {})}, additional_checks=CHECKS, excluded_checks=excluded_checks(case)
    )
