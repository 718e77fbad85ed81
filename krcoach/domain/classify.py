"""Label and kind of a Key Result: does it measure a result, or say whether an action was done?

The rules run in a fixed order, most specific first; each returns a verdict with the text that decided it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from krcoach.domain import lexicon as lx
from krcoach.domain.analysis import Kind
from krcoach.domain.features import Features, extract
from krcoach.domain.issue_codes import IssueCode
from krcoach.domain.text import Token

_CLAUSE_SPLIT_RE = re.compile(r"\s*(?:;|,?\s+and\s+(?:then\s+)?|,?\s+while\s+|,?\s+with\s+|\s+&\s+|,\s+)\s*", re.I)
_TEST_COVERAGE_RE = re.compile(r"\b(?:unit[- ]test|test|code|automated[- ]test|tests?)\s+coverage\b", re.IGNORECASE)
_MADE_BY_BENEFICIARIES = lx.words("reviews review testimonials responses applications submissions referrals")
_MEASURE_NOUNS = lx.words(
    "score scores rate rates index ratio percentage proportion share nps csat ces enps latency uptime "
    "availability time times satisfaction"
)
_SHARE_OF_RE = re.compile(
    r"(?:\d+(?:\.\d+)?\s*%|\b(?:percentage|percent|share|proportion|ratio|fraction|number|count|#)\b|"
    r"\b(?:all|every|each|half|most)\b)\s*(?:of\s+)?(?:(?:our|the|all|new|active|eligible|frontline|"
    r"people|line|senior|sales|support|customer-facing)\s+){0,3}(?P<group>[a-z\-]+)",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Verdict:
    """The kind of a Key Result, how sure the rule is, and what in the text decided it."""

    kind: Kind
    confidence: float
    reason: IssueCode | None = None
    trigger: tuple[int, int] | None = None


def classify(features: Features) -> Verdict:
    """Decide the kind of a Key Result from its features."""
    verdict = _classify_clause(features)
    if verdict.kind.label == "action":
        better = _result_in_other_clause(features.text, features.start)
        if better is not None:
            return better
    return verdict


def _classify_clause(f: Features) -> Verdict:
    if f.start >= len(f.tokens):
        return Verdict(Kind.VAGUE, 0.5, IssueCode.VAGUE_GOAL)
    if f.lead is not None:
        return _verb_led(f, f.lead, f.lead_lemma)
    return _noun_led(f)


def _verb_led(f: Features, lead: Token, lemma: str) -> Verdict:
    span = (lead.start, lead.end)
    obj = f.words(1)
    if lemma in lx.CHANGE_VERBS or lemma in lx.LEVEL_VERBS or lemma in lx.MAINTAIN_VERBS:
        if lemma in lx.LEVEL_VERBS | lx.MAINTAIN_VERBS and _names_certification(obj) and not f.has_percent:
            return Verdict(Kind.MILESTONE, 0.85, IssueCode.MILESTONE, span)
        quota = _disguised_quota(f, obj)
        if quota is not None:
            return quota
        if lemma in lx.LEVEL_VERBS and not f.has_metric and _names_deliverable(obj) and not f.target_numbers:
            return Verdict(Kind.MILESTONE, 0.7, IssueCode.MILESTONE, span)
        if lemma in lx.MAINTAIN_VERBS and not f.has_metric and not f.has_target:
            return _done_state(f) or Verdict(Kind.VAGUE, 0.55, IssueCode.VAGUE_GOAL, span)
        return _measure(f, span, strong=lemma in lx.CHANGE_VERBS)
    if lemma in lx.BEING_VERBS:
        if _names_certification(obj) and not f.has_percent:
            return Verdict(Kind.MILESTONE, 0.8, IssueCode.MILESTONE, span)
        return _measure(f, span, strong=False)
    if _is_service_level(f, obj):
        return Verdict(Kind.PERFORMANCE_MEASURE, 0.75)
    counted = _counted_output(f, 1, people_are_output=True)
    if counted is not None and lemma in lx.ACTIVITY_VERBS | lx.MILESTONE_VERBS | lx.TASK_VERBS:
        code = IssueCode.ACTIVITY_PERCENTAGE if counted.text.endswith("%") else IssueCode.ACTIVITY_QUOTA
        return Verdict(Kind.ACTIVITY_QUOTA, 0.9, code, (lead.start, counted.end))
    if lemma in lx.EFFORT_VERBS and f.has_metric and f.has_target:
        return _measure(f, span, strong=False)
    if lemma in lx.MILESTONE_VERBS:
        return Verdict(Kind.MILESTONE, 0.9, IssueCode.MILESTONE, span)
    if f.has_time_frame and not _only_cadence(f):
        return Verdict(Kind.MILESTONE, 0.8, IssueCode.MILESTONE, span)
    return Verdict(Kind.TASK, 0.85, IssueCode.TASK, span)


def _noun_led(f: Features) -> Verdict:
    first = f.tokens[f.start]
    coverage = _TEST_COVERAGE_RE.search(f.text)
    if coverage is not None:
        return Verdict(Kind.ACTIVITY_QUOTA, 0.7, IssueCode.ACTIVITY_QUOTA, coverage.span())
    share = _SHARE_OF_RE.search(f.text, first.start)
    if share is not None and share.start() - first.start <= 3:
        group = _group_of(f.text[share.start("group") :])
        if group in lx.INTERNAL_PEOPLE and _mentions_quota_activity(f):
            return Verdict(Kind.ACTIVITY_QUOTA, 0.85, IssueCode.ACTIVITY_PERCENTAGE, (share.start(), share.end()))
        if group in lx.OUTPUT_NOUNS and group not in lx.BENEFICIARIES and not _is_service_level(f, f.words()):
            return Verdict(Kind.ACTIVITY_QUOTA, 0.8, IssueCode.ACTIVITY_PERCENTAGE, (share.start(), share.end()))
        return _measure(f, None, strong=True)
    subject_verb = _subject_verb(f)
    if subject_verb is not None:
        return subject_verb
    counted = _counted_output(f, 0)
    if counted is not None and _done_participle(f) is not None and not f.has_metric_phrase:
        return Verdict(Kind.ACTIVITY_QUOTA, 0.85, IssueCode.ACTIVITY_QUOTA, (first.start, counted.end))
    done = _done_state(f)
    if done is not None and not (f.has_metric and f.has_target):
        return done
    if f.has_metric or f.has_target:
        return _measure(f, None, strong=True)
    if _names_deliverable(f.words()):
        return Verdict(Kind.TASK, 0.6, IssueCode.TASK, (first.start, f.tokens[-1].end))
    return Verdict(Kind.VAGUE, 0.6, IssueCode.VAGUE_GOAL)


def _group_of(phrase: str) -> str:
    """Who a share is of: people win over the activity that names them ("workshop participants")."""
    words = phrase.lower().split()[:4]
    for vocabulary in (lx.BENEFICIARIES, lx.INTERNAL_PEOPLE):
        found = next((w for w in words if w in vocabulary), None)
        if found is not None:
            return found
    return words[0] if words else ""


def _measure(f: Features, span: tuple[int, int] | None, *, strong: bool) -> Verdict:
    """A result-side verdict: with a number it is a performance measure, else a measure without target."""
    if f.has_target and (f.has_metric or strong or f.has_from_to):
        return Verdict(Kind.PERFORMANCE_MEASURE, 0.9 if f.has_metric else 0.75)
    if f.has_metric:
        return Verdict(Kind.MEASURE_WITHOUT_TARGET, 0.8)
    if f.has_target:
        return Verdict(Kind.PERFORMANCE_MEASURE, 0.6)
    return Verdict(Kind.VAGUE, 0.65, IssueCode.VAGUE_GOAL, span)


def _disguised_quota(f: Features, obj: list[str]) -> Verdict | None:
    """'Increase the number of webinars to 8', 'Double outbound emails': a quota behind a change verb."""
    if _TEST_COVERAGE_RE.search(f.text) is not None and f.lead is not None:
        return Verdict(Kind.ACTIVITY_QUOTA, 0.7, IssueCode.ACTIVITY_QUOTA, (f.lead.start, f.lead.end))
    head = _object_head(obj)
    if head is None or head not in lx.OUTPUT_NOUNS or head in lx.BENEFICIARIES:
        return None
    if _is_service_level(f, obj):
        return None
    lead = f.lead
    trigger = (lead.start, lead.end) if lead is not None else None
    return Verdict(Kind.ACTIVITY_QUOTA, 0.8, IssueCode.ACTIVITY_QUOTA, trigger)


def _object_head(obj: list[str]) -> str | None:
    """The first output, metric or people noun of a verb's object, skipping 'the number of' and modifiers.

    In a compound the last noun decides: "sales calls" counts calls, "page load time" measures time.
    """
    window = obj[:8]
    for index, word in enumerate(window):
        following = window[index + 1] if index + 1 < len(window) else ""
        if word in {"from", "to", "by", "at", "within", "per", "in"}:
            return None
        is_output = word in lx.OUTPUT_NOUNS or word in lx.BENEFICIARIES
        modifies = following in lx.COMPOUND_HEADS or following in lx.OUTPUT_NOUNS or following in lx.METRIC_WORDS
        if (is_output or word in lx.METRIC_WORDS) and modifies:
            continue
        if (word in lx.METRIC_WORDS and word not in {"number", "count"}) or word.endswith("%"):
            return word if word in lx.BENEFICIARIES else "metric"
        if is_output and index and window[index - 1] in lx.BENEFICIARIES and word in _MADE_BY_BENEFICIARIES:
            return "metric"  # "customer reviews" are written by customers, not by us
        if is_output:
            return word
    return None


def _counted_output(f: Features, start: int, *, people_are_output: bool = False) -> Token | None:
    """A number (or percentage) counting own outputs: '20 customer interviews', '80% of the roadmap'.

    After an activity verb, counted people are outputs too ("Call 100 customers", "Train 50 managers").
    """
    words = f.words(start)
    for index, word in enumerate(words[:6]):
        token = f.tokens[f.start + start + index]
        if not (token.text[:1].isdigit() or word in lx.NUMBER_WORDS - {"double", "triple", "half"}):
            continue
        if f.in_time_frame(token):
            continue
        people = False
        for follower in words[index + 1 : index + 6]:
            if follower in lx.OUTPUT_NOUNS or follower in lx.INTERNAL_PEOPLE:
                return token
            if follower in lx.BENEFICIARIES:
                people = True
            elif follower in lx.METRIC_WORDS or people:
                break
        return token if people and people_are_output else None
    return None


def _is_service_level(f: Features, words: list[str]) -> bool:
    """'Resolve 90% of tickets within 24 hours': a share of demand met in time is a result."""
    if not f.has_percent and not f.has_metric_phrase:
        return False
    return any(w in lx.SERVICE_LEVEL_WORDS for w in words) or "on time" in f.lower or "same day" in f.lower


def _mentions_quota_activity(f: Features) -> bool:
    words = f.words()
    verbs = any(lx.lemma_of(w) in lx.QUOTA_ACTIVITY_VERBS for w in words)
    return (verbs and any(w in lx.TRAINING_NOUNS for w in words)) or any(
        lx.lemma_of(w) in {"attend", "undergo", "complete", "hold", "train", "certify"} for w in words
    )


def _names_certification(obj: list[str]) -> bool:
    return any(w in lx.CERTIFICATION_WORDS for w in obj)


def _names_deliverable(words: list[str]) -> bool:
    return any(w in lx.DELIVERABLE_NOUNS for w in words)


def _done_participle(f: Features) -> Token | None:
    for token in f.tokens[f.start :]:
        lemma = lx.lemma_of(token.text)
        if token.text.endswith(("ed", "en", "t")) and lemma != token.text and lemma in _DONE_VERBS:
            return token
        if token.text in lx.DONE_WORDS:
            return token
    return None


def _done_state(f: Features) -> Verdict | None:
    """'New pricing page live by May', 'Security audit completed': a deliverable reported done."""
    token = _done_participle(f)
    if token is None:
        return None
    return Verdict(Kind.MILESTONE, 0.8, IssueCode.MILESTONE, (token.start, token.end))


def _subject_verb(f: Features) -> Verdict | None:
    """'Sales team books 40 demos a month' (action) vs 'Customers rate onboarding 4.5/5' (result)."""
    words = f.words()
    for index, word in enumerate(words[:6]):
        if index == 0:
            continue
        lemma = lx.lemma_of(word)
        if lemma == word or lemma not in lx.ACTIVITY_VERBS | lx.MILESTONE_VERBS | lx.TASK_VERBS:
            continue
        subject = set(words[:index])
        if subject & _MEASURE_NOUNS:
            return None  # "Employee Net Promoter Score, surveyed quarterly" describes a measure
        if subject & lx.INTERNAL_PEOPLE and not subject & lx.BENEFICIARIES:
            token = f.tokens[f.start + index]
            counted = _counted_output(f, index + 1)
            if counted is not None or f.has_percent:
                return Verdict(Kind.ACTIVITY_QUOTA, 0.8, IssueCode.ACTIVITY_QUOTA, (token.start, token.end))
            return Verdict(Kind.TASK, 0.7, IssueCode.TASK, (token.start, token.end))
        return None
    return None


def _only_cadence(f: Features) -> bool:
    return all(f.text[a:b].lower().split()[0] in _CADENCE_STARTS for a, b in f.time_frames)


def _result_in_other_clause(text: str, start_offset: int) -> Verdict | None:
    """'Launch the referral programme and get 500 referrals': the measured clause decides."""
    del start_offset
    parts = [p for p in _CLAUSE_SPLIT_RE.split(text) if p and len(p.split()) >= 2]
    if len(parts) < 2:
        return None
    for part in parts[1:]:
        verdict = _classify_clause(extract(part))
        if verdict.kind is Kind.PERFORMANCE_MEASURE and verdict.confidence >= 0.75:
            return Verdict(Kind.PERFORMANCE_MEASURE, 0.65)
    return None


_DONE_VERBS = (lx.MILESTONE_VERBS | lx.ACTIVITY_VERBS | lx.TASK_VERBS) - {"see", "have"}
_CADENCE_STARTS = lx.words(
    "per a an each every by daily weekly fortnightly biweekly bi-weekly monthly quarterly annually annual "
    "yearly mom qoq yoy month-over-month rolling trailing semi-annually"
)
