"""Scale-out on a real Redis: two API replicas, three workers, a worker killed mid-job, one shared model limit."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import httpx
import pytest

from krcoach.domain.analysis import SetAnalysis
from krcoach.testing.scripted_server import ScriptedServer, arrivals
from krcoach.testing.service import free_port, running_service, running_worker
from krcoach.testing.timing import max_in_any_window, wait_for
from krcoach.testing.workloads import GOOD, generated_set
from tests.scale.helpers import JSON

pytestmark = pytest.mark.redis

CALLS_PER_WINDOW, WINDOW_S = 12, 1.0


@pytest.fixture
def model_url() -> Iterator[str]:
    """The scripted model (300 ms a reply) in its own process."""
    with ScriptedServer(GOOD, latency_s=0.3).running_in_child() as url:
        yield url


def test_a_job_survives_a_killed_worker_with_one_outcome_per_key_result_within_the_shared_limit(
    redis_url: str, model_url: str, tmp_path: Path
) -> None:
    env = {
        "KRCOACH_REDIS_URL": redis_url,
        "KRCOACH_LLM_BASE_URL": model_url,
        "KRCOACH_LLM_MODEL": "scripted",
        "KRCOACH_LLM_CACHE": "off",
        "KRCOACH_LLM_RATE_LIMIT_CALLS": str(CALLS_PER_WINDOW),
        "KRCOACH_LLM_RATE_WINDOW_S": str(WINDOW_S),
        "KRCOACH_WORKER_CONCURRENCY": "4",
        "KRCOACH_WORKER_ITEM_TIMEOUT_S": "3",  # a dead worker's tasks are taken again 3 + 10 s after it took them
        "KRCOACH_JOBS_DB": str(tmp_path / "unused.sqlite3"),
        "KRCOACH_LOG_LEVEL": "debug",  # the workers log each task they take
    }
    okr_set = generated_set(40, 25)
    with ExitStack() as stack, httpx.Client(timeout=30, trust_env=False) as http:
        api_a = stack.enter_context(running_service(env, tmp_path / "api-a.log"))
        api_b = stack.enter_context(running_service(env, tmp_path / "api-b.log"))
        metrics_port = free_port()
        workers = [
            stack.enter_context(
                running_worker(env | {"KRCOACH_WORKER_METRICS_PORT": str(metrics_port)} if n == 2 else env,
                               tmp_path / f"worker-{n}.log")
            )
            for n in range(3)
        ]  # fmt: skip
        submission = {"content": okr_set.model_dump_json(), "headers": {**JSON, "Idempotency-Key": "org-set-1"}}

        job_id = http.post(f"{api_a.base_url}/v1/jobs", **submission).json()["id"]  # type: ignore[arg-type]
        wait_for(lambda: http.get(f"{api_b.base_url}/v1/jobs/{job_id}").json()["objectives_done"] >= 10, 30)
        workers[0].kill()
        assert http.post(f"{api_b.base_url}/v1/jobs", **submission).json()["id"] == job_id  # type: ignore[arg-type]
        status = wait_for(lambda: _finished(http.get(f"{api_b.base_url}/v1/jobs/{job_id}").json()), 90)
        result = SetAnalysis.model_validate_json(http.get(f"{api_a.base_url}/v1/jobs/{job_id}/result").content)
        seen = arrivals(model_url)
        worker_metrics = http.get(f"http://127.0.0.1:{metrics_port}/metrics").text

    assert status["state"] == "done"
    assert status["key_results_done"] == status["key_results_total"] == 1000
    ids = [kr.id for kr in result.key_results()]
    assert len(ids) == len(set(ids)) == 1000
    assert all(kr.proposals for kr in result.key_results() if kr.needs_work)
    assert "run_objective" in workers[0].log()  # the killed worker had taken tasks
    assert len(seen) >= 40
    calls = [line for line in worker_metrics.splitlines() if line.startswith("krcoach_model_calls_total ")]
    assert calls and float(calls[0].split()[1]) >= 1  # each worker serves its own Prometheus metrics
    assert max_in_any_window(seen, WINDOW_S) <= CALLS_PER_WINDOW  # as the provider sees them


def _finished(status: dict[str, object]) -> dict[str, object] | None:
    return status if status["state"] in {"done", "failed", "cancelled"} else None
