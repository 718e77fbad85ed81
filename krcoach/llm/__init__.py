"""The model layer: a prompt and a schema in, a validated pydantic object out, over any OpenAI-compatible API."""
