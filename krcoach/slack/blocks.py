"""Block Kit messages for the Slack app: pure functions from an analysis (or a button's value) to blocks.

Slack's limits are kept here: at most 50 blocks, 3,000 characters of section text, 150 of a header, 75 of a
button label, 2,000 of a button value (see `values`). A set too large for one message is cut cleanly, with a note.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from krcoach.domain.analysis import KeyResultAnalysis, Kind, Label, ObjectiveAnalysis, OkraObjective, SetAnalysis
from krcoach.domain.issue_codes import CATALOGUE, Severity
from krcoach.slack.inputs import NO_OBJECTIVE
from krcoach.slack.values import ChosenRewrite, OkraSnapshot, encode_okra, encode_rewrite

Block = dict[str, Any]

MAX_BLOCKS = 50
MAX_SECTION_CHARS = 3000
MAX_HEADER_CHARS = 150
MAX_FALLBACK_CHARS = 3000
MAX_PROPOSALS_SHOWN = 3
USE_REWRITE = "use_rewrite"
"""Prefix of the action_id of every "Use this rewrite" button (one per proposal: `use_rewrite:2`)."""
SHOW_OKRA = "show_okra"
OKRA_BLOCK = "okra"
_TAIL_BLOCKS = 7  # divider, set issues, Actions kept, cut note, engine, buttons, spare
_PLACEHOLDER = re.compile(r"\[[A-Za-z][\w ./%-]{0,40}\]")
_RULES_REASON = re.compile(r"^(?:action|result) \([a-z_]+\)(?:: )?")
"""The "result (performance_measure): " prefix of a second opinion's `rules_reason`."""
_KIND_WORDS = {kind: kind.value.replace("_", " ") for kind in Kind}
_VERDICTS = {
    Kind.MILESTONE: ":warning: *Action-based*: a milestone. It says something gets done, not what changes.",
    Kind.ACTIVITY_QUOTA: ":warning: *Action-based*: an activity quota. It counts your own work, not its effect.",
    Kind.TASK: ":warning: *Action-based*: a task. It could sit in a backlog: done or not done.",
    Kind.PERFORMANCE_MEASURE: ":white_check_mark: *Result-based*: it measures a change.",
    Kind.MEASURE_WITHOUT_TARGET: ":large_yellow_circle: *Result-based, but incomplete*: a measure without a target.",
    Kind.VAGUE: ":large_yellow_circle: *Too vague to measure*: it names a wish, not what you would see or count.",
}


@dataclass(frozen=True, slots=True)
class SlackMessage:
    """A message: notification `text` (also the fallback) and its `blocks`."""

    text: str
    blocks: list[Block] = field(default_factory=list)


def coaching_message(analysis: SetAnalysis) -> SlackMessage:
    """The coaching reply: per Key Result the diagnosis and why, the rewrites with buttons, the Actions kept."""
    single = analysis.summary.key_results == 1
    blocks = _opening(analysis, single)
    budget = MAX_BLOCKS - _TAIL_BLOCKS
    shown = 0
    for objective in analysis.objectives:
        heading = [] if single else [_objective_block(objective)]
        for key_result in objective.key_results:
            group = [*heading, *_key_result_blocks(key_result, show_id=not single)]
            if len(blocks) + len(group) > budget:
                break
            blocks.extend(group)
            heading = []
            shown += 1
    blocks.append(divider())
    if analysis.issues and not single:
        lines = [f"• {escape(issue.message)}" for issue in analysis.issues]
        blocks.append(section("*About the set*\n" + "\n".join(lines)))
    if kept := _actions_kept(analysis.okra, single):
        blocks.append(section(kept))
    if shown < analysis.summary.key_results:
        hidden = analysis.summary.key_results - shown
        blocks.append(
            context(
                f"{hidden} more Key Results did not fit in one Slack message. "
                "The OKRA set below covers them; the web page or `krcoach analyze` gives the full report."
            )
        )
    blocks.append(context(_engine_line(analysis)))
    okra_button = button("Show the OKRA set", SHOW_OKRA, encode_okra(analysis.okra))
    blocks.append({"type": "actions", "block_id": OKRA_BLOCK, "elements": [okra_button]})
    return SlackMessage(_coaching_text(analysis), blocks)


def rewrite_chosen_message(choice: ChosenRewrite) -> SlackMessage:
    """What replaces the coaching reply once a rewrite is chosen: the rewrite, its blanks, the Action kept."""
    blocks = [section(f":white_check_mark: *Your Key Result, result-based*\n>{highlight(choice.text)}")]
    if placeholders := _placeholders([choice.text], choice.placeholders):
        blocks.append(context(_fill_in(placeholders)))
    blocks.append(
        section(f"*Action kept:* {escape(choice.original)}\n_The work stays, as the Action meant to move it._")
    )
    return SlackMessage(_fallback(f"Rewrite chosen: {choice.text}"), blocks)


def okra_message(snapshot: OkraSnapshot) -> SlackMessage:
    """The OKRA view: each Objective with its result Key Results and the Actions that should move them."""
    blocks: list[Block] = [header("OKRA: Objectives, Key Results, Actions")]
    objectives = [o for o in snapshot.objectives if o.key_results or o.actions]
    fitting = objectives[: MAX_BLOCKS - 3]
    blocks.extend(section(_okra_objective_text(objective)) for objective in fitting)
    omitted = snapshot.omitted + sum(len(o.key_results) + len(o.actions) for o in objectives[len(fitting) :])
    if omitted:
        blocks.append(context(f"{omitted} more Key Results and Actions did not fit in Slack."))
    if not objectives:
        blocks.append(section("No Key Results or Actions to show."))
    return SlackMessage(_fallback(f"OKRA view of {_count(len(snapshot.objectives), 'Objective')}"), blocks)


# Text helpers


def escape(text: str) -> str:
    """Text as Slack mrkdwn shows it literally (`&`, `<`, `>` escaped)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def highlight(text: str, placeholders: Iterable[str] = ()) -> str:
    """Escaped text with every placeholder (any listed, and any `[word]`) shown as code."""
    listed = sorted({re.escape(escape(p)) for p in placeholders if p}, key=len, reverse=True)
    pattern = re.compile("|".join([*listed, _PLACEHOLDER.pattern]))
    return pattern.sub(lambda m: f"`{m[0]}`", escape(text))


def clip(text: str, limit: int) -> str:
    """Text cut to `limit` characters with an ellipsis, never inside an `&amp;`-style escape."""
    if len(text) <= limit:
        return text
    cut = re.sub(r"&[a-z]{0,4}$", "", text[: limit - 1])
    return cut + "…"


# Block constructors


def section(text: str, accessory: Block | None = None, *, block_id: str | None = None) -> Block:
    """A mrkdwn section, clipped to Slack's limit."""
    block: Block = {"type": "section", "text": {"type": "mrkdwn", "text": clip(text, MAX_SECTION_CHARS)}}
    if accessory is not None:
        block["accessory"] = accessory
    return _with_id(block, block_id)


def context(text: str, *, block_id: str | None = None) -> Block:
    """Small grey text under a section."""
    block = {"type": "context", "elements": [{"type": "mrkdwn", "text": clip(text, MAX_SECTION_CHARS)}]}
    return _with_id(block, block_id)


def header(text: str) -> Block:
    """A large plain-text title."""
    return {"type": "header", "text": {"type": "plain_text", "text": clip(text, MAX_HEADER_CHARS)}}


def divider() -> Block:
    """A thin line."""
    return {"type": "divider"}


def button(label: str, action_id: str, value: str, *, primary: bool = False) -> Block:
    """A button whose click comes back with `action_id` and `value`."""
    element: Block = {
        "type": "button",
        "text": {"type": "plain_text", "text": clip(label, 75)},
        "action_id": action_id,
        "value": value,
    }
    if primary:
        element["style"] = "primary"
    return element


def key_result_block_id(key_result_id: str, part: str) -> str:
    """The block_id of a block about one Key Result.

    `part` is `diagnosis`, `opinion` (the model's second opinion), `rewrite1`…, `notes` or `chosen`.
    """
    return f"kr|{key_result_id}|{part}"


def _with_id(block: Block, block_id: str | None) -> Block:
    if block_id is not None:
        block["block_id"] = block_id[:255]
    return block


# The parts of the coaching message


def _opening(analysis: SetAnalysis, single: bool) -> list[Block]:
    if single:
        objective = analysis.objectives[0]
        key_result = objective.key_results[0]
        lines = [f"*Key Result:* {escape(key_result.text)}"]
        if objective.title != NO_OBJECTIVE:
            lines.append(f"*Objective:* {escape(objective.title)}{_project_hint(objective)}")
        return [section("\n".join(lines))]
    summary = analysis.summary
    counts = (
        f"{_count(summary.key_results, 'Key Result')} in {_count(summary.objectives, 'Objective')}: "
        f"{summary.actions} action-based, {summary.results} result-based; {summary.needs_work} need work."
    )
    opinions = [kr.second_opinion for kr in analysis.key_results() if kr.second_opinion]
    if disagreed := [opinion for opinion in opinions if not opinion.agrees]:
        review = sum(opinion.review for opinion in disagreed)
        counts += (
            f"\nThe model reads {len(disagreed)} differently ({review} marked for review); "
            "the rules' verdict decides the OKRA set."
        )
    return [header(f"Review of {analysis.name or 'your OKR set'}"), section(counts)]


def _objective_block(objective: ObjectiveAnalysis) -> Block:
    return section(f"*Objective {escape(objective.id)}:* {escape(objective.title)}{_project_hint(objective)}")


def _project_hint(objective: ObjectiveAnalysis) -> str:
    if not (objective.project_style and objective.suggestion):
        return ""
    return f"\n:bulb: It reads as a project. As a result: _{escape(objective.suggestion)}_"


def _key_result_blocks(key_result: KeyResultAnalysis, *, show_id: bool) -> list[Block]:
    def block_id(part: str) -> str:
        return key_result_block_id(key_result.id, part)

    blocks = [section(_diagnosis_text(key_result, show_id), block_id=block_id("diagnosis"))]
    if opinion := _second_opinion_text(key_result):
        blocks.append(context(opinion, block_id=block_id("opinion")))
    proposals = key_result.proposals[:MAX_PROPOSALS_SHOWN]
    for number, proposal in enumerate(proposals, start=1):
        text = f"*Rewrite {number}:* {highlight(proposal.text, proposal.placeholders)}"
        if proposal.rationale and (number == 1 or proposal.rationale != proposals[number - 2].rationale):
            text += f"\n_Why:_ {escape(clip(proposal.rationale, 600))}"
        choice = ChosenRewrite(
            key_result_id=key_result.id,
            original=key_result.text,
            text=proposal.text,
            placeholders=proposal.placeholders,
        )
        value = encode_rewrite(choice)
        action_id = f"{USE_REWRITE}:{key_result.id}:{number}"
        accessory = button("Use this rewrite", action_id, value, primary=number == 1) if value else None
        blocks.append(section(text, accessory, block_id=block_id(f"rewrite{number}")))
    notes = []
    if placeholders := _placeholders([p.text for p in proposals], [x for p in proposals for x in p.placeholders]):
        notes.append(_fill_in(placeholders))
    if key_result.fallback:
        notes.append("The configured engine gave no usable rewrite; these come from the offline rules.")
    if key_result.label is Label.ACTION and not proposals:
        notes.append("No rewrite passed the checks; it stays as an Action. Ask: what would change if it worked?")
    if notes:
        blocks.append(context(" ".join(notes), block_id=block_id("notes")))
    return blocks


def _diagnosis_text(key_result: KeyResultAnalysis, show_id: bool) -> str:
    lines = [f"*{escape(key_result.id)}* {escape(key_result.text)}"] if show_id else []
    verdict = _VERDICTS[key_result.kind]
    if key_result.kind is Kind.PERFORMANCE_MEASURE and key_result.needs_work:
        verdict = ":large_yellow_circle: *Result-based, but incomplete*: it measures a change; some parts are missing."
    lines.append(verdict)
    issues = sorted(key_result.issues, key=lambda issue: list(Severity).index(issue.severity))
    lines.extend(f"• {escape(issue.message)}" for issue in issues[:4])
    if issues and issues[0].severity is Severity.MAJOR:
        lines.append(f"*Fix:* {escape(CATALOGUE[issues[0].code].fix)}")
    return "\n".join(lines)


def _second_opinion_text(key_result: KeyResultAnalysis) -> str:
    """Where the model's label differs from the rules': both labels with both reasons (else "")."""
    opinion = key_result.second_opinion
    if opinion is None or opinion.agrees:
        return ""
    model = opinion.engine.removeprefix("llm:")
    mark = ":mag: *Review:* " if opinion.review else ""
    rules = _RULES_REASON.sub("", opinion.rules_reason).strip() or opinion.rules_reason
    lines = [
        f"{mark}:speech_balloon: *Second opinion* (`{escape(model)}`): the model reads it as "
        f"{_article(opinion.label)} *{opinion.label.value}*: {clip(escape(opinion.reason), 600)}",
        f"The rules read it as {_article(key_result.label)} *{key_result.label.value}* "
        f"({_KIND_WORDS[key_result.kind]}): {clip(escape(rules), 600)}",
    ]
    if opinion.review:
        lines.append(
            "The rules' verdict decides the OKRA set; *review it*: if it says whether work was done, "
            "move it to the Actions and write a result in its place."
        )
    else:
        lines.append("The rules' verdict decides the OKRA set.")
    return "\n".join(lines)


def _article(label: Label) -> str:
    return "an" if label is Label.ACTION else "a"


def _actions_kept(okra: Sequence[OkraObjective], single: bool) -> str:
    lines = []
    for objective in okra:
        for action in objective.actions:
            moves = "" if single or not action.moves else f" → moves {', '.join(action.moves)}"
            lines.append(f"• {escape(action.text)}{moves}")
    if not lines:
        return ""
    title = "*Actions kept (OKRA)*: the work stays, linked to the Key Result it should move"
    return clip(title + "\n" + "\n".join(lines), MAX_SECTION_CHARS)


def _engine_line(analysis: SetAnalysis) -> str:
    line = f":gear: Answered by the `{escape(analysis.meta.engine)}` engine · krcoach {analysis.meta.krcoach_version}"
    if any(kr.fallback for kr in analysis.key_results()):
        line += " · some rewrites from the offline `rules` engine"
    return line


def _coaching_text(analysis: SetAnalysis) -> str:
    summary = analysis.summary
    if summary.key_results == 1:
        key_result = analysis.key_results()[0]
        verdict = "action-based" if key_result.label is Label.ACTION else "result-based"
        text = f"“{key_result.text}” is {verdict}; {_count(len(key_result.proposals), 'rewrite')} proposed."
    else:
        text = (
            f"Reviewed {_count(summary.key_results, 'Key Result')}: {summary.actions} action-based, "
            f"{summary.results} result-based; {_count(summary.proposals, 'rewrite')} proposed."
        )
    return _fallback(text)


def _okra_objective_text(objective: OkraObjective) -> str:
    lines = [f"*Objective:* {escape(objective.title)}"]
    if objective.replaces_title:
        lines.append(f"_was:_ {escape(objective.replaces_title)}")
    if objective.key_results:
        lines.append("*Key Results*")
        for kr in objective.key_results:
            rewritten = " _(rewrite)_" if kr.origin == "proposal" else ""
            lines.append(f"• {highlight(kr.text, kr.placeholders)}{rewritten}")
    if objective.actions:
        lines.append("*Actions*")
        lines.extend(
            f"• {escape(action.text)}" + (f" → moves {', '.join(action.moves)}" if action.moves else "")
            for action in objective.actions
        )
    return "\n".join(lines)


def _placeholders(texts: Iterable[str], listed: Iterable[str]) -> list[str]:
    """Every placeholder, listed or found in the texts, once each, in order."""
    found = [*listed, *(m[0] for text in texts for m in _PLACEHOLDER.finditer(text))]
    return list(dict.fromkeys(found))


def _fill_in(placeholders: Sequence[str]) -> str:
    names = ", ".join(f"`{escape(p)}`" for p in placeholders)
    return f"Fill in {names} with your own numbers: krcoach never invents them."


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def _fallback(text: str) -> str:
    return clip(text, MAX_FALLBACK_CHARS)
