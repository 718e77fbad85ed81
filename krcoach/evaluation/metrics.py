"""Classification metrics with confidence intervals. Pure functions over (expected, predicted) pairs."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class LabelScores:
    """Precision, recall and F1 of one class, with its support (number of expected cases)."""

    label: str
    precision: float
    recall: float
    f1: float
    support: int


def accuracy(pairs: Sequence[tuple[str, str]]) -> float:
    """Share of pairs where the prediction equals the expectation (1.0 for no pairs)."""
    if not pairs:
        return 1.0
    return sum(expected == predicted for expected, predicted in pairs) / len(pairs)


def wilson_interval(successes: int, total: int, z: float = 1.96) -> tuple[float, float]:
    """The Wilson score interval of a proportion (95% by default)."""
    if total == 0:
        return (0.0, 1.0)
    p = successes / total
    denominator = 1 + z * z / total
    centre = (p + z * z / (2 * total)) / denominator
    margin = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total)) / denominator
    return (max(0.0, centre - margin), min(1.0, centre + margin))


def per_label(pairs: Sequence[tuple[str, str]], labels: Sequence[str]) -> list[LabelScores]:
    """Precision, recall and F1 for each label."""
    scores: list[LabelScores] = []
    for label in labels:
        true_pos = sum(e == label and p == label for e, p in pairs)
        predicted = sum(p == label for _, p in pairs)
        support = sum(e == label for e, _ in pairs)
        precision = true_pos / predicted if predicted else 0.0
        recall = true_pos / support if support else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        scores.append(LabelScores(label, precision, recall, f1, support))
    return scores


def confusion(pairs: Sequence[tuple[str, str]], labels: Sequence[str]) -> list[list[int]]:
    """Counts: row = expected label, column = predicted label, in the order given."""
    counts = Counter(pairs)
    return [[counts[(expected, predicted)] for predicted in labels] for expected in labels]


def percentile(values: Sequence[float], q: float) -> float:
    """The `q` quantile (0–1) by nearest rank; 0.0 for no values (latency figures of the eval reports)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]
