"""Labelled eval cases: one JSON object per line in `evals/datasets/*.jsonl` (see evals/LABELLING.md)."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

from krcoach.domain.analysis import Kind, Label
from krcoach.domain.okr import OKRSet


class EvalCase(BaseModel):
    """One Key Result with its Objective and the labels a careful coach gives it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    domain: str
    objective: str
    key_result: str
    label: Label
    kind: Kind
    hard: bool = False
    note: str = ""
    # Provenance of real, published Key Results (evals/datasets/real/): where the text was copied from, who wrote it.
    source: str = ""
    source_key: str = ""
    author: str = ""
    author_type: str = ""

    @model_validator(mode="after")
    def _kind_matches_label(self) -> EvalCase:
        if self.kind.label is not self.label:
            raise ValueError(f"kind {self.kind.value} does not go with label {self.label.value}")
        return self


def load_cases(folder: Path) -> list[EvalCase]:
    """Every case in the folder's *.jsonl files, in file then line order; errors name file and line."""
    files = sorted(folder.glob("*.jsonl"))
    if not files:
        raise ValueError(f"{folder}: no *.jsonl eval files")
    return load_files(files)


def load_files(files: list[Path]) -> list[EvalCase]:
    """Every case in these JSON Lines files, in order; errors name file and line, ids must be unique."""
    cases: list[EvalCase] = []
    seen: set[str] = set()
    for path in files:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            try:
                case = EvalCase.model_validate(json.loads(line))
            except (json.JSONDecodeError, ValidationError) as error:
                raise ValueError(f"{path}:{number}: invalid case: {error}") from error
            if case.id in seen:
                raise ValueError(f"{path}:{number}: duplicate case id {case.id!r}")
            seen.add(case.id)
            cases.append(case)
    return cases


def as_okr_set(cases: list[EvalCase]) -> OKRSet:
    """The cases as one OKR set: consecutive cases with the same Objective form one Objective."""
    objectives: list[dict[str, object]] = []
    for case in cases:
        if not objectives or objectives[-1]["title"] != case.objective:
            objectives.append({"title": case.objective, "key_results": []})
        key_results = objectives[-1]["key_results"]
        assert isinstance(key_results, list)
        key_results.append({"id": case.id, "text": case.key_result})
    return OKRSet.model_validate({"name": "eval set", "objectives": objectives})
