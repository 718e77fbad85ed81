"""How fast can the batch be on this machine? The same calls as `llm_batch.py`, with less and less of krcoach.

Run: `.venv/bin/python benchmarks/llm_client_floor.py [--objectives 40] [--per-objective 25] [--latency 0.3]
[--concurrency 16] [--runs 3]`

The scripted server runs in its own process (so it does not share the client's interpreter). Each layer is
timed on a warm connection pool, best of `--runs`:

- `openai SDK only`: the rendered prompts sent with `AsyncOpenAI.chat.completions.create`, replies not even
  read: the floor for any client built on the SDK;
- `engine`: krcoach's model engine per Objective (SDK + reply validation + guards);
- `coach`: the whole analysis (diagnosis, engine, second check of every proposal, OKRA assembly).

Next to each: the ratio to the ideal `calls × latency / concurrency` and to `⌈calls / concurrency⌉ × latency`.
"""

from __future__ import annotations

import argparse
import asyncio
import time
from collections.abc import Awaitable, Callable

from openai import AsyncOpenAI

from krcoach.coach import Coach, objective_brief
from krcoach.config import Settings
from krcoach.domain.diagnosis import diagnose
from krcoach.engines.registry import build_llm_engine, http_transport
from krcoach.testing.scripted_server import ScriptedServer
from krcoach.testing.workloads import GOOD, generated_set


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--objectives", type=int, default=40)
    parser.add_argument("--per-objective", type=int, default=25)
    parser.add_argument("--latency", type=float, default=0.3)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with ScriptedServer(GOOD, latency_s=args.latency).running_in_child() as base_url:
        calls = args.objectives
        ideal = calls * args.latency / args.concurrency
        rounds = -(-calls // args.concurrency) * args.latency
        print(f"{calls} calls ({args.objectives} Objectives × {args.per_objective} Key Results), latency "
              f"{args.latency} s, concurrency {args.concurrency}: ideal {ideal:.3f} s, rounds bound {rounds:.3f} s, "
              f"target 1.25 × ideal = {1.25 * ideal:.3f} s")  # fmt: skip
        for layer in ("openai SDK only", "engine", "coach"):
            best = min(asyncio.run(_timed_layer(layer, base_url, args)) for _ in range(args.runs))
            print(f"  {layer:<16} {best:.3f} s   ×{best / ideal:.2f} ideal   ×{best / rounds:.2f} rounds bound")


async def _timed_layer(layer: str, base_url: str, args: argparse.Namespace) -> float:
    okr_set = generated_set(args.objectives, args.per_objective)
    settings = Settings(llm_base_url=base_url, llm_model="scripted", llm_cache="off", concurrency=args.concurrency)
    transport = http_transport(settings)
    engine = build_llm_engine(settings, transport)
    briefs = [objective_brief(o, [diagnose(kr.text) for kr in o.key_results]) for o in okr_set.objectives]
    client = AsyncOpenAI(base_url=base_url, api_key="unused", max_retries=0)
    limit = asyncio.Semaphore(args.concurrency)
    messages = [engine.rendered(brief).messages for brief in briefs]

    async def sdk(index: int) -> object:
        async with limit:
            return await client.chat.completions.create(model="scripted", messages=messages[index])  # type: ignore[arg-type]

    async def rewrite(index: int) -> object:
        async with limit:
            return await engine.rewrite(briefs[index])

    async def coach() -> object:
        return await Coach(engine, concurrency=args.concurrency).analyze(okr_set)

    one: Callable[[int], Awaitable[object]] = sdk if layer == "openai SDK only" else rewrite
    await asyncio.gather(*(one(i) for i in range(args.concurrency)))  # warm both connection pools
    await asyncio.gather(*(sdk(i) for i in range(args.concurrency)))
    started = time.perf_counter()
    if layer == "coach":
        await coach()
    else:
        await asyncio.gather(*(one(i) for i in range(len(briefs))))
    wall = time.perf_counter() - started
    await client.close()
    await transport.close()
    return wall


if __name__ == "__main__":
    main()
