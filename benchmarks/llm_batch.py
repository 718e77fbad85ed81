"""The model path at scale, against the scripted server: wall time vs the rounds bound, calls, and fault tolerance.

Run: `.venv/bin/python benchmarks/llm_batch.py [--objectives 40] [--per-objective 25] [--latency 0.3]
[--concurrency 16] [--runs 3] [--fault-rate 0.0] [--naive]`

The scripted server runs in a child process (a real endpoint does not share the client's interpreter) and
answers each request 300 ms after it arrived. Prints the batch's model calls and the wall time of every run:
the first analysis of the process (one-time loads included), `--runs` on a cold pool (a new engine and
connection pool each, after the previous pool's keep-alive ran out) and `--runs` on a warm pool (the same
engine again), each as a ratio to the rounds bound `⌈calls / concurrency⌉ × latency` (no client can beat it:
`concurrency` calls at a time, each taking `latency`) and to the old
ideal `calls × latency / concurrency`, with the HTTP requests it took. With `--naive` it also runs the naive flow
on the same set — one call per Key Result, no triage, serial — and prints the ratio. With `--fault-rate 0.3`,
that share of replies fail in the ways a real endpoint fails (429 with Retry-After, 500, dropped connection, a
reply slower than the timeout, broken JSON, schema-invalid JSON, a proposal that is still an action, an invented
number, a truncated reply), and it prints how every Key Result ended.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import time
from typing import Any

from krcoach.coach import Coach, objective_brief
from krcoach.config import Settings
from krcoach.domain.analysis import Label
from krcoach.domain.diagnosis import diagnose
from krcoach.domain.guards import invented_numbers
from krcoach.domain.okr import OKRSet
from krcoach.engines.base import KeyResultBrief, ObjectiveBrief
from krcoach.engines.registry import build_llm_engine, http_transport
from krcoach.running import run_sync
from krcoach.testing.scripted_server import ScriptedServer, request_count
from krcoach.testing.workloads import GOOD, faulty, generated_set


async def naive(settings: Settings, okr_set: OKRSet) -> tuple[float, int]:
    """One call per Key Result, every Key Result (no triage), one after another."""
    calls = 0

    def count(record: Any) -> None:
        nonlocal calls
        calls += record.calls

    engine = build_llm_engine(settings, observer=count)
    started = time.perf_counter()
    for objective in okr_set.objectives:
        diagnoses = [diagnose(kr.text) for kr in objective.key_results]
        full = objective_brief(objective, diagnoses)
        for kr, diagnosis in zip(objective.key_results, diagnoses, strict=True):
            single = (KeyResultBrief(kr.id, kr.text, diagnosis),)
            brief = ObjectiveBrief(full.id, full.title, full.project_style, single)
            await engine.rewrite(brief)
    return time.perf_counter() - started, calls


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--objectives", type=int, default=40)
    parser.add_argument("--per-objective", type=int, default=25)
    parser.add_argument("--latency", type=float, default=0.3)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--fault-rate", type=float, default=0.0)
    parser.add_argument("--runs", type=int, default=3, help="cold-pool runs and warm-pool runs, each")
    parser.add_argument("--naive", action="store_true")
    args = parser.parse_args()
    okr_set = generated_set(args.objectives, args.per_objective)
    total = sum(len(o.key_results) for o in okr_set.objectives)
    script = faulty(args.fault_rate) if args.fault_rate else GOOD
    server = ScriptedServer(script, latency_s=args.latency)
    with server.running_in_child() as base_url:
        settings = Settings(
            llm_base_url=base_url,
            llm_model="scripted",
            llm_cache="off",
            llm_timeout_s=2.0,
            llm_retry_base_delay_s=0.2,
            concurrency=args.concurrency,
        )
        runs = run_sync(_runs(settings, okr_set, args.concurrency, args.runs, base_url))
        analysis = runs[0][3]
        needing = sum(
            any(diagnose(kr.text).needs_work for kr in objective.key_results) for objective in okr_set.objectives
        )
        calls = analysis.meta.usage.calls
        ideal = calls * args.latency / args.concurrency
        rounds = -(-calls // args.concurrency) * args.latency  # whole rounds of `concurrency` calls
        print(f"set:                      {total} Key Results in {len(okr_set.objectives)} Objectives")
        print(f"Objectives needing work:  {needing}")
        print(f"model calls per run:      {calls}")
        print(f"rounds bound ⌈calls/conc⌉×latency: {rounds:.3f} s   ideal calls×latency/conc: {ideal:.3f} s")
        for kind, wall, requests, _, pauses in runs:
            print(f"  {kind:<34} {wall:.3f} s   ×{wall / rounds:.2f} rounds bound   ×{wall / ideal:.2f} ideal   "
                  f"{requests} HTTP requests   full GC pauses: {pauses}")  # fmt: skip
        for kind in ("cold pool", "warm pool"):
            walls = sorted(wall for k, wall, _, _, _ in runs if k.startswith(kind))
            if walls:
                median = walls[len(walls) // 2]
                print(f"{kind}: median ×{median / rounds:.2f} rounds bound, best ×{walls[0] / rounds:.2f}, "
                      f"worst ×{walls[-1] / rounds:.2f} (median ×{median / ideal:.2f} ideal)")  # fmt: skip
        _outcomes(analysis, okr_set)
        if args.naive:
            settings = settings.model_copy(update={"concurrency": 1})
            naive_wall, naive_calls = run_sync(naive(settings, okr_set))
            wall = runs[0][1]
            print(f"naive (1 call/KR, serial): {naive_calls} calls, {naive_wall:.2f} s")
            print(f"speed-up over naive:      {naive_wall / wall:.1f}×, {naive_calls / max(1, calls):.1f}× fewer calls")


def _pauses() -> str:
    return " ".join(f"{pause * 1000:.0f} ms" for pause in full_collections) or "none"


async def _runs(
    settings: Settings, okr_set: OKRSet, concurrency: int, runs: int, base_url: str
) -> list[tuple[str, float, int, Any, str]]:
    """The first analysis of the process, then `runs` on a cold pool (a new engine each), `runs` on a warm one.

    The first run pays the process's one-time loads (the part-of-speech dictionary, the SDK's first request);
    a cold-pool run is a new engine and connection pool in a running process (what a CLI run or a new worker
    meets once its modules are loaded); a warm-pool run reuses the previous run's engine and connections.
    """
    results: list[tuple[str, float, int, Any, str]] = []
    transport = http_transport(settings)
    coach = Coach(build_llm_engine(settings, transport), concurrency=concurrency)
    analysis, wall = await _timed(coach, okr_set)
    seen = request_count(base_url)
    results.append(("first in process (one-time loads)", wall, seen, analysis, _pauses()))
    for number in range(1, runs + 1):
        await transport.close()
        await asyncio.sleep(6)  # past the pool's keep-alive: nothing of the previous run is reused
        transport = http_transport(settings)
        coach = Coach(build_llm_engine(settings, transport), concurrency=concurrency)
        _, wall = await _timed(coach, okr_set)
        seen, before = request_count(base_url), seen
        results.append((f"cold pool {number}", wall, seen - before, None, _pauses()))  # only the first analysis kept
    await _timed(coach, okr_set)  # the warm runs follow a run on the same engine
    seen = request_count(base_url)
    for number in range(1, runs + 1):
        _, wall = await _timed(coach, okr_set)
        seen, before = request_count(base_url), seen
        results.append((f"warm pool {number}", wall, seen - before, None, _pauses()))
    await transport.close()
    return results


async def _timed(coach: Coach, okr_set: OKRSet) -> tuple[Any, float]:
    """The analysis and its wall time, measured inside the event loop (loop start-up and teardown excluded)."""
    full_collections.clear()
    started = time.perf_counter()
    analysis = await coach.analyze(okr_set)
    return analysis, time.perf_counter() - started


full_collections: list[float] = []
"""The pause of each full (generation 2) garbage collection in the last timed run, in seconds."""
_collection_started = [0.0]


def _watch_collections(phase: str, info: dict[str, int]) -> None:
    if info.get("generation") != 2:
        return
    if phase == "start":
        _collection_started[0] = time.perf_counter()
    else:
        full_collections.append(time.perf_counter() - _collection_started[0])


gc.callbacks.append(_watch_collections)


def _outcomes(analysis: Any, okr_set: OKRSet) -> None:
    key_results = analysis.key_results()
    sources = {o.id: [o.title, *(kr.text for kr in o.key_results)] for o in okr_set.objectives}
    needing = [kr for kr in key_results if kr.needs_work]
    ended = sum(bool(kr.proposals or kr.errors) for kr in needing)
    actions_ended = sum(bool(kr.proposals or kr.errors) for kr in key_results if kr.label is Label.ACTION)
    actions = sum(kr.label is Label.ACTION for kr in key_results)
    invented = sum(
        bool(invented_numbers(p.text, *sources[kr.objective_id])) for kr in key_results for p in kr.proposals
    )
    print(f"KRs needing work ended with proposals or an explicit error: {ended}/{len(needing)}")
    print(f"action KRs ended with proposals or an explicit error:      {actions_ended}/{actions}")
    print(f"fell back to the offline engine:                           {sum(kr.fallback for kr in key_results)}")
    print(f"invented numbers in the output:                            {invented}")
    print(f"re-asks: {analysis.meta.usage.reasks}")


if __name__ == "__main__":
    main()
