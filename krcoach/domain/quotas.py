"""Actions that recur or count several things are quotas of activity, not one deliverable or one task.

"Finish a track every month", "A newsletter is published once a week", "train 50 sales team members" and
"20 Reps have been trained" lead with a completion or building verb, so the rules first read a milestone or a
task; the cadence or the count is what makes them quotas. Pure.
"""

from __future__ import annotations

from collections.abc import Sequence

from krcoach.domain import lexicon as lx
from krcoach.domain.features import Features

_CADENCE_UNITS = lx.words("day week month quarter year term cohort semester half")
_PHRASAL_CADENCE_OPENERS = lx.words("per a an each every")


def is_cadence(words: Sequence[str]) -> bool:
    """True for the words of a time frame that repeats ("monthly", "per quarter", "by month"), not a deadline."""
    if words[:1] == ["by"]:
        return words[1:2] != [] and words[1].rstrip("s") in _CADENCE_UNITS
    return words[0] in lx.CADENCE_WORDS


def quota_span(f: Features) -> tuple[int, int] | None:
    """The cadence or the count that makes an action a quota ("every month", "50 sales"), or None.

    A cadence counts when it says how often the work happens ("every month", "once a week", "… weekly" at the
    end), not when it names a deliverable ("a weekly metrics review", "Quarterly access review completed") or a
    measurement window ("rolling 12-month"). A count counts from two up, unless it sizes a scope or is part of a
    name ("all 42 services", "the top 10 ticket drivers", "Year 7 classes").
    """
    for start, end in f.time_frames:
        words = f.text[start:end].lower().split()
        if not is_cadence(words):
            continue
        if words[0] in _PHRASAL_CADENCE_OPENERS or (len(words) == 1 and not f.text[end:].strip(" .;")):
            return start, end
    tokens = f.tokens
    for token in f.target_numbers:
        index = tokens.index(token)
        if index > 0 and tokens[index - 1].text in lx.SCOPE_BEFORE_NUMBERS:
            continue
        digits = token.text.replace(",", "")
        if digits.isdigit() and int(digits) >= 2:
            return token.start, tokens[index + 1].end if index + 1 < len(tokens) else token.end
    return None
