"""Reliability: the API fuzzed from its own OpenAPI document, and properties of the readers and the coach."""
