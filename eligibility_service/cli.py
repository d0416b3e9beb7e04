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
    """Run the REST API (embedded defaults: bundled rule sets, no database needed)."""
    import uvicorn

    uvicorn.run(
        "eligibility_service.api.asgi:app",
        host=host,
        port=port,
        workers=workers,
        access_log=False,
        log_level="info",
    )


def _load(root: Path):  # type: ignore[no-untyped-def]
    from .decisions.questions import QUESTIONS
    from .rules.registry import load_registry

    return load_registry(root, QUESTIONS)


@main.command()
@ROOT_OPTION
def lint(root: Path) -> None:
    """Load every rule set and provision catalogue strictly and run the worked examples.

    Prints each problem as file:line: message and exits 1 if there is any.
    """
    from .rules.examples import run_examples

    try:
        registry = _load(root)
    except LoadError as exc:
        for problem in exc.problems:
            click.echo(f"{problem}", err=True)
        click.echo(f"lint: {len(exc.problems)} problem(s)", err=True)
        sys.exit(1)
    failures = 0
    for versions in registry.rule_sets.values():
        for rs in versions.values():
            for result in run_examples(rs):
                if not result.passed:
                    failures += 1
                    click.echo(
                        f"{result.source}: example {result.example.name!r} fails: "
                        + "; ".join(result.failures),
                        err=True,
                    )
    count = sum(len(v) for v in registry.rule_sets.values())
    if failures:
        click.echo(f"lint: {failures} worked example(s) fail", err=True)
        sys.exit(1)
    click.echo(
        f"lint: ok - {count} rule-set version(s), {len(registry.provisions.by_id)} provisions"
    )


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
    from .api.routes_decisions import request_model
    from .decisions.questions import QUESTIONS
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
