"""The model's second opinion: which labels of a reply can be shown, and what is wrong with the others.

Also the check that a model's text repeats the prompt, shared by proposals, suggestions and label reasons.
"""

from __future__ import annotations

from krcoach.domain.analysis import Label
from krcoach.domain.guards import echoed_instructions, folded
from krcoach.engines.base import ModelLabel, ObjectiveBrief
from krcoach.llm.reply import RewriteReply


def leaks(text: str, sources: tuple[str, ...], instructions: tuple[str, ...]) -> bool:
    """The text repeats the prompt (8 words in a row, or the delimiter) where the draft did not."""
    if echoed_instructions(text, instructions, *sources) is not None:
        return True
    return "okr_draft" in folded(text).lower() and not any("okr_draft" in folded(s).lower() for s in sources)


def sources_of(objective: ObjectiveBrief) -> tuple[str, ...]:
    """The draft's own text: what a model may repeat without leaking the prompt."""
    return (objective.title, *objective.context, *(kr.text for kr in objective.labelled))


def label_problems(objective: ObjectiveBrief, reply: RewriteReply, instructions: tuple[str, ...]) -> list[str]:
    """What is wrong with the labels: every id of the draft labelled once, each reason the model's own."""
    expected = [kr.id for kr in objective.labelled]
    given = [entry.id for entry in reply.labels]
    problems = [
        f"labels: {kr_id} has no label; label every id of the draft" for kr_id in expected if kr_id not in given
    ]
    problems += [
        f"labels: {kr_id} is not an id in the draft; label only {', '.join(expected)}"
        for kr_id in given
        if kr_id not in expected
    ]
    problems += [
        f"labels: {kr_id} is labelled more than once" for kr_id in dict.fromkeys(given) if given.count(kr_id) > 1
    ]
    problems += [
        f"labels: the reason for {entry.id} repeats the instructions; give your own reason about this Key Result"
        for entry in reply.labels
        if _reasonleaks(entry.reason, objective, instructions)
    ]
    return problems


def _reasonleaks(reason: str, objective: ObjectiveBrief, instructions: tuple[str, ...]) -> bool:
    """The label's reason repeats the prompt (the system prompt, or an example's answer or reason)."""
    return leaks(reason, sources_of(objective), instructions)


def model_labels(
    objective: ObjectiveBrief, reply: RewriteReply, instructions: tuple[str, ...]
) -> dict[str, ModelLabel]:
    """The labels that can be shown: each id of the draft labelled once, with a reason of the model's own."""
    wanted = {kr.id for kr in objective.labelled}
    given = [entry.id for entry in reply.labels]
    return {
        entry.id: ModelLabel(Label(entry.label), entry.reason)
        for entry in reply.labels
        if entry.id in wanted and given.count(entry.id) == 1 and not _reasonleaks(entry.reason, objective, instructions)
    }
