"""Relevance of the offline engine's first proposal on real action-based Key Results, as two blind judges saw it.

The proposals are made the way a user gets them (diagnosis, the rules engine, the guards). Each first proposal is
looked up in the committed judgements (`evals/judgements/proposals.jsonl`) by a key of its Objective, Key Result
and text: an unchanged proposal replays its judgement; a new one is listed as unjudged (and counts as not relevant
in the shares) until two judges have judged it.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict

from krcoach.coach import Coach
from krcoach.domain.diagnosis import diagnose
from krcoach.domain.guards import invented_numbers
from krcoach.engines.rules import RulesEngine
from krcoach.evaluation.dataset import EvalCase, as_okr_set

Judgement = Literal["relevant", "poor", "irrelevant", "echo", "question"]
JUDGEMENTS: tuple[Judgement, ...] = ("relevant", "poor", "irrelevant", "echo", "question")
JUDGEMENTS_FILE = Path("evals/judgements/proposals.jsonl")


class JudgedProposal(BaseModel):
    """One proposal, its two judges' judgements and the final one (agreed, or adjudicated)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    key: str
    id: str
    objective: str
    key_result: str
    proposal: str
    judge_a: Judgement
    judge_b: Judgement
    final: Judgement
    note: str = ""


class FirstProposal(BaseModel):
    """The first proposal a user sees for a real action-based Key Result (None when there is none)."""

    key: str
    id: str
    objective: str
    key_result: str
    proposal: str | None
    source: str | None


class RelevanceReport(BaseModel):
    """Shares of judgements over the first proposals of the real action-based Key Results of one part."""

    action_key_results: int
    with_proposal: int
    judged: int
    unjudged: list[FirstProposal]
    counts: dict[str, int]
    shares: dict[str, float]
    judge_agreement: float
    invented_numbers: int
    not_result: int
    by_source: dict[str, dict[str, int]]

    def metrics(self) -> dict[str, float]:
        """Gated metrics: the unjudged count as not relevant, so a new proposal cannot pass unseen."""
        return {
            "relevant_share": self.shares["relevant"],
            "irrelevant_share": self.shares["irrelevant"],
            "echo_share": self.shares["echo"],
            "unjudged": float(len(self.unjudged)),
            "relevance_invented_numbers": float(self.invented_numbers),
            "relevance_not_result": float(self.not_result),
        }


def proposal_key(objective: str, key_result: str, proposal: str) -> str:
    """The key a judgement is stored under: it changes whenever the proposal's text does."""
    return hashlib.sha1("\x1f".join((objective, key_result, proposal)).encode("utf-8")).hexdigest()[:16]


def load_judgements(path: Path) -> dict[str, JudgedProposal]:
    """The committed judgements by key (an empty map when the file does not exist)."""
    if not path.is_file():
        return {}
    judged = [JudgedProposal.model_validate(json.loads(line)) for line in path.read_text("utf-8").splitlines() if line]
    return {j.key: j for j in judged}


def first_proposals(cases: Sequence[EvalCase]) -> list[FirstProposal]:
    """Run the offline coach over the cases (grouped by Objective); the first proposal of each labelled action."""
    analysis = Coach(RulesEngine()).analyze_now(as_okr_set(list(cases)))
    by_id = {kr.id: kr for objective in analysis.objectives for kr in objective.key_results}
    found: list[FirstProposal] = []
    for case in cases:
        if case.label != "action":
            continue
        proposals = by_id[case.id].proposals
        text = proposals[0].text if proposals else None
        found.append(
            FirstProposal(
                key=proposal_key(case.objective, case.key_result, text or ""),
                id=case.id,
                objective=case.objective,
                key_result=case.key_result,
                proposal=text,
                source=proposals[0].source if proposals else None,
            )
        )
    return found


def relevance_report(cases: Sequence[EvalCase], judgements: dict[str, JudgedProposal]) -> RelevanceReport:
    """Judge the first proposals by replaying the committed judgements; list what still needs judging."""
    firsts = first_proposals(cases)
    with_text = [f for f in firsts if f.proposal is not None]
    counts: Counter[str] = Counter()
    by_source: dict[str, Counter[str]] = {}
    pairs: list[tuple[str, str]] = []
    unjudged: list[FirstProposal] = []
    invented = not_result = 0
    for first in with_text:
        assert first.proposal is not None
        invented += bool(invented_numbers(first.proposal, first.objective, first.key_result))
        not_result += diagnose(first.proposal).label != "result"
        judged = judgements.get(first.key)
        if judged is None:
            unjudged.append(first)
            continue
        counts[judged.final] += 1
        pairs.append((judged.judge_a, judged.judge_b))
        family = (first.source or "none").split("/")[0]
        by_source.setdefault(family, Counter())[judged.final] += 1
    total = max(1, len(firsts))
    return RelevanceReport(
        action_key_results=len(firsts),
        with_proposal=len(with_text),
        judged=len(pairs),
        unjudged=unjudged,
        counts={name: counts[name] for name in JUDGEMENTS},
        shares={name: counts[name] / total for name in JUDGEMENTS},
        judge_agreement=sum(a == b for a, b in pairs) / len(pairs) if pairs else 1.0,
        invented_numbers=invented,
        not_result=not_result,
        by_source={name: dict(counter) for name, counter in sorted(by_source.items())},
    )
