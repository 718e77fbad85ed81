"""How long `krcoach check` takes from a cold start, and whether it loads the model client it does not need.

Run: `.venv/bin/python benchmarks/cli_startup.py [--repeat 7]`

Prints the median and worst wall time of `krcoach check "<a Key Result>"` with no model configured (the offline
engine), and the modules of the model client (openai, httpx) that such a run imported, which should be none.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

KEY_RESULT = "Run 20 customer interviews by end of Q2"
CLIENT_MODULES = ("openai", "krcoach.llm.transport", "krcoach.engines.llm")


def _krcoach() -> list[str]:
    script = Path(sys.executable).parent / "krcoach"
    return [str(script)] if script.exists() else [sys.executable, "-m", "krcoach"]


def _offline_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith(("KRCOACH_LLM", "OPENAI_"))}


def main() -> None:
    """Time the command and list the model-client modules it imported."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    env = _offline_env()
    times = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        subprocess.run([*_krcoach(), "check", KEY_RESULT], env=env, capture_output=True, check=True)
        times.append(time.perf_counter() - start)
    traced = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "krcoach", "check", KEY_RESULT],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    imported = {
        line.rsplit("|", 1)[-1].strip() for line in traced.stderr.splitlines() if line.startswith("import time")
    }
    client = sorted(m for m in imported if m.startswith(CLIENT_MODULES))
    print(
        f"krcoach check, {args.repeat} cold starts: median {statistics.median(times):.3f} s, worst {max(times):.3f} s"
    )
    print(f"model-client modules imported: {', '.join(client) if client else 'none'}")


if __name__ == "__main__":
    main()
