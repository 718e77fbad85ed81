"""Objective checks: is it written as a project rather than a result?"""

from __future__ import annotations

from krcoach.domain import lexicon as lx
from krcoach.domain.text import tokenize

_PROJECT_VERBS = (lx.MILESTONE_VERBS | lx.TASK_VERBS) - frozenset(
    {
        "make",
        "help",
        "have",
        "see",
        "deliver",
        "set",
        "go",
        "stand",
        "put",
        "enter",
        "hold",
        "turn",
        "get",
        "move",
    }
)
_RESULT_LEADS = lx.CHANGE_VERBS | lx.LEVEL_VERBS | lx.MAINTAIN_VERBS | lx.BEING_VERBS


def project_trigger(title: str) -> tuple[int, int] | None:
    """The span that makes an Objective read as a project ("Redesign …", "CRM rollout"), or None."""
    tokens = tokenize(title)
    if not tokens:
        return None
    first = tokens[0]
    lemma = lx.lemma_of(first.text)
    if lemma in _RESULT_LEADS:
        return None
    if lemma in _PROJECT_VERBS:
        return (first.start, first.end)
    for token in tokens[:6]:
        if token.text in lx.PROJECT_NOUNS:
            return (token.start, token.end)
    return None
