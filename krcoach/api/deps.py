"""What routes depend on, as `Annotated` aliases: the services of this app, and the authorised caller.

The dependencies are `async def` although they never await: FastAPI runs plain `def` dependencies in its
thread pool, and that hop cost more than half of a request's time (0.89 → 0.34 ms in-process).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from krcoach.api.security import ApiKeys, RateLimiter
from krcoach.coach import Coach
from krcoach.config import Settings
from krcoach.jobs.runner import JobRunner
from krcoach.jobs.store import JobStore


@dataclass(slots=True)
class Services:
    """Everything one app instance shares between requests; built in the lifespan."""

    settings: Settings
    coach: Coach
    store: JobStore
    runner: JobRunner
    keys: ApiKeys
    limiter: RateLimiter
    model_probe: Callable[[], Awaitable[None]] | None = None
    """Checks the model endpoint for `/readyz`; None when no model is configured."""


async def services(request: Request) -> Services:
    """This app's services."""
    found: Services = request.app.state.services
    return found


ServicesDep = Annotated[Services, Depends(services)]

_bearer = HTTPBearer(auto_error=False, description="An API key, when the server is configured with KRCOACH_API_KEYS.")


async def authorised_caller(
    request: Request,
    app: ServicesDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Security(_bearer)],
) -> str:
    """The caller's name after the API key check (when keys are set) and the rate limit."""
    authorization = f"{credentials.scheme} {credentials.credentials}" if credentials else None
    client = request.client.host if request.client else "unknown"
    caller = app.keys.caller(authorization, client)
    app.limiter.check(caller)
    return caller


CallerDep = Annotated[str, Depends(authorised_caller)]
