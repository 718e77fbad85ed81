"""A learned second look at the rules' verdict: a linear model over the rule features and the words.

The rules decide first and say why. The model (multinomial logistic regression, trained by
`scripts/train_label_model.py` on the development part of the real corpus and the self-written sets, shipped as
`krcoach/data/label_model.json`) reads the same Key Result as named inputs (the rules' kind, the leading verb's
class, the measures and people found, the words) and gives a probability to each kind. Where it disagrees with the
rules on the *label* with enough confidence, its label wins, and the verdict keeps a reason and the span of text
that carries it. Pure: the weights are package data, read once.
"""

from __future__ import annotations

import itertools
import json
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from operator import add

from krcoach.domain import lexicon as lx
from krcoach.domain.features import Features

_NUMBER_RE = re.compile(r"^[$€£~]?\d[\d.,:/]*(?:k|m|bn|x)?$")
_LEAD_CLASSES = (
    ("change", lx.CHANGE_VERBS),
    ("level", lx.LEVEL_VERBS),
    ("maintain", lx.MAINTAIN_VERBS),
    ("milestone", lx.MILESTONE_VERBS),
    ("task", lx.TASK_VERBS),
    ("effort", lx.EFFORT_VERBS),
    ("activity", lx.ACTIVITY_VERBS),
    ("being", lx.BEING_VERBS),
)


@dataclass(frozen=True, slots=True)
class LinearModel:
    """Weights per named input and class; a softmax over the classes' scores."""

    classes: tuple[str, ...]
    bias: tuple[float, ...]
    weights: dict[str, tuple[float, ...]]
    min_confidence: float
    above_rule_confidence: bool = False

    def overrules(self, rule_confidence: float, other_label_probability: float) -> bool:
        """True when the model is sure enough of the label the rules did not give (and surer than the rules)."""
        needed = max(self.min_confidence, rule_confidence) if self.above_rule_confidence else self.min_confidence
        return other_label_probability >= needed

    def probabilities(self, inputs: Iterable[str]) -> list[float]:
        """The probability of each class (in ``classes`` order) for these inputs."""
        weights = self.weights
        rows = [weights[name] for name in dict.fromkeys(inputs) if name in weights]  # in order: the same sums every run
        scores = list(map(add, self.bias, map(sum, zip(*rows, strict=True)))) if rows else list(self.bias)
        top = max(scores)
        exps = [math.exp(s - top) for s in scores]
        total = sum(exps)
        return [e / total for e in exps]


def load_model(text: str) -> LinearModel:
    """A model from its JSON (see `scripts/train_label_model.py`)."""
    data = json.loads(text)
    return LinearModel(
        classes=tuple(data["classes"]),
        bias=tuple(float(b) for b in data["bias"]),
        weights={name: tuple(float(w) for w in row) for name, row in data["weights"].items()},
        min_confidence=float(data["min_confidence"]),
        above_rule_confidence=bool(data.get("above_rule_confidence", False)),
    )


@cache
def shipped_model() -> LinearModel | None:
    """The model shipped with krcoach, or None when the package has none (the rules then decide alone)."""
    resource = resources.files("krcoach").joinpath("data/label_model.json")
    if not resource.is_file():
        return None
    return load_model(resource.read_text(encoding="utf-8"))


def model_inputs(features: Features, rule_kind: str) -> list[str]:
    """The named inputs the model reads: the rules' verdict, the lead, the facts found, words and word pairs."""
    words = [_normalised(w) for w in features.words()]
    inputs = [f"rule={rule_kind}", f"lead_class={_lead_class(features)}"]
    if features.lead is not None:
        inputs.append(f"lead={features.lead_lemma}")
    inputs += [f"first={words[0]}" if words else "first=", f"first2={' '.join(words[:2])}"]
    inputs += _flags(features, words)
    inputs += [f"w={w}" for w in words]
    inputs += [f"b={a} {b}" for a, b in itertools.pairwise(words)]
    return inputs


@lru_cache(maxsize=65536)
def _normalised(word: str) -> str:
    if word.endswith("%"):
        return "<pct>"
    if _NUMBER_RE.match(word):
        return "<num>"
    return lx.lemma_of(word)


def _lead_class(features: Features) -> str:
    if features.lead is None:
        return "none"
    for name, verbs in _LEAD_CLASSES:
        if features.lead_lemma in verbs:
            return name
    return "other_verb"


def _flags(features: Features, words: Sequence[str]) -> list[str]:
    present = set(words)
    flags = {
        "has_target": features.has_target,
        "has_metric": features.has_metric,
        "has_percent": features.has_percent,
        "has_from_to": features.has_from_to,
        "has_baseline": features.has_baseline,
        "has_time_frame": features.has_time_frame,
        "beneficiaries": bool(present & lx.BENEFICIARIES),
        "internal_people": bool(present & lx.INTERNAL_PEOPLE),
        "output_nouns": bool(present & lx.OUTPUT_NOUNS),
        "deliverable_nouns": bool(present & lx.DELIVERABLE_NOUNS),
        "starts_with_number": bool(words) and words[0] in {"<num>", "<pct>"},
        "long": len(words) > 15,
    }
    return [f"flag={name}" for name, on in flags.items() if on]
