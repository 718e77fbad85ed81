"""The OKRA view: Objectives → result Key Results → Actions, each Action linked to what it should move."""

from __future__ import annotations

from collections.abc import Sequence

from krcoach.domain.analysis import (
    KeyResultAnalysis,
    Label,
    ObjectiveAnalysis,
    OkraAction,
    OkraKeyResult,
    OkraObjective,
)


def assemble(objectives: Sequence[ObjectiveAnalysis], planned_actions: Sequence[Sequence[str]]) -> list[OkraObjective]:
    """Build the OKRA view. `planned_actions[i]` are the Actions the input already listed for Objective i."""
    view: list[OkraObjective] = []
    for objective, planned in zip(objectives, planned_actions, strict=True):
        key_results: list[OkraKeyResult] = []
        same_as: dict[str, str] = {}  # Key Result id -> id of an identical OKRA Key Result kept instead
        for kr in objective.key_results:
            if kr.label is Label.ACTION and not kr.proposals:
                continue  # an action with no rewrite lives on as an Action only
            candidate = _okra_key_result(kr)
            twin = next((k for k in key_results if k.text == candidate.text), None)
            if twin is None:
                key_results.append(candidate)
            else:
                same_as[kr.id] = twin.id
        actions = [
            OkraAction(
                id=f"{kr.id}.A",
                text=kr.text,
                moves=[same_as.get(kr.id, kr.id)] if kr.proposals else [],
                from_key_result=kr.id,
            )
            for kr in objective.key_results
            if kr.label is Label.ACTION
        ]
        kept_ids = [kr.id for kr in key_results]
        actions.extend(
            OkraAction(id=f"{objective.id}.A{n}", text=text, moves=kept_ids) for n, text in enumerate(planned, 1)
        )
        suggested = objective.suggestion if objective.project_style else None
        view.append(
            OkraObjective(
                id=objective.id,
                title=suggested or objective.title,
                replaces_title=objective.title if suggested else None,
                key_results=key_results,
                actions=actions,
            )
        )
    return view


def _okra_key_result(kr: KeyResultAnalysis) -> OkraKeyResult:
    if kr.needs_work and kr.proposals:
        chosen = kr.proposals[0]
        return OkraKeyResult(
            id=kr.id, text=chosen.text, origin="proposal", placeholders=chosen.placeholders, replaces=kr.text
        )
    return OkraKeyResult(id=kr.id, text=kr.text, origin="original")
