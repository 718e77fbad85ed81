"""Text primitives for the checks: tokens with character spans, time frames, numbers."""

from __future__ import annotations

import re
from typing import NamedTuple

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?"
    r"|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_PERIOD = r"(?:quarter|year|month|half|sprint|semester|term|season|cycle|week|fiscal\s+year|school\s+year)"
_POINT = (
    rf"(?:q[1-4](?:\s*(?:fy)?'?\d{{2,4}})?|h[12](?:\s*'?\d{{2,4}})?|fy\s?'?\d{{2,4}}|(?:19|20)\d{{2}}"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}(?:,?\s+\d{{4}})?"
    rf"|{_MONTH}(?:\s+\d{{1,2}}(?:st|nd|rd|th)?)?(?:,?\s+\d{{4}})?"
    rf"|(?:the\s+)?(?:this|next|current|coming|following)\s+{_PERIOD}|(?:the\s+)?{_PERIOD}\s+\d{{1,2}}(?![\d%]|[.,]\d)|the\s+{_PERIOD}"
    rf"|\d{{4}}-\d{{2}}-\d{{2}}|\d{{1,2}}[/.]\d{{1,2}}[/.]\d{{2,4}}|year[- ]end|eo[qym]|launch)"
)
_TIME_FRAME_PATTERNS = (
    # Deadlines: "by 30 June", "by the end of Q3", "before FY27", "in Q2 2026", "this quarter".
    rf"\b(?:by|before|until|till|through|thru|in|during|for|at|throughout|no\s+later\s+than|due)\s+"
    rf"(?:the\s+)?(?:end\s+of\s+(?:the\s+)?)?{_POINT}\b",
    rf"\b(?:end\s+of\s+(?:the\s+)?|eo)(?:{_POINT}|{_PERIOD})\b",
    rf"\b(?:this|next|current)\s+{_PERIOD}\b",
    r"\bq[1-4](?:\s*'?(?:19|20)?\d{2})?\b",
    r"\bh[12]\s*'?(?:19|20)?\d{2}\b",
    r"\bfy\s?'?\d{2,4}\b",
    rf"\b(?:within|over|in)\s+(?:the\s+)?(?:next|first|coming)\s+(?:\d+\s+|\w+\s+)?{_PERIOD}s?\b",
    r"\bover\s+the\s+(?:next|coming)\s+\w+\s+\w+\b",
    # Cadences: "per month", "each quarter", "weekly", "by cohort", "month over month".
    # ("cut by half" halves a measure: it is a target, not a cadence)
    rf"\b(?:(?:per|a|an|each|every)\s+|by\s+(?!half\b))(?:calendar\s+)?(?:day|{_PERIOD}|cohort|release|intake|term|shift)\b(?!\s+\d)",
    r"\b(?:daily|weekly|fortnightly|bi-?weekly|monthly|quarterly|annually|annual|yearly|semi-annually)\b",
    r"\b(?:mom|qoq|yoy|month[- ]over[- ]month|quarter[- ]over[- ]quarter|year[- ]over[- ]year)\b",
    r"\b(?:rolling|trailing)\s+\d+[- ](?:day|week|month)s?\b",
    rf"\bin\s+{_MONTH}(?:\s+\d{{4}})?\b",
)
TIME_FRAME_RE = re.compile(
    "(?:" + "|".join(f"(?:{p})" for p in _TIME_FRAME_PATTERNS) + r")(?![.,]\d)",  # never ends inside a number
    re.IGNORECASE,
)
"""Deadlines and cadences. "Q3 10.01" has the time frame "Q3": "Q3 10" would copy half a number into a rewrite."""

_TOKEN_RE = re.compile(
    r"\d{1,3}(?:,\d{3})+(?:\.\d+)?[a-z%]*|[a-z0-9]+(?:['’\-/:.&][a-z0-9]+)*%?|[%$€£≥≤<>+#~]", re.IGNORECASE
)
_NUMERAL_RE = re.compile(r"^\d+(?:[.,]\d+)*(?:%|k|m|bn|b|x|ms|s|h|hrs|pp|pts?|mb|gb)?$")
NUMBER_RE = re.compile(r"(?<![a-z\d])\d+(?:[.,]\d+)*", re.IGNORECASE)
CODED_NUMBER_RE = re.compile(r"(?<![a-z\d])[a-z]{1,3}\d+(?![a-z\d])", re.IGNORECASE)
"""A number fused to a short prefix: a quarter `Q3`, a half `H2`, a fiscal year `FY27`, a percentile `p95`."""
_PREFIX_RE = re.compile(
    r"^\s*(?:[-*+•]\s+|\d+[.)]\s+|\(?[a-z]\)\s+)?(?:(?:kr|key\s+result)\s*\d*(?:\.\d+)*\s*[:.)\-–—]\s*)?"
    r"(?:(?:we|i|the\s+team|our\s+team|team)\s+(?:will|shall|must|should|are\s+going\s+to|aim\s+to|plan\s+to)"
    r"\s+|(?:to|successfully|aim\s+to|plan\s+to|goal:)\s+)?",
    re.IGNORECASE,
)


class Token(NamedTuple):
    """One word, number or symbol, lower-cased, with its character offsets in the original text.

    A named tuple: a Key Result makes dozens, and a tuple is built several times faster than a frozen dataclass.
    """

    text: str
    start: int
    end: int

    @property
    def is_number(self) -> bool:
        """True for numerals ("20", "1,000", "50k", "30%")."""
        return _NUMERAL_RE.match(self.text) is not None


def tokenize(text: str) -> list[Token]:
    """Split text into lower-case tokens that keep their offsets."""
    return [Token(m.group().lower(), m.start(), m.end()) for m in _TOKEN_RE.finditer(text)]


def content_start(text: str) -> int:
    """Offset where the Key Result proper starts, past bullets, "KR1:" labels and "We will"."""
    match = _PREFIX_RE.match(text)
    return match.end() if match else 0


def time_frame_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of deadlines and cadences ("by end of Q3", "per month")."""
    return [(m.start(), m.end()) for m in TIME_FRAME_RE.finditer(text)]


def numbers_in(text: str) -> set[str]:
    """The numbers a text contains, normalised ("1,000" and "1000" are the same number)."""
    found: set[str] = set()
    for match in NUMBER_RE.finditer(text):
        raw = match.group().replace(",", "")
        if "." in raw:
            raw = raw.rstrip("0").rstrip(".") or "0"
        found.add(raw.lstrip("0") or "0")
    return found


def coded_numbers_in(text: str) -> set[str]:
    """Numbers fused to a prefix, lower-cased: "by end of Q3" → {"q3"}; "FY27 p95" → {"fy27", "p95"}."""
    return {match.group().lower() for match in CODED_NUMBER_RE.finditer(text)}
