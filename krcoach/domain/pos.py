"""Parts of speech of English words, from `krcoach/data/pos_table.tsv`: a table derived from lemminflect's dictionary.

Why lemminflect's dictionary: it knows, for about 64,000 lower-case English word forms, which parts of speech a
form can take and its lemmas (no model download, which this service cannot rely on), and a lookup is a table
access (about 2 µs), so the diagnosis keeps its throughput. A tagger in context (spaCy, NLTK's perceptron) needs a
model download and costs about a hundred times more per Key Result. What a dictionary cannot tell (is "Search" a
verb here?) is settled by the word that follows, in :func:`starts_with_verb`.

The table holds what `lemminflect.getAllLemmas` gives for every form it knows, one line per form in code-point order:
reading it is one split and a lookup a bisection (about 10 ms in all, where lemminflect's own load and the numpy it
imports took about 0.25 s of every `krcoach check`). lemminflect is a dev dependency only: regenerate the table with
`scripts/build_pos_table.py` when it changes; `tests/test_pos_table.py` fails while the two disagree.
"""

from __future__ import annotations

from bisect import bisect_left
from functools import cache
from importlib import resources

from krcoach.domain import lexicon as lx

# "Tune the process", "Pick 20 …" (a verb) vs "Search is enabled", "Docs exist" (a noun): see lexicon.yaml.
_OPENS_AN_OBJECT = lx.OPENS_AN_OBJECT
_SUBJECT_FOLLOWERS = lx.SUBJECT_FOLLOWERS
_NUMBER_WORDS = lx.NUMBER_WORDS
_PREFIXES = ("re-", "co-", "pre-", "de-", "un-", "auto-", "self-", "cross-", "over-", "under-")


@cache
def _table() -> list[str]:
    return resources.files("krcoach").joinpath("data/pos_table.tsv").read_text(encoding="utf-8").splitlines()


def dictionary_lemmas(word: str) -> dict[str, tuple[str, ...]]:
    """What ``lemminflect.getAllLemmas(word)`` gives: the lemmas of each part of speech the form can take, or {}."""
    table = _table()
    key = word.lower() + "\t"
    at = bisect_left(table, key)
    if at == len(table) or not table[at].startswith(key):
        return {}
    entries = (entry.partition(":") for entry in table[at][len(key) :].split(" "))
    lemmas = {part: tuple(forms.split("/")) for part, _, forms in entries}
    if word.isupper():  # lemminflect gives the lemmas the word's capitals
        return {part: tuple(lemma.upper() for lemma in forms) for part, forms in lemmas.items()}
    if word[:1].isupper():
        return {part: tuple(lemma.capitalize() for lemma in forms) for part, forms in lemmas.items()}
    return lemmas


@cache
def _lemmas(word: str) -> dict[str, tuple[str, ...]]:
    lemmas = dictionary_lemmas(word)
    if lemmas or "-" not in word:
        return lemmas
    for prefix in _PREFIXES:  # "re-architect", "co-design": the verb after the prefix
        if word.startswith(prefix):
            return _lemmas(word.removeprefix(prefix))
    head, _, last = word.partition("-")
    if "-" in last or "NOUN" in _lemmas(head) or not _lemmas(head):
        return {}  # "time-to-hire", "trial-to-paid", "cost-per-lead": a compound noun
    return _lemmas(last)  # "fine-tune", "hand-write": the last part decides


def verb_lemma(word: str) -> str | None:
    """The verb lemma of a lower-case word form that can be a verb ("picked" → "pick"), else None."""
    lemmas = _lemmas(word)
    verbs = lemmas.get("VERB")
    return verbs[0] if verbs else None


def is_base_verb(word: str) -> bool:
    """True when the word can be a verb in its base form, as an instruction starts: "Find", "Propose"."""
    return word in _lemmas(word).get("VERB", ()) or (
        "-" in word and verb_lemma(word) is not None and not word.endswith(("ed", "ing", "s"))
    )


def can_be(word: str, part: str) -> bool:
    """True when the word can take the part of speech (``NOUN``, ``ADJ``, ``VERB``, ``ADV``, ``AUX``)."""
    return part in _lemmas(word)


def starts_with_verb(first: str, following: str) -> bool:
    """True when a Key Result opening with ``first`` then ``following`` (lower case) is led by a verb.

    A word that can only be a verb leads ("Consider templates …"). A word that can also be a noun leads when what
    follows opens an object ("Tune the process", "Pick 20 …", "Set up …"); it is a noun when the next word is a
    verb of its own ("Search is …") or anything else ("Test coverage"). A word that can be an adjective never
    leads ("Average response time").
    """
    if not is_base_verb(first) or following in _SUBJECT_FOLLOWERS or first in _NUMBER_WORDS:
        return False
    lemmas = _lemmas(first)
    if set(lemmas) <= {"VERB", "AUX"}:
        return True
    if "ADJ" in lemmas:
        return False  # "Average response time", "Total emissions": a measure's name
    if following == "and" or set(_lemmas(following)) == {"ADJ"}:
        return True  # "Load and explore …", "Test new flows"
    return following in _OPENS_AN_OBJECT or following[:1].isdigit() or following[:1] in "[$€£#\"'("
