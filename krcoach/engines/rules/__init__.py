"""The offline default engine: result measures chosen from a curated pattern library."""

from krcoach.engines.rules.engine import RulesEngine

__all__ = ["RulesEngine"]
