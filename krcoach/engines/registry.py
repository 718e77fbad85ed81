"""Choosing an engine by name: the one place that knows which engines exist and how to build them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from krcoach.budget import BudgetLedger, ModelBudget, SQLiteLedger
from krcoach.config import Settings
from krcoach.engines.base import RewriteEngine
from krcoach.engines.rules import RulesEngine

if TYPE_CHECKING:  # the model client (openai and its types) loads only when a model engine is built
    from krcoach.engines.llm import LLMEngine, Observer
    from krcoach.llm.cache import ReplyCache
    from krcoach.llm.pacing import Pacer
    from krcoach.llm.transport import ChatTransport, OpenAITransport

ENGINE_NAMES = ("auto", "rules", "llm")


class UnknownEngineError(ValueError):
    """The engine name is not one krcoach has."""


def build_engine(name: str | None, settings: Settings, transport: ChatTransport | None = None) -> RewriteEngine:
    """The engine called `name`, or the configured one when `name` is None.

    `auto` (the default) is the model engine when an endpoint or API key is configured, else `rules`.
    `transport` replaces the HTTP transport (tests); retries are still applied around it.
    """
    chosen = name or settings.engine
    if chosen == "auto":
        chosen = "llm" if settings.llm_configured or transport is not None else "rules"
    if chosen == "rules":
        return RulesEngine()
    if chosen == "llm":
        return build_llm_engine(settings, transport)
    raise UnknownEngineError(f"unknown engine {chosen!r}; choose one of: {', '.join(ENGINE_NAMES)}")


def build_llm_engine(
    settings: Settings, transport: ChatTransport | None = None, observer: Observer | None = None
) -> LLMEngine:
    """The model engine as the settings describe it: endpoint, output mode, retries, re-asks, cache."""
    from krcoach.engines.llm import LLMEngine  # noqa: PLC0415 - the model client loads only when used
    from krcoach.llm.profiles import profile_for  # noqa: PLC0415
    from krcoach.llm.prompts import load_prompt  # noqa: PLC0415
    from krcoach.llm.retry import RateLimitGate, RetryingTransport, RetryPolicy  # noqa: PLC0415
    from krcoach.llm.structured import StructuredCaller  # noqa: PLC0415

    inner = transport or http_transport(settings)
    retrying = RetryingTransport(
        inner,
        RetryPolicy(settings.llm_max_retries, settings.llm_retry_base_delay_s),
        RateLimitGate(),
        build_pacer(settings),
    )
    caller = StructuredCaller(
        transport=retrying,
        model=settings.llm_model,
        max_reasks=settings.llm_max_reasks,
        max_tokens=settings.llm_max_tokens,
        temperature=settings.llm_temperature,
        timeout_s=settings.llm_timeout_s,
        deadline_s=settings.llm_deadline_s,
    )
    return LLMEngine(
        caller,
        profile_for(settings.llm_output_mode),
        load_prompt(settings.prompts_dir),
        build_cache(settings),
        observer,
    )


def build_pacer(settings: Settings) -> Pacer:
    """The model rate limit: shared on Redis when a Redis URL is set, else within this process."""
    from krcoach.llm.pacing import LocalPacer, NoPacer, PaceLimits  # noqa: PLC0415

    limits = PaceLimits(settings.llm_rate_limit_calls, settings.llm_rate_limit_tokens, settings.llm_rate_window_s)
    if not limits.enabled:
        return NoPacer()
    if settings.redis_url:
        from krcoach.scale.redis_client import redis_client  # noqa: PLC0415
        from krcoach.scale.redis_pacer import RedisPacer  # noqa: PLC0415 - Redis loads only when configured

        return RedisPacer(redis_client(settings.redis_url), limits)
    return LocalPacer(limits)


def build_cache(settings: Settings) -> ReplyCache:
    """The reply cache the settings name (`memory` is shared on Redis when a Redis URL is set)."""
    from krcoach.llm.cache import open_cache  # noqa: PLC0415

    setting = settings.llm_cache
    if setting in {"memory", "redis"} and settings.redis_url:
        from krcoach.scale.redis_cache import RedisCache  # noqa: PLC0415
        from krcoach.scale.redis_client import redis_client  # noqa: PLC0415

        return RedisCache(redis_client(settings.redis_url))
    if setting == "redis":
        raise ValueError("KRCOACH_LLM_CACHE=redis needs KRCOACH_REDIS_URL")
    return open_cache(setting)


def http_transport(settings: Settings) -> OpenAITransport:
    """The HTTP transport to the configured endpoint (no retries: those wrap it)."""
    from krcoach.llm.transport import OpenAITransport  # noqa: PLC0415

    api_key = settings.llm_api_key.get_secret_value() if settings.llm_api_key else None
    return OpenAITransport(base_url=settings.llm_base_url, api_key=api_key)


def budget_ledger(settings: Settings) -> BudgetLedger:
    """Where per-caller model spending is added up: Redis when a Redis URL is set, else the job store's file."""
    if settings.redis_url:
        from krcoach.scale.redis_budget import RedisLedger  # noqa: PLC0415

        return RedisLedger(settings.redis_url)
    return SQLiteLedger(settings.jobs_db)


def model_budget(settings: Settings) -> ModelBudget:
    """The per-caller model budget the settings describe."""
    return ModelBudget(
        budget_ledger(settings),
        calls=settings.model_budget_calls,
        tokens=settings.model_budget_tokens,
        period_s=settings.model_budget_period_s,
    )
