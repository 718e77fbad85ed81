"""Prompt templates as files (`prompts/<name>/`): jinja2, versioned, hashed into every answer's metadata."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
import yaml

from krcoach.llm.transport import Message


@dataclass(frozen=True, slots=True)
class RenderedPrompt:
    """The messages of one call, with the template's version and the hash of its fixed part."""

    messages: list[Message]
    version: str
    template_hash: str
    """sha256 (12 hex) of the rendered system prompt and examples: what changes replies besides the data."""


class PromptTemplate:
    """A prompt folder: `prompt.yaml` (name, version), `system.j2`, `user.j2`, `examples.yaml`."""

    def __init__(self, folder: Path) -> None:
        meta = yaml.safe_load((folder / "prompt.yaml").read_text(encoding="utf-8"))
        self.version = f"{meta['name']}@{meta['version']}"
        self._examples: list[dict[str, Any]] = yaml.safe_load((folder / "examples.yaml").read_text(encoding="utf-8"))
        environment = jinja2.Environment(
            loader=jinja2.FileSystemLoader(folder),
            undefined=jinja2.StrictUndefined,
            autoescape=False,
            keep_trailing_newline=False,
        )
        environment.policies["json.dumps_kwargs"] = {"ensure_ascii": False, "sort_keys": False}
        self._system = environment.get_template("system.j2")
        self._user = environment.get_template("user.j2")

    @property
    def example_answers(self) -> tuple[str, ...]:
        """Every proposal and Objective suggestion the few-shot examples show: a reply must not copy them."""
        texts: list[str] = []
        for example in self._examples:
            answer = example.get("answer") or {}
            if answer.get("objective_suggestion"):
                texts.append(str(answer["objective_suggestion"]))
            for entry in answer.get("key_results") or []:
                texts += [str(proposal["text"]) for proposal in entry.get("proposals") or []]
        return tuple(texts)

    @property
    def example_reasons(self) -> tuple[str, ...]:
        """The label reasons the few-shot examples show: a reply's reasons must not repeat them."""
        return tuple(
            str(entry["reason"]) for e in self._examples for entry in (e.get("answer") or {}).get("labels") or []
        )

    def render(
        self,
        *,
        draft: dict[str, Any],
        ids: list[str],
        numbers: list[str],
        schema: str | None,
        label_ids: list[str] | None = None,
    ) -> RenderedPrompt:
        """The system and user messages for one draft; `schema` is given when the prompt must carry it.

        `ids` are the Key Results to rewrite, `label_ids` those to label (the same when not given).
        """
        system = self._system.render(schema_in_prompt=schema is not None, schema=schema or "")
        labelled = ids if label_ids is None else label_ids
        user = self._user.render(examples=self._examples, draft=draft, ids=ids, numbers=numbers, label_ids=labelled)
        fixed = json.dumps([system, self._examples], sort_keys=True, ensure_ascii=False)
        return RenderedPrompt(
            messages=[{"role": "system", "content": system}, {"role": "user", "content": user}],
            version=self.version,
            template_hash=hashlib.sha256(fixed.encode()).hexdigest()[:12],
        )


def load_prompt(prompts_dir: Path, name: str = "rewrite_objective") -> PromptTemplate:
    """The named prompt from the prompts folder."""
    return PromptTemplate(prompts_dir / name)
