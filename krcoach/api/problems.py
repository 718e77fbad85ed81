"""Errors as RFC 9457 problem details (`application/problem+json`): one shape for every failure the API returns."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from krcoach.api.context import request_id_of

PROBLEM_JSON = "application/problem+json"
PROBLEM_BASE = "https://krcoach.dev/problems/"


class FieldError(BaseModel):
    """One invalid field of a request."""

    field: str = Field(description="Where in the request: `body.objectives.0.key_results.2.text`, `query.x`.")
    message: str


class Problem(BaseModel):
    """What went wrong (RFC 9457). `type` is a stable URI per kind of problem; `detail` says what to do."""

    type: str = Field(default="about:blank", examples=[PROBLEM_BASE + "validation"])
    title: str = Field(examples=["The request is not valid"])
    status: int = Field(examples=[422])
    detail: str | None = Field(default=None, examples=["body.key_result: String should have at most 1000 characters"])
    instance: str | None = Field(default=None, description="The request path.", examples=["/v1/key-results/analyze"])
    request_id: str | None = Field(default=None, description="The X-Request-ID of the request, for support.")
    errors: list[FieldError] | None = Field(default=None, description="Every invalid field, for 422.")
    alternative: str | None = Field(
        default=None,
        description="A request that would be answered now: for a spent model budget, this one on the offline engine.",
        examples=["/v1/key-results/analyze?engine=rules"],
    )


class ProblemError(Exception):
    """Raise from a route to answer with a problem document (and optional headers)."""

    def __init__(
        self,
        status: int,
        title: str,
        detail: str | None = None,
        *,
        kind: str = "",
        headers: dict[str, str] | None = None,
        alternative: str | None = None,
    ) -> None:
        super().__init__(detail or title)
        self.status = status
        self.title = title
        self.detail = detail
        self.kind = kind
        self.headers = headers or {}
        self.alternative = alternative


def problem_response(
    request: Request | None,
    status: int,
    title: str,
    detail: str | None = None,
    *,
    kind: str = "",
    errors: list[FieldError] | None = None,
    headers: dict[str, str] | None = None,
    path: str | None = None,
    alternative: str | None = None,
) -> JSONResponse:
    """A problem+json response for this request."""
    problem = Problem(
        type=PROBLEM_BASE + kind if kind else "about:blank",
        title=title,
        status=status,
        detail=detail,
        instance=path if path is not None else (request.url.path if request is not None else None),
        request_id=request_id_of(request.scope) if request is not None else None,
        errors=errors,
        alternative=alternative,
    )
    return JSONResponse(
        problem.model_dump(exclude_none=True), status_code=status, media_type=PROBLEM_JSON, headers=headers
    )


def install_problem_handlers(app: FastAPI) -> None:
    """Every error path answers with problem+json: validation, HTTP errors, our own, and unexpected ones."""

    async def on_problem(request: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, ProblemError)
        return problem_response(
            request,
            error.status,
            error.title,
            error.detail,
            kind=error.kind,
            headers=error.headers,
            alternative=error.alternative,
        )

    async def on_validation(request: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, RequestValidationError)
        errors = [FieldError(field=_location(e), message=e.get("msg", "invalid")) for e in error.errors()]
        detail = "; ".join(f"{e.field}: {e.message}" for e in errors[:5])
        return problem_response(request, 422, "The request is not valid", detail, kind="validation", errors=errors)

    async def on_http(request: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, StarletteHTTPException)
        detail = error.detail if isinstance(error.detail, str) else None
        title = _TITLES.get(error.status_code, "Request failed")
        headers = dict(error.headers or {})
        if error.status_code == 405:  # Starlette names the methods of the first route at the path only
            headers["Allow"] = ", ".join(allowed_methods(request))
        return problem_response(request, error.status_code, title, detail, headers=headers)

    async def on_unexpected(request: Request, error: Exception) -> JSONResponse:
        return problem_response(
            request, 500, "Internal error", "Something failed on our side; quote the request_id.", kind="internal"
        )

    app.add_exception_handler(ProblemError, on_problem)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(Exception, on_unexpected)


_TITLES = {
    400: "Bad request",
    401: "Not authenticated",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    406: "Not acceptable",
    409: "Conflict",
    413: "Request body too large",
    415: "Unsupported media type",
    429: "Too many requests",
}


_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


def allowed_methods(request: Request) -> list[str]:
    """Every method some route of the app answers at the request's path: the `Allow` header of a 405."""
    routes = request.app.router.routes
    return [
        method
        for method in _METHODS
        if any(route.matches({**request.scope, "method": method})[0] is Match.FULL for route in routes)
    ]


def _location(error: dict[str, Any]) -> str:
    return ".".join(str(part) for part in error.get("loc", ())) or "body"
