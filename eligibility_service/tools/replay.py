"""``eligibility replay`` and ``eligibility decision-log reproduce``: testers' and auditors'
commands for running stored cases and logged decisions through the rules again."""

from __future__ import annotations

import os
import sys
import time
from datetime import date, datetime
from pathlib import Path

import click

from ..decisions.types import FIRST_CASE_DATE, LAST_CASE_DATE
from ..settings import REPO_ROOT
from .store_access import database_option, store_for


def _as_of(value: str) -> str:
    if value == "case":
        return value
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r}: 'case' or a date YYYY-MM-DD") from None
    if not FIRST_CASE_DATE <= day <= LAST_CASE_DATE:
        raise click.BadParameter(f"{value!r}: decisions take dates from 1900 to 2199")
    return day.isoformat()


@click.command("replay")
@click.option("--suite", default=None, help="Suite to replay (default: every stored case).")
@click.option(
    "--version",
    "rule_set_version",
    default=None,
    help="Rule-set version to decide with, e.g. 2027.1 (default: the published version in "
    "force on each case's as-of date).",
)
@click.option(
    "--as-of",
    "as_of",
    default="case",
    show_default=True,
    help="'case': each case's own as-of date (its recorded as_of, else the date its "
    "application was received); or a date YYYY-MM-DD for every case.",
)
@click.option("--json", "json_path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--junit", "junit_path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--html", "html_path", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--max-detailed",
    default=200,
    show_default=True,
    type=click.IntRange(min=0),
    help="Differences kept with both decisions and the trace (all are counted).",
)
@click.option(
    "--root",
    type=click.Path(file_okay=False, path_type=Path),
    default=REPO_ROOT,
    show_default=True,
    help="Folder holding rule_sets/, statutes/, contracts/ and guidance/.",
)
@click.option("--quiet", is_flag=True, help="No progress bar.")
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=os.cpu_count() or 1,
    show_default="the number of CPUs",
    help="Processes deciding cases (the report is the same for any number).",
)
@database_option
def replay(
    suite: str | None,
    rule_set_version: str | None,
    as_of: str,
    json_path: Path | None,
    junit_path: Path | None,
    html_path: Path | None,
    max_detailed: int,
    root: Path,
    quiet: bool,
    workers: int,
    database_url: str | None,
) -> None:
    """Decide a suite's cases again and compare with the recorded decisions.

    Prints a summary (totals, differences by field, rule and reason code) and writes the
    reports asked for. Exits 1 if any case differs or could not be decided, so a CI job
    can gate on it; 2 on a usage error."""
    from ..cases.repository import count_cases, suite_exists
    from ..decisions.questions import QUESTIONS
    from ..decisions.service import DecisionService
    from ..replay.render import html_report, junit_xml, terminal_summary
    from ..replay.report import ReplayTarget
    from ..replay.runner import replay_suite
    from ..rules.errors import LoadError
    from ..rules.registry import load_registry

    as_of = _as_of(as_of)
    store = store_for(database_url)
    if suite is not None and not suite_exists(store, suite):
        click.echo(f"error: no suite {suite!r} (see `eligibility suites`)", err=True)
        sys.exit(2)
    try:
        registry = load_registry(root, QUESTIONS)
    except LoadError as exc:
        click.echo(str(exc), err=True)
        sys.exit(2)
    if rule_set_version is not None and not any(
        rule_set_version in versions for versions in registry.rule_sets.values()
    ):
        known = sorted({v for versions in registry.rule_sets.values() for v in versions})
        click.echo(
            f"error: no rule-set version {rule_set_version!r} (known: {', '.join(known)})",
            err=True,
        )
        sys.exit(2)
    target = ReplayTarget(suite, rule_set_version, as_of)
    total = count_cases(store, suite)
    started = time.perf_counter()
    with click.progressbar(
        length=total, label="replaying", file=sys.stderr, show_pos=True, hidden=quiet
    ) as bar:
        report = replay_suite(
            DecisionService(registry),
            store,
            target,
            max_detailed,
            progress=bar.update,
            workers=workers,
        )
    seconds = time.perf_counter() - started
    for path, content in (
        (json_path, report.to_json() if json_path else b""),
        (junit_path, junit_xml(report) if junit_path else b""),
        (html_path, html_report(report).encode() if html_path else b""),
    ):
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
            click.echo(f"wrote {path}", err=True)
    click.echo(terminal_summary(report), nl=False)
    rate = report.cases / seconds if seconds > 0 else 0.0
    click.echo(f"  {report.cases} cases in {seconds:.1f} s ({rate:,.0f} cases/s)", err=True)
    sys.exit(0 if report.passed else 1)


@click.group("decision-log")
def decision_log() -> None:
    """The decision log: reproduce logged decisions, byte for byte."""


@decision_log.command("reproduce")
@click.option("--question", default=None)
@click.option("--since", type=click.DateTime(), default=None, help="Logged at or after.")
@click.option("--until", type=click.DateTime(), default=None, help="Logged before.")
@click.option(
    "--root",
    type=click.Path(file_okay=False, path_type=Path),
    default=REPO_ROOT,
    show_default=True,
)
@database_option
def reproduce_cmd(
    question: str | None,
    since: datetime | None,
    until: datetime | None,
    root: Path,
    database_url: str | None,
) -> None:
    """Decide every matching logged decision again with the version that made it; exit 1
    unless every response is identical to the logged one."""
    from ..decision_log.queries import stream
    from ..decision_log.reproduce import reproduce
    from ..decisions.questions import QUESTIONS
    from ..decisions.service import DecisionService
    from ..rules.registry import load_registry

    store = store_for(database_url)
    service = DecisionService(load_registry(root, QUESTIONS))
    same = different = 0
    for logged in stream(store, question, since, until):
        result = reproduce(service, logged)
        if result.identical:
            same += 1
        else:
            different += 1
            click.echo(f"{logged.decision_id}: {result.explanation}", err=True)
    click.echo(f"{same + different} logged decisions: {same} identical, {different} not")
    sys.exit(1 if different else 0)


COMMANDS = [replay, decision_log]
