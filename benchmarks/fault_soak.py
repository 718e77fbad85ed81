"""The fault soak: 2,000 Key Results through `POST /v1/jobs` while 30% of model replies fail and the service is
SIGKILLed and restarted twice. Prints the figures; exits 1 unless every Key Result ends with exactly one outcome.

Run: `.venv/bin/python benchmarks/fault_soak.py [--objectives 80] [--per-objective 25] [--fault-rate 0.3]
[--kills 2] [--latency 0.2] [--concurrency 4] [--keep DIR]`
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from krcoach.testing.soak import run_soak


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--objectives", type=int, default=80)
    parser.add_argument("--per-objective", type=int, default=25)
    parser.add_argument("--fault-rate", type=float, default=0.3)
    parser.add_argument("--kills", type=int, default=2)
    parser.add_argument("--latency", type=float, default=0.2)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--keep", type=Path, help="keep the store and the service log in this folder")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="krcoach-soak-") as scratch:
        folder = args.keep or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        report = run_soak(
            folder,
            objectives=args.objectives,
            per_objective=args.per_objective,
            fault_rate=args.fault_rate,
            kills=args.kills,
            latency_s=args.latency,
            concurrency=args.concurrency,
        )
    print("\n".join(report.lines()))
    return 0 if report.passed else 1


if __name__ == "__main__":
    sys.exit(main())
