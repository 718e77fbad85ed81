"""The same draft gives byte-identical model requests in every process: cassettes replay and caches hit.

Python salts string hashes per process, so anything iterated from a set comes out in a different order in each
run. Re-ask messages and the learned look's sums must not depend on it.
"""

from __future__ import annotations

import os
import subprocess
import sys

from krcoach.domain.diagnosis import diagnose
from krcoach.engines.base import KeyResultBrief, ObjectiveBrief
from krcoach.engines.llm_problems import reply_problems
from krcoach.llm.reply import RewriteReply

_IDS = [f"kr-{n}" for n in range(1, 7)]
_PROBE = """
from tests.test_deterministic_requests import duplicated_reply_problems
from krcoach.domain.diagnosis import diagnose
print(duplicated_reply_problems())
print(repr(diagnose("Publish 8 articles about onboarding by end of Q3").result_probability))
"""


def duplicated_reply_problems() -> list[str]:
    """The problems of a reply that answers and labels every Key Result twice."""
    briefs = tuple(
        KeyResultBrief(kr_id, f"Launch feature {kr_id}", diagnose(f"Launch feature {kr_id}")) for kr_id in _IDS
    )
    objective = ObjectiveBrief("o-1", "Customers succeed with search", False, briefs)
    proposal = {"text": "Share of searches that end in a click, by week: from [baseline] to [target]", "rationale": "x"}
    reply = RewriteReply.model_validate(
        {
            "objective_suggestion": None,
            "key_results": [{"id": kr_id, "proposals": [proposal]} for kr_id in _IDS * 2],
            "labels": [{"id": kr_id, "label": "action", "reason": "It ships a feature."} for kr_id in _IDS * 2],
        }
    )
    return [p for p in reply_problems(objective, reply, (), ()) if "more than once" in p]


def test_repeated_ids_are_reported_in_the_order_the_model_gave_them() -> None:
    problems = duplicated_reply_problems()
    assert problems == [f"{kr_id}: answered more than once" for kr_id in _IDS] + [
        f"labels: {kr_id} is labelled more than once" for kr_id in _IDS
    ]


def test_re_ask_messages_and_the_learned_look_are_the_same_in_every_process() -> None:
    outputs = set()
    for seed in ("1", "2", "3", "4"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        run = subprocess.run([sys.executable, "-c", _PROBE], env=env, capture_output=True, text=True, check=True)
        outputs.add(run.stdout)
    assert len(outputs) == 1
