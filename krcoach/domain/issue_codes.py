"""Every issue code krcoach can raise, defined and explained in one place.

Codes are stable: front-ends and integrations key on them. The catalogue gives each a title, a severity,
the diagnosis from the coaching method it belongs to, and the fix a coach would suggest.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class IssueCode(StrEnum):
    """Stable identifiers of the problems krcoach detects."""

    # Key Result: action-based (the defect this product exists to fix)
    MILESTONE = "milestone"
    ACTIVITY_QUOTA = "activity_quota"
    ACTIVITY_PERCENTAGE = "activity_percentage"
    TASK = "task"
    # Key Result: measure problems
    VAGUE_GOAL = "vague_goal"
    DIRECTION_WITHOUT_NUMBER = "direction_without_number"
    WEASEL_WORD = "weasel_word"
    MISSING_BASELINE = "missing_baseline"
    MISSING_TARGET = "missing_target"
    MISSING_TIME_FRAME = "missing_time_frame"
    HEALTH_METRIC = "health_metric"
    TWO_MEASURES = "two_measures"
    VANITY_MEASURE = "vanity_measure"
    # Objective
    PROJECT_OBJECTIVE = "project_objective"
    # Set level
    NO_KEY_RESULTS = "no_key_results"
    TOO_MANY_KEY_RESULTS = "too_many_key_results"
    ALL_ACTIONS = "all_actions"
    NO_COUNTER_METRIC = "no_counter_metric"


class Severity(StrEnum):
    """How much an issue matters: `major` means the Key Result is not evidence of a result."""

    MAJOR = "major"
    MINOR = "minor"
    INFO = "info"


class Scope(StrEnum):
    """What an issue is about."""

    KEY_RESULT = "key_result"
    OBJECTIVE = "objective"
    SET = "set"


@dataclass(frozen=True, slots=True)
class IssueDefinition:
    """What a code means, how serious it is, and how a coach would fix it."""

    code: IssueCode
    scope: Scope
    severity: Severity
    title: str
    explanation: str
    fix: str


_DEFINITIONS = (
    IssueDefinition(
        IssueCode.MILESTONE,
        Scope.KEY_RESULT,
        Severity.MAJOR,
        "A milestone, not a measure",
        "It says whether something gets delivered, not whether delivering it made a difference.",
        "Ask what you would see changing over time if it worked, and measure that; keep the delivery as an Action.",
    ),
    IssueDefinition(
        IssueCode.ACTIVITY_QUOTA,
        Scope.KEY_RESULT,
        Severity.MAJOR,
        "A quota of your own activity",
        "It counts work you do, so it can be hit in full while nothing improves for anyone.",
        "Replace the count of activity with the level of impact you want; keep the activity as an Action.",
    ),
    IssueDefinition(
        IssueCode.ACTIVITY_PERCENTAGE,
        Scope.KEY_RESULT,
        Severity.MAJOR,
        "A quota dressed as a percentage",
        "A share of people doing an activity (or of planned work done) still measures effort, not its effect.",
        "Measure what those people do differently afterwards, or what the work changed; keep it as an Action.",
    ),
    IssueDefinition(
        IssueCode.TASK,
        Scope.KEY_RESULT,
        Severity.MAJOR,
        "A task, not a result",
        "It reads like an item from a backlog: done or not done, with no evidence of change.",
        "Move it to Actions and write the Key Result as the change the task is meant to cause.",
    ),
    IssueDefinition(
        IssueCode.VAGUE_GOAL,
        Scope.KEY_RESULT,
        Severity.MAJOR,
        "Too vague to measure",
        "It names a wish, but not what you would see, hear or count if it came true.",
        "Say precisely what would be different, then pick the evidence of it.",
    ),
    IssueDefinition(
        IssueCode.DIRECTION_WITHOUT_NUMBER,
        Scope.KEY_RESULT,
        Severity.MINOR,
        "A direction without a number",
        "It says which way to move but not from where or to where, so any change counts as success.",
        "Add the baseline and the target (as placeholders until you know them).",
    ),
    IssueDefinition(
        IssueCode.WEASEL_WORD,
        Scope.KEY_RESULT,
        Severity.MINOR,
        "A word that hides the measure",
        "Words like 'effective', 'quality' or 'engagement' sound measurable but leave open what is counted.",
        "Replace the word with the observable thing you mean.",
    ),
    IssueDefinition(
        IssueCode.MISSING_BASELINE,
        Scope.KEY_RESULT,
        Severity.INFO,
        "No baseline",
        "Without the starting level nobody can tell how ambitious the target is, or whether it moved.",
        "State where the measure is today ('from [baseline] to …').",
    ),
    IssueDefinition(
        IssueCode.MISSING_TARGET,
        Scope.KEY_RESULT,
        Severity.MINOR,
        "No target",
        "It names a measure but not the level that would count as success.",
        "Add the target level once the baseline is known ('… to [target]').",
    ),
    IssueDefinition(
        IssueCode.MISSING_TIME_FRAME,
        Scope.KEY_RESULT,
        Severity.MINOR,
        "No deadline or cadence",
        "It does not say by when, or how often, the measure is read.",
        "Add a deadline ('by end of Q3') or a measurement cadence ('by month').",
    ),
    IssueDefinition(
        IssueCode.HEALTH_METRIC,
        Scope.KEY_RESULT,
        Severity.MINOR,
        "A health metric to keep, not a change to make",
        "Keeping a level steady is what a KPI monitors; a Key Result is for something that must change.",
        "Monitor it as a KPI, or make it a Key Result only if it must move this period.",
    ),
    IssueDefinition(
        IssueCode.TWO_MEASURES,
        Scope.KEY_RESULT,
        Severity.MINOR,
        "Two measures in one Key Result",
        "When one moves and the other does not, the Key Result is neither hit nor missed.",
        "Split it into one Key Result per measure.",
    ),
    IssueDefinition(
        IssueCode.VANITY_MEASURE,
        Scope.KEY_RESULT,
        Severity.MINOR,
        "A vanity measure",
        "Counts like downloads, page views or followers rise without anyone getting value.",
        "Measure the behaviour that shows value: active use, repeat use, conversion.",
    ),
    IssueDefinition(
        IssueCode.PROJECT_OBJECTIVE,
        Scope.OBJECTIVE,
        Severity.MAJOR,
        "The Objective is a project",
        "When the Objective names a project, its Key Results become the project's tasks.",
        "Rewrite the Objective as the outcome you would see if the project succeeded.",
    ),
    IssueDefinition(
        IssueCode.NO_KEY_RESULTS,
        Scope.SET,
        Severity.MAJOR,
        "An Objective without Key Results",
        "Nothing says how you would know the Objective is being achieved.",
        "Add two to four Key Results that are evidence of the Objective.",
    ),
    IssueDefinition(
        IssueCode.TOO_MANY_KEY_RESULTS,
        Scope.SET,
        Severity.MINOR,
        "Too many Key Results",
        "More than five Key Results for one Objective dilutes focus; some are probably actions or KPIs.",
        "Keep the three to five that are the best evidence; move actions to Actions, steady levels to KPIs.",
    ),
    IssueDefinition(
        IssueCode.ALL_ACTIONS,
        Scope.SET,
        Severity.MAJOR,
        "Every Key Result is an action",
        "All of them could be done while the Objective is still not achieved.",
        "Keep the actions as Actions and add Key Results that measure the change they aim at.",
    ),
    IssueDefinition(
        IssueCode.NO_COUNTER_METRIC,
        Scope.SET,
        Severity.INFO,
        "No counter-metric",
        "A growth or speed Key Result alone can be hit by sacrificing quality, cost or customers.",
        "Pair it with a Key Result that guards what could suffer (error rate, churn, satisfaction, cost).",
    ),
)

CATALOGUE: dict[IssueCode, IssueDefinition] = {definition.code: definition for definition in _DEFINITIONS}
"""Every issue code with its definition. Each code is defined exactly once, here."""


def definition(code: IssueCode) -> IssueDefinition:
    """The catalogue entry of one code."""
    return CATALOGUE[code]
