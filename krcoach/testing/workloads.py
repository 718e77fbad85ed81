"""Generated workloads for tests and benchmarks: large OKR sets, and a model that fails in every way it can."""

from __future__ import annotations

import json
import random
from typing import Any

from krcoach.domain.okr import OKRSet
from krcoach.testing.scripted_server import Behaviour, Drop, Fail, Reply, Script, answer_with, good_proposal

KEY_RESULTS = [
    "Launch the new {x} by end of Q3",
    "Run 12 {x} workshops this quarter",
    "Increase {x} retention from 40% to 55% by Q4",
    "Publish 8 articles about {x}",
    "Reduce median {x} resolution time from 3 days to 1 day by June",
    "Hire 3 {x} specialists",
    "Improve {x}",
    "Migrate {x} to the new platform by September",
]
TOPICS = ["onboarding", "billing", "support", "reporting", "mobile", "partner", "pricing", "search"]
GOOD = answer_with(good_proposal)


def generated_set(objectives: int, per_objective: int) -> OKRSet:
    """A set of `objectives` × `per_objective` Key Results, most of them needing work."""
    data = []
    for o in range(objectives):
        topic = TOPICS[o % len(TOPICS)]
        krs = [{"text": KEY_RESULTS[(o + k) % len(KEY_RESULTS)].format(x=f"{topic} {k}")} for k in range(per_objective)]
        data.append({"title": f"Customers succeed with {topic} ({o})", "key_results": krs})
    return OKRSet.model_validate({"objectives": data})


def faulty(rate: float, seed: int = 7) -> Script:
    """A script where `rate` of the replies fail, in turn, in every way an endpoint fails."""
    rng = random.Random(seed)
    faults: list[Behaviour | Any] = [
        Fail(429, headers={"Retry-After": "0.5"}),
        Fail(500),
        Drop(),
        Reply("{}", delay_s=3.0),
        Reply("{not json"),
        Reply(json.dumps({"objective_suggestion": None, "key_results": [{"id": "x"}]})),
        answer_with(lambda kr: "Launch the new flow by [deadline]"),
        answer_with(lambda kr: "Share of customers who renew, by month: from 17% to 93% by [deadline]"),
        Reply('{"objective_suggestion": null, "key_res', finish_reason="length"),
    ]
    turn = iter(range(10**9))

    def script(body: dict[str, Any]) -> Behaviour:
        if rng.random() >= rate:
            return GOOD(body)
        fault = faults[next(turn) % len(faults)]
        return fault(body) if callable(fault) else fault

    return script
