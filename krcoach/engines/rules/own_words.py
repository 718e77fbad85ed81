"""Proposals built from the draft's own words when no library measure fits.

Two shapes, both with explicit placeholders and no number that is not in the draft:
- from the Objective, when it already describes a result ("New customers succeed without help"): measure how
  often it comes true for the people it is about;
- from the Key Result's deliverable ("the redesigned onboarding flow"): the share of the people it is for who do
  what it should enable.
"""

from __future__ import annotations

import re

from krcoach.domain import lexicon as lx
from krcoach.domain.diagnosis import Diagnosis
from krcoach.domain.states import stated_deliverable

_CUT_RE = re.compile(
    r"\s*(?:,(?!\d)|[;:(\[]|\.\s|\s-\s|\bso\s+that\b|\bin\s+order\s+to\b|\bwhich\b|\bthat\b|\bwhile\b|\bby\s+(?=\d|end|q\d|the\s+end|early|mid|late|week|month|january|february|march|april|may|june|july|august|september|october|november|december))",
    re.I,
)
_LEADING_RE = re.compile(
    r"^(?:(?:at\s+least|up\s+to|more\s+than|over|around|about|~)\s+)?(?:[$€£]?\d[\d.,]*\+?%?\s+|(?:one|two|three|four|five|six|seven|eight|nine|ten|a\s+few|several|multiple)\s+)?",
    re.I,
)
_MAX_WORDS = 9
_DANGLING = lx.words(
    "a an the of to for in on at by with and or from into our my your their its is are be it this that"
)
_PERSONAL = lx.words("i me my myself we us our")


def deliverable_of(text: str, diagnosis: Diagnosis) -> str | None:
    """The thing a Key Result delivers or counts, in its own words ("the redesigned onboarding flow")."""
    features = diagnosis.features
    if features.start >= len(features.tokens):
        return None
    start = features.lead.end if features.lead is not None else features.tokens[features.start].start
    stated = stated_deliverable(text, features.tokens[features.start].start) if features.lead is None else None
    if stated is not None and stated[0].name == "existence":
        start = stated[1][1]  # "There is a prototype of …": the prototype
    for frame_start, _ in features.time_frames:
        if frame_start > start:
            text = text[:frame_start]
            break
    phrase = text[start:]
    cut = _CUT_RE.search(phrase)
    phrase = phrase[: cut.start()] if cut is not None else phrase
    phrase = _LEADING_RE.sub("", phrase.strip(" .\t\"'“”")).strip()
    words = phrase.split()
    if not words or len(words) > _MAX_WORDS:
        return None if not words else " ".join(words[:_MAX_WORDS])
    return phrase


def deliverable_measure(text: str, diagnosis: Diagnosis, deadline: str) -> str | None:
    """'Share of [the people “the new onboarding flow” is for] who [do what it should enable] …'.

    A Key Result stated as a sentence ("Peerpad runs on Firefox") is quoted whole instead.
    """
    deliverable = deliverable_of(text, diagnosis)
    if deliverable is None or not _reads_as_a_thing(deliverable):
        who = "[the people this work is for] who [do what it should let them do]"
    elif diagnosis.features.lead is None:
        who = f"[the people this is for] who [do what “{deliverable}” should let them do]"
    else:
        who = f"[the people “{deliverable}” is for] who [do what it should enable for them]"
    return f"Share of {who}, by month: from [baseline] to [target] {deadline}"


def _reads_as_a_thing(phrase: str) -> bool:
    """A quotable deliverable: two to eight words, not ending on a function word, no first person."""
    words = phrase.lower().split()
    if not 2 <= len(words) <= 8 or words[-1] in _DANGLING or words[0] in _DANGLING - {"a", "an", "the"}:
        return False
    return not set(words) & _PERSONAL


def objective_measure(title: str, deadline: str) -> str | None:
    """'Share of [the people it is about] for whom “New customers succeed without help” is true …'."""
    title = " ".join(title.split()).strip(" .")
    if not title or len(title.split()) > 16:
        return None
    return (
        f"Share of [the people it is about] for whom “{title}” holds, [as they report it or as you observe it], "
        f"by month: from [baseline] to [target] {deadline}"
    )
