"""The measure checks a coach applies to a Key Result beyond its label (DOMAIN.md, "other checks")."""

from __future__ import annotations

import re
from collections.abc import Iterator

from krcoach.domain import lexicon as lx
from krcoach.domain.analysis import Kind
from krcoach.domain.features import Features
from krcoach.domain.issue_codes import IssueCode

Finding = tuple[IssueCode, tuple[int, int] | None]
"""An issue code with the span of text that triggered it."""

_SEGMENT_SPLIT_RE = re.compile(r"\s*(?:;|\band\b|&|\bas well as\b|\bwhile\b|\bplus\b)\s*", re.IGNORECASE)
_HEALTH_LEMMAS = frozenset({"maintain", "keep", "sustain", "ensure", "preserve", "remain", "stay", "hold"})
_ENGAGEMENT_MEASURES = frozenset({"rate", "score", "survey", "index", "%"})


def measure_findings(f: Features, kind: Kind) -> Iterator[Finding]:
    """Every measure problem of a Key Result of the given kind, in a stable order."""
    yield from _weasel_words(f)
    if kind.label == "action":
        return
    lead_span = (f.lead.start, f.lead.end) if f.lead is not None else None
    if kind is Kind.MEASURE_WITHOUT_TARGET:
        if f.lead_lemma in lx.CHANGE_VERBS:
            yield IssueCode.DIRECTION_WITHOUT_NUMBER, lead_span
        else:
            yield IssueCode.MISSING_TARGET, None
    if kind is Kind.PERFORMANCE_MEASURE and not f.has_baseline:
        yield IssueCode.MISSING_BASELINE, None
    if kind is not Kind.VAGUE and not f.has_time_frame:
        yield IssueCode.MISSING_TIME_FRAME, None
    if f.lead_lemma in _HEALTH_LEMMAS and kind is not Kind.VAGUE:
        yield IssueCode.HEALTH_METRIC, lead_span
    if _has_two_measures(f):
        yield IssueCode.TWO_MEASURES, None
    vanity = next((t for t in f.tokens if t.text in lx.VANITY_WORDS), None)
    if vanity is not None:
        yield IssueCode.VANITY_MEASURE, (vanity.start, vanity.end)


def _weasel_words(f: Features) -> Iterator[Finding]:
    tokens = f.tokens
    for index, token in enumerate(tokens):
        if token.text not in lx.WEASEL_WORDS:
            continue
        following = tokens[index + 1].text if index + 1 < len(tokens) else ""
        if token.text == "engagement" and following in _ENGAGEMENT_MEASURES:
            continue
        if token.text == "quality" and following in {"score", "rate", "index", "rating"}:
            continue
        yield IssueCode.WEASEL_WORD, (token.start, token.end)


def _has_two_measures(f: Features) -> bool:
    """'Increase NPS to 50 and reduce churn to 2%': two measures that can move separately."""
    segments = [s for s in _SEGMENT_SPLIT_RE.split(f.lower) if s.strip()]
    if len(segments) < 2:
        return False
    measured = 0
    for segment in segments:
        words = segment.split()
        if not words or words[0] in {"who", "which", "that", "whose", "than"}:
            continue
        has_metric = any(w in lx.METRIC_WORDS for w in words) and not all(
            w in lx.BENEFICIARIES for w in words if w in lx.METRIC_WORDS
        )
        has_signal = any(ch.isdigit() for ch in segment) or lx.lemma_of(words[0]) in lx.CHANGE_VERBS
        if has_metric and has_signal:
            measured += 1
    return measured >= 2
