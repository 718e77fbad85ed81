"""Jobs on Redis through the API: the same contract as on SQLite (202, idempotency, cancel, one outcome each)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from fastapi.testclient import TestClient

from krcoach.api.app import create_app
from krcoach.coach import Coach
from krcoach.config import Settings
from krcoach.scale.worker import build_worker
from krcoach.testing.workloads import generated_set

pytestmark = pytest.mark.redis


@pytest.fixture
def settings(redis_url: str, tmp_path: Path) -> Settings:
    """The offline engine, jobs on Redis (a database of its own per test)."""
    database = uuid.uuid4().int % 15 + 1
    return Settings(
        engine="rules",
        redis_url=redis_url.rsplit("/", 1)[0] + f"/{database}",
        jobs_db=tmp_path / "unused.sqlite3",
        worker_poll_s=0.01,
    )


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    """An API replica on Redis (no worker runs inside it)."""
    assert settings.redis_url is not None
    with redis.Redis.from_url(settings.redis_url) as sync_client:
        sync_client.flushdb()
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def _run_workers_until_idle(settings: Settings) -> None:
    """One worker in burst mode: it runs every queued task, then stops."""

    async def drain() -> None:
        worker = build_worker(settings, burst=True, handle_signals=False)  # ARQ takes the loop it is built in
        try:
            await worker.async_run()
        finally:
            await worker.close()

    asyncio.run(drain())


def _body(objectives: int = 3) -> dict[str, Any]:
    return generated_set(objectives, 4).model_dump(mode="json")


def test_a_job_on_redis_waits_for_a_worker_and_then_has_every_key_result_once(
    client: TestClient, settings: Settings
) -> None:
    submitted = client.post("/v1/jobs", json=_body())
    job_id = submitted.json()["id"]
    assert submitted.status_code == 202
    assert client.get(f"/v1/jobs/{job_id}").json()["state"] == "queued"  # no worker yet: API replicas only store

    _run_workers_until_idle(settings)

    status = client.get(f"/v1/jobs/{job_id}").json()
    assert status["state"] == "done" and status["key_results_done"] == status["key_results_total"] == 12
    result = client.get(f"/v1/jobs/{job_id}/result").json()
    ids = [kr["id"] for objective in result["objectives"] for kr in objective["key_results"]]
    assert len(ids) == len(set(ids)) == 12


def test_a_job_on_redis_gives_the_same_analysis_as_the_coach_in_process(client: TestClient, settings: Settings) -> None:
    body = _body(4)
    job_id = client.post("/v1/jobs", json=body).json()["id"]
    _run_workers_until_idle(settings)

    on_redis = client.get(f"/v1/jobs/{job_id}/result").json()
    in_process = Coach().analyze_now(generated_set(4, 4)).model_dump(mode="json")

    assert on_redis["objectives"] == in_process["objectives"]
    assert on_redis["okra"] == in_process["okra"]


def test_the_same_idempotency_key_on_redis_returns_the_same_job_and_another_body_is_409(client: TestClient) -> None:
    headers = {"Idempotency-Key": "nightly-run"}
    first = client.post("/v1/jobs", json=_body(2), headers=headers).json()["id"]

    again = client.post("/v1/jobs", json=_body(2), headers=headers)
    other = client.post("/v1/jobs", json=_body(3), headers=headers)

    assert again.json()["id"] == first
    assert other.status_code == 409


def test_a_cancelled_job_on_redis_is_not_run_by_the_workers(client: TestClient, settings: Settings) -> None:
    job_id = client.post("/v1/jobs", json=_body()).json()["id"]

    cancelled = client.delete(f"/v1/jobs/{job_id}").json()
    _run_workers_until_idle(settings)

    assert cancelled["state"] == "cancelled"
    status = client.get(f"/v1/jobs/{job_id}").json()
    assert status["state"] == "cancelled" and status["objectives_done"] == 0
    assert client.get(f"/v1/jobs/{job_id}/result").status_code == 409


def test_readiness_on_redis_checks_that_redis_answers(client: TestClient) -> None:
    ready = client.get("/readyz")

    assert ready.status_code == 200
    assert ready.json()["checks"]["job_store"] == "ok"
