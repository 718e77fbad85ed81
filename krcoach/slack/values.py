"""What the buttons carry, within Slack's 2,000-character limit: a chosen rewrite, or the OKRA view.

The values come back signed in the click's payload, so a click needs no server-side state (any worker, any restart).
"""

from __future__ import annotations

import base64
import zlib
from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from krcoach.domain.analysis import OkraObjective

MAX_VALUE_CHARS = 2000
_COMPRESSED = "z:"
_MAX_INFLATED_BYTES = 1_000_000


class ButtonValueError(ValueError):
    """A button value this version cannot read (e.g. from a message an older version posted)."""


class ChosenRewrite(BaseModel):
    """A proposal picked with "Use this rewrite", and the Key Result it replaces."""

    model_config = ConfigDict(populate_by_name=True)

    key_result_id: str = Field(alias="k")
    original: str = Field(alias="o")
    text: str = Field(alias="t")
    placeholders: list[str] = Field(default_factory=list, alias="p")


class OkraSnapshot(BaseModel):
    """The OKRA view as "Show the OKRA set" carries it; `omitted` counts the items cut to fit."""

    model_config = ConfigDict(populate_by_name=True)

    objectives: list[OkraObjective] = Field(alias="v")
    omitted: int = Field(default=0, alias="n")


def encode_rewrite(choice: ChosenRewrite) -> str | None:
    """The choice as a button value, the original shortened if needed; None when the rewrite alone is too long."""
    value = _dump(choice)
    if len(value) <= MAX_VALUE_CHARS:
        return value
    room = len(choice.original) - (len(value) - MAX_VALUE_CHARS) - 1
    if room < 20:
        return None
    shorter = choice.model_copy(update={"original": choice.original[:room].rstrip() + "…"})
    value = _dump(shorter)
    return value if len(value) <= MAX_VALUE_CHARS else None


def decode_rewrite(value: str) -> ChosenRewrite:
    """The choice a "Use this rewrite" button carried."""
    try:
        return ChosenRewrite.model_validate_json(value)
    except ValidationError:
        raise ButtonValueError("not a rewrite choice") from None


def encode_okra(objectives: Sequence[OkraObjective], omitted: int = 0) -> str:
    """The OKRA view as a button value: compressed when it helps, trailing items cut when it still does not fit.

    `omitted` counts items already cut before (they are added to the ones cut here).
    """
    items = _item_count(objectives)
    value = _encode(OkraSnapshot(objectives=list(objectives), omitted=omitted))
    if len(value) <= MAX_VALUE_CHARS:
        return value
    low, high = 0, items - 1  # the largest number of leading items that fits
    best = _encode(OkraSnapshot(objectives=[], omitted=omitted + items))
    while low <= high:
        middle = (low + high) // 2
        candidate = _encode(OkraSnapshot(objectives=_first_items(objectives, middle), omitted=omitted + items - middle))
        if len(candidate) <= MAX_VALUE_CHARS:
            best, low = candidate, middle + 1
        else:
            high = middle - 1
    return best


def decode_okra(value: str) -> OkraSnapshot:
    """The OKRA view a "Show the OKRA set" button carried."""
    try:
        if value.startswith(_COMPRESSED):
            inflater = zlib.decompressobj()
            raw = inflater.decompress(base64.urlsafe_b64decode(value.removeprefix(_COMPRESSED)), _MAX_INFLATED_BYTES)
            value = raw.decode()
        return OkraSnapshot.model_validate_json(value)
    except (ValueError, zlib.error):  # ValidationError and binascii.Error are ValueErrors
        raise ButtonValueError("not an OKRA view") from None


def _dump(model: BaseModel) -> str:
    return model.model_dump_json(by_alias=True, exclude_defaults=True)


def _encode(snapshot: OkraSnapshot) -> str:
    plain = _dump(snapshot)
    if len(plain) <= MAX_VALUE_CHARS:
        return plain
    packed = _COMPRESSED + base64.urlsafe_b64encode(zlib.compress(plain.encode(), 9)).decode()
    return packed if len(packed) < len(plain) else plain


def _item_count(objectives: Sequence[OkraObjective]) -> int:
    return sum(len(o.key_results) + len(o.actions) for o in objectives)


def _first_items(objectives: Sequence[OkraObjective], count: int) -> list[OkraObjective]:
    """The view cut after `count` items (each Objective's Key Results, then its Actions, in order)."""
    kept: list[OkraObjective] = []
    for objective in objectives:
        if count <= 0:
            break
        key_results = objective.key_results[:count]
        actions = objective.actions[: count - len(key_results)]
        kept.append(objective.model_copy(update={"key_results": key_results, "actions": actions}))
        count -= len(key_results) + len(actions)
    return kept
