"""Fuzz every `/v1` operation from the service's own OpenAPI document (schemathesis), at length, and count.

    python benchmarks/fuzz_api.py [--examples 500] [--seed N]

The service runs in-process (ASGI) on the offline engine with an API key required, as in
`tests/reliability/test_api_fuzz.py`, and gets the same checks on every answer: no 5xx, every error an RFC 9457
problem document, status, content type, headers and body as documented. Each operation is fuzzed with
`--examples` schema-valid and as many malformed requests (a job's own operations take no malformed input: their
id is any string); `POST /v1/okr-sets/analyze` once more with `Accept: application/x-ndjson`; a job's status,
result and cancel get the ids of jobs the run submitted as well as generated ones.

Prints the cases and answers per operation and mode, the distinct failures, and one summary line. Exits 1 on any
server error or failed check.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from schemathesis import APIOperation, CheckContext, GenerationMode, Response
from schemathesis.core.failures import FailureGroup
from schemathesis.core.version import SCHEMATHESIS_VERSION
from schemathesis.python import asgi

from krcoach import __version__
from krcoach.api.routes.analyze import NDJSON
from tests.reliability.api_fuzzing import AUTH, CHECKS, V1_OPERATIONS, FuzzCase, excluded_checks, fuzz_app, fuzz_schema

Operation = APIOperation[Any, Any, Any, Any]
Label = tuple[str, str]
"""An operation ("POST /v1/jobs") and the mode it was fuzzed in ("positive", "negative", "ndjson")."""


class Tally:
    """Cases sent, answers by status, and failed checks, per operation and mode."""

    def __init__(self) -> None:
        self.cases: Counter[Label] = Counter()
        self.statuses: dict[Label, Counter[int]] = {}
        self.failures: Counter[tuple[str, str]] = Counter()
        self.examples: dict[tuple[str, str], str] = {}
        self.job_ids: list[str] = []

    def send(self, label: Label, case: FuzzCase, headers: dict[str, str]) -> None:
        """Send one case, count its answer, run every check on it and record what fails."""
        self.cases[label] += 1
        try:
            response = case.call(headers=headers)
        except Exception as error:  # the app raised: it answered 500, and the in-process transport re-raises
            self.statuses.setdefault(label, Counter())[500] += 1
            key = (case.operation.label, f"server error: {type(error).__name__}: {error}"[:160])
            self.failures[key] += 1
            self.examples.setdefault(key, case.as_curl_command(headers))
            return
        self.statuses.setdefault(label, Counter())[response.status_code] += 1
        if label[0] == "POST /v1/jobs" and response.status_code == 202:
            self.job_ids.append(response.json()["id"])
        try:
            case.validate_response(
                response,
                headers=headers,
                additional_checks=[*CHECKS, _not_a_server_error],
                excluded_checks=excluded_checks(case),
                transport_kwargs={"headers": headers},
            )
        except FailureGroup as group:
            for failure in group.exceptions:
                key = (case.operation.label, f"{failure.code} {failure.title}")
                self.failures[key] += 1
                self.examples.setdefault(key, f"{failure.message.strip()}\n    {case.as_curl_command(headers)}")

    def server_errors(self) -> int:
        return sum(n for statuses in self.statuses.values() for status, n in statuses.items() if status >= 500)


def _not_a_server_error(ctx: CheckContext, response: Response, case: FuzzCase) -> bool | None:
    """Counted on its own as well; schemathesis' own check of this is one of the defaults."""
    assert response.status_code < 500, f"server error {response.status_code}"
    return True


def fuzz(tally: Tally, operation: Operation, mode: str, strategy: SearchStrategy[FuzzCase], examples: int, *,
         headers: dict[str, str], run_seed: int | None) -> None:  # fmt: skip
    """Send `examples` generated cases (fewer when the strategy has fewer distinct ones)."""
    label = (operation.label, mode)

    @given(case=strategy)
    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],  # every failure is counted, none shrunk
        suppress_health_check=list(HealthCheck),
    )
    def run(case: FuzzCase) -> None:
        tally.send(label, case, headers)

    seeded: Callable[[], None] = run if run_seed is None else seed(run_seed)(run)
    seeded()


def _submitted(operation: Operation, job_ids: list[str]) -> SearchStrategy[FuzzCase]:
    """Cases for the operation on the id of a job this run submitted."""

    def on(job_id: str) -> SearchStrategy[FuzzCase]:
        strategy: SearchStrategy[FuzzCase] = operation.as_strategy(path_parameters={"job_id": job_id})
        return strategy

    return st.sampled_from(job_ids or ["none"]).flatmap(on)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--examples", type=int, default=500, help="generated requests per operation and mode")
    parser.add_argument("--seed", type=int, default=None, help="hypothesis seed, for a repeatable run")
    args = parser.parse_args()
    tally = Tally()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="krcoach-fuzz-") as folder:
        app = fuzz_app(Path(folder) / "jobs.sqlite3")
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            schema = fuzz_schema(app, mode, max_examples=args.examples)
            for label in V1_OPERATIONS:
                method, path = label.split(" ", 1)
                operation = schema[path][method]
                if "{job_id}" in path:
                    if mode is GenerationMode.NEGATIVE:
                        continue  # any string is a job id: nothing to make malformed
                    strategy = st.one_of(operation.as_strategy(), _submitted(operation, tally.job_ids))
                else:
                    strategy = operation.as_strategy(generation_mode=mode)
                fuzz(tally, operation, mode.value, strategy, args.examples, headers=AUTH, run_seed=args.seed)
                if label == "POST /v1/okr-sets/analyze" and mode is GenerationMode.POSITIVE:
                    fuzz(tally, operation, "ndjson", operation.as_strategy(), args.examples,
                         headers={**AUTH, "Accept": NDJSON}, run_seed=args.seed)  # fmt: skip
        asgi.shutdown_lifespans()
    elapsed = time.perf_counter() - started
    report(tally, args.examples, elapsed)
    sys.exit(1 if tally.server_errors() or tally.failures else 0)


def report(tally: Tally, examples: int, elapsed: float) -> None:
    print(
        f"schemathesis {SCHEMATHESIS_VERSION} against krcoach {__version__} (in-process ASGI, offline "
        f"engine, API key required): up to {examples} examples per operation and mode\n"
    )
    print(f"{'operation':<32} {'mode':<9} {'cases':>6}  answers")
    for label, cases in tally.cases.items():
        answers = "  ".join(f"{status}×{n}" for status, n in sorted(tally.statuses.get(label, Counter()).items()))
        print(f"{label[0]:<32} {label[1]:<9} {cases:>6}  {answers}")
    statuses: Counter[int] = Counter()
    for counts in tally.statuses.values():
        statuses.update(counts)
    print("\nanswers:", "  ".join(f"{status}×{n}" for status, n in sorted(statuses.items())))
    for (operation, title), n in sorted(tally.failures.items()):
        print(f"\nFAILED {operation}: {title} ({n} cases)\n    {tally.examples[(operation, title)]}")
    operations = len({operation for operation, _ in tally.cases})
    print(
        f"\nschemathesis: {operations} operations, {sum(tally.cases.values()):,} cases, "
        f"{tally.server_errors()} server errors, {sum(tally.failures.values())} failed checks ({elapsed:.1f} s)"
    )


if __name__ == "__main__":
    main()
