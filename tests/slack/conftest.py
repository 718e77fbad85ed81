"""The service with its Slack app on a real uvicorn (loopback), a response_url receiver and a fake Web API."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from krcoach.api.app import create_app
from krcoach.coach import Coach
from krcoach.config import Settings
from krcoach.engines.base import EngineInfo, ObjectiveBrief, ObjectiveRewrite
from krcoach.engines.rules import RulesEngine
from krcoach.testing.slack import FakeSlackWebApi, ResponseUrlReceiver, ThreadedService, recording, serving

SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
BOT_TOKEN = "xoxb-test-token"


@dataclass
class StandInEngine:
    """The rules engine under a model's name, which can be made slow or failing, and records what it was asked."""

    delay_s: float = 0.0
    failing: bool = False
    briefs: list[ObjectiveBrief] = field(default_factory=list)
    rules: RulesEngine = field(default_factory=RulesEngine)

    @property
    def name(self) -> str:
        """A model engine's kind of name."""
        return "llm:stand-in"

    @property
    def info(self) -> EngineInfo:
        """No model behind it."""
        return EngineInfo(model="stand-in")

    async def rewrite(self, objective: ObjectiveBrief) -> ObjectiveRewrite:
        """The rules engine's answer, after the delay; or an error."""
        self.briefs.append(objective)
        await asyncio.sleep(self.delay_s)
        if self.failing:
            raise RuntimeError("model endpoint unreachable: connection refused (stand-in)")
        return await self.rules.rewrite(objective)


@pytest.fixture(scope="module")
def receiver() -> Iterator[ResponseUrlReceiver]:
    """Where response_url replies arrive."""
    server = ResponseUrlReceiver()
    with recording(server):
        yield server


@pytest.fixture(scope="module")
def web_api() -> Iterator[FakeSlackWebApi]:
    """The Slack Web API, played on loopback."""
    server = FakeSlackWebApi()
    with recording(server):
        yield server


@pytest.fixture(scope="module")
def module_engine() -> StandInEngine:
    """One engine for the module's service; `engine` resets it for each test."""
    return StandInEngine()


@pytest.fixture
def engine(module_engine: StandInEngine) -> StandInEngine:
    """The service's engine, fast and working, with nothing asked yet."""
    module_engine.delay_s, module_engine.failing = 0.0, False
    module_engine.briefs.clear()
    return module_engine


@pytest.fixture(scope="module")
def slack_service(
    tmp_path_factory: pytest.TempPathFactory, module_engine: StandInEngine, web_api: FakeSlackWebApi
) -> Iterator[ThreadedService]:
    """`create_app` with the Slack app on, served by uvicorn on loopback."""
    settings = Settings(
        engine="rules",
        jobs_db=Path(tmp_path_factory.mktemp("slack")) / "jobs.sqlite3",
        slack_signing_secret=SIGNING_SECRET,
        slack_bot_token=BOT_TOKEN,
        slack_api_url=web_api.api_url,
        max_sync_key_results=20,
    )
    with serving(create_app(settings, coach=Coach(module_engine)), SIGNING_SECRET) as service:
        yield service
