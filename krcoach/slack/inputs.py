"""What people type in Slack, as an `OKRSet`: `/kr <Key Result> | <Objective>`, or a pasted outline."""

from __future__ import annotations

import re

from pydantic import ValidationError

from krcoach.domain.okr import MAX_TEXT_CHARS, KeyResult, Objective, OKRSet
from krcoach.io import InputError, InputFormat, read_okr_set

NO_OBJECTIVE = "(no Objective given)"
EXAMPLE = "/kr Launch the redesigned onboarding flow by 30 June | New customers succeed without help"
COMMAND_HELP = (
    "Give me a Key Result to coach: `/kr <Key Result> | <Objective>` (the Objective is optional).\n"
    f"For example: `{EXAMPLE}`"
)
OUTLINE_HELP = (
    "Write one Key Result on a line (`<Key Result> | <Objective>`), or paste a set: "
    "an `Objective: …` line followed by its Key Results as `- …` bullets."
)

_MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")
_LINK = re.compile(r"<([^<>|]+)(?:\|([^<>]*))?>")
_SLACK_BULLET = re.compile(r"^(\s*)[•◦▪▫‣∙]\s*", re.MULTILINE)
_MARKDOWN_BULLET = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")


class SlackInputError(ValueError):
    """Input that cannot be coached; `str(error)` is the short message shown to the person."""


def okr_set_from_command(text: str) -> OKRSet:
    """`<Key Result> | <Objective>` (the Objective optional) as a one-Key-Result set."""
    key_result, _, objective = plain_text(text).partition("|")
    key_result, objective = key_result.strip(), objective.strip()
    if not key_result:
        raise SlackInputError(COMMAND_HELP)
    return _single(key_result, objective or NO_OBJECTIVE)


def okr_set_from_message(text: str, bot_user_id: str | None = None) -> OKRSet:
    """A message (an app mention, or one a shortcut points at) as a set.

    The bot's mention is dropped; one line is one Key Result (`<Key Result> | <Objective>` works too); more lines
    are a Markdown outline. Bullets without an Objective become Key Results with no Objective.
    """
    outline = _SLACK_BULLET.sub(r"\1- ", plain_text(text, drop_mention=bot_user_id)).strip()
    lines = [line for line in outline.splitlines() if line.strip()]
    if not lines:
        raise SlackInputError(OUTLINE_HELP)
    if len(lines) == 1:
        return okr_set_from_command(_MARKDOWN_BULLET.sub("", lines[0]))
    try:
        okr_set = _read_outline(outline)
    except InputError as error:
        if not any(_MARKDOWN_BULLET.match(line) for line in lines):
            raise SlackInputError(f"I could not read that set: {error.message}.") from None
        try:
            okr_set = _read_outline(f"Objective: {NO_OBJECTIVE}\n{outline}")
        except InputError:
            raise SlackInputError(f"I could not read that set: {error.message}.") from None
    if not any(objective.key_results for objective in okr_set.objectives):
        raise SlackInputError(f"I found no Key Results in it. {OUTLINE_HELP}")
    return okr_set


def plain_text(text: str, *, drop_mention: str | None = None) -> str:
    """Slack's message markup as plain text: links as their label, `&amp;`-style escapes undone.

    Mentions of `drop_mention` (a user id) are removed; with None, the leading mention is.
    """
    if drop_mention is None:
        text = re.sub(rf"^\s*{_MENTION.pattern}", "", text)
    text = _MENTION.sub(lambda m: "" if m[1] == drop_mention else f"@{m[1]}", text)
    text = _LINK.sub(lambda m: m[2] or m[1].removeprefix("mailto:"), text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _single(key_result: str, objective: str) -> OKRSet:
    try:
        return OKRSet(
            objectives=[Objective(id="O1", title=objective, key_results=[KeyResult(id="O1.KR1", text=key_result)])]
        )
    except ValidationError:
        raise SlackInputError(
            f"A Key Result or an Objective can be at most {MAX_TEXT_CHARS} characters long."
        ) from None


def _read_outline(text: str) -> OKRSet:
    return read_okr_set(text.encode(), source="slack", fmt=InputFormat.md)
