"""Label and kind of a Key Result: does it measure a result, or say whether an action was done?

The rules run in a fixed order, most specific first; each returns a verdict with the text that decided it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import cache
from itertools import pairwise

from krcoach.domain import lexicon as lx
from krcoach.domain import phrases, pos
from krcoach.domain.analysis import Kind
from krcoach.domain.features import Features, extract
from krcoach.domain.issue_codes import IssueCode
from krcoach.domain.learned import LinearModel, model_inputs, shipped_model
from krcoach.domain.quotas import only_cadence, quota_span, recurs
from krcoach.domain.states import stated_deliverable
from krcoach.domain.text import Token

_CLAUSE_SPLIT_RE = re.compile(
    r"\s*(?:;|,?\s+and\s+(?:then\s+)?|,?\s+while\s+|,?\s+(?:that|which|so\s+that)\s+|,\s+(?=get|reach|grow|have)\b)\s*",
    re.IGNORECASE,
)
_TEST_COVERAGE_RE = re.compile(r"\b(?:unit[- ]test|test|code|automated[- ]test|tests?)\s+coverage\b", re.IGNORECASE)
_SHARE_OF_RE = re.compile(
    r"(?:\d+(?:\.\d+)?\s*%|\b(?:percentage|percent|share|proportion|ratio|fraction)\b|\b(?:all|every|each|half|most)\b)"
    r"\s*(?:of\s+)?(?P<group>.*)",
    re.IGNORECASE,
)
_COMPOUND_METRICS = lx.words(
    "time times rate rates frequency cost costs speed duration latency success failure volume coverage score "
    "quality accuracy satisfaction velocity throughput errors defects date acceptance uptake"
)
_NOUNISH_LEADS = lx.words("scope deploy deployment release test offer order call support lead cycle email")
_NO_MORE_THAN_RE = re.compile(r"\b(?:more|longer|later|older)\s+than\b|\bwithin\b|\bover\s+\d")
_MADE_BY_RE = re.compile(r"\b\w+(?:ed|en|t|wn|ne)\s+by\s+(?P<by>(?:\S+\s+){0,3}\S+)", re.IGNORECASE)
_EFFORT_RE = re.compile(r"\b(?:raise|build|create|increase|spread|drive)\s+(?:\w+\s+){0,2}awareness\b", re.I)
_MEASURING_VERBS = lx.words("measure track monitor report survey")


@dataclass(frozen=True, slots=True)
class Verdict:
    """The kind of a Key Result, how sure the rule is, and what in the text decided it."""

    kind: Kind
    confidence: float
    reason: IssueCode | None = None
    trigger: tuple[int, int] | None = None
    result_probability: float | None = None
    """How sure the learned look is that the Key Result measures a result (None: no model shipped)."""


def classify(features: Features) -> Verdict:
    """Decide the kind of a Key Result: the rules' verdict, the learned model's second look, then the quota step.

    The quota step turns a milestone or task that recurs or counts several things into an activity quota
    (`quotas.quota_span`); it changes the kind and span, never the label.
    """
    verdict = rule_verdict(features)
    model = shipped_model()
    return _as_quota(features, verdict if model is None else second_look(features, verdict, model))


def _as_quota(f: Features, verdict: Verdict) -> Verdict:
    """A milestone or task that recurs or counts several things is a quota of activity (see `quotas`)."""
    if verdict.kind not in (Kind.MILESTONE, Kind.TASK):
        return verdict
    span = quota_span(f)
    if span is None:
        return verdict
    return replace(verdict, kind=Kind.ACTIVITY_QUOTA, reason=IssueCode.ACTIVITY_QUOTA, trigger=span)


def rule_verdict(features: Features) -> Verdict:
    """The kind the rules alone give a Key Result, with the text that decided it."""
    verdict = _classify_clause(features)
    if verdict.kind.label == "action":
        measured = _measured_clause(features.text)
        if measured is not None:
            return measured
    return verdict


def second_look(f: Features, verdict: Verdict, model: LinearModel) -> Verdict:
    """The model's kind where it overrules the rules' label with enough confidence; else the rules' verdict."""
    probabilities = dict(zip(model.classes, model.probabilities(model_inputs(f, verdict.kind.value)), strict=True))
    label_probability = {"action": 0.0, "result": 0.0}
    for label, probability in zip(_labels_of(model.classes), probabilities.values(), strict=True):
        label_probability[label] += probability
    rule_label = verdict.kind.label.value
    other = "result" if rule_label == "action" else "action"
    result = label_probability["result"]
    if not model.overrules(verdict.confidence, label_probability[other]) or f.start >= len(f.tokens):
        return replace(verdict, result_probability=result)
    kind = Kind(max((k for k in probabilities if Kind(k).label.value == other), key=probabilities.__getitem__))
    confidence = round(label_probability[other], 2)
    if kind.label == "result":
        return Verdict(kind, confidence, IssueCode.VAGUE_GOAL if kind is Kind.VAGUE else None, None, result)
    lead = f.lead
    span = (lead.start, lead.end) if lead is not None else (f.tokens[f.start].start, f.tokens[-1].end)
    return Verdict(kind, confidence, _ACTION_REASONS[kind], span, result)


@cache
def _labels_of(classes: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(Kind(kind).label.value for kind in classes)


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
    first = f.tokens[f.start].text
    if not pos.can_be(first, "NOUN") and first not in _NOUNISH_LEADS | lx.NOUN_LIKE_LEADS:
        return False  # "Identify success factors": a word that is only a verb names no measure
    if following[:1] and following[0] in _COMPOUND_METRICS:
        return True
    measured = [w for w in following if w in lx.METRIC_WORDS and w not in lx.BENEFICIARIES]
    return bool(measured) and f.tokens[f.start].text in _NOUNISH_LEADS


def _verb_led(f: Features, lead: Token, lemma: str) -> Verdict:
    span = (lead.start, lead.end)
    obj = f.words(1)
    if _EFFORT_RE.search(f.text) and not f.has_target:
        return Verdict(Kind.TASK, 0.75, IssueCode.TASK, span)
    if lemma in lx.WISH_VERBS and not f.target_numbers:
        return Verdict(Kind.VAGUE, 0.6, IssueCode.VAGUE_GOAL, span)  # "Delight every customer": a wish
    if lemma == "make" and not f.target_numbers and obj[:1] not in (["a"], ["an"]):
        return Verdict(Kind.VAGUE, 0.6, IssueCode.VAGUE_GOAL, span)  # "Make onboarding delightful": a wish
    if lemma in lx.CHANGE_VERBS or lemma in lx.LEVEL_VERBS or lemma in lx.MAINTAIN_VERBS:
        return _change_or_level(f, span, lemma, obj)
    if lemma in lx.BEING_VERBS:
        if phrases.names_certification(obj) and not f.has_percent:
            return Verdict(Kind.MILESTONE, 0.8, IssueCode.MILESTONE, span)
        return _measure(f, span, strong=False)
    if phrases.is_service_level(f, obj):
        return Verdict(Kind.PERFORMANCE_MEASURE, 0.75)
    if lemma in lx.ACQUISITION_VERBS and phrases.counts_beneficiaries(f, 1):
        return Verdict(Kind.PERFORMANCE_MEASURE, 0.7)
    counted = phrases.counted_output(f, 1, people_are_output=lemma not in lx.ACQUISITION_VERBS)
    if counted is not None and counted.text in ("1", "one") and not recurs(f):
        return Verdict(Kind.MILESTONE, 0.8, IssueCode.MILESTONE, (lead.start, counted.end))  # one deliverable
    if counted is not None:
        code = IssueCode.ACTIVITY_PERCENTAGE if counted.text.endswith("%") else IssueCode.ACTIVITY_QUOTA
        return Verdict(Kind.ACTIVITY_QUOTA, 0.9, code, (lead.start, counted.end))
    if lemma in lx.EFFORT_VERBS and f.has_metric and f.has_target:
        return _measure(f, span, strong=False)
    if lemma in lx.MILESTONE_VERBS:
        return Verdict(Kind.MILESTONE, 0.9, IssueCode.MILESTONE, span)
    if f.has_time_frame and not only_cadence(f):
        return Verdict(Kind.MILESTONE, 0.8, IssueCode.MILESTONE, span)
    if recurs(f) and not f.has_metric:
        return Verdict(Kind.ACTIVITY_QUOTA, 0.7, IssueCode.ACTIVITY_QUOTA, span)  # "Write in a journal weekly"
    return Verdict(Kind.TASK, 0.85, IssueCode.TASK, span)


def _change_or_level(f: Features, span: tuple[int, int], lemma: str, obj: list[str]) -> Verdict:
    """Increase/achieve/maintain + object: a result unless the object is a certification or own output."""
    if phrases.names_certification(obj[:6]) and not f.has_percent and not f.has_metric:
        return Verdict(Kind.MILESTONE, 0.85, IssueCode.MILESTONE, span)
    quota = _disguised_quota(f, obj)
    if quota is not None:
        return quota
    if lemma in lx.LEVEL_VERBS and not f.has_metric and phrases.names_deliverable(obj) and not f.target_numbers:
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
    system_state = _system_state(f)
    if system_state is not None:
        return system_state
    if not (f.target_numbers or f.has_percent):
        stated = stated_deliverable(f.text, first.start)
        if stated is not None:  # "There is a prototype of …", "Users can …", "Search is enabled by default"
            state, span = stated
            return Verdict(state.kind, 0.75, _ACTION_REASONS[state.kind], span)
    if first.text in {"zero", "no"} and (f.has_relative_target or f.target_numbers or _NO_MORE_THAN_RE.search(f.lower)):
        return _measure(f, None, strong=True)  # "Zero reportable data breaches this year"
    share = _SHARE_OF_RE.search(f.text, first.start)
    internal_share = False
    if share is not None and share.start() - first.start <= 3:
        group = phrases.group_of(share.group("group"))
        group_end = f.lower.find(group, share.start("group")) + len(group)
        span = (share.start(), group_end)
        if group in lx.INTERNAL_PEOPLE:
            if phrases.mentions_quota_activity(f.lower[group_end:].split()):
                return Verdict(Kind.ACTIVITY_QUOTA, 0.85, IssueCode.ACTIVITY_PERCENTAGE, span)
            internal_share = True
        elif phrases.is_own_output(group, f.lower[group_end:]) and not phrases.is_service_level(f, words):
            return Verdict(Kind.ACTIVITY_QUOTA, 0.8, IssueCode.ACTIVITY_PERCENTAGE, span)
        else:
            return _measure(f, None, strong=True)
    subject_verb = _subject_verb(f)
    if subject_verb is not None:
        return subject_verb
    if _changes_by_itself(f):
        return _measure(f, None, strong=True)  # "IACV doubles year over year", "Subscriptions have reached 10,000"
    made = _MADE_BY_RE.search(f.lower)
    count_first = any(t.start < made.start() for t in f.target_numbers) if made is not None else False
    if made is not None and count_first and _by_internal_people(made.group("by")):
        return Verdict(Kind.ACTIVITY_QUOTA, 0.8, IssueCode.ACTIVITY_QUOTA, made.span())  # "3 talks given by staff"
    if f.has_from_to or (f.has_metric and f.target_numbers):
        return _measure(f, None, strong=True)
    if phrases.names_certification(words) and not f.has_percent and not any(w in phrases.MEASURE_NOUNS for w in words):
        return Verdict(Kind.MILESTONE, 0.75, IssueCode.MILESTONE, (first.start, f.tokens[-1].end))
    if _measure_named_first(f):
        return _measure(f, None, strong=True)
    if internal_share:
        return _measure(f, None, strong=True)
    counted = phrases.counted_output(f, 0)
    if counted is not None and _done_participle(f) is not None and not f.has_metric_phrase:
        return Verdict(Kind.ACTIVITY_QUOTA, 0.85, IssueCode.ACTIVITY_QUOTA, (first.start, counted.end))
    done = _done_state(f)
    if done is not None and not (f.has_metric and f.has_target):
        return done
    if f.has_metric or f.target_numbers:
        return _measure(f, None, strong=True)
    if f.has_time_frame and not only_cadence(f):
        return Verdict(Kind.MILESTONE, 0.6, IssueCode.MILESTONE, (first.start, f.tokens[-1].end))
    if phrases.names_deliverable(words) or _bare_deliverable(words):
        return Verdict(Kind.TASK, 0.6, IssueCode.TASK, (first.start, f.tokens[-1].end))
    return Verdict(Kind.VAGUE, 0.6, IssueCode.VAGUE_GOAL)


def _bare_deliverable(words: list[str]) -> bool:
    """'IPFS Mount', 'Reliable monitoring and alerting on all key services': a thing to build, named, with no verb.

    A wish ("World-class mobile experience") is vague instead: it has a weasel word or a verb of being or feeling.
    """
    if any(w in lx.WEASEL_WORDS or w in _WISH_ADJECTIVES for w in words):
        return False
    return not any(pos.verb_lemma(w) in lx.BEING_VERBS | _FEELING_VERBS for w in words) and not any(
        pos.verb_lemma(w) is not None and not pos.can_be(w, "NOUN") and not pos.can_be(w, "ADJ") for w in words[1:]
    )


def _by_internal_people(phrase: str) -> bool:
    """'… given by team members' (ours) vs '… answered by other members rather than staff' (theirs)."""
    words = []
    for word in phrase.split():
        if word in {"rather", "than", "instead", "and", "or", "not", "within", "in", "on", "for", "to", "at"}:
            break
        words.append(word)
    internal_only, served_only = lx.INTERNAL_PEOPLE - lx.BENEFICIARIES, lx.BENEFICIARIES - lx.INTERNAL_PEOPLE
    return any(w in internal_only for w in words) and not any(w in served_only for w in words)


def _changes_by_itself(f: Features) -> bool:
    """A subject, then a change or level verb of its own: "Revenue grows to …", "Sign-ups have doubled"."""
    words = f.words(0, 7)
    for index, word in enumerate(words[1:], start=1):
        lemma = lx.lemma_of(word)
        if lemma != word and lemma in lx.CHANGE_VERBS | lx.LEVEL_VERBS and not word.endswith("ing"):
            return words[index - 1] not in lx.INTERNAL_PEOPLE
    return False


def _system_state(f: Features) -> Verdict | None:
    """'All 42 services running on Kubernetes by September', 'NetSuite go-live by 1 January': a rollout date."""
    if f.has_from_to or not f.has_time_frame or only_cadence(f):
        return None
    words = f.words(0, 7)
    for index, word in enumerate(words[1:], start=1):
        if word in lx.SYSTEM_STATES and words[index - 1] in lx.SYSTEM_NOUNS | lx.DELIVERABLE_NOUNS:
            token = f.tokens[f.start + index]
            return Verdict(Kind.MILESTONE, 0.75, IssueCode.MILESTONE, (token.start, token.end))
    return None


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
    head = f.words(0, 4)  # none when the clause is only punctuation: "Launch the flow; - -"
    for word, following in pairwise([*head, ""]):
        modifier = following in lx.INTERNAL_PEOPLE or following in lx.OUTPUT_NOUNS  # "sales team", "support tickets"
        if word in lx.METRIC_WORDS and word not in lx.BENEFICIARIES | {"number", "count"} and not modifier:
            return head.index(word) < 3
    opening = " ".join(f.words(0, 3))
    return any(opening.startswith(phrase) for phrase in ("mean", "average", "median", "time to", "net promoter"))


def _disguised_quota(f: Features, obj: list[str]) -> Verdict | None:
    """'Increase the number of webinars to 8', 'Double outbound emails': a quota behind a change verb."""
    lead = f.lead
    trigger = (lead.start, lead.end) if lead is not None else None
    if _TEST_COVERAGE_RE.search(f.text) is not None:
        return Verdict(Kind.ACTIVITY_QUOTA, 0.7, IssueCode.ACTIVITY_QUOTA, trigger)
    if f.lead_lemma in lx.DECREASE_VERBS or phrases.made_by_beneficiaries(f.text):
        return None  # "Reduce pages out of hours" lowers a burden; "reports created by customers" are theirs
    share = _SHARE_OF_RE.match(" ".join(obj))
    if share is not None and phrases.group_of(share.group("group")) in lx.BENEFICIARIES - lx.INTERNAL_PEOPLE:
        return None  # "Have 70% of key users report a positive experience": what users do is a result
    head = phrases.object_head(obj)
    if head is None or head not in lx.OUTPUT_NOUNS or head in lx.BENEFICIARIES:
        return None
    if phrases.is_service_level(f, obj):
        return None
    return Verdict(Kind.ACTIVITY_QUOTA, 0.8, IssueCode.ACTIVITY_QUOTA, trigger)


def _done_participle(f: Features) -> Token | None:
    for token in f.tokens[f.start :]:
        lemma = lx.lemma_of(token.text)
        if lemma in _MEASURING_VERBS:
            continue  # "Ticket deflection, measured monthly" says how a measure is read
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
        if (lemma == word and not after_people) or lemma not in _SUBJECT_VERBS:
            continue
        subject = set(words[:index])
        if subject & phrases.MEASURE_NOUNS:
            return None  # "Employee Net Promoter Score, surveyed quarterly" describes a measure
        head = words[index - 1]
        if head in lx.BENEFICIARIES - lx.INTERNAL_PEOPLE:
            return _measure(f, None, strong=True)  # "Partners close 40 new deals": who acts decides
        staff_head = head in lx.INTERNAL_PEOPLE - lx.BENEFICIARIES
        if staff_head or (subject & lx.INTERNAL_PEOPLE and not subject & (lx.BENEFICIARIES - lx.INTERNAL_PEOPLE)):
            token = f.tokens[f.start + index]
            counted = phrases.counted_output(f, index + 1, people_are_output=True)
            if counted is not None or f.has_percent:
                return Verdict(Kind.ACTIVITY_QUOTA, 0.8, IssueCode.ACTIVITY_QUOTA, (token.start, token.end))
            return Verdict(Kind.TASK, 0.7, IssueCode.TASK, (token.start, token.end))
        return None
    return None


def _measured_clause(text: str) -> Verdict | None:
    """'Launch the referral programme and get 500 referrals': a clause that measures decides."""
    parts = [p for p in _CLAUSE_SPLIT_RE.split(text) if p and len(p.split()) >= 2]
    for part in parts[1:]:
        features = extract(part)
        strong_lead = features.lead_lemma in lx.CHANGE_VERBS | lx.LEVEL_VERBS
        opens_with_count = features.words(0, 1)[:1] != [] and features.words(0, 1)[0][:1].isdigit()
        if not strong_lead and ((opens_with_count and not features.has_from_to) or not _measure_named_first(features)):
            continue  # "… at 7, 14 and 30 days past due" lists numbers, it names no measure
        verdict = _classify_clause(features)
        if verdict.kind is Kind.PERFORMANCE_MEASURE and verdict.confidence >= 0.75:
            return Verdict(Kind.PERFORMANCE_MEASURE, 0.65)
    return None


_WISH_ADJECTIVES = lx.words("world-class best-in-class best leading go-to trusted loved happy delightful famous")
_FEELING_VERBS = lx.words("feel love trust enjoy find know")
_ACTION_REASONS = {
    Kind.MILESTONE: IssueCode.MILESTONE,
    Kind.ACTIVITY_QUOTA: IssueCode.ACTIVITY_QUOTA,
    Kind.TASK: IssueCode.TASK,
}
_SUBJECT_VERBS = lx.ACTIVITY_VERBS | lx.MILESTONE_VERBS | lx.TASK_VERBS | lx.EFFORT_VERBS
_DONE_VERBS = (
    (lx.MILESTONE_VERBS | lx.ACTIVITY_VERBS | lx.TASK_VERBS) - lx.LEVEL_VERBS - lx.CHANGE_VERBS - {"see", "have"}
)
