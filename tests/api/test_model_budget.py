"""Denial of wallet: each caller's model calls and tokens are limited per period; the offline engine stays open."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from krcoach.coach import Coach
from krcoach.domain.analysis import Usage
from krcoach.engines.base import ObjectiveBrief, ObjectiveRewrite
from krcoach.engines.function import FunctionEngine
from tests.api.conftest import ClientFactory

ACTION = {"key_result": "Launch the redesigned onboarding flow by 30 June", "objective": "New customers succeed"}
ONE_CALL = Usage(calls=1, prompt_tokens=80, completion_tokens=20)


def _metered(brief: ObjectiveBrief) -> ObjectiveRewrite:
    """A model stand-in: each answer costs one call and 100 tokens (its proposals are left to the fallback)."""
    return ObjectiveRewrite(usage=ONE_CALL)


def _model_coach(concurrency: int = 4) -> tuple[Coach, FunctionEngine]:
    engine = FunctionEngine(_metered, name="llm:stand-in")
    return Coach(engine, concurrency=concurrency), engine


def _set(objectives: int) -> dict[str, object]:
    return {
        "objectives": [
            {"title": f"Objective {i}", "key_results": [{"text": f"Run {i + 2} customer workshops by end of Q2"}]}
            for i in range(objectives)
        ]
    }


def test_a_caller_over_its_model_call_budget_gets_429_with_the_offline_engine_offered(
    make_client: ClientFactory,
) -> None:
    coach, _ = _model_coach()
    client = make_client(coach=coach, model_budget_calls=2, model_budget_period_s=3600)
    assert [client.post("/v1/key-results/analyze", json=ACTION).status_code for _ in range(2)] == [200, 200]

    refused = client.post("/v1/key-results/analyze", json=ACTION)

    assert refused.status_code == 429
    assert refused.headers["content-type"] == "application/problem+json"
    problem = refused.json()
    assert problem["type"].endswith("/model-budget-spent")
    assert "2 of 2 model calls an hour" in problem["detail"]
    assert "engine=rules" in problem["detail"]
    assert 1 <= int(refused.headers["Retry-After"]) <= 3600
    assert problem["alternative"] == "/v1/key-results/analyze?engine=rules"
    offline = client.post(problem["alternative"], json=ACTION)
    assert offline.status_code == 200
    assert offline.headers["X-Krcoach-Engine"] == "rules"
    assert offline.json()["key_result"]["proposals"]


def test_a_token_budget_refuses_once_the_tokens_are_spent(make_client: ClientFactory) -> None:
    coach, _ = _model_coach()
    client = make_client(coach=coach, model_budget_tokens=150)

    statuses = [client.post("/v1/key-results/analyze", json=ACTION).status_code for _ in range(3)]

    assert statuses == [200, 200, 429]  # 100 tokens < 150 still allows the second; 200 ≥ 150 refuses the third


def test_each_api_key_has_its_own_budget(make_client: ClientFactory) -> None:
    coach, _ = _model_coach()
    client = make_client(coach=coach, api_keys="key-a,key-b", model_budget_calls=1)
    key_a, key_b = {"Authorization": "Bearer key-a"}, {"Authorization": "Bearer key-b"}

    assert client.post("/v1/key-results/analyze", json=ACTION, headers=key_a).status_code == 200
    assert client.post("/v1/key-results/analyze", json=ACTION, headers=key_a).status_code == 429
    assert client.post("/v1/key-results/analyze", json=ACTION, headers=key_b).status_code == 200


def test_the_offline_engine_spends_no_budget(make_client: ClientFactory) -> None:
    coach, engine = _model_coach()
    client = make_client(coach=coach, model_budget_calls=1)

    for _ in range(3):
        answer = client.post("/v1/key-results/analyze?engine=rules", json=ACTION)
        assert answer.status_code == 200
        assert answer.json()["meta"]["engine"] == "rules"

    assert engine.briefs == []
    assert client.post("/v1/key-results/analyze", json=ACTION).status_code == 200


def test_the_limits_and_each_callers_spending_are_in_metrics(make_client: ClientFactory) -> None:
    coach, _ = _model_coach()
    client = make_client(coach=coach, api_keys="key-a", model_budget_calls=5, model_budget_tokens=10_000)
    client.post("/v1/key-results/analyze", json=ACTION, headers={"Authorization": "Bearer key-a"})

    text = client.get("/metrics").text

    assert 'krcoach_model_budget_limit{resource="calls"} 5.0' in text
    assert 'krcoach_model_budget_limit{resource="tokens"} 10000.0' in text
    used = [line for line in text.splitlines() if line.startswith("krcoach_model_budget_used{")]
    assert any('resource="calls"' in line and line.endswith(" 1.0") for line in used)
    assert any('resource="tokens"' in line and line.endswith(" 100.0") for line in used)
    assert all('caller="key:' in line for line in used)  # a digest of the key, never the key
    assert "key-a" not in text


def test_a_set_stops_asking_the_model_when_the_budget_is_spent_and_its_other_objectives_fall_back(
    make_client: ClientFactory,
) -> None:
    coach, engine = _model_coach(concurrency=1)
    client = make_client(coach=coach, model_budget_calls=2)

    analysis = client.post("/v1/okr-sets/analyze", json=_set(5)).json()

    assert len(engine.briefs) == 2
    key_results = [kr for objective in analysis["objectives"] for kr in objective["key_results"]]
    assert len(key_results) == 5
    refused = [kr for kr in key_results if any("Model budget spent" in e for e in kr["errors"])]
    assert len(refused) == 3
    assert all(kr["fallback"] and kr["proposals"] for kr in refused)


def test_a_job_spends_its_submitters_budget_and_finishes_every_key_result_offline_once_it_is_spent(
    make_client: ClientFactory,
) -> None:
    coach, engine = _model_coach(concurrency=1)
    client = make_client(coach=coach, model_budget_calls=3)

    job = client.post("/v1/jobs", json=_set(6)).json()
    result = _wait_for_result(client, job["result_url"])

    assert len(engine.briefs) == 3
    key_results = [kr for objective in result["objectives"] for kr in objective["key_results"]]
    assert len(key_results) == 6
    assert sum(any("Model budget spent" in e for e in kr["errors"]) for kr in key_results) == 3
    assert client.post("/v1/jobs", json=_set(1)).status_code == 429


def test_a_job_asked_for_the_offline_engine_runs_offline_when_the_budget_is_spent(
    make_client: ClientFactory,
) -> None:
    coach, engine = _model_coach()
    client = make_client(coach=coach, model_budget_calls=1)
    client.post("/v1/key-results/analyze", json=ACTION)

    submitted = client.post("/v1/jobs?engine=rules", json=_set(2))
    result = _wait_for_result(client, submitted.json()["result_url"])

    assert submitted.status_code == 202
    assert result["meta"]["engine"] == "rules"
    assert len(engine.briefs) == 1


def test_the_budget_is_shared_by_every_process_on_one_store(make_client: ClientFactory, tmp_path: Path) -> None:
    first_coach, _ = _model_coach()
    second_coach, _ = _model_coach()
    store = tmp_path / "shared.sqlite3"
    first = make_client(coach=first_coach, model_budget_calls=1, jobs_db=store)
    second = make_client(coach=second_coach, model_budget_calls=1, jobs_db=store)

    assert first.post("/v1/key-results/analyze", json=ACTION).status_code == 200
    assert second.post("/v1/key-results/analyze", json=ACTION).status_code == 429


def test_without_a_model_no_request_is_ever_refused_for_budget(make_client: ClientFactory) -> None:
    client = make_client(model_budget_calls=1)

    statuses = {client.post("/v1/key-results/analyze", json=ACTION).status_code for _ in range(3)}

    assert statuses == {200}


def _wait_for_result(client: TestClient, url: str) -> dict[str, Any]:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        answer = client.get(url)
        if answer.status_code == 200:
            result: dict[str, Any] = answer.json()
            return result
        time.sleep(0.02)
    raise AssertionError(f"{url} did not finish")
