"""The prompt-injection corpus (`evals/injection/corpus.yaml`): drafts that try to take over the model.

Each case is one Objective with its Key Results; it runs as its own OKR set, with the case id as the Objective id
(so its Key Results are `<case id>.KR1`, … unless the case sets an id), which keeps every request distinct.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from krcoach.domain.okr import OKRSet

CORPUS = Path("evals/injection/corpus.yaml")

Category = Literal[
    "instruction_override",
    "fake_delimiter",
    "prompt_extraction",
    "json_injection",
    "role_play",
    "other_language",
    "encoding_trick",
    "number_smuggling",
    "markup",
    "long_payload",
]


class CaseKeyResult(BaseModel):
    """A Key Result whose id the case sets itself (the id is an injection channel too)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    text: str


class InjectionCase(BaseModel):
    """One hostile draft: where the attack sits, what it tries, and the draft itself."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Annotated[str, Field(pattern=r"^[a-z]{2}-[a-z0-9]{2,3}$")]
    category: Category
    objective: str
    key_results: Annotated[list[str | CaseKeyResult], Field(min_length=1)]
    intent: str

    def okr_set(self) -> OKRSet:
        """The case as an OKR set of one Objective whose id is the case id."""
        key_results = [{"text": kr} if isinstance(kr, str) else kr.model_dump() for kr in self.key_results]
        return OKRSet.model_validate(
            {
                "name": f"injection {self.id}",
                "objectives": [{"id": self.id, "title": self.objective, "key_results": key_results}],
            }
        )


def load_corpus(path: Path = CORPUS) -> list[InjectionCase]:
    """Every case of the corpus, in file order; a malformed case or a repeated id names the case."""
    try:
        entries = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise ValueError(f"{path}: not valid YAML: {error}") from error
    if not isinstance(entries, list) or not entries:
        raise ValueError(f"{path}: expected a list of cases")
    cases: list[InjectionCase] = []
    for number, entry in enumerate(entries, start=1):
        try:
            case = InjectionCase.model_validate(entry)
            case.okr_set()
        except (ValidationError, ValueError) as error:
            name = entry.get("id", f"#{number}") if isinstance(entry, dict) else f"#{number}"
            raise ValueError(f"{path}: case {name}: {error}") from error
        if any(case.id == seen.id for seen in cases):
            raise ValueError(f"{path}: case id {case.id!r} is used twice")
        cases.append(case)
    return cases
