"""How each kind of server is asked for structured output: the capability flags of a backend."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class OutputMode(StrEnum):
    """How the reply's JSON shape is requested."""

    JSON_SCHEMA = "json_schema"
    """`response_format={"type": "json_schema", ...}`: OpenAI, Azure OpenAI, vLLM, Ollama enforce it."""
    JSON_OBJECT = "json_object"
    """`response_format={"type": "json_object", "schema": ...}`: llama-cpp-python's server enforces it."""
    PROMPT = "prompt"
    """No response_format: the schema goes into the prompt and the reply is validated."""


@dataclass(frozen=True, slots=True)
class Profile:
    """What a server can be trusted to do with a request for structured output."""

    mode: OutputMode
    enforces_schema: bool
    """True when the server constrains decoding to the schema (a reply can still be cut off or refused)."""
    schema_in_prompt: bool
    """True when the prompt must carry the schema because the server will not."""

    def response_format(self, name: str, schema: dict[str, Any]) -> dict[str, Any] | None:
        """The `response_format` request field for this mode."""
        if self.mode is OutputMode.JSON_SCHEMA:
            return {"type": "json_schema", "json_schema": {"name": name, "schema": schema, "strict": False}}
        if self.mode is OutputMode.JSON_OBJECT:
            return {"type": "json_object", "schema": schema}
        return None


PROFILES = {
    OutputMode.JSON_SCHEMA: Profile(OutputMode.JSON_SCHEMA, enforces_schema=True, schema_in_prompt=False),
    OutputMode.JSON_OBJECT: Profile(OutputMode.JSON_OBJECT, enforces_schema=True, schema_in_prompt=True),
    OutputMode.PROMPT: Profile(OutputMode.PROMPT, enforces_schema=False, schema_in_prompt=True),
}


def profile_for(mode: str) -> Profile:
    """The profile of an output mode name (`json_schema`, `json_object`, `prompt`)."""
    return PROFILES[OutputMode(mode)]
