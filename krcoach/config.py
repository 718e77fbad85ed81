"""All settings in one place, read from the environment (prefix `KRCOACH_`) or a `.env` file."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

EngineName = Literal["auto", "rules", "llm"]
OutputModeName = Literal["json_schema", "json_object", "prompt"]
PROMPTS_DIR = Path(__file__).resolve().parent.parent / "prompts"


class Settings(BaseSettings):
    """krcoach's configuration. With nothing set, everything runs offline on the rules engine."""

    model_config = SettingsConfigDict(env_prefix="KRCOACH_", env_file=".env", extra="ignore", populate_by_name=True)

    engine: EngineName = "auto"
    """`auto`: the model when an endpoint or API key is configured, else `rules` (offline)."""
    concurrency: int = Field(default=4, ge=1, le=256)
    """How many Objectives are rewritten at once (one model call each)."""
    progress_threshold: int = 200
    """Show a progress bar (on a terminal) for sets with at least this many Key Results."""

    llm_base_url: str | None = Field(
        default=None, validation_alias=AliasChoices("KRCOACH_LLM_BASE_URL", "OPENAI_BASE_URL")
    )
    """Any OpenAI-compatible endpoint, e.g. `http://127.0.0.1:8080/v1`; unset means api.openai.com."""
    llm_api_key: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("KRCOACH_LLM_API_KEY", "OPENAI_API_KEY")
    )
    llm_model: str = "gpt-4o-mini"
    llm_output_mode: OutputModeName = "json_schema"
    """How the reply's shape is enforced: `json_schema` (OpenAI, Azure, vLLM, Ollama), `json_object` with a
    schema (llama-cpp-python's server), or `prompt` (instructions in the prompt, then validation)."""
    llm_timeout_s: float = Field(default=60.0, gt=0)
    """Timeout of one model call."""
    llm_deadline_s: float = Field(default=180.0, gt=0)
    """Overall time for one Objective, retries and re-asks included."""
    llm_max_retries: int = Field(default=4, ge=0, le=20)
    """Transport retries (429, 5xx, timeouts, connection errors) per call."""
    llm_retry_base_delay_s: float = Field(default=0.5, gt=0)
    """First backoff step; later ones grow exponentially, with jitter, up to 20 s."""
    llm_max_reasks: int = Field(default=2, ge=0, le=5)
    """Re-asks with the concrete errors when a reply is invalid or fails the checks."""
    llm_max_tokens: int = Field(default=1200, ge=16)
    llm_temperature: float = Field(default=0.2, ge=0, le=2)
    llm_cache: str = "memory"
    """`memory`, `off`, `redis`, or a path to an SQLite file (`memory` means `redis` when a Redis URL is set)."""
    llm_rate_limit_calls: int | None = Field(default=None, ge=1)
    """Model calls allowed in any window of `llm_rate_window_s`, shared by every engine of this process, and of
    every process on the same Redis when `redis_url` is set (retries count); unset: no limit."""
    llm_rate_limit_tokens: int | None = Field(default=None, ge=1)
    """Model tokens (prompt + completion, estimated until the reply) allowed in any window; unset: no limit."""
    llm_rate_window_s: float = Field(default=60.0, gt=0)
    prompts_dir: Path = PROMPTS_DIR

    # Scale-out (`krcoach worker`): batch jobs, the model rate limit and the reply cache shared on Redis.
    redis_url: str | None = None
    """e.g. `redis://127.0.0.1:6379/0`. Set, it makes Redis the job backend and shares the cache and rate limit."""
    job_backend: Literal["auto", "sqlite", "redis"] = "auto"
    """`auto`: `redis` when `redis_url` is set, else `sqlite` (jobs run inside `krcoach serve`)."""
    worker_concurrency: int = Field(default=8, ge=1, le=256)
    """Objectives one `krcoach worker` runs at once (one model call each)."""
    worker_item_timeout_s: float | None = Field(default=None, gt=0)
    """Longest time for one Objective in a worker (default: `llm_deadline_s` + 30 s). A worker that dies leaves
    its Objectives to another worker this long (+ 10 s) after it took them."""
    worker_max_tries: int = Field(default=5, ge=1)
    worker_poll_s: float = Field(default=0.02, gt=0)
    """How often an idle worker looks for queued Objectives."""
    worker_metrics_port: int = Field(default=0, ge=0, le=65535)
    """Serve this worker's Prometheus metrics on this port (0: off)."""
    worker_sweep_min: int = Field(default=1, ge=1, le=60)
    """Every this many minutes a worker re-queues Objectives of unfinished jobs that have no task."""

    # The HTTP service (`krcoach serve`).
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=0, le=65535)
    workers: int = Field(default=1, ge=1, le=64)
    jobs_db: Path = Path("krcoach-jobs.sqlite3")
    """The SQLite file that keeps batch jobs (and their finished items) across restarts."""
    max_running_jobs: int = Field(default=2, ge=1, le=64)
    api_keys: Annotated[list[SecretStr], NoDecode] = Field(default_factory=list)
    """Comma-separated keys for `Authorization: Bearer <key>`; empty (the default) leaves the API open."""
    rate_limit_per_minute: int = Field(default=600, ge=1)
    """Requests a minute per API key (per client address when keys are off); over it: 429 + Retry-After. Shared by
    every process on the same Redis when `redis_url` is set; else each worker process (`--workers N`) has its own."""
    rate_limit_burst: int | None = Field(default=None, ge=1)
    """Requests a caller may send at once before the per-minute rate applies (default: `rate_limit_per_minute`);
    in any minute at most `rate_limit_burst + rate_limit_per_minute` get through."""
    max_body_bytes: int = Field(default=1_048_576, ge=1024)
    """Largest request body for the synchronous routes (413 over it)."""
    max_job_body_bytes: int = Field(default=20_971_520, ge=1024)
    """Largest request body for `POST /v1/jobs`."""
    max_sync_key_results: int = Field(default=500, ge=1)
    """Largest set `POST /v1/okr-sets/analyze` takes; larger sets go through `/v1/jobs`."""
    max_job_key_results: int = Field(default=50_000, ge=1)
    model_budget_calls: int | None = Field(default=None, ge=1)
    """Model calls one caller (API key, or address without keys) may cause per budget period; unset: no limit."""
    model_budget_tokens: int | None = Field(default=None, ge=1)
    """Model tokens (prompt + completion) one caller may cause per budget period; unset: no limit."""
    model_budget_period_s: int = Field(default=86_400, ge=60)
    """The budget period in seconds (fixed windows; a day by default). Over budget: 429, offline engine offered."""
    cors_origins: Annotated[list[str], NoDecode] = Field(default_factory=list)
    """Comma-separated origins allowed to call the API from a browser; empty: none."""
    log_level: str = "info"
    web_ui: bool = True
    """Serve the coaching page at `/` (static files; it calls the API from the same origin)."""

    # The Slack app (mounted at `/slack/events` when a signing secret is set).
    slack_signing_secret: SecretStr | None = None
    """From the Slack app's Basic Information page; every request's signature is checked with it."""
    slack_bot_token: SecretStr | None = None
    """`xoxb-…`, for replies that go through the Web API (app mentions in channels)."""
    slack_api_url: str = "https://slack.com/api/"
    """The Slack Web API base URL (tests point it at a loopback server)."""

    @field_validator("api_keys", "cors_origins", mode="before")
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @property
    def llm_configured(self) -> bool:
        """True when an endpoint or an API key says a model should answer."""
        return self.llm_base_url is not None or self.llm_api_key is not None


@cache
def get_settings() -> Settings:
    """The process-wide settings."""
    return Settings()
