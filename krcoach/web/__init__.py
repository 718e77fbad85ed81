"""The coaching web page at `/`: static files that call the API from the same origin."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

STATIC = Path(__file__).resolve().parent / "static"
ASSETS = "/static"


def install_web(app: FastAPI) -> None:
    """The page at `/` and its assets under `/static/` (a mount at `/` would shadow the API's 405s)."""
    app.mount(ASSETS, StaticFiles(directory=STATIC), name="web")

    @app.get("/", include_in_schema=False)
    async def page() -> FileResponse:
        return FileResponse(STATIC / "index.html", media_type="text/html")
