"""What is wrong with a model's reply, in words the model can act on when it is asked again.

The guards every proposal passes (`krcoach/domain/guards.py`), the two that only models need (copying a few-shot
example, repeating the prompt), and the checks of the reply as a whole (every id answered once, labels, suggestion).
"""

from __future__ import annotations

from krcoach.domain.guards import echoed_example, invented_numbers, proposal_problems
from krcoach.engines.base import ObjectiveBrief
from krcoach.engines.llm_labels import label_problems, leaks, sources_of
from krcoach.llm.reply import RewriteReply


def model_proposal_problems(
    text: str, sources: tuple[str, ...], examples: tuple[str, ...], instructions: tuple[str, ...]
) -> list[str]:
    """The guards every proposal passes, plus two for models: it must not copy a few-shot example or the prompt."""
    problems = proposal_problems(text, *sources)
    if echoed_example(text, examples):
        problems.append("the rewrite copies an example from the instructions; write one for this Key Result")
    elif leaks(text, sources, instructions):
        problems.append("the rewrite repeats the instructions; write a Key Result for this draft")
    return problems


def withheld(problem: str, sources: tuple[str, ...], instructions: tuple[str, ...]) -> str:
    """A problem as the user sees it: without the model's text when that text repeats the prompt."""
    if not leaks(problem, sources, instructions):
        return problem
    return problem.split(" (", 1)[0] + ": the proposal repeated the prompt and is not shown"


def reply_problems(
    objective: ObjectiveBrief, reply: RewriteReply, examples: tuple[str, ...], instructions: tuple[str, ...]
) -> list[str]:
    """Everything wrong with a schema-valid reply, written so the model can fix it."""
    sources = sources_of(objective)
    expected = [kr.id for kr in objective.key_results]
    labelled = {kr.id for kr in objective.labelled}
    answered = [entry.id for entry in reply.key_results]
    problems = [f"{kr_id}: missing; answer for every id" for kr_id in expected if kr_id not in answered]
    problems += [
        f"{kr_id}: not an id in the draft; use only {', '.join(expected)}"
        for kr_id in answered
        if kr_id not in expected and kr_id not in labelled
    ]
    problems += [f"{kr_id}: answered more than once" for kr_id in dict.fromkeys(answered) if answered.count(kr_id) > 1]
    problems += label_problems(objective, reply, instructions)
    for entry in reply.key_results:
        if entry.id not in expected:
            continue  # proposals for a Key Result not to rewrite are not shown: no need to re-ask for them
        for number, proposal in enumerate(entry.proposals, 1):
            for problem in model_proposal_problems(proposal.text, sources, examples, instructions):
                problems.append(f"{entry.id} proposal {number} ({proposal.text[:80]!r}): {problem}")
            if leaks(proposal.rationale, sources, instructions):
                problems.append(
                    f"{entry.id} proposal {number}: the rationale repeats the instructions; give the reason"
                )
    suggestion = reply.objective_suggestion or ""
    if invented_numbers(suggestion, *sources):
        problems.append("objective_suggestion: contains numbers that are not in the draft")
    if leaks(suggestion, sources, instructions):
        problems.append("objective_suggestion: repeats the instructions; say what will be different for people")
    return problems
