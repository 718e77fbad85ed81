"""The `llm_server` suite: skipped where the optional packages are missing, unless a run requires it (CI does)."""

from __future__ import annotations

import os

import pytest

from krcoach.testing.llama_server import is_available


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Skip llm_server tests when the server cannot run here, except under KRCOACH_REQUIRE_LLM_SERVER=1."""
    if is_available() or os.environ.get("KRCOACH_REQUIRE_LLM_SERVER") == "1":
        return
    skip = pytest.mark.skip(reason="needs `pip install -e '.[llm-server]'` (llama-cpp-python, Gemma 3 270M)")
    for item in items:
        if "llm_server" in item.keywords:
            item.add_marker(skip)
