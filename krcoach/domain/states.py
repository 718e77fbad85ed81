"""Deliverables stated as states ("There is a prototype …", "Users can …", "Search is enabled by default").

The patterns are data (`krcoach/data/state_patterns.yaml`), one meaning each. They say a thing was delivered,
so they are actions, unless the Key Result states a target number or names a measure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from krcoach.domain.analysis import Kind
from krcoach.domain.data_files import load_yaml


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
    loaded: dict[str, dict[str, str]] = load_yaml("state_patterns.yaml")
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
