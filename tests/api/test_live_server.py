"""The service as users run it: `krcoach serve` (uvicorn) on loopback, a scripted model server behind it.

Streaming arrives as Objectives finish, a model slower than its timeout still gets an answer, and a job whose
server is killed (SIGKILL) mid-way finishes after a restart with exactly one result per Key Result.
"""

from __future__ import annotations

import json
import signal
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from krcoach.domain.analysis import SetAnalysis
from krcoach.jobs.store import JobStore
from krcoach.testing.scripted_server import Behaviour, Reply, ScriptedServer, answer_with, draft_of, good_proposal
from krcoach.testing.service import running_service

GOOD = answer_with(good_proposal)


def slow_for(title_word: str, delay_s: float) -> Any:
    """Answer well, but wait `delay_s` first when the Objective's title contains `title_word`."""

    def script(body: dict[str, Any]) -> Behaviour:
        reply = GOOD(body)
        assert isinstance(reply, Reply)
        if title_word in draft_of(body)["objective"]:
            return Reply(reply.content, delay_s=delay_s)
        return reply

    return script


def model_env(base_url: str, tmp_path: Path, **extra: str) -> dict[str, str]:
    return {
        "KRCOACH_LLM_BASE_URL": base_url,
        "KRCOACH_LLM_MODEL": "scripted",
        "KRCOACH_LLM_CACHE": "off",
        "KRCOACH_JOBS_DB": str(tmp_path / "jobs.sqlite3"),
        "KRCOACH_LOG_LEVEL": "warning",
        **extra,
    }


def actions_set(objectives: int, per_objective: int) -> dict[str, Any]:
    return {
        "objectives": [
            {
                "title": f"Customers in region {o} stay with us",
                "key_results": [{"text": f"Hire {k + 1} support agents for region {o}"} for k in range(per_objective)],
            }
            for o in range(objectives)
        ]
    }


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=30, trust_env=False) as client:
        yield client


def test_ndjson_lines_arrive_as_each_objective_finishes(tmp_path: Path, http: httpx.Client) -> None:
    draft = {
        "objectives": [
            {"title": "Slow region stays with us", "key_results": [{"text": "Hire 4 support agents"}]},
            {"title": "Fast region stays with us", "key_results": [{"text": "Run 20 customer interviews"}]},
        ]
    }
    with (
        ScriptedServer(slow_for("Slow", 1.5)).running() as model_url,
        running_service(model_env(model_url, tmp_path, KRCOACH_CONCURRENCY="2"), tmp_path / "service.log") as service,
    ):
        arrivals: list[tuple[float, dict[str, Any]]] = []
        started = time.monotonic()
        with http.stream(
            "POST", f"{service.base_url}/v1/okr-sets/analyze", json=draft, headers={"Accept": "application/x-ndjson"}
        ) as response:
            for line in response.iter_lines():
                if line:
                    arrivals.append((time.monotonic() - started, json.loads(line)))

    assert [line["objective_id"] for _, line in arrivals] == ["O2", "O1"]
    assert arrivals[1][0] - arrivals[0][0] > 1.0  # the fast Objective was not held back by the slow one
    assert all(line["proposals"][0]["engine"] == "llm:scripted" for _, line in arrivals)


def test_a_model_slower_than_its_timeout_still_gets_an_answer_from_the_offline_engine(
    tmp_path: Path, http: httpx.Client
) -> None:
    env = model_env("", tmp_path, KRCOACH_LLM_TIMEOUT_S="0.5", KRCOACH_LLM_MAX_RETRIES="0")
    with (
        ScriptedServer(slow_for("", 5.0)).running() as model_url,
        running_service({**env, "KRCOACH_LLM_BASE_URL": model_url}, tmp_path / "service.log") as service,
    ):
        started = time.monotonic()
        response = http.post(f"{service.base_url}/v1/key-results/analyze", json={"key_result": "Hire 4 support agents"})
        elapsed = time.monotonic() - started

    body = response.json()
    assert response.status_code == 200 and elapsed < 4
    assert body["key_result"]["fallback"] is True and body["key_result"]["proposals"][0]["engine"] == "rules"
    assert "CallTimeout" in body["key_result"]["errors"][0]


@pytest.mark.parametrize("stop", ["sigkill", "sigterm"])
def test_a_job_stopped_mid_way_finishes_after_restart_with_exactly_one_result_per_key_result(
    tmp_path: Path, http: httpx.Client, stop: str
) -> None:
    objectives, per_objective = 30, 4
    model = ScriptedServer(GOOD, latency_s=0.3)
    with model.running() as model_url:
        env = model_env(model_url, tmp_path, KRCOACH_CONCURRENCY="2", KRCOACH_LOG_LEVEL="info")
        with running_service(env, tmp_path / "service.log") as service:
            job_id = http.post(f"{service.base_url}/v1/jobs", json=actions_set(objectives, per_objective)).json()["id"]
            while http.get(f"{service.base_url}/v1/jobs/{job_id}").json()["objectives_done"] < 8:
                time.sleep(0.05)
            if stop == "sigkill":
                service.kill()
            else:
                # uvicorn shuts down gracefully, then re-raises the signal; the job is left to resume, not cancelled
                assert service.terminate() in {0, -signal.SIGTERM}
                assert '"message": "stopped"' in service.log()  # the lifespan's shutdown ran
        store = JobStore(tmp_path / "jobs.sqlite3")
        at_kill = store.status(job_id)
        store.close()
        calls_before_restart = len(model.requests)
        assert 8 <= at_kill.objectives_done < objectives and at_kill.state == "running"

        with running_service(env, tmp_path / "service.log") as service:
            deadline = time.monotonic() + 60
            while (status := http.get(f"{service.base_url}/v1/jobs/{job_id}").json())["state"] != "done":
                assert time.monotonic() < deadline, status
                time.sleep(0.1)
            result = SetAnalysis.model_validate(http.get(f"{service.base_url}/v1/jobs/{job_id}/result").json())

    ids = [kr.id for kr in result.key_results()]
    assert len(ids) == len(set(ids)) == objectives * per_objective
    assert status["key_results_done"] == status["key_results_total"] == objectives * per_objective
    assert all(kr.proposals and kr.proposals[0].engine == "llm:scripted" for kr in result.key_results())
    asked_after_restart = len(model.requests) - calls_before_restart
    assert asked_after_restart == objectives - at_kill.objectives_done  # what was stored is not asked again
