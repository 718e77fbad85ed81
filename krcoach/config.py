"""All settings in one place, read from the environment (prefix `KRCOACH_`) or a `.env` file."""

from __future__ import annotations

from functools import cache
from typing import Literal

from pydantic_settings import BaseSettings, SettingsConfigDict

EngineName = Literal["rules"]


class Settings(BaseSettings):
    """krcoach's configuration. With nothing set, everything runs offline on the rules engine."""

    model_config = SettingsConfigDict(env_prefix="KRCOACH_", env_file=".env", extra="ignore")

    engine: EngineName = "rules"
    """Which engine writes proposals. `rules` is the offline default."""
    concurrency: int = 4
    """How many Objectives are rewritten at once."""
    progress_threshold: int = 200
    """Show a progress bar (on a terminal) for sets with at least this many Key Results."""


@cache
def get_settings() -> Settings:
    """The process-wide settings."""
    return Settings()
