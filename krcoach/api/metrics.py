"""Prometheus metrics: requests, latency, model calls, tokens, cache hits, fallbacks, jobs.

With several worker processes (`krcoach serve --workers N`), `PROMETHEUS_MULTIPROC_DIR` is set before start and
`/metrics` adds up every process's values.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from krcoach.budget import ModelBudget
from krcoach.domain.analysis import KeyResultAnalysis, Usage

REQUESTS = Counter("krcoach_http_requests", "HTTP requests answered.", ["method", "route", "status"])
LATENCY = Histogram(
    "krcoach_http_request_duration_seconds",
    "Time to answer an HTTP request.",
    ["method", "route"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
KEY_RESULTS = Counter("krcoach_key_results_analyzed", "Key Results analysed.", ["engine", "label"])
MODEL_CALLS = Counter("krcoach_model_calls", "Calls made to the language model.")
MODEL_TOKENS = Counter("krcoach_model_tokens", "Tokens used by model calls.", ["kind"])
MODEL_REASKS = Counter("krcoach_model_reasks", "Re-asks after an invalid model reply.")
CACHE_HITS = Counter("krcoach_model_cache_hits", "Model replies served from the cache.")
FALLBACKS = Counter("krcoach_fallbacks", "Key Results answered by the offline engine after the model failed.")
JOBS = Counter("krcoach_jobs", "Batch job state changes.", ["state"])
JOBS_RUNNING = Gauge("krcoach_jobs_running", "Batch jobs running now.", multiprocess_mode="livesum")
BUDGET_REFUSALS = Counter("krcoach_model_budget_refusals", "Requests or Objectives refused the model: budget spent.")


def record_usage(engine: str, usage: Usage, key_results: list[KeyResultAnalysis]) -> None:
    """Count one finished piece of analysis: its Key Results, model calls, tokens, cache hits and fallbacks."""
    for kr in key_results:
        KEY_RESULTS.labels(engine=engine, label=kr.label.value).inc()
        if kr.fallback:
            FALLBACKS.inc()
    if usage.calls:
        MODEL_CALLS.inc(usage.calls)
        MODEL_TOKENS.labels(kind="prompt").inc(usage.prompt_tokens)
        MODEL_TOKENS.labels(kind="completion").inc(usage.completion_tokens)
    if usage.reasks:
        MODEL_REASKS.inc(usage.reasks)
    if usage.cache_hits:
        CACHE_HITS.inc(usage.cache_hits)


def exposition(budget: ModelBudget | None = None) -> tuple[bytes, str]:
    """The metrics in Prometheus' text format, summed over worker processes when there are several.

    With a model budget, its limits and each caller's spending are read from the shared ledger at scrape time.
    """
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        text = generate_latest(registry)
    else:
        text = generate_latest(REGISTRY)
    if budget is not None and budget.enabled:
        ledger = CollectorRegistry()
        ledger.register(BudgetCollector(budget))
        text += generate_latest(ledger)
    return text, CONTENT_TYPE_LATEST


class BudgetCollector(Collector):
    """`/metrics`: each caller's spending in the current window, and the limits (read from the ledger)."""

    def __init__(self, budget: ModelBudget) -> None:
        self._budget = budget

    def collect(self) -> Iterator[GaugeMetricFamily]:
        """The gauges, computed at scrape time."""
        limit = GaugeMetricFamily(
            "krcoach_model_budget_limit", "Model budget per caller per period (absent: no limit).", labels=["resource"]
        )
        used = GaugeMetricFamily(
            "krcoach_model_budget_used", "Model use per caller in the current period.", labels=["caller", "resource"]
        )
        period = GaugeMetricFamily("krcoach_model_budget_period_seconds", "Length of a budget period.")
        period.add_metric([], self._budget.period_s)
        for resource, value in (("calls", self._budget.calls), ("tokens", self._budget.tokens)):
            if value is not None:
                limit.add_metric([resource], value)
        for caller, spending in self._budget.current():
            used.add_metric([caller, "calls"], spending.calls)
            used.add_metric([caller, "tokens"], spending.tokens)
        yield from (limit, used, period)
