"""The second validation of every proposal: diagnosed again, it must be a result and invent no number."""

from __future__ import annotations

import re
from functools import lru_cache

from krcoach.domain.analysis import Label
from krcoach.domain.diagnosis import diagnose
from krcoach.domain.lexicon import NUMBER_WORDS
from krcoach.domain.text import coded_numbers_in, numbers_in

PLACEHOLDER_RE = re.compile(r"\[[^\[\]]{1,40}\]")
"""A placeholder the user must fill in: `[baseline]`, `[target]`, `[deadline]`."""

_WORD_RE = re.compile(r"[a-z]+")
_HARMLESS_NUMBER_WORDS = frozenset({"one", "half"})


def placeholders_in(text: str) -> list[str]:
    """Placeholders in order of appearance, without repeats."""
    return list(dict.fromkeys(PLACEHOLDER_RE.findall(text)))


def invented_numbers(proposal: str, *sources: str) -> set[str]:
    """Numbers (digits, number words, or codes like `Q3` and `FY27`) in the proposal that no source text contains."""
    numbers, words = _proposal_facts(proposal)
    if not numbers and not words:
        return set()  # the usual case: only placeholders; the sources need not be read
    source_numbers, source_words = _source_facts(" ".join(sources))
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
    problems = list(_shape_problems(proposal))
    invented = invented_numbers(proposal, *sources)
    if invented:
        problems.append("the rewrite contains numbers not in the input: " + ", ".join(sorted(invented)))
    return problems


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
    return frozenset(_WORD_RE.findall(text.lower()))


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
