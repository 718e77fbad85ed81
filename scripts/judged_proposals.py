"""Send the offline engine's unjudged first proposals to two judges, and merge their judgements back.

python scripts/judged_proposals.py export BATCH.jsonl
    evals/reports/unjudged_proposals.jsonl (written by `krcoach eval`) -> a shuffled, blind batch for the judges
python scripts/judged_proposals.py merge A.jsonl B.jsonl [ADJUDICATED.jsonl]
    both judges' files (and an adjudicator's, for the keys they disagree on) -> appended to
    evals/judgements/proposals.jsonl; disagreements without a decision are listed and left out
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
UNJUDGED = ROOT / "evals" / "reports" / "unjudged_proposals.jsonl"
JUDGED = ROOT / "evals" / "judgements" / "proposals.jsonl"


def _read(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def export(batch: Path) -> None:
    """The unjudged proposals, blind (no engine, no source) and in a fixed shuffled order."""
    items = [u for u in _read(UNJUDGED) if u.get("proposal")]
    unique = {u["key"]: {k: u[k] for k in ("key", "objective", "key_result", "proposal")} for u in items}
    rows = sorted(unique.values(), key=lambda r: r["key"])
    random.Random(13).shuffle(rows)
    batch.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    print(f"{len(rows)} proposals to judge in {batch}")


def merge(first: Path, second: Path, decisions: Path | None) -> None:
    """Append agreed (or adjudicated) judgements for the unjudged proposals to the committed file."""
    texts = {u["key"]: u for u in _read(UNJUDGED)}
    a = {r["key"]: r for r in _read(first)}
    b = {r["key"]: r for r in _read(second)}
    decided = {r["key"]: r for r in _read(decisions)} if decisions else {}
    known = {r["key"] for r in _read(JUDGED)} if JUDGED.exists() else set()
    added, open_keys = [], []
    for key in sorted(set(a) & set(b) - known):
        if key not in texts:
            continue
        agreed = a[key]["judgement"] == b[key]["judgement"]
        final = a[key]["judgement"] if agreed else decided.get(key, {}).get("judgement")
        if final is None:
            open_keys.append(key)
            continue
        item = texts[key]
        note = decided.get(key, {}).get("note") or a[key].get("note", "")
        added.append({"key": key, "id": item["id"], "objective": item["objective"], "key_result": item["key_result"],
                      "proposal": item["proposal"], "judge_a": a[key]["judgement"], "judge_b": b[key]["judgement"],
                      "final": final, "note": note})  # fmt: skip
    with JUDGED.open("a", encoding="utf-8") as out:
        out.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in added)
    print(f"added {len(added)} judgements to {JUDGED}; {len(open_keys)} disagreements need a decision: {open_keys}")


def main(argv: list[str]) -> None:
    """Dispatch the subcommand."""
    if argv[:1] == ["export"] and len(argv) == 2:
        export(Path(argv[1]))
    elif argv[:1] == ["merge"] and len(argv) in {3, 4}:
        merge(Path(argv[1]), Path(argv[2]), Path(argv[3]) if len(argv) == 4 else None)
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
