"""Checks over an Objective's group of Key Results: count, all actions, missing counter-metric."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from krcoach.domain import lexicon as lx
from krcoach.domain.analysis import Label
from krcoach.domain.diagnosis import Diagnosis
from krcoach.domain.issue_codes import IssueCode

MAX_KEY_RESULTS = 5
"""More Key Results than this for one Objective dilutes focus."""


def group_findings(diagnoses: Sequence[Diagnosis]) -> Iterator[IssueCode]:
    """Set-level issue codes for one Objective's Key Results."""
    if not diagnoses:
        yield IssueCode.NO_KEY_RESULTS
        return
    if len(diagnoses) > MAX_KEY_RESULTS:
        yield IssueCode.TOO_MANY_KEY_RESULTS
    if all(d.label is Label.ACTION for d in diagnoses):
        yield IssueCode.ALL_ACTIONS
        return
    results = [d for d in diagnoses if d.label is Label.RESULT]
    grows = any(
        _words(d) & lx.GROWTH_WORDS and d.features.lead_lemma in lx.CHANGE_VERBS | lx.LEVEL_VERBS for d in results
    )
    guards = any(_words(d) & lx.COUNTER_METRIC_WORDS for d in results)
    if grows and not guards:
        yield IssueCode.NO_COUNTER_METRIC


def _words(diagnosis: Diagnosis) -> set[str]:
    return {token.text for token in diagnosis.features.tokens}
