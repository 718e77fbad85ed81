"""Result measures read out of the draft's own words: who the work is for, and what should then be true.

The readings are data (`krcoach/data/result_readings.yaml`): a Key Result that names its purpose ("… to help users
get comments") or the platform a product now runs on, and an Objective that says whom it helps, names a measurable
change ("Increase retention of the users") or the quality it wants. Each gives a measure with placeholders for every
number; none is a fact the draft does not state. Only readings that two blind judges found relevant more often than
not on the development part are kept (evals/judgements/README.md).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, lru_cache

from krcoach.domain import lexicon as lx
from krcoach.domain import pos
from krcoach.domain.data_files import load_yaml

_MODIFIER = r"(?:[\w'’-]+\s+(?:and\s+|or\s+)?)"
_PIECES = {
    "do": r"(?P<do>[a-z][\w'’-]*(?:\s+[^\s,;:()]+){0,14})",
    "thing": r"(?P<thing>[\w.@/-]+(?:\s+[\w.@/-]+){0,3}?)",
    "where": r"(?P<where>[\w.-]+(?:\s+[\w.-]+){0,4})",
    "quality": r"(?P<quality>[\w-]+(?:\s+[\w'’-]+){0,6}?)",
    "phrase": r"(?P<phrase>[\w'’/-]+(?:\s+[\w'’/.-]+){0,7}?)",
}
_OWNER_LABEL_RE = re.compile(r"^[^:]{2,40}:\s+(?=\S)")
_CUT_RE = re.compile(
    r"\s*(?:[,;:(\[]|\.(?:\s|$)|\s-\s|\b(?:and|or)\s+(?:interview|measure|track|survey|see|check|get|ask)\b"
    r"|\b(?:so\s+that|in\s+order\s+to|which|while|by\s+(?=\d|end|q\d|the\s+end|[a-z]+\s+\d{4}))|\s+(?:by|before|until|in)\s+"
    r"(?:q\d|h\d|fy|\d|january|february|march|april|may|june|july|august|september|october|november|december))",
    re.IGNORECASE,
)
_LEADING_DETERMINERS_RE = re.compile(r"^(?:more|all|every|each|any)\s+", re.IGNORECASE)
_ARTICLES = lx.words("a an the our your their its this these those my")
_PREPOSITIONS = lx.words("on for to in at with from about across into via through under by during per within")
_DEGREE = lx.words("more less very really truly much most")
_IRREGULAR_ADJECTIVES = {"better": "good", "best": "good", "worse": "bad", "worst": "bad"}
_MAX_DO_WORDS = 12
_COLLECTIVE = lx.words("people children staff youth alumni faculty team")
_FINITE = lx.words("is are was were be been has have had will can could should gets get got becomes become")
_NOT_A_MODIFIER = lx.words("of on in at to for from by with will would help helps is are and or that which who")


Groups = Callable[[dict[str, str | None]], dict[str, str | None] | None]
"""What a reading does with a match's named groups before filling its measure (None: the match does not read)."""


@dataclass(frozen=True, slots=True)
class Reading:
    """One meaning read from the draft, with its measure (placeholders for every number)."""

    name: str
    measure: str


@cache
def _data() -> dict[str, object]:
    loaded: dict[str, object] = load_yaml("result_readings.yaml")
    return loaded


def _section(name: str) -> dict[str, dict[str, object]]:
    section = _data()[name]
    assert isinstance(section, dict), name
    return section


@cache
def _people_words() -> tuple[str, ...]:
    people = _data()["people"]
    assert isinstance(people, dict)
    extra = lx.words(str(people["words"]))
    named = (lx.BENEFICIARIES | lx.INTERNAL_PEOPLE | extra) - lx.words("we our everyone")
    plural = {w for w in named if w.endswith("s") or w in _COLLECTIVE}  # "Developer Relations" names no people
    return tuple(sorted(plural, key=len, reverse=True))


@cache
def _who() -> str:
    nouns = "|".join(re.escape(word) for word in _people_words())
    return rf"\b(?P<who>(?:the\s+|our\s+|all\s+|more\s+|new\s+)?{_MODIFIER}{{0,3}}?(?:{nouns}))\b(?!['’]s)"


@cache
def _patterns(section: str, name: str) -> tuple[re.Pattern[str], ...]:
    raw = _section(section)[name]["patterns"]
    assert isinstance(raw, list)
    pieces = {**_PIECES, "who": _who()}
    return tuple(re.compile(str(p).format(**pieces), re.IGNORECASE) for p in raw)


def _measure(section: str, name: str) -> str:
    return str(_section(section)[name]["measure"])


def key_result_readings(text: str) -> tuple[Reading, ...]:
    """Measures read from a Key Result's purpose or platform, most specific first."""
    text = _plain(text)
    found = (_first_reading("key_result", name, text) for name in ("purpose", "platform"))
    return tuple(reading for reading in found if reading is not None)


@lru_cache(maxsize=1024)
def objective_readings(title: str) -> tuple[Reading, ...]:
    """Measures read from an Objective that says whom it helps, what it should change, or the quality it wants.

    Cached: every Key Result of an Objective asks for the same title's readings.
    """
    title = _OWNER_LABEL_RE.sub("", _plain(title))  # "CTO: Reducing churn": the Objective after its owner
    found = [
        _first_reading("objective", "help", title),
        _named_measure(title),
        _first_reading("objective", "quality", title, lambda groups: _split_quality(groups, whole=False)),
        _first_reading("objective", "personal", title, lambda groups: _split_quality(groups, whole=True)),
    ]
    return tuple(reading for reading in found if reading is not None)


def _first_reading(section: str, name: str, text: str, groups_of: Groups = lambda groups: groups) -> Reading | None:
    """The reading of the first of its patterns that matches the text and fills its measure."""
    for pattern in _patterns(section, name):
        match = pattern.search(text)
        groups = groups_of(match.groupdict()) if match is not None else None
        if groups is not None and (filled := _filled(_measure(section, name), groups)):
            return Reading(name, filled)
    return None


def _named_measure(title: str) -> Reading | None:
    """'Increase retention of the users' → 'Retention of the users, measured as the share still active …'."""
    glosses = _section("measurable")["glosses"]
    assert isinstance(glosses, dict)
    for pattern in _patterns("objective", "named_measure"):
        match = pattern.search(title)
        if match is None:
            continue
        phrase = _clean_do(match.group("phrase")) or ""
        words = [w.lower().strip("'’") for w in phrase.split()]
        if words and _is_a_verb(words[0]):
            continue  # "Maintain a state of full happiness": a verb that moves no measure
        gloss = next((str(glosses[w]) for w in words if w in glosses), None)
        if gloss is None or not phrase:
            continue
        phrase = phrase[0].upper() + phrase[1:]
        return Reading("named_measure", _measure("objective", "named_measure").format(phrase=phrase, gloss=gloss))
    return None


def _is_a_verb(word: str) -> bool:
    """A word that can only be a verb here: 'is', 'gets', 'maintain'."""
    return word in _FINITE or (pos.can_be(word, "VERB") and not (pos.can_be(word, "NOUN") or pos.can_be(word, "ADJ")))


def _split_quality(groups: dict[str, str | None], *, whole: bool) -> dict[str, str | None] | None:
    """Split 'posthog.com an exceptional experience' into the thing and the quality that starts with an adjective."""
    words = (groups.get("thing") or "").split() + (groups.get("quality") or "").split()
    if whole:
        quality = [_positive(w) for w in words]
        if not all(w in {"and", "or"} | _DEGREE or pos.can_be(w, "ADJ") for w in (q.lower() for q in quality)):
            return None
        return {**groups, "quality": " ".join(w for w in quality if w.lower() not in _DEGREE)}
    for index in range(1, len(words)):
        first = index + (words[index].lower() in _ARTICLES | _DEGREE)
        adjective = words[first].lower() if first < len(words) else ""
        if pos.can_be(adjective, "ADJ") and not pos.can_be(adjective, "VERB"):
            quality = [_positive(w) if i == first else w for i, w in enumerate(words[index:], start=index)]
            rest = [w for w in quality if w.lower() not in _DEGREE]
            return {**groups, "thing": " ".join(words[:index]), "quality": " ".join(rest)}
    return None


def _positive(word: str) -> str:
    """'easier' → 'easy', 'happier' → 'happy', 'better' → 'good'; other words as they are."""
    lower = word.lower()
    if lower in _IRREGULAR_ADJECTIVES:
        return _IRREGULAR_ADJECTIVES[lower]
    if not lower.endswith("er") or (pos.can_be(lower, "NOUN") and not pos.can_be(lower, "ADJ")):
        return word
    for stem in (lower[:-3] + "y", lower[:-2], lower[:-1], lower[:-3]):  # happier, calmer, nicer, fitter
        if len(stem) > 1 and pos.can_be(stem, "ADJ"):
            return stem
    return word


def _filled(measure: str, groups: dict[str, str | None]) -> str | None:
    """The measure with the groups put in, or None when a group is empty or reads badly."""
    values: dict[str, str] = {}
    cleaners: dict[str, Callable[[str], str | None]] = {"do": _clean_do, "who": _clean_who}
    for name, value in groups.items():
        if value is None:
            continue
        cleaned = cleaners.get(name, _clean_phrase)(value)
        if not cleaned:
            return None
        values[name] = cleaned
    values.setdefault("who", "[the people it is for]")
    try:
        return measure.format(**values)
    except KeyError:
        return None


def _clean_do(value: str) -> str | None:
    cut = _CUT_RE.search(value)
    value = value[: cut.start()] if cut is not None else value
    words = value.split()
    if not words or len(words) > _MAX_DO_WORDS or words[-1].lower() in _PREPOSITIONS | _ARTICLES | {"and", "or"}:
        return None
    return " ".join(words)


def _clean_who(value: str) -> str:
    """'features will help people' → 'people', 'Users' → 'users': the people noun and its modifiers only."""
    words = value.split()
    start = len(words) - 1
    while start > 0 and words[start - 1].lower() not in _NOT_A_MODIFIER and not _is_a_verb(words[start - 1].lower()):
        start -= 1
    kept = words[start:]
    kept[0] = kept[0].lower() if kept[0][1:].islower() else kept[0]
    return _LEADING_DETERMINERS_RE.sub("", " ".join(kept)).strip()


def _clean_phrase(value: str) -> str | None:
    value = " ".join(value.split()).strip(" .")
    return value or None


def _plain(text: str) -> str:
    """One line, no Markdown emphasis or link syntax: '[Spectron](https://…)' reads 'Spectron'."""
    text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", text)
    return " ".join(text.replace("_", " ").replace("*", " ").split()).strip(" .!")
