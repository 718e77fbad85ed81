"""`krcoach eval-injection`: the prompt-injection corpus through the real model path, and what held.

Each case runs as its own OKR set through `Coach` with the model engine — against the scripted hijacked model
(`krcoach.testing.hostile_model`, on loopback), against a configured endpoint, or from a recorded cassette — and
its answer is checked (`injection_checks`): schema-valid, no prompt text in any field, guards held.
"""

from __future__ import annotations

import asyncio
import statistics
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, nullcontext
from pathlib import Path

from pydantic import BaseModel

from krcoach.coach import Coach
from krcoach.config import Settings
from krcoach.domain.analysis import KeyResultAnalysis
from krcoach.engines.llm import CallRecord
from krcoach.engines.registry import build_llm_engine, http_transport
from krcoach.evaluation.injection_checks import SYSTEM_PROMPT_LEAK, PromptText, Verdict, check
from krcoach.evaluation.injection_corpus import InjectionCase
from krcoach.evaluation.metrics import percentile
from krcoach.llm.cassette import RecordingTransport, ReplayTransport, read_cassette
from krcoach.llm.errors import ConfigurationError
from krcoach.llm.transport import ChatTransport
from krcoach.testing.hostile_model import hostile_script
from krcoach.testing.scripted_server import Script, ScriptedServer

SCRIPTED_MODEL = "hostile-scripted"


class CaseResult(BaseModel):
    """One case: passed or not, why not, and what the model path did."""

    id: str
    category: str
    passed: bool
    schema_valid: bool
    schema_problems: list[str]
    leaks: list[str]
    guard_failures: list[str]
    key_results_sent: int
    calls: int
    reasks: int
    model_proposals_kept: int
    fallbacks: int
    """Key Results answered by the offline engine (marked `fallback`)."""
    latencies_ms: list[float]
    call_error: str | None = None


class InjectionReport(BaseModel):
    """The corpus run: totals, and every case."""

    source: str
    """`scripted`, `live` or `replay:<cassette>`."""
    model: str
    output_mode: str
    prompt_version: str | None
    prompt_hash: str | None
    cases: int
    schema_valid: int
    leaks: int
    """Strings of the answers that repeat prompt text (0 required)."""
    system_prompt_leaks: int
    """Of those, strings repeating the system prompt (the rest repeat few-shot example answers or the delimiter)."""
    leaks_in_errors: int
    """Of those, error messages (which quote the proposals the checks rejected)."""
    guard_failures: int
    passed: int
    key_results_sent: int
    calls: int
    reasks: int
    model_proposals_kept: int
    fallbacks: int
    latency_p50_ms: float
    latency_p95_ms: float
    results: list[CaseResult]

    @property
    def pass_rate(self) -> float:
        """Share of cases where every check held."""
        return self.passed / self.cases if self.cases else 0.0

    @property
    def ok(self) -> bool:
        """Every case passed and nothing leaked."""
        return self.passed == self.cases and self.leaks == 0

    def summary_line(self) -> str:
        """`injection corpus: 56 cases, schema-valid 56/56, leaks 0, guard failures 0, pass 100%`."""
        return (
            f"injection corpus: {self.cases} cases, schema-valid {self.schema_valid}/{self.cases}, "
            f"leaks {self.leaks}, guard failures {self.guard_failures}, pass {self.pass_rate:.0%}"
        )


async def run_injection(
    cases: Sequence[InjectionCase],
    settings: Settings,
    *,
    live: bool = False,
    record: Path | None = None,
    replay: Path | None = None,
    resume: bool = False,
    script: Script | None = None,
) -> InjectionReport:
    """Every case through the model path: against a scripted server on loopback (answering with `script`, by
    default the hijacked model of `krcoach.testing.hostile_model`) unless `live` (the configured endpoint) or
    `replay` (a cassette)."""
    if live and replay is None and not settings.llm_configured:
        raise ConfigurationError("--live needs an endpoint: set KRCOACH_LLM_BASE_URL (or an API key)")
    settings = settings.model_copy(update={"llm_cache": "off"})
    source = f"replay:{replay}" if replay is not None else "live" if live else "scripted"
    scripted = replay is None and not live
    server = ScriptedServer(script or hostile_script(cases)) if scripted else None
    with _serving(server) as base_url:
        transport: ChatTransport
        if replay is not None:
            header, _ = read_cassette(replay)
            settings = settings.model_copy(
                update={"llm_model": header["model"], "llm_output_mode": header["output_mode"]}
            )
            transport = ReplayTransport(replay)
        else:
            if base_url is not None:
                settings = settings.model_copy(
                    update={"llm_base_url": base_url, "llm_model": SCRIPTED_MODEL, "llm_api_key": None}
                )
            transport = http_transport(settings)
            if record is not None:
                transport = RecordingTransport(
                    transport, record, model=settings.llm_model, output_mode=settings.llm_output_mode, resume=resume
                )
        report = await _run(cases, settings, transport, source)
        if isinstance(transport, RecordingTransport):
            transport.finish()
        return report


@contextmanager
def _serving(server: ScriptedServer | None) -> Iterator[str | None]:
    with server.running() if server is not None else nullcontext(None) as base_url:
        yield base_url


async def _run(
    cases: Sequence[InjectionCase], settings: Settings, transport: ChatTransport, source: str
) -> InjectionReport:
    records: dict[str, list[CallRecord]] = {}
    engine = build_llm_engine(settings, transport, observer=lambda r: records.setdefault(r.objective_id, []).append(r))
    coach = Coach(engine, concurrency=1)
    prompt = PromptText.of(settings)
    limit = asyncio.Semaphore(settings.concurrency)

    async def one(case: InjectionCase) -> CaseResult:
        okr_set = case.okr_set()
        async with limit:
            analysis = await coach.analyze(okr_set)
        verdict = check(okr_set, analysis, prompt, model_engine=engine.name)
        return _result(case, verdict, analysis.key_results(), records.get(case.id, []))

    results = list(await asyncio.gather(*(one(case) for case in cases)))
    latencies = [latency for result in results for latency in result.latencies_ms]
    return InjectionReport(
        source=source,
        model=settings.llm_model,
        output_mode=settings.llm_output_mode,
        prompt_version=engine.info.prompt_version,
        prompt_hash=engine.info.prompt_hash,
        cases=len(results),
        schema_valid=sum(r.schema_valid for r in results),
        leaks=sum(len(r.leaks) for r in results),
        system_prompt_leaks=sum(SYSTEM_PROMPT_LEAK in leak for r in results for leak in r.leaks),
        leaks_in_errors=sum(".errors." in leak for r in results for leak in r.leaks),
        guard_failures=sum(len(r.guard_failures) for r in results),
        passed=sum(r.passed for r in results),
        key_results_sent=sum(r.key_results_sent for r in results),
        calls=sum(r.calls for r in results),
        reasks=sum(r.reasks for r in results),
        model_proposals_kept=sum(r.model_proposals_kept for r in results),
        fallbacks=sum(r.fallbacks for r in results),
        latency_p50_ms=statistics.median(latencies) if latencies else 0.0,
        latency_p95_ms=percentile(latencies, 0.95),
        results=results,
    )


def _result(
    case: InjectionCase, verdict: Verdict, key_results: Sequence[KeyResultAnalysis], records: list[CallRecord]
) -> CaseResult:
    errors = [r.error for r in records if r.error]
    return CaseResult(
        id=case.id,
        category=case.category,
        passed=verdict.passed,
        schema_valid=not verdict.schema,
        schema_problems=verdict.schema,
        leaks=verdict.leaks,
        guard_failures=verdict.guards,
        key_results_sent=sum(r.key_results for r in records),
        calls=sum(r.calls for r in records),
        reasks=sum(r.reasks for r in records),
        model_proposals_kept=sum(r.proposals_kept for r in records),
        fallbacks=sum(kr.fallback for kr in key_results),
        latencies_ms=[latency for r in records for latency in r.latencies_ms],
        call_error=errors[0] if errors else None,
    )


def render_injection_report(report: InjectionReport) -> str:
    """The report as Markdown: totals, by category, and every failing case with its reasons."""
    sent = report.key_results_sent or 1
    rows = [
        ("source", report.source),
        ("model / output mode", f"{report.model} / {report.output_mode}"),
        ("prompt", f"{report.prompt_version} ({report.prompt_hash})"),
        ("cases", str(report.cases)),
        ("schema-valid", f"{report.schema_valid}/{report.cases}"),
        ("strings repeating prompt text (leaks)", str(report.leaks)),
        ("… of which repeat the system prompt / are error messages", _of_which(report)),
        ("guard failures", str(report.guard_failures)),
        ("pass rate", f"{report.pass_rate:.1%} ({report.passed}/{report.cases})"),
        ("Key Results sent / model calls / re-asks", f"{report.key_results_sent} / {report.calls} / {report.reasks}"),
        ("model proposals kept", str(report.model_proposals_kept)),
        ("fallbacks (Key Results answered offline)", f"{report.fallbacks} ({report.fallbacks / sent:.0%} of sent)"),
        ("call latency p50 / p95", f"{report.latency_p50_ms:.0f} ms / {report.latency_p95_ms:.0f} ms"),
    ]
    lines = ["# krcoach prompt-injection eval", "", report.summary_line(), "", "| metric | value |", "|---|---|"]
    lines += [f"| {name} | {value} |" for name, value in rows]
    totals = Counter(r.category for r in report.results)
    passed = Counter(r.category for r in report.results if r.passed)
    lines += ["", "| category | passed |", "|---|---|"]
    lines += [f"| {category} | {passed[category]}/{count} |" for category, count in sorted(totals.items())]
    failing = [r for r in report.results if not r.passed]
    if failing:
        lines += ["", "## Failing cases", ""]
        for result in failing:
            reasons = [*result.schema_problems, *result.leaks, *result.guard_failures]
            lines.append(f"- **{result.id}** ({result.category}): " + "; ".join(_escape(r) for r in reasons))
    return "\n".join(lines) + "\n"


def write_injection_report(report: InjectionReport, folder: Path) -> None:
    """`report.md` and `report.json` in the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "report.md").write_text(render_injection_report(report), encoding="utf-8")
    (folder / "report.json").write_text(report.model_dump_json(indent=2), encoding="utf-8")


def _of_which(report: InjectionReport) -> str:
    return f"{report.system_prompt_leaks} / {report.leaks_in_errors}"


def _escape(text: str) -> str:
    return text.replace("|", "\\|").replace("<", "&lt;").replace("\n", " ")
