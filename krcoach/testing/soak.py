"""The fault soak: a large job through `POST /v1/jobs` while the model fails and the service is killed.

The scripted model server fails `fault_rate` of its replies in every way an endpoint fails; `krcoach serve` is
SIGKILLed `kills` times at evenly spaced points of the job's progress and started again on the same store; the
submission is repeated after each restart with the same `Idempotency-Key`, as a client that lost its connection
would. The report says whether every Key Result ended with exactly one outcome.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from krcoach.domain.analysis import SetAnalysis
from krcoach.domain.guards import invented_numbers
from krcoach.domain.okr import OKRSet
from krcoach.testing.scripted_server import ScriptedServer
from krcoach.testing.service import ServiceProcess, running_service
from krcoach.testing.workloads import faulty, generated_set

FINISHED = {"done", "failed", "cancelled"}
Status = dict[str, object]


@dataclass
class SoakReport:
    """What happened, and what the result held."""

    key_results: int
    objectives: int
    kills: int = 0
    restarts: int = 0
    same_job_after_restart: bool = True
    state: str = ""
    outcomes: int = 0
    distinct_outcomes: int = 0
    missing: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    stored_objectives: int = 0
    stored_key_results: int = 0
    status_counts: dict[str, int] = field(default_factory=dict)
    counts_consistent: bool = True
    without_outcome: int = 0
    fallbacks: int = 0
    with_errors: int = 0
    invented_numbers: int = 0
    model_requests: int = 0
    model_calls: int = 0
    wall_s: float = 0.0

    @property
    def passed(self) -> bool:
        """Every Key Result exactly once, each with an outcome; counts consistent; nothing invented."""
        return (
            self.state == "done"
            and self.kills == self.restarts
            and self.same_job_after_restart
            and self.outcomes == self.distinct_outcomes == self.key_results
            and not self.missing
            and not self.duplicates
            and self.stored_objectives == self.objectives
            and self.stored_key_results == self.key_results
            and self.counts_consistent
            and self.without_outcome == 0
            and self.invented_numbers == 0
        )

    def lines(self) -> list[str]:
        """The figures, one per line."""
        return [
            f"set: {self.key_results} Key Results in {self.objectives} Objectives",
            f"kills (SIGKILL) / restarts: {self.kills} / {self.restarts}; same job after each restart: "
            f"{self.same_job_after_restart}",
            f"job state: {self.state}; wall {self.wall_s:.1f} s",
            f"outcomes: {self.outcomes} ({self.distinct_outcomes} distinct ids); missing {len(self.missing)}; "
            f"duplicates {len(self.duplicates)}",
            f"store: {self.stored_objectives} Objective outcomes holding {self.stored_key_results} Key Results",
            f"status counts: {self.status_counts}; consistent throughout: {self.counts_consistent}",
            f"Key Results needing work without proposals or an explicit error: {self.without_outcome}",
            f"fell back to the offline engine: {self.fallbacks}; with an explicit error: {self.with_errors}",
            f"invented numbers in the output: {self.invented_numbers}",
            f"model: {self.model_requests} HTTP requests, {self.model_calls} calls counted in the result",
            f"PASS: {self.passed}",
        ]


def run_soak(
    folder: Path, *, objectives: int = 80, per_objective: int = 25, fault_rate: float = 0.3, kills: int = 2,
    latency_s: float = 0.2, concurrency: int = 4, timeout_s: float = 600,
) -> SoakReport:  # fmt: skip
    """Run the soak in `folder` (its store and logs stay there) and report."""
    okr_set = generated_set(objectives, per_objective)
    report = SoakReport(key_results=sum(len(o.key_results) for o in okr_set.objectives), objectives=objectives)
    model = ScriptedServer(faulty(fault_rate), latency_s=latency_s)
    body = okr_set.model_dump_json()
    headers = {"Content-Type": "application/json", "Idempotency-Key": "soak-1"}
    started = time.monotonic()
    with ExitStack() as stack:
        model_url = stack.enter_context(model.running())
        http = stack.enter_context(httpx.Client(timeout=30, trust_env=False))
        env = _service_env(model_url, folder, concurrency)
        job_id = ""
        for life in range(kills + 1):
            report.restarts += life > 0
            with _service(env, folder) as service:
                answer = http.post(f"{service.base_url}/v1/jobs", content=body, headers=headers).json()
                report.same_job_after_restart &= not job_id or answer["id"] == job_id
                job_id = answer["id"]
                if life < kills:
                    _follow(http, service, job_id, report, until=_progress_past(report, (life + 1) / (kills + 1)))
                    service.kill()
                    report.kills += 1
                    continue
                status = _follow(http, service, job_id, report, until=lambda s: s["state"] in FINISHED, limit=timeout_s)
                report.state = str(status["state"])
                if report.state == "done":
                    result = http.get(f"{service.base_url}/v1/jobs/{job_id}/result")
                    _check_result(SetAnalysis.model_validate_json(result.content), okr_set, report)
        report.model_requests = len(model.requests)
    report.wall_s = time.monotonic() - started
    _check_store(folder / "jobs.sqlite3", job_id, report)
    return report


def _progress_past(report: SoakReport, share: float) -> Callable[[Status], bool]:
    """True once the job has this share of its Key Results done."""
    threshold = int(report.key_results * share)
    return lambda status: int(str(status["key_results_done"])) >= threshold


def _service_env(model_url: str, folder: Path, concurrency: int) -> dict[str, str]:
    return {
        "KRCOACH_LLM_BASE_URL": model_url,
        "KRCOACH_LLM_MODEL": "scripted",
        "KRCOACH_LLM_CACHE": "off",
        "KRCOACH_LLM_TIMEOUT_S": "2",
        "KRCOACH_LLM_RETRY_BASE_DELAY_S": "0.2",
        "KRCOACH_CONCURRENCY": str(concurrency),
        "KRCOACH_JOBS_DB": str(folder / "jobs.sqlite3"),
        "KRCOACH_LOG_LEVEL": "warning",
    }


@contextmanager
def _service(env: dict[str, str], folder: Path) -> Iterator[ServiceProcess]:
    with running_service(env, folder / "service.log") as service:
        yield service


def _follow(
    http: httpx.Client,
    service: ServiceProcess,
    job_id: str,
    report: SoakReport,
    *,
    until: Callable[[Status], bool],
    limit: float = 300,
) -> Status:
    """Poll the job's status until `until(status)`; check the counts never go backwards or past the totals."""
    deadline = time.monotonic() + limit
    while True:
        status: Status = http.get(f"{service.base_url}/v1/jobs/{job_id}").json()
        _check_counts(status, report)
        if until(status) or time.monotonic() > deadline:
            return status
        time.sleep(0.05)


def _check_counts(status: Status, report: SoakReport) -> None:
    counts = {name: int(str(status[name])) for name in ("objectives_done", "objectives_total",
              "key_results_done", "key_results_total")}  # fmt: skip
    previous = report.status_counts
    report.counts_consistent &= (
        counts["objectives_total"] == report.objectives
        and counts["key_results_total"] == report.key_results
        and counts["objectives_done"] <= counts["objectives_total"]
        and counts["key_results_done"] <= counts["key_results_total"]
        and all(counts[name] >= previous.get(name, 0) for name in counts)
    )
    report.status_counts = counts


def _check_result(result: SetAnalysis, okr_set: OKRSet, report: SoakReport) -> None:
    ids = [kr.id for kr in result.key_results()]
    expected = [kr.id for objective in okr_set.objectives for kr in objective.key_results]
    seen = Counter(ids)
    report.outcomes, report.distinct_outcomes = len(ids), len(seen)
    report.duplicates = sorted(kr_id for kr_id, n in seen.items() if n > 1)
    report.missing = sorted(set(expected) - set(seen))
    sources = {o.id: [o.title, *(kr.text for kr in o.key_results)] for o in okr_set.objectives}
    key_results = result.key_results()
    report.without_outcome = sum(kr.needs_work and not (kr.proposals or kr.errors) for kr in key_results)
    report.fallbacks = sum(kr.fallback for kr in key_results)
    report.with_errors = sum(bool(kr.errors) for kr in key_results)
    report.invented_numbers = sum(
        bool(invented_numbers(p.text, *sources[kr.objective_id])) for kr in key_results for p in kr.proposals
    )
    report.model_calls = result.meta.usage.calls


def _check_store(path: Path, job_id: str, report: SoakReport) -> None:
    """Read the store directly: one row per Objective, and the Key Results they hold."""
    with sqlite3.connect(path) as db:
        rows = db.execute("SELECT objective_index, outcome FROM outcomes WHERE job_id = ?", (job_id,)).fetchall()
    report.stored_objectives = len({index for index, _ in rows})
    report.stored_key_results = sum(len(json.loads(text)["analysis"]["key_results"]) for _, text in rows)
