"""Diagnose one Key Result: its label, kind, confidence and issues. Pure and deterministic."""

from __future__ import annotations

from dataclasses import dataclass

from krcoach.domain.analysis import Issue, Kind, Label, Span
from krcoach.domain.checks import measure_findings
from krcoach.domain.classify import classify
from krcoach.domain.features import Features, extract
from krcoach.domain.issue_codes import CATALOGUE, IssueCode, Severity

_INCOMPLETE = frozenset(
    {
        IssueCode.MISSING_TARGET,
        IssueCode.MISSING_TIME_FRAME,
        IssueCode.DIRECTION_WITHOUT_NUMBER,
        IssueCode.WEASEL_WORD,
        IssueCode.TWO_MEASURES,
    }
)


@dataclass(frozen=True, slots=True)
class Diagnosis:
    """What the deterministic checks conclude about one Key Result."""

    text: str
    label: Label
    kind: Kind
    confidence: float
    issues: tuple[Issue, ...]
    time_frame: str | None
    features: Features
    result_probability: float | None = None
    """How sure the learned look is that it measures a result (None: no model shipped)."""

    @property
    def codes(self) -> frozenset[IssueCode]:
        """The issue codes raised."""
        return frozenset(issue.code for issue in self.issues)

    @property
    def needs_work(self) -> bool:
        """True when it is action-based, vague, or missing something a coach would ask for."""
        return self.label is Label.ACTION or self.kind in _NEEDS_WORK_KINDS or bool(self.codes & _INCOMPLETE)


_NEEDS_WORK_KINDS = frozenset({Kind.VAGUE, Kind.MEASURE_WITHOUT_TARGET})


def diagnose(text: str) -> Diagnosis:
    """Diagnose one Key Result text."""
    features = extract(text)
    verdict = classify(features)
    issues: list[Issue] = []
    if verdict.reason is not None:
        issues.append(make_issue(text, verdict.reason, verdict.trigger))
    seen = {verdict.reason}
    for code, span in measure_findings(features, verdict.kind):
        if code in seen and code is not IssueCode.WEASEL_WORD:
            continue
        seen.add(code)
        issues.append(make_issue(text, code, span))
    time_frame = text[features.time_frames[0][0] : features.time_frames[0][1]] if features.time_frames else None
    return Diagnosis(
        text, verdict.kind.label, verdict.kind, verdict.confidence, tuple(issues), time_frame, features,
        verdict.result_probability,
    )  # fmt: skip


def make_issue(text: str, code: IssueCode, span: tuple[int, int] | None = None) -> Issue:
    """An issue with the catalogue's message and the triggering text."""
    definition = CATALOGUE[code]
    found = Span(start=span[0], end=span[1], text=text[span[0] : span[1]]) if span is not None else None
    return Issue(code=code, severity=definition.severity, message=definition.explanation, span=found)


def is_major(issue: Issue) -> bool:
    """True for issues that mean the text is not evidence of a result."""
    return issue.severity is Severity.MAJOR
