"""The model's second opinion on labels, measured on the real corpus against a scripted model of known accuracy.

Run: `.venv/bin/python benchmarks/second_opinion.py [--accuracy 1.0 0.9 0.8 0.7] [--seed 0]`

The model path runs end to end (coach, model engine, real `openai` client, HTTP) over the real corpus's parts
(evals/datasets/real/test.jsonl and dev.jsonl, every row labelled), one Objective per call, against a scripted
OpenAI-compatible server on loopback. The scripted "model" labels each Key Result with its gold label on a
share `--accuracy` of the rows and with the other label on the rest; which rows it gets wrong is fixed by a hash
of the row id and the seed, so its errors are independent of the rules' errors. It proposes a rewrite that passes
the checks for every Key Result it is asked to rewrite.

What that measures: the plumbing (one call per Objective, a label for every Key Result, nothing re-asked) and,
for a model of a given accuracy, how often it agrees with the rules and who is right when they disagree. At
accuracy 1.0 the disagreements are exactly the rules' errors: the ceiling of what the flag can catch. It does not
measure how accurate a real model is: that needs a live model (`krcoach eval-model`) and is not claimed here.

Per part and accuracy it prints: Objectives and model calls (must be equal), re-asks, rows with a second opinion,
agreement, the disagreements split into rules-right and model-right, the rows marked for review and how many of
them are really actions, and the label accuracy of three policies: the rules decide (krcoach's), the model
decides, and "action when either says action".
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from krcoach.coach import Coach
from krcoach.config import Settings
from krcoach.domain.analysis import Label, SetAnalysis
from krcoach.engines.registry import build_llm_engine
from krcoach.evaluation.dataset import EvalCase, as_okr_set, load_files
from krcoach.running import run_sync
from krcoach.testing.scripted_server import ScriptedServer, answer_with, good_proposal

ROOT = Path(__file__).resolve().parent.parent
PARTS = {"test": ROOT / "evals/datasets/real/test.jsonl", "dev": ROOT / "evals/datasets/real/dev.jsonl"}
REASONS = {
    "action": "It tells whether a piece of the team's own work got finished.",
    "result": "It tracks a change in what other people do or experience.",
}


def right(row_id: str, accuracy: float, seed: int) -> bool:
    """Whether the scripted model gets this row right (a fixed share of rows, chosen by hash)."""
    digest = hashlib.sha256(f"{seed}:{row_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64 < accuracy


def scripted_model(gold: dict[str, Label], accuracy: float, seed: int) -> Any:
    """A script labelling each Key Result with its gold label on `accuracy` of the rows, the other one elsewhere."""

    def label(key_result: dict[str, Any]) -> tuple[str, str]:
        truth = gold[str(key_result["id"])]
        chosen = truth if right(str(key_result["id"]), accuracy, seed) else _other(truth)
        return chosen.value, REASONS[chosen.value]

    return answer_with(good_proposal, label=label)


def _other(label: Label) -> Label:
    return Label.RESULT if label is Label.ACTION else Label.ACTION


@dataclass(frozen=True, slots=True)
class Figures:
    """What one run over one part gave."""

    objectives: int
    calls: int
    requests: int
    reasks: int
    rows: int
    with_opinion: int
    agreeing: int
    disagreeing: int
    rules_right: int
    model_right: int
    review: int
    review_really_action: int
    accuracy_rules: float
    accuracy_model: float
    accuracy_either_action: float


def run(cases: list[EvalCase], accuracy: float, seed: int, concurrency: int) -> Figures:
    """The model path over the cases against the scripted model; the figures."""
    gold = {case.id: case.label for case in cases}
    okr_set = as_okr_set(cases)
    server = ScriptedServer(scripted_model(gold, accuracy, seed))
    with server.running() as base_url:
        settings = Settings(llm_base_url=base_url, llm_model="scripted", llm_cache="off", concurrency=concurrency)
        analysis = run_sync(Coach(build_llm_engine(settings), concurrency=concurrency).analyze(okr_set))
        requests = len(server.requests)
    return figures(analysis, gold, requests)


def figures(analysis: SetAnalysis, gold: dict[str, Label], requests: int) -> Figures:
    """Agreement, who is right in disagreements, and the accuracy of each policy."""
    rows = analysis.key_results()
    opinions = [(kr, kr.second_opinion) for kr in rows if kr.second_opinion is not None]
    disagreeing = [(kr, o) for kr, o in opinions if not o.agrees]
    review = [kr for kr, o in opinions if o.review]
    model_label = {kr.id: o.label for kr, o in opinions}

    def accuracy(decide: Any) -> float:
        return sum(decide(kr) is gold[kr.id] for kr in rows) / len(rows)

    return Figures(
        objectives=len(analysis.objectives),
        calls=analysis.meta.usage.calls,
        requests=requests,
        reasks=analysis.meta.usage.reasks,
        rows=len(rows),
        with_opinion=len(opinions),
        agreeing=len(opinions) - len(disagreeing),
        disagreeing=len(disagreeing),
        rules_right=sum(kr.label is gold[kr.id] for kr, _ in disagreeing),
        model_right=sum(o.label is gold[kr.id] for kr, o in disagreeing),
        review=len(review),
        review_really_action=sum(gold[kr.id] is Label.ACTION for kr in review),
        accuracy_rules=accuracy(lambda kr: kr.label),
        accuracy_model=accuracy(lambda kr: model_label.get(kr.id, kr.label)),
        accuracy_either_action=accuracy(
            lambda kr: Label.ACTION if Label.ACTION in (kr.label, model_label.get(kr.id)) else Label.RESULT
        ),
    )


HEADER = (
    "| part | model accuracy | Objectives | calls | re-asks | rows | with a second opinion | agreement "
    "| disagreements: rules right / model right | marked for review: really actions "
    "| accuracy: rules decide / model decides / action if either |"
)


def row(part: str, accuracy: float, f: Figures) -> str:
    """One Markdown table row."""
    return (
        f"| {part} | {accuracy:.2f} | {f.objectives} | {f.calls} | {f.reasks} | {f.rows} | {f.with_opinion} "
        f"| {f.agreeing / max(f.with_opinion, 1):.3f} | {f.disagreeing}: {f.rules_right} / {f.model_right} "
        f"| {f.review}: {f.review_really_action} "
        f"| {f.accuracy_rules:.3f} / {f.accuracy_model:.3f} / {f.accuracy_either_action:.3f} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accuracy", type=float, nargs="+", default=[1.0, 0.9, 0.8, 0.7])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON lines instead")
    args = parser.parse_args()
    logging.getLogger("asyncio").setLevel(logging.CRITICAL)  # the openai client's pool, closed after its loop
    if not args.json:
        print(HEADER)
        print("|" + "---|" * (HEADER.count("|") - 1))
    for part, path in PARTS.items():
        cases = load_files([path])
        for accuracy in args.accuracy:
            result = run(cases, accuracy, args.seed, args.concurrency)
            if result.calls != result.objectives or result.requests != result.objectives:
                raise SystemExit(f"{part}: {result.calls} calls for {result.objectives} Objectives")
            if args.json:
                print(json.dumps({"part": part, "accuracy": accuracy, **asdict(result)}))
            else:
                print(row(part, accuracy, result))


if __name__ == "__main__":
    main()
