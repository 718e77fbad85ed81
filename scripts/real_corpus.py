"""Build the real-world corpus (evals/datasets/real/) from collected rows and two labellers' labels.

    python scripts/real_corpus.py rows       # raw/*.jsonl -> rows.jsonl (stable ids, deduplicated, checked)
    python scripts/real_corpus.py batch N    # rows not yet labelled -> labelling/batch-N.jsonl (id, objective, KR)
    python scripts/real_corpus.py build      # rows + labels/*.jsonl + adjudicated.jsonl -> dev.jsonl, test.jsonl,
                                             # AGREEMENT.md (split by source: no source in both parts)

Deterministic: the same inputs give byte-identical outputs. Nothing here reads the classifier.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

REAL = Path(__file__).resolve().parent.parent / "evals" / "datasets" / "real"
RAW_FIELDS = ("objective", "key_result", "source", "source_key", "author", "author_type", "domain", "period")
MAX_SOURCE_SHARE = 0.05  # checked by build, over the whole corpus
TEST_SHARE = 0.5
LABELLERS = ("a", "b")
# Sources left out although not reserved, and why.
EXCLUDED = {
    "okrforengineering.com": "may be run by a vendor whose own site is reserved for the independent check",
    "github.com/manassaloi/manassaloi.github.io": "transcribed from pictures of a spreadsheet, not copied as text",
}
_PERSONAL_HOSTS = ("medium.com", "github.io", "substack.com", "wordpress.com", "blogspot.com")
KINDS = {
    "milestone": "action",
    "activity_quota": "action",
    "task": "action",
    "performance_measure": "result",
    "measure_without_target": "result",
    "vague": "result",
}


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as error:
                raise SystemExit(f"{path}:{number}: not JSON: {error}") from None
    return rows


def _write_jsonl(path: Path, rows: list[dict[str, Any]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")


def _reserved() -> list[str]:
    path = REAL.parents[3] / "shared" / "RESERVED_SOURCES.txt"  # shared/ sits beside the repository
    lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def _is_reserved(source_key: str, reserved: list[str]) -> bool:
    key = source_key.lower().removeprefix("https://").removeprefix("http://")
    for entry in reserved:
        item = entry.lower().removeprefix("https://").removeprefix("http://").rstrip("/")
        if key == item or key.endswith("." + item) or key.startswith(item + "/"):
            return True
    return False


def row_id(row: dict[str, Any]) -> str:
    """A stable id from the source and the verbatim text."""
    digest = hashlib.sha1(
        "\x1f".join((row["source_key"], row["objective"], row["key_result"])).encode("utf-8")
    ).hexdigest()
    return f"r-{digest[:10]}"


def cmd_rows() -> None:
    """Collect raw rows into rows.jsonl: fields checked, duplicates dropped, reserved sources refused."""
    reserved = _reserved()
    if not reserved:
        raise SystemExit("RESERVED_SOURCES.txt not found: refusing to build without it")
    rows: list[dict[str, Any]] = []
    seen: set[tuple[str, str]] = set()
    dropped: Counter[str] = Counter()
    for path in sorted((REAL / "raw").glob("*.jsonl")):
        for row in _read_jsonl(path):
            missing = [f for f in RAW_FIELDS if not isinstance(row.get(f), str)]
            if missing or not row["key_result"].strip() or not row["objective"].strip():
                dropped[f"{path.name}: missing {missing or 'text'}"] += 1
                continue
            if row["source_key"] in EXCLUDED:
                dropped[f"{path.name}: excluded source {row['source_key']}"] += 1
                continue
            if _is_reserved(row["source_key"], reserved) or _is_reserved(row["source"], reserved):
                dropped[f"{path.name}: reserved source {row['source_key']}"] += 1
                continue
            if not _in_latin_alphabet(row["objective"] + " " + row["key_result"]):
                dropped[f"{path.name}: not in English (krcoach reads English)"] += 1
                continue
            key = (row["objective"].strip().lower(), row["key_result"].strip().lower())
            if key in seen or len(row["key_result"]) > 400:
                dropped[f"{path.name}: duplicate or too long"] += 1
                continue
            seen.add(key)
            clean = {f: row[f].strip() for f in RAW_FIELDS}
            clean["collector"] = str(row.get("collector", path.stem))
            rows.append({"id": row_id(clean), **clean})
    groups = _split_groups(rows)
    scored = {
        r["id"]
        for part in ("dev", "test")
        if (REAL / f"{part}.jsonl").exists()
        for r in _read_jsonl(REAL / f"{part}.jsonl")
    }
    kept, limit = rows, len(rows)
    while any(
        count > MAX_SOURCE_SHARE * len(kept) for count in Counter(groups[r["source_key"]] for r in kept).values()
    ):
        limit = int(MAX_SOURCE_SHARE * len(kept))  # a share of what is kept: shrink until every group is within it
        kept = _capped(rows, groups, limit, scored)
    for group, count in Counter(groups[r["source_key"]] for r in rows).items():
        if count > limit:
            dropped[f"over {limit} rows ({MAX_SOURCE_SHARE:.0%}) from {group.split(':', 1)[1]}"] += count - limit
    per_source = Counter(r["source_key"] for r in kept)
    _write_jsonl(REAL / "rows.jsonl", kept)
    own = sum(r["author_type"] == "own_use" for r in kept)
    largest = Counter(groups[r["source_key"]] for r in kept).most_common(3)
    print(f"{len(kept)} rows from {len(per_source)} sources; own_use {own / max(1, len(kept)):.0%}; largest {largest}")
    for reason, count in sorted(dropped.items()):
        print(f"  dropped {count}: {reason}")


def _in_latin_alphabet(text: str) -> bool:
    """Written in the Latin alphabet (an English draft may quote a name in another script, not be written in one)."""
    letters = [c for c in text if c.isalpha()]
    latin = sum(unicodedata.name(c, "").startswith("LATIN") for c in letters)
    return not letters or latin >= 0.9 * len(letters)


def _capped(rows: list[dict[str, Any]], groups: dict[str, str], limit: int, scored: set[str]) -> list[dict[str, Any]]:
    """At most ``limit`` rows a group: rows already in a part (``scored`` ids) first, so a scored row never leaves
    its part, then Objectives in a fixed, content-free (hashed) order, then input order."""
    order = {id(row): index for index, row in enumerate(rows)}
    taken: Counter[str] = Counter()
    kept = []
    for row in sorted(
        rows, key=lambda r: (r["id"] not in scored, hashlib.sha1(r["objective"].encode()).hexdigest(), order[id(r)])
    ):
        group = groups[row["source_key"]]
        if taken[group] < limit:
            taken[group] += 1
            kept.append(row)
    return sorted(kept, key=lambda r: order[id(r)])


def cmd_batch(name: str) -> None:
    """Rows that no labelling batch holds yet, as a batch for the labellers (no source, no labels)."""
    folder = REAL / "labelling"
    batched = {r["id"] for p in folder.glob("batch-*.jsonl") for r in _read_jsonl(p)} if folder.exists() else set()
    rows = [r for r in _read_jsonl(REAL / "rows.jsonl") if r["id"] not in batched]
    batch = [{"id": r["id"], "objective": r["objective"], "key_result": r["key_result"]} for r in rows]
    _write_jsonl(folder / f"batch-{name}.jsonl", batch)
    print(f"{len(batch)} rows in {folder / f'batch-{name}.jsonl'}")


def _labels(labeller: str) -> dict[str, dict[str, Any]]:
    labels: dict[str, dict[str, Any]] = {}
    for path in sorted((REAL / "labels").glob(f"{labeller}-*.jsonl")):
        for row in _read_jsonl(path):
            if row.get("kind") not in KINDS:
                raise SystemExit(f"{path}: {row.get('id')}: unknown kind {row.get('kind')!r}")
            labels[row["id"]] = row
    return labels


def _organisation(source_key: str) -> str:
    """Who publishes under a source key: a GitHub owner, or a site's domain (personal blog hosts: the host)."""
    if source_key.startswith("github.com/"):
        return "github:" + source_key.split("/")[1].lower()
    host = source_key.lower()
    if host.endswith(_PERSONAL_HOSTS):
        return host
    return ".".join(host.split(".")[-2:])


def _split_groups(rows: list[dict[str, Any]]) -> dict[str, str]:
    """Source key -> its group: sources of one organisation or author (a handbook and its mirror) go together.

    A group counts as one source for the 5% share and is never split between the development and test parts.
    """
    parent: dict[str, str] = {}

    def find(node: str) -> str:
        while parent.setdefault(node, node) != node:
            node = parent[node]
        return node

    def union(a: str, b: str) -> None:
        root_a, root_b = find(a), find(b)
        if root_a != root_b:
            parent[max(root_a, root_b)] = min(root_a, root_b)

    for row in rows:
        words = [w for w in re.findall(r"[a-z0-9]+", row["author"].lower()) if w not in {"the", "personal"}]
        source = "source:" + row["source_key"]
        union(source, "org:" + _organisation(row["source_key"]))
        if words:
            union(source, "author:" + words[0])
    return {row["source_key"]: find("source:" + row["source_key"]) for row in rows}


def _split(rows: list[dict[str, Any]]) -> dict[str, str]:
    """Source key -> 'dev' | 'test'. A group (one organisation or author) is never split between the parts.

    Sources pinned in split.json keep their part (a part, once scored on, never changes); a group with a source
    pinned to dev goes to dev. Other groups, in hashed order, each go to the part furthest below its share, per
    author type, so both parts hold own-use OKRs and published examples in about the same proportion.
    """
    pinned = json.loads((REAL / "split.json").read_text(encoding="utf-8")) if (REAL / "split.json").exists() else {}
    group_of = _split_groups(rows)
    sizes: Counter[str] = Counter(group_of[r["source_key"]] for r in rows)
    group_part: dict[str, str] = {}
    for part in ("test", "dev"):  # dev last: a group with a source pinned to dev is dev
        for source in pinned.get(part, []):
            if source in group_of:
                group_part[group_of[source]] = part
    by_type: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        by_type[row["author_type"]].add(group_of[row["source_key"]])
    counts = {"dev": 0, "test": 0}
    for group, part in group_part.items():
        counts[part] += sizes[group]
    for author_type in sorted(by_type):
        for group in sorted(by_type[author_type] - set(group_part), key=lambda g: hashlib.sha1(g.encode()).hexdigest()):
            total = counts["dev"] + counts["test"] + sizes[group]
            chosen = "test" if TEST_SHARE * total - counts["test"] >= sizes[group] / 2 else "dev"
            group_part[group] = chosen
            counts[chosen] += sizes[group]
    return {source: group_part[group] for source, group in group_of.items()}


def _agreement(pairs: list[tuple[str, str]]) -> tuple[float, float]:
    """Observed agreement and Cohen's kappa."""
    if not pairs:
        return (1.0, 1.0)
    observed = sum(a == b for a, b in pairs) / len(pairs)
    left, right = Counter(a for a, _ in pairs), Counter(b for _, b in pairs)
    expected = sum(left[k] * right[k] for k in left) / (len(pairs) ** 2)
    kappa = (observed - expected) / (1 - expected) if expected < 1 else 1.0
    return (observed, kappa)


def cmd_build() -> None:
    """Final labels (agreed, else adjudicated) into dev.jsonl and test.jsonl, and the agreement report."""
    rows = _read_jsonl(REAL / "rows.jsonl")
    first, second = (_labels(name) for name in LABELLERS)
    adjudicated = (
        {r["id"]: r for r in _read_jsonl(REAL / "adjudicated.jsonl")} if (REAL / "adjudicated.jsonl").exists() else {}
    )
    part = _split(rows)
    out: dict[str, list[dict[str, Any]]] = {"dev": [], "test": []}
    label_pairs: list[tuple[str, str]] = []
    kind_pairs: list[tuple[str, str]] = []
    unlabelled: list[str] = []
    for row in rows:
        a, b = first.get(row["id"]), second.get(row["id"])
        if a is None or b is None:
            unlabelled.append(row["id"])
            continue
        label_pairs.append((KINDS[a["kind"]], KINDS[b["kind"]]))
        kind_pairs.append((a["kind"], b["kind"]))
        if a["kind"] == b["kind"]:
            kind, how, note = a["kind"], "agreed", a.get("note", "")
        elif row["id"] in adjudicated:
            decision = adjudicated[row["id"]]
            kind, how, note = decision["kind"], "adjudicated", decision.get("note", "")
        else:
            unlabelled.append(row["id"])
            continue
        out[part[row["source_key"]]].append(
            {
                "id": row["id"],
                "domain": row["domain"] or "unknown",
                "objective": row["objective"],
                "key_result": row["key_result"],
                "label": KINDS[kind],
                "kind": kind,
                "hard": a["kind"] != b["kind"],
                "note": f"{how}: {note}"[:300],
                "source": row["source"],
                "source_key": row["source_key"],
                "author": row["author"],
                "author_type": row["author_type"],
            }
        )
    for name, cases in out.items():
        _write_jsonl(REAL / f"{name}.jsonl", cases)
    label_agree, label_kappa = _agreement(label_pairs)
    kind_agree, kind_kappa = _agreement(kind_pairs)
    report = {
        "rows": len(rows),
        "labelled_by_both": len(label_pairs),
        "label_agreement": round(label_agree, 4),
        "label_kappa": round(label_kappa, 4),
        "kind_agreement": round(kind_agree, 4),
        "kind_kappa": round(kind_kappa, 4),
        "adjudicated": sum(a != b for a, b in kind_pairs),
        "not_in_corpus": len(unlabelled),
        "dev": len(out["dev"]),
        "test": len(out["test"]),
        "dev_sources": len({c["source_key"] for c in out["dev"]}),
        "test_sources": len({c["source_key"] for c in out["test"]}),
    }
    (REAL / "agreement.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(report, indent=2))


def main(argv: list[str]) -> None:
    """Dispatch the subcommand."""
    if argv[:1] == ["rows"]:
        cmd_rows()
    elif argv[:1] == ["batch"] and len(argv) == 2:
        cmd_batch(argv[1])
    elif argv[:1] == ["build"]:
        cmd_build()
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
