"""The corpus and its run against the scripted hijacked model, each made once per test session."""

from __future__ import annotations

import asyncio

import pytest

from krcoach.evaluation.injection import InjectionReport, run_injection
from krcoach.evaluation.injection_corpus import InjectionCase, load_corpus
from tests.injection.paths import CORPUS, scripted_settings


@pytest.fixture(scope="session")
def corpus() -> list[InjectionCase]:
    """The committed corpus."""
    return load_corpus(CORPUS)


@pytest.fixture(scope="session")
def scripted_report(corpus: list[InjectionCase]) -> InjectionReport:
    """The whole corpus against the scripted hijacked model, through HTTP and the real openai client."""
    return asyncio.run(run_injection(corpus, scripted_settings()))
