"""Command line (`analyze`, `check`, `schema`, `eval`, `eval-model`, `eval-injection`, `serve`). It only translates."""

from __future__ import annotations

import json
import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console
from rich.markup import escape

from krcoach.coach import Coach
from krcoach.config import get_settings
from krcoach.domain.analysis import KeyResultAnalysis, SetAnalysis
from krcoach.domain.issue_codes import CATALOGUE
from krcoach.domain.okr import SCHEMA_VERSION, OKRSet
from krcoach.engines.registry import UnknownEngineError, build_engine
from krcoach.evaluation.injection_corpus import CORPUS
from krcoach.io import InputError, InputFormat, OutputFormat, read_document, render
from krcoach.llm.errors import ConfigurationError
from krcoach.running import run_sync

app = typer.Typer(
    add_completion=False, no_args_is_help=True, help="Coach Key Results that measure results, not actions."
)
stderr = Console(stderr=True, soft_wrap=True)
EXIT_BAD_INPUT = 2


@app.command()
def analyze(  # noqa: PLR0917 - typer options are parameters
    path: Annotated[
        str, typer.Argument(help="OKR set file (YAML, JSON, JSONL, CSV, Markdown, .xlsx), or - for stdin.")
    ],
    fmt: Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format.")] = OutputFormat.md,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write here instead of stdout.")] = None,
    engine: Annotated[str | None, typer.Option(help="Engine to use (default: configured, else rules).")] = None,
    input_format: Annotated[
        InputFormat | None, typer.Option("--input-format", help="Input format, when not from the file name.")
    ] = None,
    sheet: Annotated[str | None, typer.Option(help="The worksheet of an .xlsx workbook (default: the first).")] = None,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Say on stderr what was read and which lines were skipped.")
    ] = False,
) -> None:
    """Diagnose every Key Result of a set, propose result-based rewrites, and build the OKRA view."""
    okr_set = _load(path, input_format, sheet=sheet, verbose=verbose)
    analysis = _run(okr_set, engine)
    text = render(analysis, fmt)
    if output is None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as error:
        _fail(f"{output}: cannot write: {error.strerror or error}")
    stderr.print(f"wrote {output} ({analysis.summary.key_results} Key Results, engine {analysis.meta.engine})")


@app.command()
def check(
    key_result: Annotated[str, typer.Argument(help="The Key Result text.")],
    objective: Annotated[str, typer.Option("--objective", "-O", help="Its Objective, for better proposals.")] = (
        "Untitled objective"
    ),
    engine: Annotated[str | None, typer.Option(help="Engine to use (default: configured, else rules).")] = None,
) -> None:
    """Diagnose one Key Result and print the verdict, the reasons and the proposals."""
    try:
        okr_set = OKRSet.model_validate({"objectives": [{"title": objective, "key_results": [{"text": key_result}]}]})
    except ValueError as error:
        _fail(f"invalid Key Result: {_first_error(error)}")
    analysis = _run(okr_set, engine)
    _print_key_result(analysis.key_results()[0], analysis)


class SchemaName(StrEnum):
    """The public schemas."""

    input = "input"
    analysis = "analysis"


@app.command()
def schema(which: Annotated[SchemaName, typer.Argument(help="input (an OKR set) or analysis.")]) -> None:
    """Print the JSON Schema of the input or the analysis (the versioned public contract)."""
    model = OKRSet if which is SchemaName.input else SetAnalysis
    document = model.model_json_schema()
    document["$comment"] = f"krcoach schema version {SCHEMA_VERSION}"
    sys.stdout.write(json.dumps(document, indent=2) + "\n")


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Address to listen on (default 127.0.0.1; 0.0.0.0 for all).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default 8000).")] = None,
    workers: Annotated[int | None, typer.Option(help="Worker processes (default 1).")] = None,
) -> None:
    """Run the HTTP API (docs at /docs) on the configured engine: offline `rules` when nothing is configured."""
    overrides = {"host": host, "port": port, "workers": workers}
    for name, value in overrides.items():
        if value is not None:
            os.environ[f"KRCOACH_{name.upper()}"] = str(value)  # worker processes read settings from the environment
    get_settings.cache_clear()
    try:
        settings = get_settings()
    except ValueError as error:
        _fail(f"invalid setting: {_first_error(error)}")
    from krcoach.api.server import serve as run_server  # noqa: PLC0415 - the web stack loads only for `serve`

    run_server(settings)


@app.command()
def worker(
    burst: Annotated[bool, typer.Option(help="Stop once the queue is empty (for scripts and tests).")] = False,
) -> None:
    """Run batch jobs queued on Redis (KRCOACH_REDIS_URL): any number of workers, on any machines."""
    try:
        settings = get_settings()
    except ValueError as error:
        _fail(f"invalid setting: {_first_error(error)}")
    if not settings.redis_url:
        _fail("krcoach worker needs KRCOACH_REDIS_URL (e.g. redis://127.0.0.1:6379/0)")
    import logging.config  # noqa: PLC0415

    from krcoach.api.server import log_config  # noqa: PLC0415
    from krcoach.scale.worker import build_worker  # noqa: PLC0415 - arq and Redis load only for `worker`

    config = log_config(settings.log_level)
    # ARQ logs two lines per task at INFO: kept for `debug`, otherwise only its warnings and errors.
    arq_level = "DEBUG" if settings.log_level.lower() == "debug" else "WARNING"
    config["loggers"]["arq"] = {"handlers": ["stderr"], "level": arq_level, "propagate": False}
    logging.config.dictConfig(config)
    build_worker(settings, burst=burst).run()


@app.command(name="eval")
def evaluate(
    dataset: Annotated[
        Path | None, typer.Option(help="Folder of labelled *.jsonl cases (default: the committed suites).")
    ] = None,
    out: Annotated[Path, typer.Option(help="Folder for report.md and report.json.")] = Path("evals/reports"),
    gate: Annotated[Path | None, typer.Option(help="Thresholds (TOML); exit 1 when a metric is below.")] = None,
) -> None:
    """Score the deterministic checks and the offline engine on the eval suites (real published text first)."""
    from krcoach.evaluation.runner import default_suites, folder_suite, run_eval  # noqa: PLC0415 - loads on use

    try:
        suites = default_suites(Path("evals/datasets")) if dataset is None else [folder_suite(dataset)]
        breaches = run_eval(suites, out, gate, console=Console())
    except (OSError, ValueError) as error:
        _fail(str(error))
    if breaches:
        for breach in breaches:
            stderr.print(f"[red]gate failed:[/red] {breach}")
        raise typer.Exit(code=1)


@app.command("eval-model")
def eval_model(  # noqa: PLR0917 - typer options are parameters
    dataset: Annotated[Path, typer.Option(help="Folder of labelled *.jsonl cases.")] = Path("evals/datasets"),
    sample: Annotated[int, typer.Option(help="How many Objectives, spread over the set (0: all).")] = 12,
    record: Annotated[Path | None, typer.Option(help="Call the configured model and record to this cassette.")] = None,
    replay: Annotated[Path | None, typer.Option(help="Answer from this cassette instead of a server.")] = None,
    resume: Annotated[bool, typer.Option(help="Recording: keep the replies already in the cassette.")] = False,
    out: Annotated[Path, typer.Option(help="Folder for report.md and report.json.")] = Path("evals/reports/model"),
    gate: Annotated[Path | None, typer.Option(help="Thresholds (TOML); exit 1 when one is breached.")] = None,
) -> None:
    """Run the model engine over the eval set: live, recording a cassette, or replaying one offline."""
    from krcoach.evaluation.dataset import load_cases  # noqa: PLC0415 - the model client loads only here
    from krcoach.evaluation.model_run import render_model_report, run_model_eval  # noqa: PLC0415
    from krcoach.evaluation.runner import check_gate  # noqa: PLC0415

    if record is not None and replay is not None:
        _fail("choose --record or --replay, not both")
    try:
        report, _ = run_sync(
            run_model_eval(
                load_cases(dataset), get_settings(), sample=sample or None, record=record, replay=replay, resume=resume
            )
        )
        breaches = check_gate(report.metrics(), gate) if gate is not None else []
    except (OSError, ValueError, ConfigurationError) as error:
        _fail(str(error))
    markdown = render_model_report(report)
    out.mkdir(parents=True, exist_ok=True)
    (out / "report.md").write_text(markdown, encoding="utf-8")
    (out / "report.json").write_text(report.model_dump_json(indent=2), encoding="utf-8")
    from rich.markdown import Markdown  # noqa: PLC0415 - markdown-it loads only for the reports that need it

    Console().print(Markdown(markdown))
    for breach in breaches:
        stderr.print(f"[red]gate failed:[/red] {breach}")
    if breaches:
        raise typer.Exit(code=1)


@app.command("eval-injection")
def eval_injection(  # noqa: PLR0917 - typer options are parameters
    corpus: Annotated[Path, typer.Option(help="The prompt-injection corpus (YAML).")] = CORPUS,
    live: Annotated[
        bool, typer.Option("--live/--scripted", help="The configured endpoint, or the scripted hijacked model.")
    ] = False,
    record: Annotated[Path | None, typer.Option(help="Record every reply to this cassette.")] = None,
    replay: Annotated[Path | None, typer.Option(help="Answer from this cassette instead of a server.")] = None,
    resume: Annotated[bool, typer.Option(help="Recording: keep the replies already in the cassette.")] = False,
    out: Annotated[Path | None, typer.Option(help="Folder for report.md and report.json.")] = None,
) -> None:
    """Run the prompt-injection corpus through the model path; exit 1 unless every case passed with no leak."""
    from krcoach.evaluation.injection import run_injection, write_injection_report  # noqa: PLC0415 - loads on use
    from krcoach.evaluation.injection_corpus import load_corpus  # noqa: PLC0415 - light, but only needed here

    if record is not None and replay is not None:
        _fail("choose --record or --replay, not both")
    try:
        cases = load_corpus(corpus)
        report = run_sync(run_injection(cases, get_settings(), live=live, record=record, replay=replay, resume=resume))
    except (OSError, ValueError, ConfigurationError) as error:
        _fail(str(error))
    if out is not None:
        write_injection_report(report, out)
    for result in report.results:
        if not result.passed:
            reasons = [*result.schema_problems, *result.leaks, *result.guard_failures]
            stderr.print(f"[red]{result.id}[/red] ({result.category}): {escape('; '.join(reasons)[:300])}")
    Console(highlight=False, soft_wrap=True).print(escape(report.summary_line()))
    if not report.ok:
        raise typer.Exit(code=1)


def _load(path: str, input_format: InputFormat | None, *, sheet: str | None, verbose: bool) -> OKRSet:
    source = "<stdin>" if path == "-" else path
    try:
        data = sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()
    except OSError as error:
        _fail(f"{source}: cannot read: {error.strerror or error}")
    try:
        reading = read_document(data, source=source, fmt=input_format, sheet=sheet)
    except InputError as error:
        _fail(str(error))
    if verbose:
        stderr.print(escape(reading.summary(source)), highlight=False)
    return reading.okr_set


def _run(okr_set: OKRSet, engine_name: str | None) -> SetAnalysis:
    settings = get_settings()
    try:
        engine = build_engine(engine_name, settings)
    except UnknownEngineError as error:
        _fail(str(error))
    coach = Coach(engine, concurrency=settings.concurrency)
    total = sum(len(o.key_results) for o in okr_set.objectives)
    try:
        if total < settings.progress_threshold or not stderr.is_terminal:
            return coach.analyze_now(okr_set)
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn  # noqa: PLC0415

        columns = (TextColumn("analysing"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
        with Progress(*columns, console=stderr, transient=True) as bar:
            task = bar.add_task("analyse", total=total)
            return coach.analyze_now(okr_set, progress=lambda n: bar.advance(task, n))
    except ConfigurationError as error:
        _fail(f"model configuration: {error}")


def _print_key_result(kr: KeyResultAnalysis, analysis: SetAnalysis) -> None:
    out = Console(soft_wrap=True, highlight=False)
    colour = "red" if kr.label == "action" else "green"
    kind = kr.kind.value.replace("_", " ")
    out.print(f"[bold {colour}]{kr.label.value.upper()}[/] ({kind}, confidence {kr.confidence:.2f})  {escape(kr.text)}")
    for issue in kr.issues:
        where = f" — “{escape(issue.span.text)}”" if issue.span else ""
        out.print(f"  [yellow]•[/] {CATALOGUE[issue.code].title}{where}: {issue.message}")
    for proposal in kr.proposals:
        out.print(f"  [cyan]→[/] {escape(proposal.text)}")
        out.print(f"    [dim]{escape(proposal.rationale)}[/]")
    for error in kr.errors:
        out.print(f"  [red]![/] {escape(error)}")
    if kr.label == "action":
        out.print("  [dim]The original is kept as an Action in the OKRA view.[/]")
    out.print(f"[dim]engine: {analysis.meta.engine}[/]")


def _first_error(error: ValueError) -> str:
    errors = getattr(error, "errors", None)
    if callable(errors):
        first = errors()[0]
        return f"{first.get('msg', error)}"
    return str(error)


def _fail(message: str) -> NoReturn:
    stderr.print(f"[red]error:[/red] {escape(message)}", highlight=False)
    raise typer.Exit(code=EXIT_BAD_INPUT)


def main() -> None:
    """Console-script entry point."""
    app()
