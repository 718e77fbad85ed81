"""How fast `/kr` is acknowledged while Slack's Web API refuses connections, answers 500, or answers after 5 s.

    python benchmarks/slack_ack.py [--commands 20]

For each case: the service (offline engine, Slack app with a bot token) on a real uvicorn on loopback, a Web API
double that behaves so, and `--commands` signed `/kr` commands one after the other. Prints the acknowledgement
times (median, worst), whether every coaching reply reached its `response_url`, and how many calls the Web API
double had answered when the first command was acknowledged. Slack's limit is 3 s; the target is under 1 s.
"""

from __future__ import annotations

import argparse
import logging
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from krcoach.api.app import create_app
from krcoach.config import Settings
from krcoach.testing.slack import (
    FORM,
    FakeSlackWebApi,
    ResponseUrlReceiver,
    command_body,
    recording,
    refusing_api_url,
    serving,
)

SECRET = "benchmark-signing-secret"
CASES = ("refusing connections", "answering 500", "answering after 5 s")
COMMAND = "Launch the redesigned onboarding flow by 30 June | New customers succeed without help"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--commands", type=int, default=20, help="`/kr` commands per case")
    args = parser.parse_args()
    logging.getLogger("krcoach").setLevel(logging.ERROR)  # the token check's warnings are expected here
    print(f"/kr acknowledgement with KRCOACH_SLACK_BOT_TOKEN set, {args.commands} commands per case (target < 1 s)")
    receiver = ResponseUrlReceiver()
    with recording(receiver):
        for case in CASES:
            measure(case, args.commands, receiver)


def measure(case: str, commands: int, receiver: ResponseUrlReceiver) -> None:
    """Start the service against a Web API double behaving as `case`; print the ack times of `commands`."""
    web_api = FakeSlackWebApi()
    api_url = web_api.api_url
    if case == "refusing connections":
        api_url = refusing_api_url()
    elif case == "answering 500":
        web_api.failing_status = 500
    else:
        web_api.delay_s = 5.0
    with recording(web_api), tempfile.TemporaryDirectory(prefix="krcoach-slack-") as folder:
        settings = Settings(
            engine="rules",
            jobs_db=Path(folder) / "jobs.sqlite3",
            slack_signing_secret=SECRET,
            slack_bot_token="xoxb-benchmark",
            slack_api_url=api_url,
        )
        with serving(create_app(settings), SECRET) as service:
            if case != "refusing connections":
                web_api.wait_at("/api/auth.test")  # the start-up check is under way
            times, statuses, answered_at_first_ack = [], set(), None
            slug = case.replace(" ", "-")
            for n in range(commands):
                started = time.perf_counter()
                response = service.post(command_body(COMMAND, receiver.url(f"{slug}-{n}")), FORM)
                times.append(time.perf_counter() - started)
                statuses.add(response.status_code)
                if answered_at_first_ack is None:
                    answered_at_first_ack = web_api.answered_count()
            replies = sum(1 for n in range(commands) if _reply_came(receiver, f"/hooks/{slug}-{n}"))
    print(f"  Web API {case:<22} ack median {statistics.median(times) * 1000:6.1f} ms   "
          f"worst {max(times) * 1000:6.1f} ms   statuses {sorted(statuses)}   "
          f"replies at response_url {replies}/{commands}   "
          f"Web API answers sent before the first ack: {answered_at_first_ack}")  # fmt: skip


def _reply_came(receiver: ResponseUrlReceiver, path: str) -> bool:
    try:
        receiver.wait_at(path, timeout=10)
    except AssertionError:
        return False
    return True


if __name__ == "__main__":
    main()
