"""What the checks see in a Key Result: its leading verb, measures, counts, people, time frame."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from krcoach.domain import lexicon as lx
from krcoach.domain import pos
from krcoach.domain.text import Token, content_start, time_frame_spans, tokenize

_NAME_NUMBER_PREFIXES = lx.words(
    "iso soc pci wcag type level tier version v phase series gen python java windows ios android covid "
    "section article kr o q h fy g web stage step"
)
_NOT_TARGET_TOKENS = frozenset({"1:1s", "1-1s", "24/7", "1:1", "360"})
_FROM_TO_RE = re.compile(r"\bfrom\s+(?:[$€£~]?\d|\[)[^\s]*.*?\bto\b", re.IGNORECASE)
_BASELINE_RE = re.compile(
    r"\b(?:from|up\s+from|down\s+from|currently|baseline|vs\.?|versus|compared|relative\s+to|than\s+last|"
    r"over\s+last|(?:was|is)\s+\d|yoy|year[- ]over[- ]year|month[- ]over[- ]month|today)\b|->|→",
    re.IGNORECASE,
)
_RELATIVE_TARGET_RE = re.compile(
    r"\b(?:double[sd]?|triple[sd]?|quadruple[sd]?|halve[sd]?|(?:by|in)\s+half|twice|zero|eliminate|no\s+more\s+than|all|every|100%)\b",
    re.IGNORECASE,
)
_QUOTED_RE = re.compile(r"“[^“”]{1,300}”")
_LEADING_CLAUSE_RE = re.compile(
    r"(?:after|before|once|when|while|until|by|in|during|within|for)\b[^,.;:]{1,60},\s+", re.I
)
_OWNER_LABEL_RE = re.compile(r"([A-Za-z][\w&/.'-]*(?:\s+[A-Za-z][\w&/.'-]*){0,2})\s*:\s+")
_NOUN_AFTER_AMBIGUOUS = lx.METRIC_WORDS | frozenset(["coverage", "plan", "results", "budget", "pipeline", "quality"])


@dataclass(slots=True)
class Features:
    """Facts read off one Key Result, shared by the classifier and the checks."""

    text: str
    tokens: list[Token]
    start: int  # index of the first content token
    lead: Token | None = None  # the leading verb, if the Key Result starts with one
    lead_lemma: str = ""
    time_frames: list[tuple[int, int]] = field(default_factory=list)
    target_numbers: list[Token] = field(default_factory=list)
    metric_tokens: list[Token] = field(default_factory=list)
    has_metric_phrase: bool = False
    has_from_to: bool = False
    has_baseline: bool = False
    has_relative_target: bool = False
    has_percent: bool = False

    @property
    def lower(self) -> str:
        """The text, lower-cased."""
        return self.text.lower()

    @property
    def has_target(self) -> bool:
        """True when a level to reach is stated (a number, or double/halve/zero…)."""
        return bool(self.target_numbers) or self.has_relative_target

    @property
    def has_metric(self) -> bool:
        """True when a measure is named."""
        return bool(self.metric_tokens) or self.has_metric_phrase

    @property
    def has_time_frame(self) -> bool:
        """True when a deadline or cadence is stated."""
        return bool(self.time_frames)

    def words(self, start: int = 0, end: int | None = None) -> list[str]:
        """Lower-case token texts of the content, from token index `start` (relative to content start)."""
        first = self.start + start
        last = len(self.tokens) if end is None else self.start + end
        return [t.text for t in self.tokens[first:last]]

    def in_time_frame(self, token: Token) -> bool:
        """True when the token sits inside a deadline or cadence."""
        return any(a <= token.start < b for a, b in self.time_frames)


def extract(text: str) -> Features:
    """Read the features of one Key Result text.

    Text between typographic quotes (“…”) is a name, not words to read: a proposal quoting the draft ("Share of
    [the people “the new onboarding flow” is for] …") is read as the measure it states. The quoted characters are
    blanked in place, so every span still points into the original text.
    """
    text = _QUOTED_RE.sub(lambda m: "“" + " " * (len(m.group()) - 2) + "”", text)
    tokens = tokenize(text)
    offset = _past_owner_label(text, content_start(text))
    start = next((i for i, t in enumerate(tokens) if t.start >= offset), len(tokens))
    features = Features(text=text, tokens=tokens, start=start, time_frames=time_frame_spans(text))
    _read_lead(features)
    _read_measures(features)
    return features


def _past_owner_label(text: str, offset: int) -> int:
    """Past a leading owner label ("Customer Success: Identify …", "CEO: IACV doubles …"), unless it names a measure.

    "NPS: from 32 to 50" and "Time to first value: …" put the measure before the colon: those are kept.
    """
    clause = _LEADING_CLAUSE_RE.match(text, offset)
    if clause is not None and len(text[clause.end() :].split()) >= 2:
        offset = clause.end()  # "After finalizing v1, explore …": the Key Result starts after the comma
    label = _OWNER_LABEL_RE.match(text, offset)
    if label is None:
        return offset
    words = label.group(1).lower().split()
    if any(w in lx.METRIC_WORDS or lx.lemma_of(w) != w or any(c.isdigit() for c in w) for w in words):
        return offset
    rest = text[label.end() :].split()
    return label.end() if len(rest) >= 2 else offset


def _read_lead(features: Features) -> None:
    tokens = features.tokens
    if features.start >= len(tokens):
        return
    first = tokens[features.start]
    if _is_adverb(first.text) and features.start + 1 < len(tokens):
        first = tokens[features.start + 1]  # "Jointly fund 3-5 engagements", "Proactively reach out to …"
        if lx.lemma_of(first.text) not in _ALL_VERBS and not pos.is_base_verb(first.text):
            return
        features.lead, features.lead_lemma = first, lx.lemma_of(first.text)
        if features.lead_lemma == first.text:
            features.lead_lemma = pos.verb_lemma(first.text) or first.text
        return
    lemma = lx.lemma_of(first.text)
    following = tokens[features.start + 1].text if features.start + 1 < len(tokens) else ""
    if lemma not in _ALL_VERBS:
        if pos.starts_with_verb(first.text, following) and not _names_a_noun(first.text, following):
            features.lead = first  # a doing verb outside the word lists: "Find a tool …", "Pick 20 …"
            features.lead_lemma = pos.verb_lemma(first.text) or first.text
        return
    # "Test coverage at 80%", "Sales growth", "Support tickets resolved": a noun, not a verb.
    if following in _NOUN_AFTER_AMBIGUOUS and first.text in lx.NOUN_LIKE_LEADS:
        return
    if _names_a_noun(first.text, following):
        return
    if first.text.endswith("s") and lemma != first.text and pos.can_be(first.text, "NOUN"):
        return  # "Upgrades take less than 30 minutes", "Releases ship weekly": a plural subject, not an instruction
    features.lead = first
    features.lead_lemma = lemma


def _is_adverb(word: str) -> bool:
    return word.endswith("ly") and pos.can_be(word, "ADV") and not pos.can_be(word, "ADJ")


def _names_a_noun(word: str, following: str) -> bool:
    """'Share of …', 'Partners close …', 'Reporting module …': a leading word that looks like a verb but names."""
    if following == "of":
        return True
    if word.endswith("s") and word in lx.BENEFICIARIES | lx.INTERNAL_PEOPLE:
        return True
    return word.endswith("ing") and following in lx.DELIVERABLE_NOUNS | lx.SYSTEM_NOUNS


def _read_measures(features: Features) -> None:
    tokens = features.tokens
    lower = features.lower
    for index, token in enumerate(tokens):
        if token.text in lx.METRIC_WORDS or token.text.endswith("%"):
            features.metric_tokens.append(token)
        if token.text.endswith("%") or token.text in {"percent", "percentage"}:
            features.has_percent = True
        if _is_target_number(features, index):
            features.target_numbers.append(token)
            if token.text == "half":
                features.metric_tokens.append(token)  # "by half" is "by 50%"
    features.has_metric_phrase = _METRIC_PHRASE_RE.search(lower) is not None
    features.has_from_to = _FROM_TO_RE.search(lower) is not None
    features.has_baseline = features.has_from_to or _BASELINE_RE.search(lower) is not None
    features.has_relative_target = "[target]" in lower or _RELATIVE_TARGET_RE.search(lower) is not None
    if "[baseline]" in lower:
        features.has_baseline = True
    if "[deadline]" in lower:
        features.time_frames.append((lower.index("[deadline]"), lower.index("[deadline]") + len("[deadline]")))


def _is_target_number(features: Features, index: int) -> bool:
    token = features.tokens[index]
    previous = features.tokens[index - 1].text if index > 0 else ""
    if token.text == "half" and previous in ("by", "in"):
        return index > features.start  # "cut by half", "in half": a target, as "by 50%" is
    if not token.text[:1].isdigit() or token.text in _NOT_TARGET_TOKENS or features.in_time_frame(token):
        return False
    return previous not in _NAME_NUMBER_PREFIXES and index >= features.start


_METRIC_PHRASE_RE = re.compile("|".join(map(re.escape, lx.METRIC_PHRASES)))
"""Any measure phrase, anywhere in the lower-cased text (one search instead of one per phrase)."""

_ALL_VERBS = (
    lx.CHANGE_VERBS
    | lx.LEVEL_VERBS
    | lx.MAINTAIN_VERBS
    | lx.MILESTONE_VERBS
    | lx.TASK_VERBS
    | lx.EFFORT_VERBS
    | lx.ACTIVITY_VERBS
    | lx.BEING_VERBS
)
