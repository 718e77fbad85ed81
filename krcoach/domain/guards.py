"""The second validation of every proposal: diagnosed again, it must be a result and invent no number."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from krcoach.domain.analysis import Label, RejectionReason
from krcoach.domain.diagnosis import diagnose
from krcoach.domain.lexicon import NUMBER_WORDS
from krcoach.domain.text import coded_numbers_in, numbers_in

PLACEHOLDER_RE = re.compile(r"\[[^\[\]]{1,40}\]")
"""A placeholder the user must fill in: `[baseline]`, `[target]`, `[deadline]`."""

_WORD_RE = re.compile(r"[a-z]+")
_HARMLESS_NUMBER_WORDS = frozenset({"one", "half"})

# Cyrillic and Greek letters drawn like Latin ones: a model (or the text it copies) can spell "Lаunch" with a
# Cyrillic "а" so that the action check no longer recognises the verb.
_LOOKALIKES = str.maketrans(
    "аеорсухіјѕԁһӏАВЕЅІЈКМНОРСТХУαβεικνορτυχΑΒΕΖΗΙΚΜΝΟΡΤΥΧ",
    "aeopcyxijsdhlABESIJKMHOPCTXYabeikvoptuxABEZHIKMNOPTYX",
)


def folded(text: str) -> str:
    """The text as a reader sees it, for the checks: invisible format characters (zero-width, bidi overrides)
    removed, compatibility forms (full-width letters, superscript digits) made plain, and Cyrillic or Greek
    look-alikes of Latin letters replaced by the Latin letter."""
    if text.isascii():
        return text
    visible = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    return unicodedata.normalize("NFKC", visible).translate(_LOOKALIKES)


def placeholders_in(text: str) -> list[str]:
    """Placeholders in order of appearance, without repeats."""
    return list(dict.fromkeys(PLACEHOLDER_RE.findall(text)))


def invented_numbers(proposal: str, *sources: str) -> set[str]:
    """Numbers (digits, number words, or codes like `Q3` and `FY27`) in the proposal that no source text contains."""
    numbers, words = _proposal_facts(folded(proposal))
    if not numbers and not words:
        return set()  # the usual case: only placeholders; the sources need not be read
    joined = " ".join(sources)
    plain = folded(joined)
    source_numbers, source_words = _source_facts(plain)
    if plain != joined:  # a number is in the input if a reader sees it there, folded or as typed
        raw_numbers, raw_words = _source_facts(joined)
        source_numbers, source_words = source_numbers | raw_numbers, source_words | raw_words
    return set(numbers - source_numbers) | set(words - source_words)


@lru_cache(maxsize=4096)
def _proposal_facts(proposal: str) -> tuple[frozenset[str], frozenset[str]]:
    """The numbers and the (non-harmless) number words of a proposal, placeholders left out."""
    text = PLACEHOLDER_RE.sub(" ", proposal)
    words = {w for w in _WORD_RE.findall(text.lower()) if w in NUMBER_WORDS and w not in _HARMLESS_NUMBER_WORDS}
    return frozenset(numbers_in(text) | coded_numbers_in(text)), frozenset(words)


@lru_cache(maxsize=256)
def _source_facts(source_text: str) -> tuple[frozenset[str], frozenset[str]]:
    """The numbers and the words of the input (cached: one Objective's proposals share their sources)."""
    numbers = numbers_in(source_text) | coded_numbers_in(source_text)
    return frozenset(numbers), frozenset(_WORD_RE.findall(source_text.lower()))


def proposal_problems(proposal: str, *sources: str) -> list[str]:
    """Why a proposal may not be shown (empty when it passes): it must be result-based and invent no number."""
    problems = list(_shape_problems(folded(proposal)))
    invented = invented_numbers(proposal, *sources)
    if invented:
        problems.append("the rewrite contains numbers not in the input: " + ", ".join(sorted(invented)))
    return problems


_REASONS = (
    ("the rewrite is empty", RejectionReason.EMPTY),
    ("the rewrite is still an action", RejectionReason.STILL_AN_ACTION),
    ("the rewrite states no target", RejectionReason.NO_TARGET),
    ("the rewrite contains numbers not in the input", RejectionReason.INVENTED_NUMBER),
)


def rejection_reason(problem: str) -> RejectionReason:
    """The stable code of one of `proposal_problems`' messages."""
    return next((code for start, code in _REASONS if problem.startswith(start)), RejectionReason.FAILED_CHECK)


@lru_cache(maxsize=4096)
def _shape_problems(proposal: str) -> tuple[str, ...]:
    """What is wrong with the proposal whatever the input (cached: models repeat themselves)."""
    if not proposal.strip():
        return ("the rewrite is empty",)
    problems: list[str] = []
    diagnosis = diagnose(proposal)
    if diagnosis.label is not Label.RESULT:
        problems.append(f"the rewrite is still an action ({diagnosis.kind.value})")
    if diagnosis.label is Label.RESULT and not diagnosis.features.has_target and not placeholders_in(proposal):
        problems.append("the rewrite states no target: write [baseline] and [target] where the numbers are unknown")
    return tuple(problems)


@lru_cache(maxsize=256)
def _words(text: str) -> frozenset[str]:
    return frozenset(_WORD_RE.findall(folded(text).lower()))


_ECHO_SIMILARITY = 0.6
"""Word overlap (Jaccard) above which a proposal counts as a copy of an example rather than a rewrite."""


@lru_cache(maxsize=4096)
def echoed_example(proposal: str, examples: tuple[str, ...]) -> str | None:
    """The example the proposal copies (most of its words are that example's), or None (cached)."""
    words = _words(proposal)
    for example in examples:
        theirs = _words(example)
        union = words | theirs
        if union and len(words & theirs) / len(union) >= _ECHO_SIMILARITY:
            return example
    return None


INSTRUCTION_RUN_WORDS = 8
"""Consecutive words of the instructions a text must repeat to count as leaking them."""

_RUN_WORD_RE = re.compile(r"[a-z0-9]+")
_COMMON_WORDS = frozenset({
    "a", "an", "and", "are", "as", "at", "be", "by", "each", "every", "for", "from", "if", "in", "into", "is", "it",
    "its", "no", "not", "of", "on", "or", "so", "than", "that", "the", "their", "them", "they", "this", "to", "was",
    "what", "when", "which", "who", "with", "you", "your", "baseline", "target", "deadline", "threshold", "day",
    "week", "month", "quarter", "year", "end", "time", "frame",
})  # fmt: skip
_DISTINCT_WORDS = 4
"""A run leaks the instructions only if at least this many of its words are not common words or placeholders:
"by month: from [baseline] to [target] by end of Q3" is how any rewrite reads, not a quotation."""


def echoed_instructions(
    text: str, instructions: tuple[str, ...], *sources: str, run: int = INSTRUCTION_RUN_WORDS
) -> str | None:
    """A distinctive run of `run` consecutive words of the instructions (a system prompt, the example answers) that
    the text repeats and no source contains — the model leaking its prompt; None when there is none."""
    words = _RUN_WORD_RE.findall(folded(text).lower())
    if len(words) < run:
        return None
    runs = _instruction_runs(instructions, run)
    for start in range(len(words) - run + 1):
        candidate = tuple(words[start : start + run])
        if candidate in runs and candidate not in _runs_of(folded(" ".join(sources)).lower(), run):
            return " ".join(candidate)
    return None


@lru_cache(maxsize=16)
def _instruction_runs(instructions: tuple[str, ...], run: int) -> frozenset[tuple[str, ...]]:
    runs: set[tuple[str, ...]] = set()
    for instruction in instructions:
        runs |= {
            r
            for r in _runs_of(folded(instruction).lower(), run)
            if sum(w not in _COMMON_WORDS for w in r) >= _DISTINCT_WORDS
        }
    return frozenset(runs)


@lru_cache(maxsize=256)
def _runs_of(text: str, run: int) -> frozenset[tuple[str, ...]]:
    words = _RUN_WORD_RE.findall(text)
    return frozenset(tuple(words[i : i + run]) for i in range(len(words) - run + 1))
