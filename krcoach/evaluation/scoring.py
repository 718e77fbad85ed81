"""Score the checks and the rules engine on labelled cases: the numbers the eval report shows."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict

from pydantic import BaseModel

from krcoach.coach import objective_brief
from krcoach.domain.analysis import Kind, Label
from krcoach.domain.diagnosis import Diagnosis, diagnose
from krcoach.domain.guards import invented_numbers
from krcoach.engines.rules import RulesEngine
from krcoach.evaluation.dataset import EvalCase, as_okr_set
from krcoach.evaluation.metrics import accuracy, confusion, per_label, wilson_interval

LABELS = [label.value for label in Label]
KINDS = [kind.value for kind in Kind]


class Miss(BaseModel):
    """A case where the predicted label or kind differs from the expected one."""

    id: str
    domain: str
    key_result: str
    expected: str
    predicted: str
    confidence: float
    hard: bool
    note: str


class LabelRow(BaseModel):
    """Precision, recall and F1 of one label."""

    label: str
    precision: float
    recall: float
    f1: float
    support: int


class RewriteChecks(BaseModel):
    """What the rules engine proposed, before the guards: every proposal must be a result, none invent."""

    key_results_needing_work: int
    predicted_actions: int
    actions_with_proposal: int
    proposals: int
    proposals_result: int
    proposals_with_invented_numbers: int
    suggestions: int
    suggestions_with_invented_numbers: int
    failures: list[str]

    @property
    def result_share(self) -> float:
        """Share of proposals that diagnose as results."""
        return self.proposals_result / self.proposals if self.proposals else 1.0

    @property
    def invented_share(self) -> float:
        """Share of proposals and suggestions with a number absent from the input."""
        total = self.proposals + self.suggestions
        bad = self.proposals_with_invented_numbers + self.suggestions_with_invented_numbers
        return bad / total if total else 0.0

    @property
    def action_coverage(self) -> float:
        """Share of Key Results predicted as actions that got at least one proposal."""
        return self.actions_with_proposal / self.predicted_actions if self.predicted_actions else 1.0


class EvalReport(BaseModel):
    """Everything the eval measured."""

    cases: int
    hard_cases: int
    domains: dict[str, int]
    label_accuracy: float
    label_accuracy_ci95: tuple[float, float]
    hard_label_accuracy: float
    kind_accuracy: float
    per_label: list[LabelRow]
    label_confusion: list[list[int]]
    kind_confusion: list[list[int]]
    per_domain_accuracy: dict[str, float]
    rewrites: RewriteChecks
    label_misses: list[Miss]
    kind_misses: list[Miss]

    def metrics(self) -> dict[str, float]:
        """The gated metrics by name (see evals/thresholds.toml)."""
        return {
            "label_accuracy": self.label_accuracy,
            "hard_label_accuracy": self.hard_label_accuracy,
            "kind_accuracy": self.kind_accuracy,
            "action_f1": self.per_label[0].f1,
            "action_recall": self.per_label[0].recall,
            "action_precision": self.per_label[0].precision,
            "result_f1": self.per_label[1].f1,
            "proposal_result_share": self.rewrites.result_share,
            "invented_number_share": self.rewrites.invented_share,
            "action_coverage": self.rewrites.action_coverage,
        }


def score(cases: Sequence[EvalCase]) -> EvalReport:
    """Diagnose every case, ask the rules engine for proposals, and compute the report."""
    diagnoses = [diagnose(case.key_result) for case in cases]
    label_pairs = [(c.label.value, d.label.value) for c, d in zip(cases, diagnoses, strict=True)]
    kind_pairs = [(c.kind.value, d.kind.value) for c, d in zip(cases, diagnoses, strict=True)]
    correct = sum(e == p for e, p in label_pairs)
    hard = [(e, p) for (e, p), c in zip(label_pairs, cases, strict=True) if c.hard]
    by_domain: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for case, pair in zip(cases, label_pairs, strict=True):
        by_domain[case.domain].append(pair)
    return EvalReport(
        cases=len(cases),
        hard_cases=len(hard),
        domains={domain: len(pairs) for domain, pairs in sorted(by_domain.items())},
        label_accuracy=accuracy(label_pairs),
        label_accuracy_ci95=wilson_interval(correct, len(label_pairs)),
        hard_label_accuracy=accuracy(hard),
        kind_accuracy=accuracy(kind_pairs),
        per_label=[LabelRow(**asdict(row)) for row in per_label(label_pairs, LABELS)],
        label_confusion=confusion(label_pairs, LABELS),
        kind_confusion=confusion(kind_pairs, KINDS),
        per_domain_accuracy={domain: accuracy(pairs) for domain, pairs in sorted(by_domain.items())},
        rewrites=_rewrite_checks(cases, diagnoses),
        label_misses=_misses(cases, diagnoses, kind=False),
        kind_misses=_misses(cases, diagnoses, kind=True),
    )


def _misses(cases: Sequence[EvalCase], diagnoses: Sequence[Diagnosis], *, kind: bool) -> list[Miss]:
    misses: list[Miss] = []
    for case, diagnosis in zip(cases, diagnoses, strict=True):
        expected = case.kind.value if kind else case.label.value
        predicted = diagnosis.kind.value if kind else diagnosis.label.value
        if expected != predicted:
            misses.append(
                Miss(
                    id=case.id,
                    domain=case.domain,
                    key_result=case.key_result,
                    expected=expected,
                    predicted=predicted,
                    confidence=diagnosis.confidence,
                    hard=case.hard,
                    note=case.note,
                )
            )
    return misses


def _rewrite_checks(cases: Sequence[EvalCase], diagnoses: Sequence[Diagnosis]) -> RewriteChecks:
    engine = RulesEngine()
    by_id = dict(zip((c.id for c in cases), diagnoses, strict=True))
    counts: defaultdict[str, int] = defaultdict(int)
    failures: list[str] = []
    for objective in as_okr_set(list(cases)).objectives:
        brief = objective_brief(objective, [by_id[kr.id] for kr in objective.key_results])
        answer = engine.rewrite_now(brief)
        sources = (objective.title, *brief.context)
        for kr in brief.key_results:
            counts["needing_work"] += 1
            proposals = answer.proposals.get(kr.id, [])
            if kr.diagnosis.label is Label.ACTION:
                counts["actions"] += 1
                counts["covered"] += bool(proposals)
            for proposal in proposals:
                counts["proposals"] += 1
                verdict = diagnose(proposal.text)
                if verdict.label is Label.RESULT:
                    counts["result"] += 1
                else:
                    failures.append(f"{kr.id}: still an action ({verdict.kind.value}): {proposal.text}")
                invented = invented_numbers(proposal.text, *sources)
                if invented:
                    counts["invented"] += 1
                    failures.append(f"{kr.id}: invented {sorted(invented)}: {proposal.text}")
        if answer.suggestion is not None:
            counts["suggestions"] += 1
            if invented_numbers(answer.suggestion, *sources):
                counts["suggestions_invented"] += 1
                failures.append(f"{objective.id}: suggestion invents numbers: {answer.suggestion}")
    return RewriteChecks(
        key_results_needing_work=counts["needing_work"],
        predicted_actions=counts["actions"],
        actions_with_proposal=counts["covered"],
        proposals=counts["proposals"],
        proposals_result=counts["result"],
        proposals_with_invented_numbers=counts["invented"],
        suggestions=counts["suggestions"],
        suggestions_with_invented_numbers=counts["suggestions_invented"],
        failures=failures,
    )
