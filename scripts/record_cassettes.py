"""Record both model cassettes again against the local llama.cpp server (Gemma 3 270M), one after the other.

    .venv/bin/python scripts/record_cassettes.py [--threads 1] [--only model|injection] [--resume]

Needs the llm-server extra (`make .venv/.installed-llm-server`). A change to the prompt, the diagnosis (which Key
Results are sent and what is said of them) or the checks that decide re-asks changes the requests, so the replays in
`make eval-model` and tests/injection/test_recorded_run.py miss until this is run. Takes about 40 minutes on 2
cores with one server thread. Prints each command's last lines (the figures to quote). `--resume` goes on from a
recording that stopped half-way (a reply torn by the stop is dropped first).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from krcoach.testing.llama_server import running_llama_server

ROOT = Path(__file__).resolve().parent.parent
KRCOACH = str(Path(sys.executable).parent / "krcoach")
RUNS = {
    "model": (
        [KRCOACH, "eval-model", "--sample", "12", "--record", "evals/cassettes/gemma3-270m.jsonl"],
        {"KRCOACH_LLM_MAX_TOKENS": "1024"},  # the tiny model can loop until the limit: keep it short
    ),
    "injection": (
        [KRCOACH, "eval-injection", "--live", "--record", "evals/cassettes/injection-gemma3-270m.jsonl"],
        {"KRCOACH_LLM_MAX_TOKENS": "1024"},
    ),
}


def _drop_torn_reply(cassette: Path) -> None:
    """A recording stopped mid-write leaves a last line that is not JSON: drop it, keep the rest."""
    if not cassette.is_file():
        return
    lines = cassette.read_text(encoding="utf-8").splitlines()
    while lines:
        try:
            json.loads(lines[-1])
            break
        except json.JSONDecodeError:
            lines.pop()
    cassette.write_text("".join(line + "\n" for line in lines), encoding="utf-8")


def main() -> int:
    """Start the server, record the chosen cassettes, stop the server."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--threads", type=int, default=1, help="server threads (one leaves a core to the client)")
    parser.add_argument("--only", choices=sorted(RUNS), action="append", help="record only these (default: all)")
    parser.add_argument("--resume", action="store_true", help="keep the replies the cassettes already hold")
    args = parser.parse_args()
    failures = 0
    with running_llama_server(n_ctx=8192, threads=args.threads) as url:
        for name in args.only or sorted(RUNS):
            command, extra = RUNS[name]
            if args.resume:
                _drop_torn_reply(ROOT / command[-1])
                command = [*command, "--resume"]
            env = {
                **os.environ,
                "KRCOACH_LLM_BASE_URL": url,
                "KRCOACH_LLM_MODEL": "gemma-3-270m",
                "KRCOACH_LLM_OUTPUT_MODE": "json_object",
                "KRCOACH_LLM_TIMEOUT_S": "1200",
                "KRCOACH_LLM_DEADLINE_S": "3600",
                "KRCOACH_CONCURRENCY": "1",
                **extra,
            }
            start = time.monotonic()
            done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, check=False)
            tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-25:])
            print(f"== {name}: exit {done.returncode} after {time.monotonic() - start:.0f} s\n{tail}", flush=True)
            failures += done.returncode not in {0, 1}  # 1: a gate or a case failed; the cassette is still written
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
