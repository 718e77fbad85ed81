"""Throughput of batch jobs on Redis with 1, 2 and 4 `krcoach worker` processes against the scripted model.

Run: `.venv/bin/python benchmarks/scale_workers.py [--workers 1 2 4] [--objectives 160] [--per-objective 5]
[--latency 0.3] [--concurrency 4] [--limit 0]`

Starts redis-server, the scripted model server (300 ms a reply, its own process), one `krcoach serve` on Redis and
N workers (each running `--concurrency` Objectives at once); submits one job and times submit → done. With
`--limit N` every worker shares a limit of N model calls a second, and the script prints the highest rate the
model server saw in any one-second window next to it.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

import httpx

from krcoach.testing.redis_server import running_redis
from krcoach.testing.scripted_server import ScriptedServer, arrivals
from krcoach.testing.service import running_service, running_worker
from krcoach.testing.timing import max_in_any_window, wait_for
from krcoach.testing.workloads import GOOD, generated_set


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--objectives", type=int, default=160)
    parser.add_argument("--per-objective", type=int, default=5)
    parser.add_argument("--latency", type=float, default=0.3)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--limit", type=int, default=0, help="shared model calls a second (0: none)")
    args = parser.parse_args()
    print(f"job: {args.objectives * args.per_objective} Key Results in {args.objectives} Objectives; model latency "
          f"{args.latency} s; {args.concurrency} Objectives at once per worker"
          + (f"; shared limit {args.limit} calls/s" if args.limit else ""))  # fmt: skip
    baseline = None
    for count in args.workers:
        wall, peak = _run(count, args)
        baseline = baseline or wall * count / args.workers[0]
        rate = args.objectives / wall
        line = f"  {count} worker(s): {wall:6.2f} s   {rate:6.1f} Objectives/s   ×{baseline / wall:.2f} vs 1 worker"
        if args.limit:
            line += f"   peak {peak} calls in a 1-s window (limit {args.limit}, {peak / args.limit - 1:+.0%})"
        print(line, flush=True)


def _run(workers: int, args: argparse.Namespace) -> tuple[float, int]:
    okr_set = generated_set(args.objectives, args.per_objective)
    with tempfile.TemporaryDirectory(prefix="krcoach-scale-") as scratch, ExitStack() as stack:
        folder = Path(scratch)
        redis_url = stack.enter_context(running_redis(folder))
        model_url = stack.enter_context(ScriptedServer(GOOD, latency_s=args.latency).running_in_child())
        env = {
            "KRCOACH_REDIS_URL": redis_url, "KRCOACH_LLM_BASE_URL": model_url, "KRCOACH_LLM_MODEL": "scripted",
            "KRCOACH_LLM_CACHE": "off", "KRCOACH_WORKER_CONCURRENCY": str(args.concurrency),
            "KRCOACH_JOBS_DB": str(folder / "unused.sqlite3"), "KRCOACH_LOG_LEVEL": "warning",
        }  # fmt: skip
        if args.limit:
            env |= {"KRCOACH_LLM_RATE_LIMIT_CALLS": str(args.limit), "KRCOACH_LLM_RATE_WINDOW_S": "1"}
        api = stack.enter_context(running_service(env, folder / "api.log"))
        started_workers = [
            stack.enter_context(running_worker(env | {"KRCOACH_LOG_LEVEL": "info"}, folder / f"worker-{n}.log"))
            for n in range(workers)
        ]
        http = stack.enter_context(httpx.Client(base_url=api.base_url, timeout=60, trust_env=False))
        wait_for(lambda: all("worker ready" in worker.log() for worker in started_workers), 60)  # start-up untimed
        started = time.perf_counter()
        body = okr_set.model_dump_json()
        job_id = http.post("/v1/jobs", content=body, headers={"Content-Type": "application/json"}).json()["id"]
        while http.get(f"/v1/jobs/{job_id}").json()["state"] not in {"done", "failed", "cancelled"}:
            time.sleep(0.05)
        wall = time.perf_counter() - started
        return wall, max_in_any_window(arrivals(model_url), 1.0)


if __name__ == "__main__":
    main()
