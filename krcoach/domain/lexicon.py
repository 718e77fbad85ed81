"""Word lists the deterministic checks read, loaded from `krcoach/data/lexicon.yaml` (one list, one meaning).

Lemmas only; `lemma_of` maps inflected verb forms back to them. The lists are data: change them there, with the
meaning each states, not here.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

from krcoach.domain.data_files import load_yaml


def words(text: str) -> frozenset[str]:
    """The distinct words of a space-separated list."""
    return frozenset(text.split())


def _load() -> dict[str, dict[str, object]]:
    loaded: dict[str, dict[str, object]] = load_yaml("lexicon.yaml")
    return loaded


_LISTS = _load()


def _words(name: str) -> frozenset[str]:
    value = _LISTS[name]["words"]
    assert isinstance(value, str), name
    return words(value)


def _phrases(name: str) -> tuple[str, ...]:
    value = _LISTS[name]["phrases"]
    assert isinstance(value, list), name
    return tuple(str(phrase) for phrase in value)


CHANGE_VERBS = _words("change_verbs")
LEVEL_VERBS = _words("level_verbs")
MAINTAIN_VERBS = _words("maintain_verbs")
MILESTONE_VERBS = _words("milestone_verbs")
TASK_VERBS = _words("task_verbs")
EFFORT_VERBS = _words("effort_verbs")
ACTIVITY_VERBS = _words("activity_verbs")
WISH_VERBS = _words("wish_verbs")
BEING_VERBS = _words("being_verbs")
CADENCE_WORDS = _words("cadence_words")
NOUN_LIKE_LEADS = _words("noun_like_leads")
COMPOUND_HEADS = _words("compound_heads")
METRIC_WORDS = _words("metric_words")
METRIC_PHRASES = _phrases("metric_phrases")
OUTPUT_NOUNS = _words("output_nouns")
INTERNAL_PEOPLE = _words("internal_people")
BENEFICIARIES = _words("beneficiaries")
ACQUISITION_VERBS = _words("acquisition_verbs")
QUOTA_ACTIVITY_VERBS = _words("quota_activity_verbs")
TRAINING_NOUNS = _words("training_nouns")
CERTIFICATION_WORDS = _words("certification_words")
DONE_WORDS = _words("done_words")
DELIVERABLE_NOUNS = _words("deliverable_nouns")
WEASEL_WORDS = _words("weasel_words")
VANITY_WORDS = _words("vanity_words")
SYSTEM_NOUNS = _words("system_nouns")
SYSTEM_STATES = _words("system_states")
DECREASE_VERBS = _words("decrease_verbs")
SERVICE_LEVEL_WORDS = _words("service_level_words")
PROJECT_NOUNS = _words("project_nouns")
COUNTER_METRIC_WORDS = _words("counter_metric_words")
GROWTH_WORDS = _words("growth_words")
NUMBER_WORDS = _words("number_words")
OPENS_AN_OBJECT = _words("opens_an_object")
SCOPE_BEFORE_NUMBERS = _words("scope_before_numbers")
CADENCE_UNITS = _words("cadence_units")
PHRASAL_CADENCE_OPENERS = _words("phrasal_cadence_openers")
SUBJECT_FOLLOWERS = _words("subject_followers")

_IRREGULAR = {
    "ran": "run",
    "held": "hold",
    "made": "make",
    "wrote": "write",
    "written": "write",
    "built": "build",
    "sent": "send",
    "met": "meet",
    "led": "lead",
    "took": "take",
    "taken": "take",
    "gave": "give",
    "given": "give",
    "sold": "sell",
    "won": "win",
    "kept": "keep",
    "brought": "bring",
    "got": "get",
    "gotten": "get",
    "went": "go",
    "gone": "go",
    "did": "do",
    "done": "do",
    "saw": "see",
    "seen": "see",
    "began": "begin",
    "begun": "begin",
    "set": "set",
    "put": "put",
    "cut": "cut",
    "hit": "hit",
    "is": "be",
    "are": "be",
    "was": "be",
    "were": "be",
    "been": "be",
    "has": "have",
    "had": "have",
    "shut": "shut",
    "spun": "spin",
    "paid": "pay",
    "bought": "buy",
    "taught": "teach",
    "stood": "stand",
    "became": "become",
    "drove": "drive",
    "driven": "drive",
    "grew": "grow",
    "grown": "grow",
    "rose": "rise",
    "fell": "fall",
}


def _forms(lemma: str) -> Iterable[str]:
    """Regular inflections of an English verb or noun lemma."""
    yield lemma
    if lemma.endswith("e"):
        yield lemma + "s"
        yield lemma + "d"
        yield lemma[:-1] + "ing"
    elif lemma.endswith("y") and lemma[-2:-1] not in "aeiou":
        yield lemma[:-1] + "ies"
        yield lemma[:-1] + "ied"
        yield lemma + "ing"
    else:
        suffix = "es" if lemma.endswith(("s", "sh", "ch", "x", "z")) else "s"
        yield lemma + suffix
        yield lemma + "ed"
        yield lemma + "ing"
        if len(lemma) >= 3 and lemma[-1] in "bdgmnprt" and lemma[-2] in "aeiou" and lemma[-3] not in "aeiou":
            yield lemma + lemma[-1] + "ed"
            yield lemma + lemma[-1] + "ing"


@cache
def _lemma_table() -> dict[str, str]:
    table: dict[str, str] = {}
    verbs = (
        CHANGE_VERBS
        | LEVEL_VERBS
        | MAINTAIN_VERBS
        | MILESTONE_VERBS
        | TASK_VERBS
        | EFFORT_VERBS
        | ACTIVITY_VERBS
        | BEING_VERBS
        | QUOTA_ACTIVITY_VERBS
    )
    for lemma in sorted(verbs):
        for form in _forms(lemma):
            table.setdefault(form, lemma)
    table.update(_IRREGULAR)
    return table


def lemma_of(word: str) -> str:
    """The verb lemma of a lower-case word form ("launched" → "launch"), or the word itself."""
    return _lemma_table().get(word, word)
