"""llama-cpp-python's server, a real model on loopback, through the real `openai` client: the protocol we rely on.

`response_format={"type": "json_object", "schema": ...}` constrains the reply to the schema (a grammar built from
it); `{"type": "json_schema", ...}` — the OpenAI spelling — is refused with HTTP 500 naming `response_format.type`.
Skipped where the optional packages are missing, except when KRCOACH_REQUIRE_LLM_SERVER=1 (see conftest).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import openai
import pytest
from openai.types.chat import ChatCompletion, ChatCompletionMessageParam
from pydantic import BaseModel, ConfigDict

from krcoach.testing.llama_server import running_llama_server

pytestmark = pytest.mark.llm_server

MAX_TOKENS = 96
MESSAGES: list[ChatCompletionMessageParam] = [
    {"role": "system", "content": "Answer with a JSON object."},
    {"role": "user", "content": "Which city is the capital of France, and which country is it in?"},
]


class Capital(BaseModel):
    """The reply's shape; extra keys are refused, so a reply that ignored the schema would fail."""

    model_config = ConfigDict(extra="forbid")

    city: str
    country: str


@pytest.fixture(scope="module")
def client() -> Iterator[openai.OpenAI]:
    """The real client against a real server, SDK retries off."""
    with running_llama_server() as base_url:
        yield openai.OpenAI(base_url=base_url, api_key="not-needed", max_retries=0, timeout=120)


def _create(client: openai.OpenAI, *, max_tokens: int, response_format: dict[str, Any] | None) -> ChatCompletion:
    extra: dict[str, Any] = {} if response_format is None else {"response_format": response_format}
    completion: ChatCompletion = client.chat.completions.create(
        model="gemma-3-270m", messages=MESSAGES, max_tokens=max_tokens, temperature=0, **extra
    )
    return completion


def test_json_object_with_schema_returns_json_that_validates(client: openai.OpenAI) -> None:
    schema = Capital.model_json_schema()
    assert schema["additionalProperties"] is False

    completion = _create(client, max_tokens=MAX_TOKENS, response_format={"type": "json_object", "schema": schema})

    choice = completion.choices[0]
    assert choice.finish_reason == "stop"
    assert choice.message.content is not None
    reply = Capital.model_validate_json(choice.message.content)
    assert reply.city.strip()
    assert reply.country.strip()
    usage = completion.usage
    assert usage is not None
    assert 0 < usage.completion_tokens < MAX_TOKENS
    assert usage.total_tokens == usage.prompt_tokens + usage.completion_tokens


def test_json_schema_response_format_is_rejected_with_500(client: openai.OpenAI) -> None:
    response_format = {"type": "json_schema", "json_schema": {"name": "capital", "schema": Capital.model_json_schema()}}

    with pytest.raises(openai.APIStatusError) as raised:
        _create(client, max_tokens=MAX_TOKENS, response_format=response_format)

    assert raised.value.status_code == 500
    body = raised.value.response.text
    assert "response_format" in body
    assert "json_schema" in body


def test_hitting_max_tokens_reports_length(client: openai.OpenAI) -> None:
    completion = _create(client, max_tokens=4, response_format=None)

    assert completion.choices[0].finish_reason == "length"
    assert completion.usage is not None
    assert completion.usage.completion_tokens == 4
