"""Train the learned second look (krcoach/domain/learned.py) and write krcoach/data/label_model.json.

    .venv/bin/python scripts/train_label_model.py            # choose settings by cross-validation, fit, write
    .venv/bin/python scripts/train_label_model.py --check    # refit and fail if the committed file differs
    .venv/bin/python scripts/train_label_model.py --refit    # refit the committed settings and rows, write

Trained on the development part of the real corpus (evals/datasets/real/dev.jsonl) and the self-written sets
(evals/datasets/*.jsonl). The test part is never read here. Settings (regularisation, the weight of the
self-written rows, the confidence needed to overrule the rules) are chosen by cross-validation on the development
part, grouped by source so a fold never sees its own source in training. Multinomial logistic regression
(scikit-learn, lbfgs): deterministic, so the same data gives the same file.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
from collections import Counter
from collections.abc import Collection, Sequence
from pathlib import Path

import numpy as np
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

from krcoach.domain.analysis import Kind
from krcoach.domain.classify import rule_verdict
from krcoach.domain.features import extract
from krcoach.domain.learned import LinearModel, model_inputs
from krcoach.evaluation.dataset import EvalCase, load_cases, load_files

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "krcoach" / "data" / "label_model.json"
KINDS = [kind.value for kind in Kind]
GRID_C = (0.03, 0.1, 0.3, 1.0, 3.0)
GRID_SELF_WEIGHT = (0.25, 1.0)
GRID_MIN_CONFIDENCE = (0.5, 0.6, 0.7, 0.8)
FOLDS = 5
_DECISION_GRID = tuple(itertools.product(GRID_MIN_CONFIDENCE, (False, True)))
MIN_ROWS = 2  # an input seen in one training row only is left out: it cannot generalise
MIN_WEIGHT = 0.01  # smaller weights change no decision and only grow the file


def _inputs(case: EvalCase) -> tuple[dict[str, float], str, float]:
    features = extract(case.key_result)
    verdict = rule_verdict(features)
    return dict.fromkeys(model_inputs(features, verdict.kind.value), 1.0), verdict.kind.value, verdict.confidence


def _fit(rows: Sequence[dict[str, float]], kinds: Sequence[str], weights: Sequence[float], c: float) -> LinearModel:
    seen = Counter(name for row in rows for name in row)
    rows = [{name: value for name, value in row.items() if seen[name] >= MIN_ROWS} for row in rows]
    vectorizer = DictVectorizer()
    matrix = vectorizer.fit_transform(rows)
    classifier = LogisticRegression(C=c, max_iter=5000, tol=1e-8)
    classifier.fit(matrix, list(kinds), sample_weight=np.asarray(weights))
    classes = tuple(str(k) for k in classifier.classes_)
    coefficients = classifier.coef_
    names = vectorizer.get_feature_names_out()
    table = {
        str(name): tuple(round(float(w), 5) for w in coefficients[:, index])
        for index, name in enumerate(names)
        if float(np.abs(coefficients[:, index]).max()) >= MIN_WEIGHT
    }
    bias = tuple(round(float(b), 5) for b in classifier.intercept_)
    return LinearModel(classes=classes, bias=bias, weights=table, min_confidence=0.5)


def _predict_label(
    model: LinearModel, inputs: tuple[dict[str, float], str, float], min_confidence: float, above_rule: bool
) -> str:
    row, rule_kind, rule_confidence = inputs
    probabilities = dict(zip(model.classes, model.probabilities(row), strict=True))
    rule_label = Kind(rule_kind).label.value
    other = "result" if rule_label == "action" else "action"
    other_probability = sum(p for k, p in probabilities.items() if Kind(k).label.value == other)
    judge = LinearModel(model.classes, model.bias, {}, min_confidence, above_rule)
    return other if judge.overrules(rule_confidence, other_probability) else rule_label


def _cross_validate(dev: list[EvalCase], own: list[EvalCase]) -> tuple[dict[str, float], list[dict[str, object]]]:
    dev_rows = [_inputs(c) for c in dev]
    own_rows = [_inputs(c) for c in own]
    groups = [c.source_key for c in dev]
    folds = list(GroupKFold(n_splits=FOLDS).split(dev_rows, groups=groups))
    results: list[dict[str, object]] = []
    for c, self_weight in itertools.product(GRID_C, GRID_SELF_WEIGHT):
        predictions: dict[tuple[float, bool], list[tuple[str, str]]] = {g: [] for g in _DECISION_GRID}
        for train, held in folds:
            rows = [dev_rows[i][0] for i in train] + [r[0] for r in own_rows]
            kinds = [dev[i].kind.value for i in train] + [case.kind.value for case in own]
            weights = [1.0] * len(train) + [self_weight] * len(own)
            model = _fit(rows, kinds, weights, c)
            for i in held:
                for m, above in _DECISION_GRID:
                    predictions[(m, above)].append((dev[i].label.value, _predict_label(model, dev_rows[i], m, above)))
        for (m, above), pairs in predictions.items():
            accuracy = sum(e == p for e, p in pairs) / len(pairs)
            actions = [p for e, p in pairs if e == "action"]
            recall = sum(p == "action" for p in actions) / max(1, len(actions))
            results.append({"C": c, "self_weight": self_weight, "min_confidence": m, "above_rule_confidence": above,
                            "accuracy": accuracy, "action_recall": recall})  # fmt: skip
    rules = [(c.label.value, Kind(r[1]).label.value) for c, r in zip(dev, dev_rows, strict=True)]
    baseline = {"accuracy": sum(e == p for e, p in rules) / len(rules)}
    best = max(results, key=lambda r: (r["accuracy"], r["action_recall"], -float(str(r["C"]))))
    return {**{k: float(v) for k, v in best.items()}, "rules_only_accuracy": baseline["accuracy"]}, results  # type: ignore[arg-type]


def _training_rows(ids: Collection[str] | None = None) -> tuple[list[EvalCase], list[EvalCase]]:
    """The development part (only the rows with these ids, when given) and the self-written sets."""
    dev = load_files([ROOT / "evals" / "datasets" / "real" / "dev.jsonl"])
    if ids is not None:
        wanted = set(ids)
        dev = [case for case in dev if case.id in wanted]
        if len(dev) != len(wanted):
            raise SystemExit(f"{len(wanted) - len(dev)} rows the model was trained on are no longer in dev.jsonl")
    return dev, load_cases(ROOT / "evals" / "datasets")


def train(settings: dict[str, float] | None = None, ids: Collection[str] | None = None) -> dict[str, object]:
    """Fit on the training rows and return the file's content; settings chosen by cross-validation unless given.

    `ids` limits the development part to the rows a model was trained on (what `--check` refits).
    """
    dev, own = _training_rows(ids)
    if settings is None:
        best, _ = _cross_validate(dev, own)
    else:
        best = dict(settings)
    rows = [_inputs(c)[0] for c in [*dev, *own]]
    kinds = [c.kind.value for c in [*dev, *own]]
    weights = [1.0] * len(dev) + [best["self_weight"]] * len(own)
    model = _fit(rows, kinds, weights, best["C"])
    return {
        "about": "krcoach's learned second look; written by scripts/train_label_model.py, do not edit by hand",
        "trained_on": {"real_dev": len(dev), "self_written": len(own)},
        "trained_on_ids": sorted(case.id for case in dev),
        "settings": {key: best[key] for key in ("C", "self_weight", "min_confidence", "above_rule_confidence")},
        "cross_validation": {
            "folds": FOLDS,
            "grouped_by": "source",
            **{key: round(best[key], 4) for key in ("accuracy", "action_recall", "rules_only_accuracy")},
        },
        "min_confidence": best["min_confidence"],
        "above_rule_confidence": bool(best["above_rule_confidence"]),
        "classes": list(model.classes),
        "bias": list(model.bias),
        "weights": {name: list(row) for name, row in sorted(model.weights.items())},
    }


def refit_committed() -> dict[str, object]:
    """The committed model fitted again: its settings, on the rows it was trained on (no search)."""
    committed = json.loads(OUT.read_text(encoding="utf-8"))
    return train({**committed["settings"], **committed["cross_validation"]}, ids=committed["trained_on_ids"])


def check() -> int:
    """Refit with the committed settings on the rows it was trained on (no search): weights within 0.01 of it.

    The development part grows as rows are collected; the shipped model changes only when it is trained again, a
    deliberate step (it changes the diagnosis, so the model cassettes and the judged proposals are redone with it).
    """
    committed = json.loads(OUT.read_text(encoding="utf-8"))
    refit = json.loads(json.dumps(refit_committed()))
    old: dict[str, list[float]] = committed["weights"]
    new: dict[str, list[float]] = refit["weights"]
    zero = [0.0] * len(committed["classes"])
    drift = [
        name
        for name in sorted(set(old) | set(new))
        if max(abs(a - b) for a, b in zip(old.get(name, zero), new.get(name, zero), strict=True)) > 0.01
    ]
    print(f"label model: {len(drift)} of {len(old)} weights differ from a refit by more than 0.01 {drift[:5]}")
    return 0 if not drift else 1


def main(argv: list[str]) -> int:
    """Train, then write the model file, or with --check compare it to the committed one."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="fail when the committed file differs from a refit")
    parser.add_argument(
        "--refit", action="store_true", help="refit with the committed settings and rows (after a change to the inputs)"
    )
    args = parser.parse_args(argv)
    if args.check:
        return check()
    text = json.dumps(refit_committed() if args.refit else train(), indent=1) + "\n"
    summary = json.loads(text)["cross_validation"]
    OUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUT.relative_to(ROOT)}: cross-validated on the development part {summary}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
