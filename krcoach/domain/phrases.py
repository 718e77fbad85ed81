"""What the words of a Key Result refer to: own outputs, people, counts, service levels, certifications."""

from __future__ import annotations

import re

from krcoach.domain import lexicon as lx
from krcoach.domain.features import Features
from krcoach.domain.text import Token

_BY_BENEFICIARIES_RE = re.compile(r"\bby\s+(?:(?:our|the|new|active|paying|more|their)\s+)?(?P<who>[\w-]+)", re.I)
_MADE_BY_BENEFICIARIES = lx.words("reviews review testimonials responses applications submissions referrals")
_MADE_BY_OTHERS = lx.words("applications submissions referrals responses")  # things outsiders send us
_SERVICE_LEVEL_PHRASES = ("on time", "same day", "first contact", "first time")
_STOP_WORDS = lx.words("from to by at within per in before until")
_COUNT_WORDS = lx.NUMBER_WORDS - {"double", "triple", "half", "twice"}
"""Number words that count things ("six workshops"); multipliers and "half" change a measure instead."""
MEASURE_NOUNS = lx.words(
    "score scores rate rates index ratio percentage proportion share nps csat ces enps latency uptime "
    "availability time times satisfaction"
)


def is_own_output(noun: str, after: str) -> bool:
    """'80% of planned posts' are ours; 'visits from social channels' and 'applications' come to us."""
    incoming = after.lstrip().startswith("from ")
    return noun in lx.OUTPUT_NOUNS - lx.BENEFICIARIES - _MADE_BY_OTHERS and not incoming


def group_of(phrase: str) -> str:
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


def made_by_beneficiaries(text: str) -> bool:
    match = _BY_BENEFICIARIES_RE.search(text)
    return match is not None and match.group("who").lower() in lx.BENEFICIARIES - lx.INTERNAL_PEOPLE


def object_head(obj: list[str]) -> str | None:
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
        if is_output and following in {"volume", "volumes", "output"}:
            return word  # "outbound email volume": how much we send
        if (is_output or word in lx.METRIC_WORDS) and modifies:
            continue
        if is_output and any(w in MEASURE_NOUNS for w in window[index + 1 : index + 3]):
            return "metric"  # "ticket reopen rate"
        if (word in lx.METRIC_WORDS and word not in {"number", "count"}) or word.endswith("%"):
            return word if word in lx.BENEFICIARIES else "metric"
        if is_output and index and window[index - 1] in lx.BENEFICIARIES and word in _MADE_BY_BENEFICIARIES:
            return "metric"  # "customer reviews" are written by customers, not by us
        if is_output:
            return word
    return None


def count_tokens(f: Features, start: int) -> list[tuple[int, Token]]:
    """Numbers (digits or number words) among the first words from `start`, outside time frames."""
    found: list[tuple[int, Token]] = []
    for index, word in enumerate(f.words(start)[:6]):
        token = f.tokens[f.start + start + index]
        is_count = token.text[:1].isdigit() or word in _COUNT_WORDS
        if is_count and not f.in_time_frame(token) and not part_of_a_name(f, f.start + start + index):
            found.append((index, token))
    return found


def part_of_a_name(f: Features, position: int) -> bool:
    """'Kubernetes 1.25', 'SOC 2', 'Learning Project 1': a number right after a capitalised word names, not counts.

    The capitalised word must not be the verb that leads the Key Result ("Hire 5 engineers").
    """
    if position == 0:
        return False
    before, token = f.tokens[position - 1], f.tokens[position]
    return before != f.lead and f.text[before.start].isupper() and f.text[before.end : token.start] == " "


def counted_output(f: Features, start: int, *, people_are_output: bool = False) -> Token | None:
    """A number (or percentage) counting own outputs: '20 customer interviews', '80% of the roadmap'.

    After a verb (start > 0) any counted thing that is not a measure is output ("Plant 1,000 trees"),
    and counted people are outputs too unless the verb acquires them ("Call 100 customers").
    """
    words = f.words(start)
    for index, token in count_tokens(f, start)[:1]:
        followers = words[index + 1 : index + 6]
        if token.text.endswith("%") and followers[:1] == ["of"]:
            return None if any(w in lx.BENEFICIARIES for w in followers[1:5]) else token
        people = False
        for position, follower in enumerate(followers):
            compound = followers[position + 1 : position + 2] == [] or followers[position + 1] in lx.COMPOUND_HEADS
            if follower in lx.OUTPUT_NOUNS and compound and position + 1 < len(followers):
                break  # "100,000+ page views", "email open rate": a measure named after an output
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


def counts_beneficiaries(f: Features, start: int) -> bool:
    """'Recruit 200 new monthly donors': a count of people who chose to join."""
    words = f.words(start)
    for index, _ in count_tokens(f, start)[:1]:
        for follower in words[index + 1 : index + 5]:
            if follower in lx.OUTPUT_NOUNS or follower in lx.INTERNAL_PEOPLE:
                return False
            if follower in lx.BENEFICIARIES:
                return True
    return False


_EVERY_RE = re.compile(r"\b(?:every|all|each)\b")


def is_service_level(f: Features, words: list[str]) -> bool:
    """'Resolve 90% of tickets within 24 hours': a share of demand met in time is a result."""
    if not f.has_percent and not f.has_metric_phrase and not _EVERY_RE.search(f.lower):
        return False  # "Resolve every critical alert within 7 days": every one of them is 100%
    return any(w in lx.SERVICE_LEVEL_WORDS for w in words) or any(p in f.lower for p in _SERVICE_LEVEL_PHRASES)


def mentions_quota_activity(words: list[str]) -> bool:
    """What the people of a share do: 'complete training', 'attend a workshop' make it a quota."""
    lemmas = [lx.lemma_of(w) for w in words]
    if any(lemma in lx.QUOTA_ACTIVITY_VERBS for lemma in lemmas) and any(w in lx.TRAINING_NOUNS for w in words):
        return True
    strong = {"attend", "undergo", "complete", "hold", "train", "certify", "run", "conduct", "finish", "submit"}
    return any(lemma in strong for lemma in lemmas)


def names_certification(obj: list[str]) -> bool:
    return any(w in lx.CERTIFICATION_WORDS for w in obj)


def names_deliverable(words: list[str]) -> bool:
    return any(w in lx.DELIVERABLE_NOUNS for w in words)
