"""The learned second look: shipped as data, trained reproducibly, and every verdict still says why and where."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from krcoach.domain.analysis import Kind
from krcoach.domain.classify import rule_verdict, second_look
from krcoach.domain.diagnosis import diagnose
from krcoach.domain.features import extract
from krcoach.domain.learned import load_model, model_inputs, shipped_model
from krcoach.evaluation.dataset import load_files

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT / "evals" / "datasets" / "real"


def test_the_shipped_model_gives_a_probability_to_every_kind() -> None:
    model = shipped_model()
    assert model is not None
    assert set(model.classes) == {kind.value for kind in Kind}
    assert 0.5 <= model.min_confidence < 1.0
    features = extract("Launch the redesigned onboarding flow by 30 June")
    probabilities = model.probabilities(model_inputs(features, rule_verdict(features).kind.value))
    assert abs(sum(probabilities) - 1.0) < 1e-9


def test_a_model_that_is_sure_of_the_other_label_overrules_the_rules_and_says_where() -> None:
    kinds = [kind.value for kind in Kind]
    sure_of_milestone = [5.0 if k == "milestone" else -5.0 for k in kinds]
    model = load_model(json.dumps({"classes": kinds, "bias": sure_of_milestone, "weights": {}, "min_confidence": 0.6}))
    features = extract("Increase NPS from 32 to 50 by end of Q3")
    assert rule_verdict(features).kind == "performance_measure"
    verdict = second_look(features, rule_verdict(features), model)
    assert verdict.kind == "milestone"
    assert verdict.reason is not None and verdict.trigger is not None


def test_every_action_diagnosed_on_the_real_corpus_carries_a_reason_and_the_text_that_decided_it() -> None:
    cases = load_files([REAL / "dev.jsonl", REAL / "test.jsonl"])
    for case in cases:
        diagnosis = diagnose(case.key_result)
        if diagnosis.label == "action":
            assert diagnosis.issues, case.key_result
            assert diagnosis.issues[0].span is not None, case.key_result


def test_the_training_script_refits_the_committed_weights() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "train_label_model.py"), "--check"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
