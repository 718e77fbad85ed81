"""YAML for untrusted input: PyYAML's safe loader, with every failure a `yaml.YAMLError` and aliases bounded.

PyYAML's safe constructors raise plain Python errors for scalars they matched but cannot build (`2026-02-30`,
`!!int abc`, `!!float ''`); here they are `ConstructorError`s at the scalar's line. Aliases are references, so a
few hundred bytes of nested aliases can stand for billions of values ("billion laughs") or for themselves
(`&a [*a]`); `check_aliases` refuses both before anything walks the expanded document.
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.composer import ComposerError
from yaml.constructor import ConstructorError

MAX_ALIAS_VALUES = 10_000
"""Values that aliases may add to a document, beyond the ones written out (merge keys of shared defaults fit)."""
_PREVIEW_CHARS = 40


class SafeLoader(yaml.SafeLoader):
    """`yaml.SafeLoader` whose constructors fail only with `ConstructorError`, at the node that could not be built."""

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep)
        except (yaml.YAMLError, RecursionError):
            raise
        except Exception as error:  # a malformed scalar of a known type: the constructor's own error
            value = node.value if isinstance(node.value, str) else ""
            shown = value if len(value) <= _PREVIEW_CHARS else value[:_PREVIEW_CHARS] + "…"
            kind = node.tag.rpartition(":")[2]
            reason = str(error).partition(";")[0]
            raise ConstructorError(None, None, f"cannot read {shown!r} as {kind} ({reason})", node.start_mark) from None


def safe_load(text: str) -> Any:
    """The data of a single YAML document, as `yaml.safe_load` reads it; every failure is a `yaml.YAMLError`."""
    return yaml.load(text, Loader=SafeLoader)


def check_aliases(root: yaml.Node) -> None:
    """Raise a `ComposerError` when an alias contains itself, or aliases add more than MAX_ALIAS_VALUES values."""
    expanded: dict[int, int] = {}  # node id → how many values it stands for, aliases expanded
    open_nodes: set[int] = set()

    def size(node: yaml.Node) -> int:
        key = id(node)
        if key in expanded:
            return expanded[key]
        if key in open_nodes:
            raise ComposerError(None, None, "an alias refers to a collection that contains it", node.start_mark)
        open_nodes.add(key)
        expanded[key] = 1 + sum(size(child) for child in _children(node))
        open_nodes.discard(key)
        return expanded[key]

    if size(root) - len(expanded) > MAX_ALIAS_VALUES:
        raise ComposerError(None, None, f"aliases repeat more than {MAX_ALIAS_VALUES:,} values", root.start_mark)


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []
