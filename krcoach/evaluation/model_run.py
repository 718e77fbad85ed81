"""`krcoach eval-model`: run the model engine over (a sample of) the eval set — live, recording, or replaying.

The report says how the model path behaved: first-try schema-valid rate, re-asks, proposals the checks
dropped, fallbacks to the offline engine, calls and tokens per Key Result, latency, and — the hard rule —
invented numbers that reached the output (must be 0).
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from pathlib import Path

from pydantic import BaseModel

from krcoach.coach import Coach
from krcoach.config import Settings
from krcoach.domain.analysis import Label, SetAnalysis
from krcoach.domain.guards import invented_numbers
from krcoach.domain.okr import OKRSet
from krcoach.engines.llm import CallRecord
from krcoach.engines.registry import build_llm_engine, http_transport
from krcoach.evaluation.dataset import EvalCase, as_okr_set
from krcoach.evaluation.metrics import percentile
from krcoach.llm.cassette import RecordingTransport, ReplayTransport, read_cassette
from krcoach.llm.transport import ChatTransport


class ModelRunReport(BaseModel):
    """What the model path did on the sampled Objectives."""

    engine: str
    prompt_version: str | None
    prompt_hash: str | None
    output_mode: str
    objectives: int
    key_results: int
    key_results_sent: int
    calls: int
    first_try_schema_valid_rate: float
    first_try_passing_rate: float
    reask_rate: float
    guard_failure_rate: float
    fallback_rate: float
    unanswered: int
    """Action-based Key Results that ended with neither a proposal nor an error (must be 0)."""
    invented_numbers_in_output: int
    calls_per_key_result: float
    prompt_tokens_per_key_result: float
    completion_tokens_per_key_result: float
    latency_p50_ms: float
    latency_p95_ms: float
    call_errors: list[str]

    def metrics(self) -> dict[str, float]:
        """Gated metrics by name (see evals/model_thresholds.toml)."""
        return {
            "unanswered": self.unanswered,
            "invented_numbers_in_output": self.invented_numbers_in_output,
            "first_try_schema_valid_rate": self.first_try_schema_valid_rate,
            "calls_per_objective": _share(self.calls, self.objectives),
        }


def sample_objectives(okr_set: OKRSet, count: int | None) -> OKRSet:
    """`count` Objectives spread evenly over the set (all when None)."""
    objectives = okr_set.objectives
    if count is None or count >= len(objectives):
        return okr_set
    step = len(objectives) / count
    chosen = [objectives[int(i * step)] for i in range(count)]
    return okr_set.model_copy(update={"objectives": chosen})


async def run_model_eval(
    cases: Sequence[EvalCase],
    settings: Settings,
    *,
    sample: int | None = None,
    record: Path | None = None,
    replay: Path | None = None,
    resume: bool = False,
) -> tuple[ModelRunReport, SetAnalysis]:
    """Run the model engine on the sampled set and measure it."""
    okr_set = sample_objectives(as_okr_set(list(cases)), sample)
    settings = settings.model_copy(update={"llm_cache": "off"})
    transport: ChatTransport
    if replay is not None:
        header, _ = read_cassette(replay)
        settings = settings.model_copy(update={"llm_model": header["model"], "llm_output_mode": header["output_mode"]})
        transport = ReplayTransport(replay)
    elif record is not None:
        transport = RecordingTransport(
            http_transport(settings),
            record,
            model=settings.llm_model,
            output_mode=settings.llm_output_mode,
            resume=resume,
        )
    else:
        transport = http_transport(settings)
    records: list[CallRecord] = []
    engine = build_llm_engine(settings, transport, observer=records.append)
    analysis = await Coach(engine, concurrency=settings.concurrency).analyze(okr_set)
    if isinstance(transport, RecordingTransport):
        transport.finish()
    return _report(analysis, okr_set, records, settings.llm_output_mode), analysis


def _report(analysis: SetAnalysis, okr_set: OKRSet, records: list[CallRecord], mode: str) -> ModelRunReport:
    key_results = analysis.key_results()
    sent = sum(r.key_results for r in records)
    returned = sum(r.proposals_returned for r in records)
    kept = sum(r.proposals_kept for r in records)
    latencies = [latency for r in records for latency in r.latencies_ms]
    invented = 0
    for objective, analysed in zip(okr_set.objectives, analysis.objectives, strict=True):
        sources = [objective.title, *(kr.text for kr in objective.key_results)]
        invented += sum(bool(invented_numbers(p.text, *sources)) for kr in analysed.key_results for p in kr.proposals)
    needing = [kr for kr in key_results if kr.needs_work]
    return ModelRunReport(
        engine=analysis.meta.engine,
        prompt_version=analysis.meta.prompt_version,
        prompt_hash=analysis.meta.prompt_hash,
        output_mode=mode,
        objectives=len(records),
        key_results=len(key_results),
        key_results_sent=sent,
        calls=sum(r.calls for r in records),
        first_try_schema_valid_rate=_share(sum(r.first_try_schema_valid for r in records), len(records)),
        first_try_passing_rate=_share(sum(r.first_try_valid for r in records), len(records)),
        reask_rate=_share(sum(r.reasks > 0 for r in records), len(records)),
        guard_failure_rate=_share(returned - kept, returned),
        fallback_rate=_share(sum(kr.fallback for kr in needing), len(needing)),
        unanswered=sum(kr.label is Label.ACTION and not kr.proposals and not kr.errors for kr in key_results),
        invented_numbers_in_output=invented,
        calls_per_key_result=_share(sum(r.calls for r in records), sent),
        prompt_tokens_per_key_result=_share(sum(r.prompt_tokens for r in records), sent),
        completion_tokens_per_key_result=_share(sum(r.completion_tokens for r in records), sent),
        latency_p50_ms=statistics.median(latencies) if latencies else 0.0,
        latency_p95_ms=percentile(latencies, 0.95),
        call_errors=[f"{r.objective_id}: {r.error}" for r in records if r.error],
    )


def _share(part: float, whole: float) -> float:
    return part / whole if whole else 0.0


def render_model_report(report: ModelRunReport) -> str:
    """The report as Markdown."""
    rows = [
        ("engine", report.engine),
        ("prompt", f"{report.prompt_version} ({report.prompt_hash}), output mode {report.output_mode}"),
        ("Objectives sent / Key Results sent", f"{report.objectives} / {report.key_results_sent}"),
        ("model calls", str(report.calls)),
        ("first-try schema-valid rate", f"{report.first_try_schema_valid_rate:.3f}"),
        ("first-try passing rate (schema and checks)", f"{report.first_try_passing_rate:.3f}"),
        ("re-ask rate", f"{report.reask_rate:.3f}"),
        ("guard failure rate (model proposals dropped)", f"{report.guard_failure_rate:.3f}"),
        ("fallback rate (Key Results answered offline)", f"{report.fallback_rate:.3f}"),
        ("action Key Results with neither proposal nor error", str(report.unanswered)),
        ("invented numbers in the output", str(report.invented_numbers_in_output)),
        ("calls per Key Result sent", f"{report.calls_per_key_result:.2f}"),
        ("tokens per Key Result sent (prompt / completion)", _tokens(report)),
        ("call latency p50 / p95", f"{report.latency_p50_ms:.0f} ms / {report.latency_p95_ms:.0f} ms"),
    ]
    lines = ["# krcoach model eval", "", "| metric | value |", "|---|---|"]
    lines += [f"| {name} | {value} |" for name, value in rows]
    if report.call_errors:
        lines += ["", "## Objectives the model could not answer", ""]
        lines += [f"- {error}" for error in report.call_errors]
    return "\n".join(lines) + "\n"


def _tokens(report: ModelRunReport) -> str:
    return f"{report.prompt_tokens_per_key_result:.0f} / {report.completion_tokens_per_key_result:.0f}"
