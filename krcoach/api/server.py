"""`krcoach serve`: uvicorn with JSON logs, several workers when asked, graceful shutdown that keeps jobs resumable."""

from __future__ import annotations

import os
import tempfile
from typing import Any

import uvicorn

from krcoach.config import Settings

GRACEFUL_SHUTDOWN_S = 10


def log_config(level: str) -> dict[str, Any]:
    """Every log line (ours and uvicorn's) as one JSON object on stderr; uvicorn's access log off (ours has ids)."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "krcoach.api.middleware.JsonLogFormatter"}},
        "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}},
        "loggers": {
            "krcoach": {"handlers": ["stderr"], "level": level.upper(), "propagate": False},
            "uvicorn": {"handlers": ["stderr"], "level": level.upper(), "propagate": False},
            "uvicorn.error": {"level": level.upper()},
            "uvicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},
        },
    }


def serve(settings: Settings) -> None:
    """Run the service in the foreground until SIGINT/SIGTERM."""
    if settings.workers > 1 and not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="krcoach-metrics-")
    uvicorn.run(
        "krcoach.api.app:create_app",
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=settings.workers,
        log_config=log_config(settings.log_level),
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_S,
        proxy_headers=False,
        access_log=False,  # our middleware logs each request, with its id
        server_header=False,
    )
