"""A 1,000-Key-Result batch job through the HTTP service against the scripted model server: wall time vs ideal.

    python benchmarks/api_job.py [--objectives 40] [--per-objective 25] [--latency 0.3] [--concurrency 16]

Starts the scripted OpenAI-compatible server (fixed reply latency) and `krcoach serve` pointing at it, submits
the set to `POST /v1/jobs`, polls `GET /v1/jobs/{id}` until done, fetches the result, and prints the wall time
next to the ideal `calls × latency / concurrency` and the bound `⌈calls / concurrency⌉ × latency`.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from krcoach.domain.analysis import SetAnalysis
from krcoach.testing.scripted_server import ScriptedServer
from krcoach.testing.service import running_service
from krcoach.testing.workloads import GOOD, generated_set


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--objectives", type=int, default=40)
    parser.add_argument("--per-objective", type=int, default=25)
    parser.add_argument("--latency", type=float, default=0.3)
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args()
    okr_set = generated_set(args.objectives, args.per_objective)
    model = ScriptedServer(GOOD, latency_s=args.latency)
    with tempfile.TemporaryDirectory(prefix="krcoach-job-bench-") as folder, model.running() as model_url:
        env = {
            "KRCOACH_LLM_BASE_URL": model_url,
            "KRCOACH_LLM_MODEL": "scripted",
            "KRCOACH_LLM_CACHE": "off",
            "KRCOACH_CONCURRENCY": str(args.concurrency),
            "KRCOACH_JOBS_DB": str(Path(folder) / "jobs.sqlite3"),
            "KRCOACH_LOG_LEVEL": "warning",
        }
        with (
            running_service(env, Path(folder) / "service.log") as service,
            httpx.Client(base_url=service.base_url, timeout=60, trust_env=False) as http,
        ):
            started = time.perf_counter()
            body, json_type = okr_set.model_dump_json(), {"Content-Type": "application/json"}
            job_id = http.post("/v1/jobs", content=body, headers=json_type).json()["id"]
            while http.get(f"/v1/jobs/{job_id}").json()["state"] not in {"done", "failed", "cancelled"}:
                time.sleep(0.02)
            result = SetAnalysis.model_validate_json(http.get(f"/v1/jobs/{job_id}/result").content)
            wall = time.perf_counter() - started
    calls = result.meta.usage.calls
    ideal = calls * args.latency / args.concurrency
    waves = -(-calls // args.concurrency) * args.latency
    key_results = result.key_results()
    print(f"job: {len(key_results)} Key Results in {len(result.objectives)} Objectives, "
          f"model latency {args.latency} s, concurrency {args.concurrency}")  # fmt: skip
    print(f"  model calls            {calls}")
    print(f"  wall (submit → result) {wall:.2f} s")
    print(f"  ideal calls×lat/conc   {ideal:.2f} s  (ratio {wall / ideal:.2f})")
    print(f"  bound ⌈calls/conc⌉×lat {waves:.2f} s  (ratio {wall / waves:.2f})")
    print(f"  results                {len(key_results)} ({len({kr.id for kr in key_results})} distinct ids)")


if __name__ == "__main__":
    main()
