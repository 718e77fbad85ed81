"""Properties over every reader: a document with a known number of Key Results gives exactly that many, or an error.

Each generated set is written in every format (YAML, JSON, JSON Lines, CSV as a spreadsheet saves it, Markdown
outlines in the usual spellings, Markdown tables, .xlsx), then read back: every Key Result must come out, with
its text and its Owner column. Then the documents are damaged (a line of prose put anywhere, a quote dropped from
the CSV): each reader must still give exactly the Key Results written, or refuse with an InputError.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from dataclasses import dataclass

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from krcoach.io import InputError, read_okr_set
from tests.test_readers_tables import workbook

PROPERTY = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])

VERBS = ["Increase", "Reduce", "Launch", "Run", "Grow", "Hold", "Win", "Cut", "Ship", "Keep"]
WORDS = ["NPS", "churn", "ARR", "20", "3.5M", "40%", "$50k", "by", "Q3", "from", "to", "logos", "per", "month"]
WORDS += ["interviews", "é", "🚀", "a|b", '"quoted"', "it's", "x,y", "a;b", "(beta)", "2026-07-01", "#1", "p95:"]
PROSE = "Also, we should talk about hiring next week"

texts = st.tuples(st.sampled_from(VERBS), st.lists(st.sampled_from(WORDS), min_size=1, max_size=6)).map(
    lambda parts: " ".join([parts[0], *parts[1]])
)
owners = st.sampled_from(["Ann", "Bo", "Cy Young", "Dee-Dee", "", "Ånna"])


@dataclass(frozen=True)
class Doc:
    """A set as (title, [(Key Result, owner)]) per Objective, with the number of Key Results it holds."""

    objectives: list[tuple[str, list[tuple[str, str]]]]

    @property
    def key_results(self) -> list[tuple[str, str]]:
        return [kr for _, krs in self.objectives for kr in krs]

    def rows(self) -> list[tuple[str, str, str]]:
        """One row per Key Result; an Objective without any gets a row of its own with an empty Key Result."""
        return [(t, kr, owner) for t, krs in self.objectives for kr, owner in krs or [("", "")]]


docs = st.lists(
    st.tuples(texts, st.lists(st.tuples(texts, owners), max_size=4)), min_size=1, max_size=3, unique_by=lambda o: o[0]
).map(Doc)


def as_yaml(doc: Doc) -> bytes:
    body = {"objectives": [{"title": t, "key_results": [kr for kr, _ in krs]} for t, krs in doc.objectives]}
    return yaml.safe_dump(body, allow_unicode=True).encode()


def as_json(doc: Doc) -> bytes:
    return json.dumps(
        [{"objective": t, "key_results": [{"text": kr} for kr, _ in krs]} for t, krs in doc.objectives]
    ).encode()


def as_jsonl(doc: Doc) -> bytes:
    return "".join(json.dumps({"objective": t, "key_result": kr}) + "\n" for t, kr, _ in doc.rows()).encode()


def as_csv(doc: Doc) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL)  # a spreadsheet's CSV: CRLF line ends
    writer.writerow(["Objective", "Key Result", "Owner", "Status"])
    writer.writerows((t, kr, owner, "on track") for t, kr, owner in doc.rows())
    return "\ufeff".encode() + out.getvalue().encode()


def as_outline(doc: Doc) -> bytes:
    headings = ["## Objective: {t}", "Objective {i}: {t}", "**Objective {i}:** {t}", "### Objective {i} - {t}"]
    items = ["- {kr}", "* KR{j}: {kr}", "{j}. {kr}", "KR {i}.{j} - {kr}", "- [ ] {kr}"]
    lines = ["# Team OKRs", "Agreed at the offsite, see the board.", "<!-- exported -->", ""]
    for i, (title, krs) in enumerate(doc.objectives, start=1):
        lines += [headings[i % len(headings)].format(i=i, t=title), "Owner: Dana", "Key Results:"]
        lines += [items[(i + j) % len(items)].format(i=i, j=j, kr=kr) for j, (kr, _) in enumerate(krs, start=1)]
        lines += ["", "---"]
    return "\n".join(lines).encode()


def as_table(doc: Doc) -> bytes:
    def cell(text: str) -> str:
        return text.replace("|", "\\|")

    lines = ["# Team OKRs", "", "| Key Result | Owner | Objective |", "| --- | :---: | --- |"]
    previous = None
    for title, kr, owner in doc.rows():
        lines.append(f"| {cell(kr)} | {cell(owner)} | {'' if title == previous else cell(title)} |")
        previous = title
    return "\n".join(lines).encode()


def as_xlsx(doc: Doc) -> bytes:
    rows: list[list[object]] = [["Team OKRs"], [], ["Goal", "KR", "Owner"]]
    rows += [[t, kr or None, owner] for t, kr, owner in doc.rows()]
    return workbook({"OKRs": rows})


WRITERS: dict[str, Callable[[Doc], bytes]] = {
    "okrs.yaml": as_yaml,
    "okrs.json": as_json,
    "okrs.jsonl": as_jsonl,
    "okrs.csv": as_csv,
    "okrs.md": as_outline,
    "table.md": as_table,
    "okrs.xlsx": as_xlsx,
}
TABULAR = {"okrs.csv", "table.md", "okrs.xlsx"}


@PROPERTY
@given(doc=docs, source=st.sampled_from(sorted(WRITERS)))
def test_every_reader_gives_exactly_the_key_results_written_with_their_text_and_owner(doc: Doc, source: str) -> None:
    data = WRITERS[source](doc)
    if not doc.key_results:
        try:
            read_okr_set(data, source=source)
        except InputError as error:
            assert error.message.startswith("no Key Results found: looked for ")
            return
        raise AssertionError("a set without Key Results was read")
    okr_set = read_okr_set(data, source=source)
    read = [(kr.text, kr.columns.get("Owner", "")) for _, kr in okr_set.key_results()]
    if source in TABULAR:
        assert read == doc.key_results
    else:
        assert [text for text, _ in read] == [text for text, _ in doc.key_results]


damaged_text = st.sampled_from(sorted(set(WRITERS) - {"okrs.xlsx"}))


@PROPERTY
@given(doc=docs, source=damaged_text, where=st.integers(min_value=0, max_value=10_000), drop_quote=st.booleans())
def test_a_damaged_document_gives_exactly_its_key_results_or_an_input_error(
    doc: Doc, source: str, where: int, drop_quote: bool
) -> None:
    text = WRITERS[source](doc).decode()
    if drop_quote and source == "okrs.csv":
        quotes = [index for index, char in enumerate(text) if char == '"']
        at = quotes[where % len(quotes)]
        text = text[:at] + text[at + 1 :]
    else:
        lines = text.split("\n")
        lines.insert(where % (len(lines) + 1), PROSE)
        text = "\n".join(lines)
    try:
        okr_set = read_okr_set(text.encode(), source=source)
    except InputError as error:
        assert error.source == source and error.message
        return
    assert len(okr_set.key_results()) == len(doc.key_results)
    assert PROSE not in [kr.text for _, kr in okr_set.key_results()]
