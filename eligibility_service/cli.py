"""The ``eligibility`` command: serve, decide a case, lint rule sets, run worked examples.

Errors are printed as ``file:line: message`` so an editor or CI log links straight to them.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click
from pydantic import ValidationError

from .rules.errors import LoadError
from .settings import REPO_ROOT

ROOT_OPTION = click.option(
    "--root",
    type=click.Path(file_okay=False, path_type=Path),
    default=REPO_ROOT,
    show_default=True,
    help="Folder holding rule_sets/, statutes/, contracts/ and guidance/.",
)


@click.group()
def main() -> None:
    """Eligibility decisions for the Wisconsin ETF group health insurance programs."""


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=1, show_default=True, type=int)
def serve(host: str, port: int, workers: int) -> None:
    """Run the REST API (embedded defaults: bundled rule sets, no database needed).

    SIGTERM stops it cleanly (requests in flight finish, the decision log is flushed);
    SIGHUP reloads the rule sets in every worker (README: "Operations")."""
    from .api.server import serve as run_server
    from .settings import Settings, SettingsError

    try:
        settings = Settings.from_env()  # a bad setting stops here, named, before any worker
    except SettingsError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)

    run_server(host, port, workers, settings)


def _load(root: Path):  # type: ignore[no-untyped-def]
    from .decisions.questions import QUESTIONS
    from .rules.registry import load_registry

    return load_registry(root, QUESTIONS)


@main.command()
@ROOT_OPTION
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text: file:line lines on stderr; json: one document on stdout, for machines.",
)
@click.option(
    "--budget",
    type=click.IntRange(min=0),
    default=None,
    help="Engine evaluations the witness search may spend, all questions together "
    "(default 120000).",
)
@click.option(
    "--max-seconds",
    type=click.FloatRange(min=0),
    default=None,
    help="Stop the witness search after this long (default 45).",
)
@click.option("--no-analysis", is_flag=True, help="Only the strict load and worked examples.")
@click.option("-v", "--verbose", count=True, help="-v lists warnings, -vv information too.")
def lint(
    root: Path,
    fmt: str,
    budget: int | None,
    max_seconds: float | None,
    no_analysis: bool,
    verbose: int,
) -> None:
    """Load every rule set and provision catalogue strictly, run the worked examples and
    analyse the rules (overlaps, gaps, dead rules, citations, dates; see
    eligibility_service/analysis).

    Prints each finding as file:line: severity [kind] rule ids: sentence (with a witness
    case where there is one) and exits 1 if any is an error.
    """
    from .analysis.lint import lint as run_lint
    from .analysis.report import summary_line, text_lines, to_json
    from .analysis.runner import Budget

    default = Budget()
    limits = Budget(
        default.evaluations if budget is None else budget,
        default.seconds if max_seconds is None else max_seconds,
    )
    result = run_lint(root, limits, analysis=not no_analysis)
    if fmt == "json":
        click.echo(to_json(result.findings, result.versions, result.provisions))
    else:
        for line in text_lines(result.findings, verbose):
            click.echo(line, err=True)
        summary = summary_line(result.findings, result.versions, result.provisions)
        click.echo(summary, err=not result.ok)
    if not result.ok:
        sys.exit(1)


@main.command()
@ROOT_OPTION
@click.option("-v", "--verbose", is_flag=True, help="List every example, not just failures.")
def examples(root: Path, verbose: bool) -> None:
    """Run every rule set's worked examples (facts in, expected decision out)."""
    from .rules.examples import run_examples

    try:
        registry = _load(root)
    except LoadError as exc:
        click.echo(str(exc), err=True)
        sys.exit(1)
    passed = failed = 0
    for versions in sorted(registry.rule_sets.items()):
        for rs in versions[1].values():
            for result in run_examples(rs):
                if result.passed:
                    passed += 1
                    if verbose:
                        click.echo(f"PASS {result.label}")
                else:
                    failed += 1
                    click.echo(f"FAIL {result.label}: " + "; ".join(result.failures))
    click.echo(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


@main.command()
@click.argument("case_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--question",
    default="new_hire_enrollment",
    show_default=True,
    help="Decision question (see `eligibility questions`).",
)
@click.option("--trace", is_flag=True, help="Include the evaluation trace.")
@ROOT_OPTION
def decide(case_file: Path, question: str, trace: bool, root: Path) -> None:
    """Decide a case from a JSON file shaped like the API request body."""
    from .decisions.questions import QUESTIONS
    from .decisions.requests import request_model
    from .decisions.service import DecisionInputError, DecisionService, to_json

    spec = QUESTIONS.get(question)
    if spec is None:
        click.echo(f"unknown question {question!r} (known: {', '.join(QUESTIONS)})", err=True)
        sys.exit(2)
    text = case_file.read_text(encoding="utf-8")
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        click.echo(f"{case_file}:{exc.lineno}:{exc.colno}: invalid JSON: {exc.msg}", err=True)
        sys.exit(2)
    try:
        request: Any = request_model(spec).model_validate(raw)
    except ValidationError as exc:
        for err in exc.errors():
            field = ".".join(str(p) for p in err["loc"])
            click.echo(f"{case_file}: {field}: {err['msg']}", err=True)
        sys.exit(2)
    if trace:
        request.options.trace = True
    try:
        registry = _load(root)
        decision = DecisionService(registry).decide(
            spec.name, request.program, request.facts.model_dump(), request.options
        )
    except LoadError as exc:
        click.echo(str(exc), err=True)
        sys.exit(1)
    except DecisionInputError as exc:
        click.echo(f"{case_file}: {exc.field}: {exc}", err=True)
        sys.exit(2)
    click.echo(to_json(decision, indent=True).decode())


@main.command()
def questions() -> None:
    """List the decision questions, their endpoints and the dates they answer."""
    from .decisions.questions import QUESTIONS

    for spec in QUESTIONS.values():
        click.echo(f"{spec.name}  POST /v1/decisions/{spec.slug}")
        click.echo(f"    {spec.title}")
        for out, meaning in spec.outputs.items():
            click.echo(f"    - {out}: {meaning}")


@main.command("openapi")
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=REPO_ROOT / "openapi" / "openapi.json",
    show_default=True,
)
def openapi_cmd(output: Path) -> None:
    """Write the OpenAPI document (committed under openapi/; a test checks it is current)."""
    from .api.openapi_doc import render

    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(render(), encoding="utf-8")
    click.echo(f"wrote {output}")


def _register_tools() -> None:
    from .tools import register

    register(main)


_register_tools()

if __name__ == "__main__":
    main()
