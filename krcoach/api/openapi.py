"""The OpenAPI document, with an example on every schema taken from a real analysis (never hand-kept copies).

The example analysis is the offline engine's answer to a small draft, computed once when the document is first
asked for; so every example is valid against its schema by construction and changes when the schemas do.

Every error answer is documented as it is sent: `application/problem+json` with the `Problem` schema, including
the answers every route can give whatever its own code (an undecodable body, a missing API key, the rate limit).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel

from krcoach.api.problems import PROBLEM_BASE, PROBLEM_JSON, FieldError, Problem
from krcoach.api.routes.health import Health
from krcoach.coach import Coach
from krcoach.domain.analysis import Label, SetAnalysis
from krcoach.domain.okr import OKRSet

EXAMPLE_DRAFT = OKRSet.model_validate(
    {
        "name": "Growth team, Q2",
        "objectives": [
            {
                "id": "O1",
                "title": "Launch the new onboarding flow",
                "team": "Growth",
                "period": "2026-Q2",
                "key_results": [
                    {"id": "O1.KR1", "text": "Launch the redesigned onboarding flow by 30 June"},
                    {"id": "O1.KR2", "text": "Grow weekly sign-ups by 20% by end of Q2"},
                    {"id": "O1.KR3", "text": "Run 20 customer interviews by end of Q2"},
                ],
            }
        ],
    }
)


def install_openapi(app: FastAPI) -> None:
    """Replace `app.openapi` with one that adds the examples (computed on first use, then cached)."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = get_openapi(
                title=app.title,
                version=app.version,
                description=app.description,
                routes=app.routes,
                tags=app.openapi_tags,
            )
            add_examples(document["components"]["schemas"], example_instances())
            document_problems(document)
            app.openapi_schema = document
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


_PROBLEM_REF = "#/components/schemas/Problem"
_FASTAPI_VALIDATION = ("HTTPValidationError", "ValidationError")
"""FastAPI's own 422 schemas: never sent (validation errors are problems), so not documented."""
_GUARDED = {
    "401": "An API key is required and missing or wrong.",
    "429": "Rate limit reached; see Retry-After.",
}
"""What the API-key check and the rate limit in front of every secured operation can answer."""
_WITH_BODY = {
    "400": "The body cannot be decoded (JSON that is not UTF-8).",
    "413": "The body is too large.",
    "422": "A field is not valid; `errors` names each one.",
}
"""What any operation with a request body can answer before the route runs."""


def document_problems(document: dict[str, Any]) -> None:
    """Document every error status of every operation as `application/problem+json` with the Problem schema."""
    for path_item in document["paths"].values():
        for operation in path_item.values():
            responses: dict[str, Any] = operation["responses"]
            common = {
                **(_GUARDED if operation.get("security") else {}),
                **(_WITH_BODY if "requestBody" in operation else {}),
            }
            for status, description in common.items():
                responses.setdefault(status, {"description": description})
            for status, response in responses.items():
                if status[0] in "45":
                    response["content"] = {PROBLEM_JSON: {"schema": {"$ref": _PROBLEM_REF}}}
            operation["responses"] = dict(sorted(responses.items()))
    schemas = document["components"]["schemas"]
    for name in _FASTAPI_VALIDATION:
        schemas.pop(name, None)


def example_instances() -> dict[str, BaseModel]:
    """One real instance per schema name."""
    analysis = _analyse(EXAMPLE_DRAFT)
    objective = analysis.objectives[0]
    action = next(kr for kr in analysis.key_results() if kr.label is Label.ACTION and kr.proposals)
    okra = analysis.okra[0]
    problem = Problem(
        type=PROBLEM_BASE + "validation",
        title="The request is not valid",
        status=422,
        detail="body.key_result: String should have at most 1000 characters",
        instance="/v1/key-results/analyze",
        request_id="6f1d2c3b4a5948e7b8c9d0e1f2a3b4c5",
        errors=[FieldError(field="body.key_result", message="String should have at most 1000 characters")],
    )
    instances: dict[str, BaseModel] = {
        "OKRSet": EXAMPLE_DRAFT,
        "SetAnalysis": analysis,
        "AnalysisMeta": analysis.meta,
        "Usage": analysis.meta.usage,
        "Summary": analysis.summary,
        "ObjectiveAnalysis": objective,
        "KeyResultAnalysis": action,
        "Issue": action.issues[0],
        "Span": action.issues[0].span if action.issues[0].span else action.issues[0],
        "OkraObjective": okra,
        "OkraKeyResult": okra.key_results[0],
        "OkraAction": okra.actions[0],
        "Problem": problem,
        "FieldError": problem.errors[0] if problem.errors else problem,
        "Health": Health(status="ready", engine="rules", checks={"job_store": "ok"}),
    }
    if analysis.issues:
        instances["SetIssue"] = analysis.issues[0]
    return instances


def add_examples(schemas: dict[str, Any], instances: dict[str, BaseModel]) -> None:
    """Give each object schema without examples the example of its name; enums list their values already."""
    for name, schema in schemas.items():
        if schema.get("examples") or "enum" in schema:
            continue
        instance = instances.get(name)
        if instance is not None:
            schema["examples"] = [instance.model_dump(mode="json", exclude_none=True)]


def _analyse(okr_set: OKRSet) -> SetAnalysis:
    """The offline engine's analysis, computed on a private event loop (this may run inside a request)."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, Coach().analyze(okr_set)).result()
