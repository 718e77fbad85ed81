"""How relevant library measures were, by keyword score, on the judged development rows.

    python scripts/library_fit_table.py

Reads evals/judgements/dev_candidates.jsonl: for each real action-based Key Result of the development part, the
candidates the offline engine could give first (the best library pattern with its keyword hits in the Objective and
the Key Result; a measure from the Objective's words; one from the deliverable's words), each judged by two blind
judges. Prints the share of judgements per score, which is what LIBRARY_FIT_SCORE in krcoach/engines/rules/engine.py
was chosen from.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from pathlib import Path

ROWS = Path(__file__).resolve().parent.parent / "evals" / "judgements" / "dev_candidates.jsonl"


def main() -> None:
    """Print the table."""
    rows = [json.loads(line) for line in ROWS.read_text(encoding="utf-8").splitlines() if line]
    by_score: dict[str, Counter[str]] = defaultdict(Counter)
    for row in rows:
        if row["candidate"] == "library":
            score = 2 * row["objective_hits"] + row["key_result_hits"]
            bucket = f"library, score {score}" if score < 4 else "library, score 4+"
        else:
            bucket = f"own words ({row['candidate']})"
        by_score[bucket][row["judge_a"]] += 1
        by_score[bucket][row["judge_b"]] += 1
    names = ("relevant", "poor", "irrelevant", "echo", "question")
    print(f"| candidate | rows | {' | '.join(names)} |")
    print("|---|---|" + "---|" * len(names))
    for bucket in sorted(by_score):
        counts = by_score[bucket]
        total = sum(counts.values())
        shares = " | ".join(f"{counts[n] / total:.0%}" for n in names)
        print(f"| {bucket} | {total // 2} | {shares} |")
    agree = sum(r["judge_a"] == r["judge_b"] for r in rows) / len(rows)
    print(f"\n{len(rows)} candidates judged twice; the judges agree on {agree:.1%}")


if __name__ == "__main__":
    main()
