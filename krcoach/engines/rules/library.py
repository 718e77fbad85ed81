"""The curated library of result measures (`krcoach/data/measure_patterns.yaml`) and keyword matching."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, StringConstraints

from krcoach.domain.data_files import load_yaml

Keyword = Annotated[str, StringConstraints(strip_whitespace=True, to_lower=True, min_length=2)]
_WORD_RE = re.compile(r"[a-z0-9][a-z0-9\-']*")


class MeasurePattern(BaseModel):
    """A theme with the keywords that call for it and the result measures that evidence it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    keywords: Annotated[tuple[Keyword, ...], Field(min_length=1)]
    why: str
    result_objective: str
    measures: Annotated[tuple[str, ...], Field(min_length=1)]


class Domain(BaseModel):
    """A family of patterns (customer experience, sales, …)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    title: str
    patterns: tuple[MeasurePattern, ...]


@dataclass(frozen=True, slots=True)
class Match:
    """A pattern and how many of its keywords the Objective and the Key Result contain."""

    domain: Domain
    pattern: MeasurePattern
    objective_hits: int
    key_result_hits: int

    @property
    def score(self) -> int:
        """The Objective's words count twice the Key Result's: a measure must be evidence of the Objective."""
        return 2 * self.objective_hits + self.key_result_hits


class Library(BaseModel):
    """The whole library, with a keyword index for matching."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    version: int
    domains: tuple[Domain, ...]
    _index: dict[str, list[int]] = PrivateAttr(default_factory=dict)
    """keyword → the positions (in `patterns()` order) of the patterns that list it, once per listing."""
    _patterns: list[tuple[Domain, MeasurePattern]] = PrivateAttr(default_factory=list)

    def patterns(self) -> list[tuple[Domain, MeasurePattern]]:
        """Every pattern with its domain, in library order."""
        return [(domain, pattern) for domain in self.domains for pattern in domain.patterns]

    def _keyword_index(self) -> dict[str, list[int]]:
        if not self._index:
            self._patterns = self.patterns()
            for order, (_, pattern) in enumerate(self._patterns):
                for keyword in pattern.keywords:
                    self._index.setdefault(keyword, []).append(order)
        return self._index

    def matches(self, objective: str, key_result: str) -> list[Match]:
        """Every pattern with a keyword in the Objective or the Key Result, best first, with its hits in each."""
        index = self._keyword_index()
        hits: dict[int, list[int]] = {}
        for side, text in enumerate((objective, key_result)):
            for term in _terms(text):
                for order in index.get(term, ()):
                    hits.setdefault(order, [0, 0])[side] += 1
        found = [Match(*self._patterns[order], objective_hits=o, key_result_hits=k) for order, (o, k) in hits.items()]
        order_of = {id(pattern): order for order, (_, pattern) in enumerate(self._patterns)}
        return sorted(found, key=lambda m: (-m.score, order_of[id(m.pattern)]))

    def best(self, objective: str, key_result: str = "", limit: int = 2) -> list[tuple[Domain, MeasurePattern]]:
        """Patterns whose keywords best match, best first.

        The Objective's words count twice the Key Result's: a proposal must be evidence of the Objective the
        action serves ("start from the result"), and the action's words only break ties.
        """
        index = self._keyword_index()
        scores: dict[int, int] = {}
        for terms, weight in ((_terms(objective), 2), (_terms(key_result), 1)):
            for term in terms:
                for order in index.get(term, ()):
                    scores[order] = scores.get(order, 0) + weight
        ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
        return [self._patterns[order] for order, _ in ranked[:limit]]


def _terms(text: str) -> set[str]:
    """Words, bigrams and trigrams of a text, lower-cased, for whole-word keyword matching."""
    words = _WORD_RE.findall(text.lower())
    terms = set(words)
    terms.update(" ".join(words[i : i + 2]) for i in range(len(words) - 1))
    terms.update(" ".join(words[i : i + 3]) for i in range(len(words) - 2))
    return terms


@cache
def default_library() -> Library:
    """The library shipped with krcoach."""
    return Library.model_validate(load_yaml("measure_patterns.yaml"))
