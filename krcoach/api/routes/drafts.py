"""Drafts: read an OKR set from a file (YAML, JSON, JSON Lines, CSV, Markdown, an .xlsx workbook) for the web page."""

from __future__ import annotations

import asyncio
from pathlib import PurePath
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from krcoach.api.deps import CallerDep
from krcoach.api.problems import ProblemError
from krcoach.api.routes.analyze import ERRORS
from krcoach.domain.okr import OKRSet
from krcoach.io import InputError, InputFormat, read_okr_set

router = APIRouter(prefix="/v1/drafts", tags=["analysis"])

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
UNNAMED = "draft"
"""The source name of a body sent without a `filename`: the format is then sniffed from the content."""

_MARKDOWN_EXAMPLE = """# Growth team OKRs, Q2

## Objective: Redesign the onboarding experience
Team: Growth

- Launch the redesigned onboarding flow by 30 June
- Run 20 customer interviews by end of Q2
"""
_CSV_EXAMPLE = "objective,key_result\nRedesign the onboarding experience,Run 20 customer interviews by end of Q2\n"
_BODY: dict[str, Any] = {
    "required": True,
    "description": "The file as it is: its text (UTF-8), or the bytes of an .xlsx workbook.",
    "content": {
        "text/plain": {
            "schema": {"type": "string"},
            "examples": {
                "markdown": {"summary": "A Markdown outline", "value": _MARKDOWN_EXAMPLE},
                "csv": {"summary": "CSV (filename=okrs.csv)", "value": _CSV_EXAMPLE},
            },
        },
        XLSX_MEDIA_TYPE: {"schema": {"type": "string", "format": "binary"}},
    },
}


@router.post(
    "/parse",
    response_model=OKRSet,
    summary="Read an OKR set from a file's text",
    description=(
        "The body is the raw text of a file in one of the CLI's formats, or the bytes of an .xlsx workbook "
        "(`sheet` names its worksheet; the first by default). The format is `format` when given, else the "
        "extension of `filename`, else sniffed from the content. Input that cannot be read answers 422 with a "
        "`detail` naming the line."
    ),
    responses=ERRORS,
    openapi_extra={"requestBody": _BODY},
)
async def parse_draft(
    request: Request,
    _: CallerDep,
    fmt: Annotated[
        InputFormat | None, Query(alias="format", description="The input format; detected when omitted.")
    ] = None,
    filename: Annotated[
        str | None,
        Query(max_length=255, description="The file's name; its extension names the format.", examples=["okrs.csv"]),
    ] = None,
    sheet: Annotated[
        str | None, Query(max_length=100, description="The worksheet of an .xlsx workbook (default: the first).")
    ] = None,
) -> OKRSet:
    source = PurePath(filename).name if filename else UNNAMED
    data = await request.body()
    try:  # in a worker thread: a large draft takes a second to read, and the event loop serves everyone else
        return await asyncio.to_thread(read_okr_set, data, source=source or UNNAMED, fmt=fmt, sheet=sheet)
    except InputError as error:
        raise ProblemError(422, "The draft cannot be read", _described(error), kind="unreadable-draft") from error


def _described(error: InputError) -> str:
    """`okrs.csv, line 3: …`: the file, the line when known, and what is wrong."""
    where = error.source if error.line is None else f"{error.source}, line {error.line}"
    return f"{where}: {error.message}"
