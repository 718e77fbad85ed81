"""`krcoach eval-model`: a live run can be recorded to a cassette and replayed offline with the same result."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from krcoach.config import Settings
from krcoach.evaluation.dataset import load_cases
from krcoach.evaluation.model_run import render_model_report, run_model_eval
from krcoach.llm.errors import ConfigurationError
from krcoach.testing.scripted_server import Reply, ScriptedServer, answer_with, good_proposal, in_order

DATASET = Path(__file__).parent.parent / "evals" / "datasets"


def test_a_recorded_run_replays_offline_to_the_same_report(tmp_path: Path) -> None:
    cases = load_cases(DATASET)
    cassette = tmp_path / "run.jsonl"
    server = ScriptedServer(in_order(Reply("{broken"), answer_with(good_proposal)))
    with server.running() as base_url:
        settings = Settings(llm_base_url=base_url, llm_model="scripted", concurrency=1)
        live, live_analysis = asyncio.run(run_model_eval(cases, settings, sample=4, record=cassette))
    replayed, replay_analysis = asyncio.run(run_model_eval(cases, Settings(), sample=4, replay=cassette))

    header = json.loads(cassette.read_text().splitlines()[0])
    assert header == {"cassette": 1, "model": "scripted", "output_mode": "json_schema"}
    assert live.calls == len(server.requests) == replayed.calls
    assert live.reask_rate > 0 and live.first_try_schema_valid_rate < 1
    assert live.unanswered == 0 and live.invented_numbers_in_output == 0
    assert replayed.model_dump(exclude={"latency_p50_ms", "latency_p95_ms"}) == live.model_dump(
        exclude={"latency_p50_ms", "latency_p95_ms"}
    )
    assert [p.text for kr in replay_analysis.key_results() for p in kr.proposals] == [
        p.text for kr in live_analysis.key_results() for p in kr.proposals
    ]
    assert "first-try schema-valid rate" in render_model_report(replayed)


def test_replaying_a_request_that_was_never_recorded_says_to_record_again(tmp_path: Path) -> None:
    cassette = tmp_path / "empty.jsonl"
    cassette.write_text(json.dumps({"cassette": 1, "model": "m", "output_mode": "json_object"}) + "\n")
    with pytest.raises(ConfigurationError, match="record it again with `krcoach eval-model --record"):
        asyncio.run(run_model_eval(load_cases(DATASET), Settings(), sample=1, replay=cassette))


def test_a_recording_that_stopped_half_way_resumes_and_asks_the_server_only_what_it_lacks(tmp_path: Path) -> None:
    cases = load_cases(DATASET)
    cassette = tmp_path / "run.jsonl"
    server = ScriptedServer(answer_with(good_proposal))
    with server.running() as base_url:
        settings = Settings(llm_base_url=base_url, llm_model="scripted", concurrency=1)
        asyncio.run(run_model_eval(cases, settings, sample=4, record=cassette))
        calls = len(server.requests)
        lines = cassette.read_text().splitlines()
        cassette.write_text("\n".join(lines[:3]) + "\n")  # the recording stopped after two replies
        asyncio.run(run_model_eval(cases, settings, sample=4, record=cassette, resume=True))
    assert len(server.requests) == calls + (calls - 2)  # only the requests the cassette lacked reached the server
    assert len(cassette.read_text().splitlines()) == len(lines)
    replayed, _ = asyncio.run(run_model_eval(cases, Settings(), sample=4, replay=cassette))
    assert replayed.calls == calls and replayed.unanswered == 0


def test_a_resumed_recording_keeps_only_the_replies_its_run_asked_for(tmp_path: Path) -> None:
    cases = load_cases(DATASET)
    cassette = tmp_path / "run.jsonl"
    server = ScriptedServer(answer_with(good_proposal))
    with server.running() as base_url:
        settings = Settings(llm_base_url=base_url, llm_model="scripted", concurrency=1)
        asyncio.run(run_model_eval(cases, settings, sample=4, record=cassette))
        lines = cassette.read_text().splitlines()
        stale = {**json.loads(lines[1]), "key": "a request the data no longer makes"}
        cassette.write_text("\n".join([*lines, json.dumps(stale)]) + "\n")  # a reply from before the data changed
        asyncio.run(run_model_eval(cases, settings, sample=4, record=cassette, resume=True))
    assert cassette.read_text().splitlines() == lines
    replayed, _ = asyncio.run(run_model_eval(cases, Settings(), sample=4, replay=cassette))
    assert replayed.calls == len(lines) - 1
