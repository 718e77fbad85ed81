"""The offline engine: fills result measures from the library, completes measures with placeholders."""

from __future__ import annotations

import re

from krcoach.domain.analysis import Kind, Label, Proposal
from krcoach.domain.diagnosis import Diagnosis, diagnose
from krcoach.domain.guards import placeholders_in
from krcoach.domain.lexicon import CADENCE_WORDS, CHANGE_VERBS, LEVEL_VERBS, MAINTAIN_VERBS, METRIC_WORDS, words
from krcoach.domain.objectives import project_trigger
from krcoach.engines.base import EngineInfo, KeyResultBrief, ObjectiveBrief, ObjectiveRewrite
from krcoach.engines.rules.library import Domain, Library, Match, MeasurePattern, default_library
from krcoach.engines.rules.own_words import deliverable_measure, objective_measure
from krcoach.engines.rules.readings import Reading, key_result_readings, objective_readings

ENGINE_NAME = "rules"
LIBRARY_FIT_SCORE = 3  # chosen on judged development rows: evals/judgements/README.md
MAX_PROPOSALS = 2
FALLBACK_MEASURE = (
    "Share of [the people this work is for] who [show the change it should cause], by month: "
    "from [baseline] to [target]"
)
FALLBACK_OBJECTIVE = "[Who benefits] [experience what is different] once “{title}” has worked"
_DEADLINE_STARTS = words("by before until till through thru in during for at within over no due end this next current")
_UNNAMED_MEASURE = "“{quote}” does not name the measure it should move."
_UNSURE_MEASURE = "“{quote}” may be a measure, but reads much like a piece of work; here is one that is a measure."
COMPLETION_CONFIDENCE = 0.7  # chosen on the development part: evals/judgements/README.md
_UNITS = words("% time times hours days minutes seconds ms weeks months")
_TEMPLATE_WORDS = words(
    "share from baseline target deadline month quarter each surveyed people with that this their they them what "
    "should enable holds report observe about more less than into over within when where which"
)
_TO_NUMBER_RE = re.compile(r"\bto\s+(?=[$€£]?\d)", re.IGNORECASE)
_WHY_BY_READING = {
    "purpose": "It measures what the work is for, in the draft's own words.",
    "platform": "It measures whether people use the product where it now runs.",
    "help": "It measures the Objective itself: how many of the people it helps get there.",
    "named_measure": "The Objective names what should change; this is how it is usually measured.",
    "quality": "It asks the people the Objective is for whether it has come true.",
    "personal": "It measures how you are, which the Objective is about, not what you did.",
}
_WHY_BY_KIND = {
    Kind.MILESTONE: "“{quote}” says when something gets delivered, not what it changes.",
    Kind.ACTIVITY_QUOTA: "“{quote}” counts your own activity, which can be done in full while nothing improves.",
    Kind.TASK: "“{quote}” is a task: done or not done, with no evidence of change.",
    Kind.VAGUE: "“{quote}” does not say what you would see or count if it came true.",
}


class RulesEngine:
    """Deterministic, offline proposals: the default engine and the fallback of every other engine."""

    def __init__(self, library: Library | None = None) -> None:
        self._library = library or default_library()

    @property
    def name(self) -> str:
        """Always 'rules'."""
        return ENGINE_NAME

    @property
    def info(self) -> EngineInfo:
        """The rules engine has no model and no prompt."""
        return EngineInfo()

    async def rewrite(self, objective: ObjectiveBrief) -> ObjectiveRewrite:
        """Proposals for every Key Result in the brief and, for a project-style Objective, a suggestion."""
        return self.rewrite_now(objective)

    def rewrite_now(self, objective: ObjectiveBrief) -> ObjectiveRewrite:
        """The same as `rewrite`, without an event loop."""
        answer = ObjectiveRewrite()
        leading: set[str] = set()
        needing_work = {kr.text for kr in objective.key_results}
        results = [text for text in objective.context if text not in needing_work]  # the Objective's fine results
        for key_result in objective.key_results:
            fresh = [p for p in self.propose(key_result, objective.title) if not duplicates_a_result(p.text, results)]
            proposals = _prefer_unused(fresh, leading)[:MAX_PROPOSALS]
            if proposals:
                leading.add(_measure_only(proposals[0].text))
            answer.proposals[key_result.id] = proposals
        if objective.project_style:
            answer.suggestion = self.suggest_objective(objective)
        return answer

    def propose(self, key_result: KeyResultBrief, objective_title: str) -> list[Proposal]:
        """Result-based proposals for one Key Result."""
        diagnosis = key_result.diagnosis
        if diagnosis.kind in _WHY_BY_KIND:
            return self._measures_from_library(key_result, objective_title)
        if not names_a_result_measure(diagnosis):  # completing it would only echo the work with placeholders
            return self._measures_from_library(key_result, objective_title, why=_UNNAMED_MEASURE)
        if not surely_a_measure(diagnosis):  # maybe an action the diagnosis misread: completing it would echo it
            return self._measures_from_library(key_result, objective_title, why=_UNSURE_MEASURE)
        completed = complete_measure(key_result.text, diagnosis)
        if completed is None:
            return []
        rationale = "It names a measure; the placeholders ask for what a reader needs to judge it."
        return [_proposal(completed, rationale, source="completion")]

    def suggest_objective(self, objective: ObjectiveBrief) -> str:
        """A result-style Objective for a project-style one."""
        context = " ".join(kr.text for kr in objective.key_results)
        best = self._library.best(objective.title, context, limit=1)
        if best:
            return best[0][1].result_objective
        return FALLBACK_OBJECTIVE.format(title=objective.title)

    def _measures_from_library(
        self, key_result: KeyResultBrief, objective_title: str, why: str | None = None
    ) -> list[Proposal]:
        """Library measures that fit both the Objective and the action; else measures in the draft's own words."""
        diagnosis = key_result.diagnosis
        time_frame = _deadline(diagnosis)
        why_kind = (why or _WHY_BY_KIND[diagnosis.kind]).format(quote=_quote(key_result.text))
        keep = " The original stays as an Action." if diagnosis.label == "action" else ""

        def read(reading: Reading) -> Proposal:
            why_reading = _WHY_BY_READING[reading.name]
            return _proposal(
                f"{reading.measure} {time_frame}", f"{why_kind} {why_reading}{keep}", source=f"reading/{reading.name}"
            )

        candidates = [read(reading) for reading in key_result_readings(key_result.text)]
        fitting = [m for m in self._library.matches(objective_title, key_result.text) if fits(m)]
        candidates += [
            _proposal(f"{measure} {time_frame}", f"{why_kind} {pattern.why}{keep}", source=f"{domain}/{pattern.id}")
            for domain, pattern, measure in _choices([(m.domain, m.pattern) for m in fitting[:2]])
        ]
        candidates += [read(reading) for reading in objective_readings(objective_title)]
        own = [
            (objective_measure(objective_title, time_frame) if project_trigger(objective_title) is None else None,
             "objective", "It measures the Objective itself, for the people it is about; fill in who and how."),
            (deliverable_measure(key_result.text, diagnosis, time_frame),
             "deliverable", "It asks what the deliverable should change for the people it is for."),
        ]  # fmt: skip
        candidates += [
            _proposal(text, f"{why_kind} {why}{keep}", source=f"own_words/{name}") for text, name, why in own if text
        ]
        results = [c for c in candidates if diagnose(c.text).label == Label.RESULT]  # the coach checks again
        if results:
            return results
        rationale = f"{why_kind} No measure in the library fits; name who should benefit and how.{keep}"
        return [_proposal(f"{FALLBACK_MEASURE} {time_frame}", rationale, source="fallback")]


def names_a_result_measure(diagnosis: Diagnosis) -> bool:
    """True when the text names what it measures: noun-led with a measure, or a change verb moving one.

    "Improve customer retention" names retention; "Lift weights 3 days a week" or "Maintain a diverse panel" name
    none, so adding placeholders to them would only restate the work.
    """
    features = diagnosis.features
    if features.has_metric_phrase:
        return True
    if features.lead is None:
        return features.has_metric
    moves = features.lead_lemma in CHANGE_VERBS | LEVEL_VERBS | MAINTAIN_VERBS
    return moves and any(w in METRIC_WORDS - _UNITS for w in features.words(1, 7))


def surely_a_measure(diagnosis: Diagnosis) -> bool:
    """True when the learned look is at least COMPLETION_CONFIDENCE sure the text measures a result.

    Below that, adding placeholders to it mostly completed actions the diagnosis had misread ("Collect data on
    percentage margin usage from [baseline] to [target]"), which judges rightly call echoes.
    """
    probability = diagnosis.result_probability
    return probability is None or probability >= COMPLETION_CONFIDENCE


def fits(match: Match) -> bool:
    """A library pattern fits when its keywords score at least LIBRARY_FIT_SCORE (see evals/judgements/README.md)."""
    return match.score >= LIBRARY_FIT_SCORE


def duplicates_a_result(proposal: str, results: list[str]) -> bool:
    """True when the proposal measures what a result Key Result of the same Objective already measures."""
    words = _content_words(proposal)
    if len(words) < 2:
        return False
    return any(len(words & _content_words(result)) >= max(2, len(words) // 2) for result in results)


def _content_words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z][a-z-]{3,}", text.lower()) if w not in _TEMPLATE_WORDS}


def _prefer_unused(proposals: list[Proposal], leading: set[str]) -> list[Proposal]:
    """Measures before templates that ask; within each, one no other Key Result of the Objective leads with first."""

    def rank(proposal: Proposal) -> tuple[bool, bool]:
        return _asks(proposal), _measure_only(proposal.text) in leading

    return sorted(proposals, key=rank)  # stable: the engine's order within a rank


def _asks(proposal: Proposal) -> bool:
    """A proposal that mostly asks who and what (a template), which a measure used twice is still better than."""
    return (proposal.source or "").startswith(("own_words/", "fallback"))


def _measure_only(text: str) -> str:
    """A proposal's measure without its time frame."""
    return text.split(": from [baseline]", maxsplit=1)[0]


def complete_measure(text: str, diagnosis: Diagnosis) -> str | None:
    """The Key Result with placeholders for its missing baseline, target and deadline, or None if complete."""
    features = diagnosis.features
    body = text.strip().rstrip(".;")
    changed = False
    if not features.has_target:
        body += " to [target]" if features.has_baseline else " from [baseline] to [target]"
        changed = True
    elif not features.has_baseline:
        match = _TO_NUMBER_RE.search(body)
        if match is not None:
            body = f"{body[: match.start()]}from [baseline] {body[match.start() :]}"
            changed = True
    if not features.has_time_frame:
        body += " by [deadline]"
        changed = True
    return body if changed else None


def _choices(best: list[tuple[Domain, MeasurePattern]]) -> list[tuple[str, MeasurePattern, str]]:
    """Candidate measures: the best pattern's, then the runner-up's first."""
    picked = [(best[0][0].id, best[0][1], measure) for measure in best[0][1].measures[:2]] if best else []
    picked += [(domain.id, pattern, pattern.measures[0]) for domain, pattern in best[1:2]]
    return picked


def _deadline(diagnosis: Diagnosis) -> str:
    """The Key Result's own deadline, or a placeholder when it has none (a cadence is not a deadline)."""
    time_frame = diagnosis.time_frame
    if not time_frame:
        return "by [deadline]"
    first = time_frame.split()[0].lower()
    if first in CADENCE_WORDS - {"by"}:
        return "by [deadline]"
    return time_frame if first in _DEADLINE_STARTS else f"by {time_frame}"


def _quote(text: str, limit: int = 70) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _proposal(text: str, rationale: str, *, source: str) -> Proposal:
    text = " ".join(text.split())
    return Proposal(
        text=text, rationale=rationale, placeholders=placeholders_in(text), engine=ENGINE_NAME, source=source
    )
