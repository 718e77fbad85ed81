"""An engine backed by a plain function: the test double for the engine seam (like pydantic-ai's FunctionModel)."""

from __future__ import annotations

from collections.abc import Callable

from krcoach.engines.base import EngineInfo, ObjectiveBrief, ObjectiveRewrite

RewriteFunction = Callable[[ObjectiveBrief], ObjectiveRewrite]


class FunctionEngine:
    """Answers every brief by calling a function; records the briefs it was given."""

    def __init__(self, function: RewriteFunction, name: str = "function") -> None:
        self._function = function
        self._name = name
        self.briefs: list[ObjectiveBrief] = []

    @property
    def name(self) -> str:
        """The name given at construction."""
        return self._name

    @property
    def info(self) -> EngineInfo:
        """No model behind a function."""
        return EngineInfo()

    async def rewrite(self, objective: ObjectiveBrief) -> ObjectiveRewrite:
        """Record the brief and return the function's answer."""
        self.briefs.append(objective)
        return self._function(objective)
