"""Key Results diagnosed per second in one process, on a generated set of 10,000, and peak memory.

Run: `.venv/bin/python benchmarks/diagnose_throughput.py [--count 10000] [--repeat 3]`
"""

from __future__ import annotations

import argparse
import random
import resource
import time
import tracemalloc

from krcoach.domain.diagnosis import diagnose

VERBS = ["Launch", "Increase", "Reduce", "Run", "Publish", "Maintain", "Hire", "Grow", "Complete", "Improve"]
OBJECTS = [
    "the redesigned onboarding flow",
    "NPS",
    "monthly churn",
    "customer interviews",
    "blog posts",
    "uptime",
    "senior engineers",
    "ARR",
    "the SOC 2 audit",
    "customer retention",
    "time to first value",
    "share of trial users who activate in week one",
    "support first response time",
    "webinars with partners",
]
TAILS = ["by 30 June", "from 32 to 50", "to 2%", "by end of Q3", "per month", "", "from $2M to $3.5M by FY27"]
COUNTS = ["", "12 ", "20 ", "six ", "100% of "]


def generate(count: int, seed: int = 7) -> list[str]:
    """A reproducible mix of action- and result-based Key Results."""
    rng = random.Random(seed)
    return [
        f"{rng.choice(VERBS)} {rng.choice(COUNTS)}{rng.choice(OBJECTS)} {rng.choice(TAILS)}".strip()
        for _ in range(count)
    ]


def main() -> None:
    """Print throughput (best of the repeats) and peak memory."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    texts = generate(args.count)
    diagnose(texts[0])  # build the word tables outside the timing
    best = float("inf")
    for _ in range(args.repeat):
        started = time.perf_counter()
        for text in texts:
            diagnose(text)
        best = min(best, time.perf_counter() - started)
    tracemalloc.start()
    results = [diagnose(text) for text in texts]
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    actions = sum(result.label == "action" for result in results)
    rss_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"key results:           {args.count} ({actions} diagnosed as actions)")
    print(f"best of {args.repeat} runs:        {best:.3f} s")
    print(f"throughput:            {args.count / best:,.0f} Key Results/s (single process)")
    print(f"per Key Result:        {best / args.count * 1e6:.1f} µs")
    print(f"peak traced memory:    {traced_peak / 2**20:.1f} MiB (holding all {args.count} diagnoses)")
    print(f"peak RSS of process:   {rss_mib:.1f} MiB")


if __name__ == "__main__":
    main()
