"""The YAML files shipped in `krcoach/data/`, read by the modules that give them meaning."""

from __future__ import annotations

from importlib import resources
from typing import Any

import yaml

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's safe loader when PyYAML has it: 12 ms for the measure library, where the pure-Python one takes 0.17 s."""


def load_yaml(name: str) -> Any:
    """The parsed content of `krcoach/data/<name>` (safe loading: plain data only)."""
    text = resources.files("krcoach").joinpath(f"data/{name}").read_text(encoding="utf-8")
    return yaml.load(text, Loader=_LOADER)
