"""What routes depend on, as `Annotated` aliases: the services of this app, and the authorised caller.

The dependencies are `async def` (most never await, the rate limit may): FastAPI runs plain `def` dependencies in its
thread pool, and that hop cost more than half of a request's time (0.89 → 0.34 ms in-process).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Literal
from urllib.parse import urlencode

from fastapi import Depends, Query, Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from krcoach.api import metrics
from krcoach.api.problems import ProblemError
from krcoach.api.security import ApiKeys, RequestLimiter
from krcoach.budget import OFFLINE_HINT, ModelBudget
from krcoach.coach import Coach
from krcoach.config import Settings
from krcoach.engines.base import ModelAllowance
from krcoach.jobs.backend import JobBackend

if TYPE_CHECKING:
    from krcoach.slack.bot_token import BotTokenCheck


@dataclass(slots=True)
class Services:
    """Everything one app instance shares between requests; built in the lifespan."""

    settings: Settings
    coach: Coach
    offline: Coach
    """The offline engine's coach (the same as `coach` when no model is configured)."""
    jobs: JobBackend
    keys: ApiKeys
    limiter: RequestLimiter
    """The per-caller request limit (shared on Redis when configured)."""
    budget: ModelBudget
    model_probe: Callable[[], Awaitable[None]] | None = None
    """Checks the model endpoint for `/readyz`; None when no model is configured."""
    slack_bot_token: BotTokenCheck | None = None
    """The Slack bot token's start-up check, reported by `/readyz`; None without the Slack app or a token."""


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
    await app.limiter.check(caller)
    return caller


CallerDep = Annotated[str, Depends(authorised_caller)]


EngineChoice = Literal["auto", "rules"]
EngineQuery = Annotated[
    EngineChoice,
    Query(
        alias="engine",
        description="`auto`: the service's engine (the model when one is configured); `rules`: the offline "
        "engine, whatever is configured (no model call, no model budget spent).",
    ),
]


@dataclass(frozen=True, slots=True)
class Coaching:
    """The coach that answers this request, and the caller's model budget when the model may be asked."""

    coach: Coach
    allowance: ModelAllowance | None
    engine: EngineChoice


async def coaching(request: Request, app: ServicesDep, caller: CallerDep, engine: EngineQuery = "auto") -> Coaching:
    """The engine for this request; 429 when the caller's model budget is spent (the offline engine is offered)."""
    if engine == "rules" or not app.coach.uses_model:
        return Coaching(app.offline, None, engine)
    spent = await app.budget.refusal(caller)
    if spent is not None:
        metrics.BUDGET_REFUSALS.inc()
        kept = [(name, value) for name, value in request.query_params.multi_items() if name != "engine"]
        query = urlencode([*kept, ("engine", "rules")])
        raise ProblemError(
            429,
            "Model budget spent",
            f"{spent.reason} {OFFLINE_HINT}",
            kind="model-budget-spent",
            headers={"Retry-After": str(spent.retry_after_s)},
            alternative=f"{request.url.path}?{query}",
        )
    allowance = app.budget.allowance(caller) if app.budget.enabled else None
    return Coaching(app.coach, allowance, engine)


CoachingDep = Annotated[Coaching, Depends(coaching)]
"""Who answers: the engine asked for, within the caller's model budget."""
