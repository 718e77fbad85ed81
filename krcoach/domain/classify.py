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

_CLAUSE_SPLIT_RE = re.compile(r"\s*(?:;|,?\s+and\s+(?:then\s+)?|,?\s+while\s+)\s*", re.IGNORECASE)
_TEST_COVERAGE_RE = re.compile(r"\b(?:unit[- ]test|test|code|automated[- ]test|tests?)\s+coverage\b", re.IGNORECASE)
_SHARE_OF_RE = re.compile(
    r"(?:\d+(?:\.\d+)?\s*%|\b(?:percentage|percent|share|proportion|ratio|fraction)\b|\b(?:all|every|each|half|most)\b)"
    r"\s*(?:of\s+)?(?P<group>.*)",
    re.IGNORECASE,
)
_MADE_BY_BENEFICIARIES = lx.words("reviews review testimonials responses applications submissions referrals")
_MEASURE_NOUNS = lx.words(
    "score scores rate rates index ratio percentage proportion share nps csat ces enps latency uptime "
    "availability time times satisfaction"
)
_COMPOUND_METRICS = lx.words(
    "time times rate rates frequency cost costs speed duration latency success failure volume coverage score "
    "quality accuracy satisfaction velocity throughput errors defects date acceptance uptake"
)
_NOUNISH_LEADS = lx.words("scope deploy deployment release test offer order call support lead cycle email")
_STOP_WORDS = lx.words("from to by at within per in before until")
_COMPARATIVE_RE = re.compile(r"\b(?:more|less|simpler|easier|faster|better|clearer|safer|cheaper|happier)\b", re.I)
_EFFORT_PHRASES = ("raise awareness", "build awareness", "create awareness", "increase awareness of")


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
        measured = _measured_clause(features.text)
        if measured is not None:
            return measured
    return verdict


def _classify_clause(f: Features) -> Verdict:
    if f.start >= len(f.tokens):
        return Verdict(Kind.VAGUE, 0.5, IssueCode.VAGUE_GOAL)
    lead = f.lead
    if lead is not None and not _is_compound_noun(f):
        return _verb_led(f, lead, f.lead_lemma)
    return _noun_led(f)


def _is_compound_noun(f: Features) -> bool:
    """'Deploy time of …', 'Release frequency …': the leading verb is part of a measure's name."""
    following = f.words(1, 3)
    if f.lead_lemma in lx.CHANGE_VERBS | lx.LEVEL_VERBS | lx.MAINTAIN_VERBS:
        return False
    if following[:1] and following[0] in _COMPOUND_METRICS:
        return True
    measured = [w for w in following if w in lx.METRIC_WORDS and w not in lx.BENEFICIARIES]
    return bool(measured) and f.tokens[f.start].text in _NOUNISH_LEADS


def _verb_led(f: Features, lead: Token, lemma: str) -> Verdict:
    span = (lead.start, lead.end)
    obj = f.words(1)
    if any(phrase in f.lower for phrase in _EFFORT_PHRASES):
        return Verdict(Kind.TASK, 0.75, IssueCode.TASK, span)
    if lemma == "make" and _COMPARATIVE_RE.search(f.text) and not f.has_target:
        return Verdict(Kind.VAGUE, 0.6, IssueCode.VAGUE_GOAL, span)
    if lemma in lx.CHANGE_VERBS or lemma in lx.LEVEL_VERBS or lemma in lx.MAINTAIN_VERBS:
        return _change_or_level(f, span, lemma, obj)
    if lemma in lx.BEING_VERBS:
        if _names_certification(obj) and not f.has_percent:
            return Verdict(Kind.MILESTONE, 0.8, IssueCode.MILESTONE, span)
        return _measure(f, span, strong=False)
    if _is_service_level(f, obj):
        return Verdict(Kind.PERFORMANCE_MEASURE, 0.75)
    if lemma in lx.ACQUISITION_VERBS and _counts_beneficiaries(f, 1):
        return Verdict(Kind.PERFORMANCE_MEASURE, 0.7)
    counted = _counted_output(f, 1, people_are_output=lemma not in lx.ACQUISITION_VERBS)
    if counted is not None:
        code = IssueCode.ACTIVITY_PERCENTAGE if counted.text.endswith("%") else IssueCode.ACTIVITY_QUOTA
        return Verdict(Kind.ACTIVITY_QUOTA, 0.9, code, (lead.start, counted.end))
    if lemma in lx.EFFORT_VERBS and f.has_metric and f.has_target:
        return _measure(f, span, strong=False)
    if lemma in lx.MILESTONE_VERBS:
        return Verdict(Kind.MILESTONE, 0.9, IssueCode.MILESTONE, span)
    if f.has_time_frame and not _only_cadence(f):
        return Verdict(Kind.MILESTONE, 0.8, IssueCode.MILESTONE, span)
    return Verdict(Kind.TASK, 0.85, IssueCode.TASK, span)


def _change_or_level(f: Features, span: tuple[int, int], lemma: str, obj: list[str]) -> Verdict:
    """Increase/achieve/maintain + object: a result unless the object is a certification or own output."""
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


def _noun_led(f: Features) -> Verdict:
    first = f.tokens[f.start]
    words = f.words()
    coverage = _TEST_COVERAGE_RE.search(f.text)
    if coverage is not None:
        return Verdict(Kind.ACTIVITY_QUOTA, 0.7, IssueCode.ACTIVITY_QUOTA, coverage.span())
    share = _SHARE_OF_RE.search(f.text, first.start)
    internal_share = False
    if share is not None and share.start() - first.start <= 3:
        group = _group_of(share.group("group"))
        if group in lx.INTERNAL_PEOPLE:
            if _mentions_quota_activity(f):
                span = (share.start(), share.start("group") + len(group) + 1)
                return Verdict(Kind.ACTIVITY_QUOTA, 0.85, IssueCode.ACTIVITY_PERCENTAGE, span)
            internal_share = True
        elif group in lx.OUTPUT_NOUNS and group not in lx.BENEFICIARIES and not _is_service_level(f, words):
            span = (share.start(), share.start())
            return Verdict(Kind.ACTIVITY_QUOTA, 0.8, IssueCode.ACTIVITY_PERCENTAGE, span)
        else:
            return _measure(f, None, strong=True)
    subject_verb = _subject_verb(f)
    if subject_verb is not None:
        return subject_verb
    if f.has_from_to or (f.has_metric and f.target_numbers):
        return _measure(f, None, strong=True)
    if _names_certification(words) and not f.has_percent and not any(w in _MEASURE_NOUNS for w in words):
        return Verdict(Kind.MILESTONE, 0.75, IssueCode.MILESTONE, (first.start, f.tokens[-1].end))
    if _measure_named_first(f):
        return _measure(f, None, strong=True)
    if internal_share:
        return _measure(f, None, strong=True)
    counted = _counted_output(f, 0)
    if counted is not None and _done_participle(f) is not None and not f.has_metric_phrase:
        return Verdict(Kind.ACTIVITY_QUOTA, 0.85, IssueCode.ACTIVITY_QUOTA, (first.start, counted.end))
    done = _done_state(f)
    if done is not None and not (f.has_metric and f.has_target):
        return done
    if f.has_metric or f.target_numbers:
        return _measure(f, None, strong=True)
    if f.has_time_frame and not _only_cadence(f):
        return Verdict(Kind.MILESTONE, 0.6, IssueCode.MILESTONE, (first.start, f.tokens[-1].end))
    if _names_deliverable(words):
        return Verdict(Kind.TASK, 0.6, IssueCode.TASK, (first.start, f.tokens[-1].end))
    return Verdict(Kind.VAGUE, 0.6, IssueCode.VAGUE_GOAL)


def _measure(f: Features, span: tuple[int, int] | None, *, strong: bool) -> Verdict:
    """A result-side verdict: with a number it is a performance measure, else a measure without target."""
    if f.has_target and (f.has_metric or strong or f.has_from_to):
        return Verdict(Kind.PERFORMANCE_MEASURE, 0.9 if f.has_metric else 0.75)
    if f.has_metric:
        return Verdict(Kind.MEASURE_WITHOUT_TARGET, 0.8)
    if f.has_target:
        return Verdict(Kind.PERFORMANCE_MEASURE, 0.6)
    return Verdict(Kind.VAGUE, 0.65, IssueCode.VAGUE_GOAL, span)


def _measure_named_first(f: Features) -> bool:
    """'Gross retention of …, measured quarterly', 'Mean time to detect …': the text opens with a measure."""
    head = f.words(0, 4)
    for word, following in zip(head, [*head[1:], ""], strict=True):
        modifier = following in lx.INTERNAL_PEOPLE or following in lx.OUTPUT_NOUNS  # "sales team", "support tickets"
        if word in lx.METRIC_WORDS and word not in lx.BENEFICIARIES | {"number", "count"} and not modifier:
            return head.index(word) < 3
    opening = " ".join(f.words(0, 3))
    return any(opening.startswith(phrase) for phrase in ("mean", "average", "median", "time to", "net promoter"))


def _group_of(phrase: str) -> str:
    """Who a share is of: the last people word before the verb ("workshop participants", "account executives")."""
    words = phrase.lower().replace(",", " ").split()[:6]
    people: list[str] = []
    for word in words:
        if word in lx.BENEFICIARIES or word in lx.INTERNAL_PEOPLE:
            people.append(word)
        elif people:
            break
    if not people:
        return words[0] if words else ""
    last = people[-1]
    if last not in lx.INTERNAL_PEOPLE and any(p in lx.INTERNAL_PEOPLE - lx.BENEFICIARIES for p in people):
        return next(p for p in people if p in lx.INTERNAL_PEOPLE)  # "people leads": leads of people
    return last


def _disguised_quota(f: Features, obj: list[str]) -> Verdict | None:
    """'Increase the number of webinars to 8', 'Double outbound emails': a quota behind a change verb."""
    lead = f.lead
    trigger = (lead.start, lead.end) if lead is not None else None
    if _TEST_COVERAGE_RE.search(f.text) is not None:
        return Verdict(Kind.ACTIVITY_QUOTA, 0.7, IssueCode.ACTIVITY_QUOTA, trigger)
    head = _object_head(obj)
    if head is None or head not in lx.OUTPUT_NOUNS or head in lx.BENEFICIARIES:
        return None
    if _is_service_level(f, obj):
        return None
    return Verdict(Kind.ACTIVITY_QUOTA, 0.8, IssueCode.ACTIVITY_QUOTA, trigger)


def _object_head(obj: list[str]) -> str | None:
    """The first output, metric or people noun of a verb's object, skipping 'the number of' and modifiers.

    In a compound the last noun decides: "sales calls" counts calls, "page load time" measures time;
    "85% of audit findings" is about findings.
    """
    window = obj[:9]
    for index, word in enumerate(window):
        following = window[index + 1] if index + 1 < len(window) else ""
        if word in _STOP_WORDS:
            return None
        if word.endswith("%") and following == "of":
            continue
        is_output = word in lx.OUTPUT_NOUNS or word in lx.BENEFICIARIES
        modifies = following in lx.COMPOUND_HEADS or following in lx.OUTPUT_NOUNS or following in lx.METRIC_WORDS
        if (is_output or word in lx.METRIC_WORDS) and modifies:
            continue
        if is_output and any(w in _MEASURE_NOUNS for w in window[index + 1 : index + 3]):
            return "metric"  # "ticket reopen rate"
        if (word in lx.METRIC_WORDS and word not in {"number", "count"}) or word.endswith("%"):
            return word if word in lx.BENEFICIARIES else "metric"
        if is_output and index and window[index - 1] in lx.BENEFICIARIES and word in _MADE_BY_BENEFICIARIES:
            return "metric"  # "customer reviews" are written by customers, not by us
        if is_output:
            return word
    return None


def _count_tokens(f: Features, start: int) -> list[tuple[int, Token]]:
    """Numbers (digits or number words) among the first words from `start`, outside time frames."""
    found: list[tuple[int, Token]] = []
    for index, word in enumerate(f.words(start)[:6]):
        token = f.tokens[f.start + start + index]
        is_count = token.text[:1].isdigit() or word in lx.NUMBER_WORDS - {"double", "triple", "half", "twice"}
        if is_count and not f.in_time_frame(token):
            found.append((index, token))
    return found


def _counted_output(f: Features, start: int, *, people_are_output: bool = False) -> Token | None:
    """A number (or percentage) counting own outputs: '20 customer interviews', '80% of the roadmap'.

    After a verb (start > 0) any counted thing that is not a measure is output ("Plant 1,000 trees"),
    and counted people are outputs too unless the verb acquires them ("Call 100 customers").
    """
    words = f.words(start)
    for index, token in _count_tokens(f, start)[:1]:
        followers = words[index + 1 : index + 6]
        if token.text.endswith("%") and followers[:1] == ["of"]:
            return None if any(w in lx.BENEFICIARIES for w in followers[1:5]) else token
        people = False
        for follower in followers:
            if follower in lx.OUTPUT_NOUNS or follower in lx.INTERNAL_PEOPLE:
                return token
            if follower in lx.BENEFICIARIES:
                people = True
            elif follower in lx.METRIC_WORDS or follower in _STOP_WORDS or people:
                break
        if people:
            return token if people_are_output else None
        if start > 0 and not any(w in lx.METRIC_WORDS for w in followers[:3]) and not token.text.endswith("%"):
            return token
    return None


def _counts_beneficiaries(f: Features, start: int) -> bool:
    """'Recruit 200 new monthly donors': a count of people who chose to join."""
    words = f.words(start)
    for index, _ in _count_tokens(f, start)[:1]:
        for follower in words[index + 1 : index + 5]:
            if follower in lx.OUTPUT_NOUNS or follower in lx.INTERNAL_PEOPLE:
                return False
            if follower in lx.BENEFICIARIES:
                return True
    return False


def _is_service_level(f: Features, words: list[str]) -> bool:
    """'Resolve 90% of tickets within 24 hours': a share of demand met in time is a result."""
    if not f.has_percent and not f.has_metric_phrase:
        return False
    return any(w in lx.SERVICE_LEVEL_WORDS for w in words) or "on time" in f.lower or "same day" in f.lower


def _mentions_quota_activity(f: Features) -> bool:
    words = f.words()
    lemmas = [lx.lemma_of(w) for w in words]
    if any(lemma in lx.QUOTA_ACTIVITY_VERBS for lemma in lemmas) and any(w in lx.TRAINING_NOUNS for w in words):
        return True
    strong = {"attend", "undergo", "complete", "hold", "train", "certify", "run", "conduct", "finish", "submit"}
    return any(lemma in strong for lemma in lemmas)


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
        after_people = words[index - 1] in lx.INTERNAL_PEOPLE
        if (lemma == word and not after_people) or lemma not in lx.ACTIVITY_VERBS | lx.MILESTONE_VERBS | lx.TASK_VERBS:
            continue
        subject = set(words[:index])
        if subject & _MEASURE_NOUNS:
            return None  # "Employee Net Promoter Score, surveyed quarterly" describes a measure
        if subject & lx.INTERNAL_PEOPLE and not subject & (lx.BENEFICIARIES - lx.INTERNAL_PEOPLE):
            token = f.tokens[f.start + index]
            counted = _counted_output(f, index + 1, people_are_output=True)
            if counted is not None or f.has_percent:
                return Verdict(Kind.ACTIVITY_QUOTA, 0.8, IssueCode.ACTIVITY_QUOTA, (token.start, token.end))
            return Verdict(Kind.TASK, 0.7, IssueCode.TASK, (token.start, token.end))
        return None
    return None


def _only_cadence(f: Features) -> bool:
    return all(f.text[a:b].lower().split()[0] in lx.CADENCE_WORDS for a, b in f.time_frames)


def _measured_clause(text: str) -> Verdict | None:
    """'Launch the referral programme and get 500 referrals': a clause that measures decides."""
    parts = [p for p in _CLAUSE_SPLIT_RE.split(text) if p and len(p.split()) >= 2]
    for part in parts[1:]:
        features = extract(part)
        strong_lead = features.lead_lemma in lx.CHANGE_VERBS | lx.LEVEL_VERBS
        if not strong_lead and not _measure_named_first(features):
            continue
        verdict = _classify_clause(features)
        if verdict.kind is Kind.PERFORMANCE_MEASURE and verdict.confidence >= 0.75:
            return Verdict(Kind.PERFORMANCE_MEASURE, 0.65)
    return None


_DONE_VERBS = (lx.MILESTONE_VERBS | lx.ACTIVITY_VERBS | lx.TASK_VERBS) - {"see", "have"}
