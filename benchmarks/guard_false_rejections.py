"""How often the guards reject a good result-based rewrite: the false-rejection rate on helper-written rewrites.

Run: `.venv/bin/python benchmarks/guard_false_rejections.py [--rewrites evals/datasets/real/good_rewrites.jsonl]`

Each line of the rewrites file is `{"id": <corpus row id>, "rewrite": "<a good result-based rewrite>"}`. Each
rewrite goes through the checks a model's proposal passes before it is shown (krcoach/engines/llm.py: the guards of
krcoach/domain/guards.py `proposal_problems` — diagnosed again it must be a result with a target or placeholders,
and invent no number — plus the two prompt-copy checks; the coach's second check is the same `proposal_problems`),
with the row's Objective and Key Result as the sources. Prints the false-rejection rate, the rejections per reason,
and every rejected rewrite with its problems. The guards are not tuned to this file: it is a report.
"""

from __future__ import annotations

import argparse
import json
import re
from collections import Counter
from pathlib import Path

from krcoach.config import Settings
from krcoach.engines.registry import build_llm_engine
from krcoach.evaluation.dataset import load_files

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT / "evals/datasets/real"
_DETAIL_RE = re.compile(r": .*$|\(.*\)$")


def reason_of(problem: str) -> str:
    """A problem without its details: 'the rewrite contains numbers not in the input', 'still an action (task)'."""
    if "still an action" in problem:
        return problem  # the kind the rules saw is the point
    return _DETAIL_RE.sub("", problem).strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rewrites", type=Path, default=REAL / "good_rewrites.jsonl")
    args = parser.parse_args()
    rows = {case.id: case for case in load_files([REAL / "test.jsonl", REAL / "dev.jsonl"])}
    engine = build_llm_engine(Settings(llm_base_url="http://127.0.0.1:9/v1", llm_model="unused", llm_cache="off"))
    lines = [json.loads(line) for line in args.rewrites.read_text(encoding="utf-8").splitlines() if line.strip()]
    rejected: list[tuple[str, str, str, list[str]]] = []
    reasons: Counter[str] = Counter()
    unknown = [line["id"] for line in lines if line["id"] not in rows]
    for line in lines:
        case = rows.get(line["id"])
        if case is None:
            continue
        problems = engine.proposal_problems(line["rewrite"], case.key_result, case.objective)
        if problems:
            rejected.append((case.id, case.key_result, line["rewrite"], problems))
            reasons.update({reason_of(p) for p in problems})
    checked = len(lines) - len(unknown)
    print(f"good rewrites checked: {checked} (ids not in the corpus: {len(unknown)})")
    print(f"rejected: {len(rejected)}; false-rejection rate: {len(rejected) / max(checked, 1):.3f}")
    print("\nper reason (a rewrite can have several):")
    for reason, count in reasons.most_common():
        print(f"- {count:3d}  {reason}")
    print("\nrejected rewrites:")
    for row_id, key_result, rewrite, problems in rejected:
        print(f"- {row_id}: {key_result!r}\n  rewrite: {rewrite!r}\n  problems: {'; '.join(problems)}")


if __name__ == "__main__":
    main()
