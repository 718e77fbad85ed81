"""Actions that recur or count several things are quotas of activity, not one deliverable or one task.

"Finish a track every month", "A newsletter is published once a week", "train 50 sales team members" and
"20 Reps have been trained" lead with a completion or building verb, so the rules first read a milestone or a
task; the cadence or the count is what makes them quotas. Pure.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from krcoach.domain import lexicon as lx
from krcoach.domain.features import Features
from krcoach.domain.phrases import part_of_a_name

_RECURRING_RE = re.compile(
    r"\b(?:everyday|daily|weekly|fortnightly|monthly|quarterly|regularly|every\s+(?:day|week|month|quarter|sprint|season)|"
    r"(?:each|per|a|once\s+a)\s+(?:day|week|month|quarter|sprint))\b"
)


def recurs(f: Features) -> bool:
    """True when the words say the work repeats anywhere in the text ("weekly", "every sprint", "once a month")."""
    return _RECURRING_RE.search(f.lower) is not None


def is_cadence(words: Sequence[str]) -> bool:
    """True for the words of a time frame that repeats ("monthly", "per quarter", "by month"), not a deadline."""
    if words[:1] == ["by"]:
        return words[1:2] != [] and words[1].rstrip("s") in lx.CADENCE_UNITS
    return words[0] in lx.CADENCE_WORDS


def only_cadence(f: Features) -> bool:
    """True when every time frame is a cadence ("monthly", "per quarter", "by month"), none a deadline."""
    return all(is_cadence(f.text[a:b].lower().split()) for a, b in f.time_frames)


def quota_span(f: Features) -> tuple[int, int] | None:
    """The cadence or the count that makes an action a quota ("every month", "50 sales"), or None.

    A cadence counts when it says how often the work happens ("every month", "once a week", "… weekly" at the
    end), not when it names a deliverable ("a weekly metrics review", "Quarterly access review completed") or a
    measurement window ("rolling 12-month"). A count counts from two up, unless it sizes a scope or is part of a
    name ("all 42 services", "the top 10 ticket drivers", "Year 7 classes", "Postgres 16").
    """
    for start, end in f.time_frames:
        words = f.text[start:end].lower().split()
        if not is_cadence(words):
            continue
        if words[0] in lx.PHRASAL_CADENCE_OPENERS or (len(words) == 1 and not f.text[end:].strip(" .;")):
            return start, end
    tokens = f.tokens
    for token in f.target_numbers:
        index = tokens.index(token)
        if (index > 0 and tokens[index - 1].text in lx.SCOPE_BEFORE_NUMBERS) or part_of_a_name(f, index):
            continue
        digits = token.text.replace(",", "")
        if digits.isdigit() and int(digits) >= 2:
            return token.start, tokens[index + 1].end if index + 1 < len(tokens) else token.end
    return None
