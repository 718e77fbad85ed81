"""Load on `POST /v1/key-results/analyze` (offline engine): requests/s and p50/p99 latency, with wrk on loopback.

    python benchmarks/api_load.py [--workers 2] [--connections 64] [--duration 15]

Starts `krcoach serve --workers N` on a free loopback port, warms it up, then runs wrk (Debian package `wrk`)
with `--latency` and prints its figures. wrk shares the machine's cores with the server, as a real
co-located load generator would; the figures are a lower bound for a server with the machine to itself.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from krcoach.testing.service import running_service

BODY = {
    "key_result": "Launch the redesigned onboarding flow by 30 June",
    "objective": "New customers succeed without our help",
}
_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--duration", type=int, default=15, help="seconds of measured load")
    args = parser.parse_args()
    wrk = shutil.which("wrk")
    if wrk is None:
        sys.exit("needs wrk: apt-get install wrk")
    with tempfile.TemporaryDirectory(prefix="krcoach-load-") as folder:
        work = Path(folder)
        script = work / "post.lua"
        script.write_text(
            'wrk.method = "POST"\n'
            'wrk.headers["Content-Type"] = "application/json"\n'
            f"wrk.body = {json.dumps(json.dumps(BODY))}\n"
            "done = function(summary, latency, requests)\n"
            '  io.write(string.format("non2xx_or_errors %d\\n", summary.errors.status + summary.errors.connect'
            " + summary.errors.read + summary.errors.write + summary.errors.timeout))\n"
            "end\n"
        )
        env = {"KRCOACH_ENGINE": "rules", "KRCOACH_JOBS_DB": str(work / "jobs.sqlite3"), "KRCOACH_LOG_LEVEL": "warning",
               "KRCOACH_RATE_LIMIT_PER_MINUTE": "100000000"}  # fmt: skip
        with running_service(env, work / "service.log", workers=args.workers) as service:
            url = f"{service.base_url}/v1/key-results/analyze"
            common = [wrk, "-t", str(args.threads), "-c", str(args.connections), "-s", str(script), "--latency"]
            subprocess.run([*common, "-d", "3", url], capture_output=True, check=True)  # warm-up
            measured = [*common, "-d", str(args.duration), url]
            output = subprocess.run(measured, capture_output=True, text=True, check=True)
    report(output.stdout, args)


def report(output: str, args: argparse.Namespace) -> None:
    """Print the figures that matter from wrk's output."""
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    latencies = {
        pct: float(value) * _UNITS[unit]
        for pct, value, unit in re.findall(r"^\s+(50|75|90|99)%\s+([\d.]+)(us|ms|s)$", output, flags=re.MULTILINE)
    }
    errors = int(re.search(r"non2xx_or_errors (\d+)", output).group(1))  # type: ignore[union-attr]
    total = re.search(r"(\d+) requests in", output).group(1)  # type: ignore[union-attr]
    print(f"POST /v1/key-results/analyze, offline engine, --workers {args.workers}, {args.connections} connections, "
          f"{args.duration} s (wrk -t{args.threads})")  # fmt: skip
    print(f"  requests        {total} ({errors} non-2xx or socket errors)")
    print(f"  requests/s      {rps:,.0f}   (target >= 1,000)")
    print(f"  latency p50     {latencies['50']:.1f} ms")
    print(f"  latency p90     {latencies['90']:.1f} ms")
    print(f"  latency p99     {latencies['99']:.1f} ms   (target < 50 ms)")


if __name__ == "__main__":
    main()
