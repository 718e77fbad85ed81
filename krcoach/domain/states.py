"""Deliverables stated as states ("There is a prototype …", "Users can …", "Search is enabled by default").

The patterns are data (`krcoach/data/state_patterns.yaml`), one meaning each. They say a thing was delivered,
so they are actions, unless the Key Result states a target number or names a measure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

import yaml

from krcoach.domain.analysis import Kind


@dataclass(frozen=True, slots=True)
class StatePattern:
    """One way of stating a deliverable as a state, and the kind it gives."""

    name: str
    meaning: str
    kind: Kind
    pattern: re.Pattern[str]


@cache
def state_patterns() -> tuple[StatePattern, ...]:
    """The shipped patterns, in file order."""
    text = resources.files("krcoach").joinpath("data/state_patterns.yaml").read_text(encoding="utf-8")
    loaded: dict[str, dict[str, str]] = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    return tuple(
        StatePattern(name, entry["meaning"], Kind(entry["kind"]), re.compile(entry["pattern"], re.IGNORECASE))
        for name, entry in loaded.items()
    )


def stated_deliverable(text: str, start: int) -> tuple[StatePattern, tuple[int, int]] | None:
    """The first pattern matching ``text`` at ``start`` (its first content word), with the span it matched."""
    for state in state_patterns():
        found = state.pattern.match(text, start)
        if found is not None:
            return state, found.span()
    return None
