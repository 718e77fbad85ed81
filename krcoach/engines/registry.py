"""Choosing an engine by name: the one place that knows which engines exist."""

from __future__ import annotations

from krcoach.config import Settings
from krcoach.engines.base import RewriteEngine
from krcoach.engines.rules import RulesEngine

ENGINE_NAMES = ("rules",)


class UnknownEngineError(ValueError):
    """The engine name is not one krcoach has."""


def build_engine(name: str | None, settings: Settings) -> RewriteEngine:
    """The engine called `name`, or the configured one when `name` is None."""
    chosen = name or settings.engine
    if chosen == "rules":
        return RulesEngine()
    raise UnknownEngineError(f"unknown engine {chosen!r}; choose one of: {', '.join(ENGINE_NAMES)}")
