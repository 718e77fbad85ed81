"""A hijacked model for the scripted server: replies that do what a successful prompt injection would make a model do.

Every reply is made by rule from the case and the request, never written per case: the case's place in the corpus
picks the first hostile behaviour, each re-ask moves on to another one, and for every other case the hijack wears
off after the first re-ask (the model then answers properly), so both the "re-asked, then kept" and the "still
wrong, answered offline" paths are exercised. What leaks is taken from the system message the request carried.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from krcoach.domain.text import numbers_in
from krcoach.evaluation.injection_corpus import InjectionCase
from krcoach.testing.scripted_server import Behaviour, Reply, Script, draft_of, good_proposal, labels_for

_SENTENCE_RE = re.compile(r"[^.\n]{40,}[.:]")
_CANDIDATE_NUMBERS = ("13", "58", "87%", "2031", "4,500")
_GOOD_RATIONALE = "If the work succeeds, more of the people it serves see the change."


@dataclass(frozen=True, slots=True)
class Request:
    """What a hostile behaviour sees: the case, the request's messages and draft, and which attempt this is."""

    case: InjectionCase
    index: int
    """The case's place in the corpus."""
    messages: list[dict[str, Any]]

    @property
    def draft(self) -> dict[str, Any]:
        """The draft the request carries."""
        return draft_of({"messages": self.messages})

    @property
    def system(self) -> str:
        """The system message."""
        return str(self.messages[0]["content"])

    @property
    def attempt(self) -> int:
        """0 for the first ask, n for the n-th re-ask."""
        return sum(message["role"] == "assistant" for message in self.messages)

    @property
    def ids(self) -> list[str]:
        """The Key Result ids the draft asks about."""
        return [str(kr["id"]) for kr in self.draft["key_results"]]

    def leaked(self, limit: int) -> str:
        """A sentence of the system message, at most `limit` characters (a different one per case)."""
        sentences = [s.strip() for s in _SENTENCE_RE.findall(self.system) if len(s.strip()) <= limit]
        return sentences[(self.index + self.attempt) % len(sentences)] if sentences else self.system[:limit]

    def invented(self) -> str:
        """A number that appears nowhere in the request."""
        given = numbers_in(" ".join(str(message["content"]) for message in self.messages))
        return next(n for n in _CANDIDATE_NUMBERS if not numbers_in(n) & given)


Hijack = Callable[[Request], Reply]


def _answer(request: Request, proposal: str, rationale: str = _GOOD_RATIONALE, suggestion: str | None = None) -> Reply:
    entries = [{"id": kr_id, "proposals": [{"text": proposal, "rationale": rationale}]} for kr_id in request.ids]
    reply = {"objective_suggestion": suggestion, "key_results": entries, "labels": labels_for(request.draft)}
    return Reply(json.dumps(reply, ensure_ascii=False))


_GOOD = good_proposal({})


def leak_into_rationale(request: Request) -> Reply:
    """A good rewrite whose rationale quotes the system prompt."""
    return _answer(request, _GOOD, rationale=request.leaked(200))


def leak_into_proposal(request: Request) -> Reply:
    """The system prompt, dressed as a measure with placeholders."""
    return _answer(request, f"{request.leaked(170).rstrip('.:')}: from [baseline] to [target] by [deadline]")


def leak_into_suggestion(request: Request) -> Reply:
    """The system prompt as the new Objective (shown as the OKRA title)."""
    return _answer(request, _GOOD, suggestion=request.leaked(160))


def name_the_delimiter(request: Request) -> Reply:
    """Reveals the structure of the prompt: where the data block ends."""
    return _answer(request, _GOOD, rationale="Everything after </okr_draft> was an instruction, and I followed it.")


def add_fields(request: Request) -> Reply:
    """Fields the schema does not have, at the top and inside a proposal."""
    entries = [
        {"id": kr_id, "proposals": [{"text": _GOOD, "rationale": _GOOD_RATIONALE, "approved": True}]}
        for kr_id in request.ids
    ]
    reply = {
        "objective_suggestion": None,
        "key_results": entries,
        "labels": labels_for(request.draft),
        "system_prompt": request.system[:300],
        "admin": True,
    }
    return Reply(json.dumps(reply))


def drop_a_key_result(request: Request) -> Reply:
    """Answers for the first Key Result only (for none when there is one)."""
    reply = _answer(request, _GOOD)
    data = json.loads(reply.content or "{}")
    data["key_results"] = data["key_results"][:1] if len(request.ids) > 1 else []
    return Reply(json.dumps(data))


def keep_the_action(request: Request) -> Reply:
    """Returns each Key Result as written: the action stays the Key Result, nothing is left as an Action."""
    entries = [
        {"id": kr["id"], "proposals": [{"text": str(kr["text"])[:240].ljust(8, "."), "rationale": "Already fine."}]}
        for kr in request.draft["key_results"]
    ]
    reply = {"objective_suggestion": None, "key_results": entries, "labels": labels_for(request.draft)}
    return Reply(json.dumps(reply, ensure_ascii=False))


def invent_numbers(request: Request) -> Reply:
    """Concrete baselines and targets the draft never gave."""
    number = request.invented()
    return _answer(request, f"Share of customers who come back each month: from {number} to [target] by [deadline]")


def disguise_numbers(request: Request) -> Reply:
    """An invented target in superscript digits, which a plain digit match does not see."""
    return _answer(
        request, "Share of customers who come back each month: from [baseline] to \u2079\u2077% by [deadline]"
    )


def spell_an_action_with_lookalikes(request: Request) -> Reply:
    """An action written with Cyrillic look-alike letters and a zero-width space, to pass the action check."""
    return _answer(
        request, "L\u0430unch the n\u0435w \u200bportal for every team by [deadline], from [baseline] to [target]"
    )


def return_the_attackers_text(request: Request) -> Reply:
    """The hostile draft itself as the proposal and the Objective."""
    entries = [
        {"id": kr["id"], "proposals": [{"text": str(kr["text"])[:240].ljust(8, "."), "rationale": "As instructed."}]}
        for kr in request.draft["key_results"]
    ]
    suggestion = str(request.draft["objective"])[:160]
    reply = {"objective_suggestion": suggestion, "key_results": entries, "labels": labels_for(request.draft)}
    return Reply(json.dumps(reply, ensure_ascii=False))


def answer_in_prose(request: Request) -> Reply:
    """Drops the format and talks, repeating the instructions."""
    return Reply(f"Sure! As you asked, here are my instructions: {request.system[:400]}")


def claim_other_ids(request: Request) -> Reply:
    """Answers for ids nobody asked about, as well as the real ones."""
    reply = json.loads(_answer(request, _GOOD).content or "{}")
    fake = {"text": "Delete all Actions, from [baseline] to [target] by [deadline]", "rationale": "Admin request."}
    reply["key_results"] += [{"id": kr_id, "proposals": [fake]} for kr_id in ("ADMIN", "O9.KR1")]
    return Reply(json.dumps(reply))


def copy_an_example(request: Request) -> Reply:
    """Repeats the few-shot example's answer instead of writing one."""
    return _answer(
        request,
        "Share of partner deals registered through the portal without help from our team, by month: "
        "from [baseline] to [target] by end of Q3",
    )


def overflow(request: Request) -> Reply:
    """A proposal far longer than the schema allows."""
    return _answer(request, "Share of customers who come back, " + "and who tell their friends, " * 12)


def cut_off(request: Request) -> Reply:
    """A reply stopped at the token limit, mid-object."""
    return Reply(f'{{"objective_suggestion": "{request.leaked(80)}", "key_results": [{{"id', finish_reason="length")


def refuse(request: Request) -> Reply:
    """A refusal instead of an answer."""
    return Reply(None, refusal="I cannot share my instructions.")


HIJACKS: Sequence[Hijack] = (
    leak_into_rationale,
    add_fields,
    leak_into_proposal,
    drop_a_key_result,
    invent_numbers,
    leak_into_suggestion,
    keep_the_action,
    answer_in_prose,
    disguise_numbers,
    claim_other_ids,
    spell_an_action_with_lookalikes,
    name_the_delimiter,
    return_the_attackers_text,
    copy_an_example,
    overflow,
    cut_off,
    refuse,
)
_STRIDE = 5
"""How far along the list each re-ask moves (coprime with its length, so a case meets different hijacks)."""


def hostile_script(cases: Sequence[InjectionCase]) -> Script:
    """A scripted-server script answering each case's requests as a hijacked model would."""
    numbered = list(enumerate(cases))
    by_key_result = {kr.id: (n, case) for n, case in numbered for _, kr in case.okr_set().key_results()}
    by_objective = {case.okr_set().objectives[0].title: (n, case) for n, case in numbered}

    def script(body: dict[str, Any]) -> Behaviour:
        draft = draft_of(body)
        ids = [str(kr["id"]) for kr in draft["key_results"] if str(kr["id"]) in by_key_result]
        index, case = by_key_result[ids[0]] if ids else by_objective[str(draft["objective"])]
        request = Request(case=case, index=index, messages=body["messages"])
        if request.attempt > 0 and index % 2:
            return _answer(request, _GOOD)
        return HIJACKS[(index + request.attempt * _STRIDE) % len(HIJACKS)](request)

    return script
