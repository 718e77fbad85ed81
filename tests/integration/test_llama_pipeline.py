"""The whole model path against a real model: llama-cpp-python's server with Gemma 3 270M, `json_object` profile.

The tiny model proves the protocol, not quality: its replies parse (the server constrains them to the schema),
the pipeline completes, and whatever it proposes that fails the checks is replaced by the offline engine's
proposals, marked as a fallback with the reason. Nothing is lost and no invented number reaches the output.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from krcoach.coach import Coach
from krcoach.config import Settings
from krcoach.domain.analysis import Label, SetAnalysis
from krcoach.domain.diagnosis import diagnose
from krcoach.domain.guards import invented_numbers
from krcoach.domain.okr import OKRSet
from krcoach.engines.llm import CallRecord
from krcoach.engines.registry import build_llm_engine
from krcoach.io import read_okr_set
from krcoach.testing.llama_server import running_llama_server
from tests.test_llm_over_http import EXAMPLE

pytestmark = pytest.mark.llm_server

MODEL = "gemma-3-270m"


def example() -> OKRSet:
    return read_okr_set(EXAMPLE.read_bytes(), source=str(EXAMPLE))


@pytest.fixture(scope="module")
def run() -> Iterator[tuple[SetAnalysis, list[CallRecord]]]:
    """The README example analysed once through the local model; every model call recorded."""
    records: list[CallRecord] = []
    with running_llama_server(n_ctx=8192) as base_url:
        settings = Settings(
            llm_base_url=base_url,
            llm_model=MODEL,
            llm_output_mode="json_object",
            llm_max_tokens=2048,
            llm_timeout_s=180,
            llm_deadline_s=600,
            llm_max_reasks=1,
            llm_cache="off",
        )
        coach = Coach(build_llm_engine(settings, observer=records.append), concurrency=1)
        yield coach.analyze_now(example()), records


def test_every_model_reply_parses_against_the_schema(run: tuple[SetAnalysis, list[CallRecord]]) -> None:
    analysis, records = run
    needing_work = [o for o in analysis.objectives if any(kr.needs_work for kr in o.key_results)]

    assert len(records) == len(needing_work) > 0
    for record in records:
        assert record.error is None, record
        assert record.first_try_schema_valid, record
        assert 1 <= record.calls <= 2
    assert analysis.meta.engine == f"llm:{MODEL}" and analysis.meta.usage.calls == sum(r.calls for r in records)
    assert analysis.meta.usage.prompt_tokens > 0 and analysis.meta.usage.completion_tokens > 0


def test_the_pipeline_completes_with_every_key_result_in_input_order(
    run: tuple[SetAnalysis, list[CallRecord]],
) -> None:
    analysis, _ = run
    source = example()

    assert [kr.text for kr in analysis.key_results()] == [kr.text for o in source.objectives for kr in o.key_results]
    for kr in analysis.key_results():
        if kr.label is Label.ACTION:
            assert kr.proposals, kr.text
            assert any(action.text == kr.text for o in analysis.okra for action in o.actions)


def test_poor_model_proposals_fall_back_to_the_offline_engine_with_the_reason(
    run: tuple[SetAnalysis, list[CallRecord]],
) -> None:
    analysis, _ = run
    engines = {kr.text: {p.engine for p in kr.proposals} for kr in analysis.key_results() if kr.needs_work}

    for kr in analysis.key_results():
        if kr.fallback:
            assert kr.errors and engines[kr.text] == {"rules"}, kr
        elif kr.needs_work:
            assert engines[kr.text] == {f"llm:{MODEL}"}, kr
    print(
        f"\nkept from the model: {sum(not kr.fallback for kr in analysis.key_results() if kr.needs_work)}; "
        f"fell back: {sum(kr.fallback for kr in analysis.key_results())}"
    )


def test_no_proposal_is_an_action_or_invents_a_number(run: tuple[SetAnalysis, list[CallRecord]]) -> None:
    analysis, _ = run
    source = example()
    texts = [f"{o.title} {o.team or ''} {o.period or ''}" for o in source.objectives]
    texts += [kr.text for o in source.objectives for kr in o.key_results]

    for kr in analysis.key_results():
        for proposal in kr.proposals:
            assert diagnose(proposal.text).label is Label.RESULT, proposal.text
            assert not invented_numbers(proposal.text, *texts), proposal.text
