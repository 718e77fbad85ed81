"""How many requests one caller gets through `krcoach serve --workers 2` in a minute, with the limit on Redis.

    python benchmarks/request_limit.py [--duration 60] [--per-minute 600] [--burst N] [--without-redis]

Starts a redis-server (Debian's package) and `krcoach serve --workers 2` (offline engine) with
KRCOACH_RATE_LIMIT_PER_MINUTE and KRCOACH_REDIS_URL, then runs wrk (Debian package `wrk`) from one address, one
caller, a new connection per request (so that both workers take requests), for `--duration` seconds and
counts the answers: 200 (admitted) and 429 (refused). A token bucket that
starts full lets through at most burst + per_minute x duration / 60 in that time; that bound is printed next to
the count. `--without-redis` runs the same against per-process limits, for comparison (up to twice as many).
A shorter `--duration` keeps the limit and scales the bound (and says so).
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
from contextlib import ExitStack
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from krcoach.testing.redis_server import is_available, running_redis
from krcoach.testing.service import running_service

BODY = {"key_result": "Launch the redesigned onboarding flow by 30 June", "objective": "New customers succeed"}
COUNTING = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Connection"] = "close"
wrk.body = {body}
local threads = {{}}
function setup(thread) table.insert(threads, thread) end
function init(args) admitted = 0; refused = 0; other = 0 end
function response(status, headers, body)
  if status == 200 then admitted = admitted + 1 elseif status == 429 then refused = refused + 1
  else other = other + 1 end
end
function done(summary, latency, requests)
  local a, r, o = 0, 0, 0
  for _, t in ipairs(threads) do a = a + t:get("admitted"); r = r + t:get("refused"); o = o + t:get("other") end
  io.write(string.format("counted admitted=%d refused=%d other=%d\\n", a, r, o))
end
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=int, default=60, help="seconds of load (60: the minute itself)")
    parser.add_argument("--per-minute", type=int, default=600, help="KRCOACH_RATE_LIMIT_PER_MINUTE")
    parser.add_argument("--burst", type=int, default=None, help="KRCOACH_RATE_LIMIT_BURST (default: per minute)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--without-redis", action="store_true", help="also run with per-process limits")
    args = parser.parse_args()
    wrk = shutil.which("wrk")
    if wrk is None or not is_available():
        sys.exit("needs wrk and redis-server: apt-get install wrk redis-server")
    burst = args.burst if args.burst is not None else args.per_minute
    bound = burst + args.per_minute * args.duration // 60
    print(f"One caller against `krcoach serve --workers {args.workers}`, KRCOACH_RATE_LIMIT_PER_MINUTE="
          f"{args.per_minute}, burst {burst}, wrk -c{args.connections} for {args.duration} s")  # fmt: skip
    if args.duration != 60:
        print(f"  (a {args.duration} s window, not a minute: the bound is scaled to burst + "
              f"{args.per_minute} x {args.duration}/60)")  # fmt: skip
    for on_redis in [True, False] if args.without_redis else [True]:
        admitted, refused, other, total = measure(wrk, args, burst, on_redis=on_redis)
        where = "shared on Redis" if on_redis else "per process (no Redis)"
        verdict = "within" if admitted <= bound else "OVER"
        print(f"  {where:<24} admitted {admitted:>5} of {total} requests ({refused} refused with 429, {other} other)"
              f"   bound burst + rate = {bound}: {verdict}")  # fmt: skip


def measure(wrk: str, args: argparse.Namespace, burst: int, *, on_redis: bool) -> tuple[int, int, int, int]:
    """Run wrk for `args.duration` s against a fresh service (and Redis); the counts of 200, 429, other, all."""
    with tempfile.TemporaryDirectory(prefix="krcoach-limit-") as folder, ExitStack() as stack:
        work = Path(folder)
        env = {"KRCOACH_ENGINE": "rules", "KRCOACH_JOBS_DB": str(work / "jobs.sqlite3"),
               "KRCOACH_LOG_LEVEL": "warning", "KRCOACH_RATE_LIMIT_PER_MINUTE": str(args.per_minute),
               "KRCOACH_RATE_LIMIT_BURST": str(burst)}  # fmt: skip
        if on_redis:
            (work / "redis").mkdir()
            env["KRCOACH_REDIS_URL"] = stack.enter_context(running_redis(work / "redis"))
        service = stack.enter_context(running_service(env, work / "service.log", workers=args.workers))
        script = work / "count.lua"
        script.write_text(COUNTING.format(body=json.dumps(json.dumps(BODY))))
        command = [wrk, "-t", "2", "-c", str(args.connections), "-d", f"{args.duration}s", "-s", str(script),
                   f"{service.base_url}/v1/key-results/analyze"]  # fmt: skip
        output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    found = re.search(r"counted admitted=(\d+) refused=(\d+) other=(\d+)", output)
    total = re.search(r"(\d+) requests in", output)
    if found is None or total is None:
        sys.exit(f"unexpected wrk output:\n{output}")
    admitted, refused, other = (int(value) for value in found.groups())
    return admitted, refused, other, int(total.group(1))


if __name__ == "__main__":
    main()
