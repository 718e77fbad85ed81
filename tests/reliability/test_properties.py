"""Properties that hold for any input: the readers read or refuse, every Key Result text is diagnosed or refused at
validation, the analysis is deterministic, and the offline engine never invents a number.

The texts mix realistic Key Result words with numbers, percentages, currencies and dates, and with what real
drafts pasted from everywhere contain: right-to-left scripts, emoji, zero-width and other invisible characters,
non-ASCII digits and spaces. Surrogates are left out: they cannot be encoded, so no request or file carries them.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from krcoach.coach import Coach
from krcoach.domain.analysis import Kind, Label, SetAnalysis
from krcoach.domain.diagnosis import diagnose
from krcoach.domain.guards import invented_numbers
from krcoach.domain.okr import MAX_TEXT_CHARS, KeyResult, Objective, OKRSet
from krcoach.io import InputError, InputFormat, read_okr_set

ROOT = Path(__file__).resolve().parents[2]
PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# --- texts -------------------------------------------------------------------------------------------------------

VERBS = ["Launch", "Run", "Increase", "Reduce", "Grow", "Ship", "Complete", "Hold", "Publish", "Conduct", "Migrate"]
VERBS += ["Maintain", "Keep", "Ensure", "Improve", "Achieve", "Hire", "Close", "Deliver", "Establish", "Optimise"]
NOUNS = ["NPS", "churn", "retention", "monthly recurring revenue", "customer interviews", "the onboarding flow"]
NOUNS += ["weekly sign-ups", "support tickets", "enterprise deals", "p95 latency", "uptime", "activation rate"]
NOUNS += ["share of new customers completing onboarding without contacting support", "blog posts", "engagement"]
LINKS = ["from", "to", "by", "per", "each", "within", "by the end of", "without", "of", "for", "in", "and", "at"]
NUMBERS = ["20", "1,000", "3.5", "12.50", "26,000", "2026.03", "0", "007", "40%", "70 %", "+5pp", "$50k", "€1.2m"]
NUMBERS += ["£300", "¥8000", "2x", "p95"]
NUMBERS += ["twenty", "half", "double", "a dozen", "thirty-two", "１２", "٣٠", "३", "1\u00a0000", "10–20", "-3"]
DATES = ["30 June", "June 30th", "2026-07-01", "31/12/2026", "Q3", "Q2 2026", "FY27", "H2 '26", "end of Q3"]
DATES += ["this quarter", "next month", "by year-end", "per month", "weekly", "every sprint", "EOY", "2026-02-30"]
ODD = ["\u200b", "\u200c", "\u200d", "\ufeff", "\u2060", "\u00ad", "\u202e", "\u200f", "\u00a0", "\u3000", "\t"]
ODD += ["שיפור שימור לקוחות", "زيادة الإيرادات", "🚀", "👩🏽‍💻", "🇩🇪", "é", "e\u0301", "ǅ", "İ", "ß", "Ⅻ"]
ODD += ["[baseline]", "[target]", "**", "#", "- ", "KR1:", '"', "'", ",", ";", ":", "\\", "{", "}", "<b>", "—", "…"]

decimals = st.decimals(min_value=-1000, max_value=1000, places=2, allow_nan=False).map(str)
chunk = st.one_of(
    st.sampled_from(VERBS + NOUNS + LINKS),
    st.sampled_from(NUMBERS + DATES),
    st.integers(min_value=-(10**6), max_value=10**12).map(str),
    decimals,
    st.tuples(st.sampled_from(DATES), st.sampled_from(NUMBERS) | decimals).map(" ".join),  # a date meets a number
    st.sampled_from(ODD),
    st.text(st.characters(exclude_categories=["Cs"]), min_size=1, max_size=6),
)
realistic = st.lists(chunk, min_size=1, max_size=24).flatmap(
    lambda parts: st.sampled_from([" ", "", " ", "\u00a0", "  "]).map(lambda glue: glue.join(parts))
)
key_result_texts = st.one_of(
    realistic,
    realistic.map(lambda text: text[:MAX_TEXT_CHARS]),
    st.text(max_size=MAX_TEXT_CHARS + 20),
    st.text(st.characters(categories=["Zs", "Cc", "Cf", "Zl", "Zp"]), max_size=8),
    st.integers(min_value=MAX_TEXT_CHARS - 3, max_value=MAX_TEXT_CHARS + 3).map(lambda n: "Reduce churn " + "x" * n),
)
valid_texts = realistic.map(lambda text: text.strip()[:MAX_TEXT_CHARS].strip()).filter(bool)


@st.composite
def okr_sets(draw: st.DrawFn) -> OKRSet:
    """A valid set: 1-3 Objectives of 1-4 Key Results, maybe a period and planned actions."""
    objectives = [
        Objective(
            id="",
            title=draw(valid_texts),
            period=draw(st.none() | st.sampled_from(["2026-Q3", "Q2", "H1 2027", "FY27"])),
            key_results=[KeyResult(id="", text=text) for text in draw(st.lists(valid_texts, min_size=1, max_size=4))],
            actions=draw(st.lists(valid_texts, max_size=2)),
        )
        for _ in range(draw(st.integers(min_value=1, max_value=3)))
    ]
    return OKRSet(objectives=objectives)


# --- (a) the readers ---------------------------------------------------------------------------------------------

SOURCES = ["<stdin>", "draft", "okrs.md", "okrs.yaml", "okrs.json", "okrs.jsonl", "okrs.csv", "okrs.txt"]
PIECES = ["## ", "# ", "- ", "* ", "1. ", "Objective: ", "KR1: ", "Key Results:\n", "Actions:\n", "Owner: ", "\n"]
PIECES += ["objectives:\n", "  - title: ", "    key_results:\n", "      - ", "&a ", "*a", "<<: *a\n", "!!int ", "? "]
PIECES += ["!!timestamp ", "!!float ", "!!binary ", "---\n", "%YAML 1.1\n", "{", "}", "[", "]", '"', "'", ",", ";"]
PIECES += [":", "\r", "\r\n", "\t", " ", "objective,key_result\n", "objective;key_result;owner\n", '{"objective": ']
PIECES += ['"key_result": ', '{"objectives": [', '"title": ', '"text": ', "null", "true", "1e999", "2026-02-30"]
PIECES += ["0x", "1_000", "9" * 50, "\x00", "\ufeff", "\u2028", "\x85", "Grow", "Win 3 logos by Q3", "é", "🚀"]

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), valid_texts, st.text(max_size=5)
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)
objective_like = st.fixed_dictionaries(
    {},
    optional={
        "title": valid_texts | values,
        "objective": valid_texts,
        "id": st.text(max_size=4) | st.integers(),
        "owner": values,
        "period": st.sampled_from(["2026-Q3", "2026-07-01"]) | values,
        "key_results": st.lists(
            valid_texts | st.fixed_dictionaries({"text": valid_texts | values}) | values, max_size=4
        ),
        "actions": st.lists(valid_texts | values, max_size=2),
        "extra": values,
    },
)
documents = st.one_of(
    st.fixed_dictionaries({"objectives": st.lists(objective_like, max_size=3)}, optional={"name": values}),
    st.lists(objective_like, max_size=3),
    values,
)


def _rendered(document: Any, fmt: str) -> str:
    """A document written in a format: a reader's usual input, with whatever types the generator chose."""
    if fmt == "json":
        return json.dumps(document)
    if fmt == "yaml":
        return yaml.safe_dump(document, allow_unicode=True)
    objectives = document.get("objectives") if isinstance(document, dict) else document
    rows = [o for o in objectives if isinstance(o, dict)] if isinstance(objectives, list) else []
    pairs = [(o.get("title", o.get("objective")), kr) for o in rows for kr in o.get("key_results") or [None]]
    if fmt == "jsonl":
        return "".join(json.dumps({"objective": title, "key_result": kr}) + "\n" for title, kr in pairs)
    if fmt == "csv":
        return "objective,key_result\n" + "".join(f'"{title}","{kr}"\n' for title, kr in pairs)
    return "".join(f"## Objective: {title}\n- {kr}\n" for title, kr in pairs)


inputs = st.one_of(
    st.binary(max_size=2000),
    st.text(max_size=2000).map(str.encode),
    st.lists(st.sampled_from(PIECES) | st.sampled_from(NUMBERS + DATES + ODD), max_size=40)
    .map("".join)
    .map(str.encode),
    st.tuples(documents, st.sampled_from(["json", "yaml", "jsonl", "csv", "md"])).map(lambda d: _rendered(*d).encode()),
    st.sampled_from(["[", '{"a": ', "- ", "a:\n  ", "> "]).map(lambda opener: (opener * 3000).encode()),
)


@PROPERTY
@given(data=inputs, source=st.sampled_from(SOURCES), fmt=st.none() | st.sampled_from(list(InputFormat)))
def test_any_bytes_are_read_as_an_okr_set_or_refused_with_an_input_error(
    data: bytes, source: str, fmt: InputFormat | None
) -> None:
    try:
        okr_set = read_okr_set(data, source=source, fmt=fmt)
    except InputError as error:
        assert error.source == source and error.message
        assert error.line is None or 1 <= error.line <= len(data.decode(errors="replace").splitlines()) + 1
        return
    assert okr_set.objectives and all(o.title for o in okr_set.objectives)


# --- (b) any Key Result text ----------------------------------------------------------------------------------

COACH = Coach()


@settings(PROPERTY, max_examples=400)  # the quickest property: one Key Result each
@given(text=key_result_texts)
def test_any_key_result_text_is_diagnosed_or_refused_at_validation_with_a_clear_error(text: str) -> None:
    try:
        key_result = KeyResult(id="K", text=text)
    except ValidationError as error:
        [problem] = error.errors()
        assert problem["loc"] == ("text",)
        if problem["type"] == "string_too_long":
            assert len(text) > MAX_TEXT_CHARS and f"at most {MAX_TEXT_CHARS} characters" in problem["msg"]
        else:
            assert problem["type"] == "string_too_short" and not text.strip(), problem
        return
    okr_set = OKRSet(
        objectives=[Objective(id="O1", title="New customers succeed without help", key_results=[key_result])]
    )
    [analysis] = COACH.analyze_now(okr_set).key_results()
    assert analysis.text == key_result.text and 1 <= len(analysis.text) <= MAX_TEXT_CHARS
    assert analysis.label in set(Label) and analysis.kind in set(Kind) and 0 <= analysis.confidence <= 1
    assert analysis.kind.label is analysis.label
    for issue in analysis.issues:
        if issue.span is not None:
            assert analysis.text[issue.span.start : issue.span.end] == issue.span.text


# --- (c) determinism -------------------------------------------------------------------------------------------


@PROPERTY
@given(okr_set=okr_sets())
def test_the_same_set_gets_the_same_analysis_again_and_from_a_fresh_coach(okr_set: OKRSet) -> None:
    first = COACH.analyze_now(okr_set).model_dump_json()

    assert COACH.analyze_now(okr_set).model_dump_json() == first
    assert Coach().analyze_now(okr_set.model_copy(deep=True)).model_dump_json() == first
    assert [diagnose(kr.text) for _, kr in okr_set.key_results()] == [
        diagnose(kr.text) for _, kr in okr_set.key_results()
    ]


_ANALYSE_CORPUS = """
import sys
from pathlib import Path
from krcoach.coach import Coach
from krcoach.io import read_okr_set
for path in sys.argv[1:]:
    print(Coach().analyze_now(read_okr_set(Path(path).read_bytes(), source=path)).model_dump_json())
"""


def _corpus() -> list[Path]:
    """Every example and test fixture set, and the eval datasets (one JSON Lines set each): ~700 Key Results."""
    paths = [*(ROOT / "examples").glob("*.*"), *(ROOT / "tests" / "fixtures").glob("set.*")]
    return sorted(paths) + sorted((ROOT / "evals" / "datasets").glob("*.jsonl"))


@pytest.mark.parametrize("seed", ["1", "2"])
def test_the_analysis_does_not_depend_on_the_process_or_its_hash_seed(seed: str) -> None:
    paths = _corpus()
    here = [Coach().analyze_now(read_okr_set(path.read_bytes(), source=str(path))).model_dump_json() for path in paths]

    run = subprocess.run(
        [sys.executable, "-c", _ANALYSE_CORPUS, *map(str, paths)],
        env={**os.environ, "PYTHONHASHSEED": seed},
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )

    assert len(paths) >= 8
    assert run.stdout == "".join(f"{analysis}\n" for analysis in here)


# --- (d) no invented numbers -----------------------------------------------------------------------------------


@PROPERTY
@given(okr_set=okr_sets())
def test_the_offline_engine_never_proposes_a_number_absent_from_the_input(okr_set: OKRSet) -> None:
    analysis: SetAnalysis = COACH.analyze_now(okr_set)

    for objective, given_objective in zip(analysis.objectives, okr_set.objectives, strict=True):
        key_result_texts = [kr.text for kr in given_objective.key_results]
        for kr in objective.key_results:
            for proposal in kr.proposals:
                invented = invented_numbers(proposal.text, kr.text, objective.title)
                assert invented == set(), (kr.text, objective.title, proposal.text)
            assert not [error for error in kr.errors if "numbers not in the input" in error], (kr.text, kr.errors)
        if objective.suggestion is not None:
            assert invented_numbers(objective.suggestion, objective.title, *key_result_texts) == set()
