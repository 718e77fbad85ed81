"""The eval report as Markdown: headline metrics, per-label scores, confusion matrices, misses."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from krcoach.evaluation.relevance import RelevanceReport
from krcoach.evaluation.scoring import KINDS, LABELS, EvalReport, Miss


def render_summary(
    reports: Sequence[tuple[str, str, EvalReport]],
    breaches: Sequence[str],
    *,
    gated: bool,
    relevance: Mapping[str, RelevanceReport] | None = None,
) -> str:
    """The headline of every suite, in the order given (real test part first), and the proposals' relevance."""
    lines = [
        "# krcoach eval report (rules engine)",
        "",
        "Real published Key Results first (`evals/datasets/real/`, split by source), our own sets last.",
        "",
        "| suite | cases | label accuracy (95% CI) | action recall | action precision | kind accuracy |",
        "|---|---|---|---|---|---|",
    ]
    for _name, title, report in reports:
        low, high = report.label_accuracy_ci95
        action = report.per_label[0]
        lines.append(
            f"| {title} | {report.cases} | {report.label_accuracy:.3f} ({low:.3f}–{high:.3f}) | "
            f"{action.recall:.3f} | {action.precision:.3f} | {report.kind_accuracy:.3f} |"
        )
    lines.append("")
    if relevance:
        lines += [
            "First offline proposal on the real action-based Key Results, judged by two blind judges:",
            "",
            "| suite | actions | relevant | poor | irrelevant | echo | question | none | unjudged | judges agree |",
            "|---|---|---|---|---|---|---|---|---|---|",
        ]
        for name, title, _ in reports:
            found = relevance.get(name)
            if found is None:
                continue
            share = {k: f"{v:.0%}" for k, v in found.shares.items()}
            lines.append(
                f"| {title} | {found.action_key_results} | {share['relevant']} | {share['poor']} | "
                f"{share['irrelevant']} | {share['echo']} | {share['question']} | "
                f"{found.action_key_results - found.with_proposal} | {len(found.unjudged)} | "
                f"{found.judge_agreement:.0%} |"
            )
        lines.append("")
    if gated:
        lines += ["**Gate: passed.**" if not breaches else "**Gate: FAILED** — " + "; ".join(breaches), ""]
    return "\n".join(lines) + "\n"


def render_markdown(report: EvalReport, *, title: str) -> str:
    """The whole report of one suite."""
    low, high = report.label_accuracy_ci95
    rw = report.rewrites
    lines = [
        f"# {title}",
        "",
        f"{report.cases} cases ({report.hard_cases} hard) across {len(report.domains)} domains.",
        "",
        "| metric | value |",
        "|---|---|",
        f"| label accuracy | {report.label_accuracy:.3f} (95% CI {low:.3f}–{high:.3f}) |",
        f"| label accuracy on hard cases | {report.hard_label_accuracy:.3f} |",
        f"| kind accuracy | {report.kind_accuracy:.3f} |",
        f"| proposals that diagnose as `result` | {rw.proposals_result}/{rw.proposals} ({rw.result_share:.3f}) |",
        f"| proposals/suggestions with invented numbers | "
        f"{rw.proposals_with_invented_numbers + rw.suggestions_with_invented_numbers}/"
        f"{rw.proposals + rw.suggestions} ({rw.invented_share:.3f}) |",
        f"| predicted actions with a proposal | {rw.actions_with_proposal}/{rw.predicted_actions} |",
        "",
    ]
    lines += ["## Per label", "", "| label | precision | recall | F1 | support |", "|---|---|---|---|---|"]
    lines += [
        f"| {r.label} | {r.precision:.3f} | {r.recall:.3f} | {r.f1:.3f} | {r.support} |" for r in report.per_label
    ]
    lines += ["", "## Label confusion (rows: expected, columns: predicted)", ""]
    lines += _matrix(report.label_confusion, LABELS)
    lines += ["", "## Kind confusion (rows: expected, columns: predicted)", ""]
    lines += _matrix(report.kind_confusion, KINDS)
    lines += ["", "## Per domain", "", "| domain | cases | label accuracy |", "|---|---|---|"]
    lines += [f"| {d} | {report.domains[d]} | {a:.3f} |" for d, a in report.per_domain_accuracy.items()]
    lines += ["", f"## Label misses ({len(report.label_misses)})", ""]
    lines += _misses(report.label_misses)
    lines += ["", f"## Kind misses ({len(report.kind_misses)})", ""]
    lines += _misses(report.kind_misses)
    if rw.failures:
        lines += ["", "## Rewrite failures", ""] + [f"- {failure}" for failure in rw.failures]
    return "\n".join(lines) + "\n"


def _matrix(matrix: list[list[int]], names: Sequence[str]) -> list[str]:
    header = "| expected \\ predicted | " + " | ".join(names) + " |"
    rule = "|---" * (len(names) + 1) + "|"
    rows = [f"| {name} | " + " | ".join(str(n) for n in row) + " |" for name, row in zip(names, matrix, strict=True)]
    return [header, rule, *rows]


def _misses(misses: Sequence[Miss]) -> list[str]:
    if not misses:
        return ["None."]
    lines = [
        "| id | Key Result | expected | predicted | conf. | hard | note |",
        "|---|---|---|---|---|---|---|",
    ]
    for miss in misses:
        text = miss.key_result.replace("|", "\\|")
        lines.append(
            f"| {miss.id} | {text} | {miss.expected} | {miss.predicted} | {miss.confidence:.2f} | "
            f"{'yes' if miss.hard else ''} | {miss.note.replace('|', '/')} |"
        )
    return lines
