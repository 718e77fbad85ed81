"""Where the corpus and its recording live, and settings for the scripted hijacked model."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from krcoach.config import Settings

ROOT = Path(__file__).parent.parent.parent
CORPUS = ROOT / "evals" / "injection" / "corpus.yaml"
RECORDING = ROOT / "evals" / "cassettes" / "injection-gemma3-270m.jsonl"


def scripted_settings(**overrides: Any) -> Settings:
    """Settings for the scripted hijacked model: fast retries, several cases at once."""
    options: dict[str, Any] = {"llm_retry_base_delay_s": 0.05, "llm_timeout_s": 10.0, "concurrency": 8}
    options.update(overrides)
    return Settings(**options)
