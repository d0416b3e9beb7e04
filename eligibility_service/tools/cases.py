"""``eligibility cases import|from-log`` and ``eligibility suites``: the case store."""

from __future__ import annotations

import sys
from datetime import date, datetime
from pathlib import Path
from typing import Any

import click
import orjson

from .store_access import database_option, store_for


class _Rfc3339(click.ParamType[datetime]):
    """An RFC 3339 date-time (with offset or Z), as the API's time filters take it."""

    name = "RFC3339"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> datetime:
        from ..rfc3339 import parse_rfc3339

        if isinstance(value, datetime):
            return value
        try:
            return parse_rfc3339(value)
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


@click.group("cases")
def cases() -> None:
    """Historical cases for replay: import them, or take them from the decision log."""


@cases.command("sweep")
@click.argument("question")
@click.option("--program", type=click.Choice(["state", "local"]), required=True)
@click.option("--from", "first", required=True, metavar="YYYY-MM", help="First month.")
@click.option("--to", "last", required=True, metavar="YYYY-MM", help="Last month.")
@click.option("--every", default=1, show_default=True, help="Take every Nth month.")
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the JSON Lines here instead of standard output.",
)
def sweep(
    question: str, program: str, first: str, last: str, every: int, output: Path | None
) -> None:
    """Write the temporal sweep's generated cases for QUESTION as an impact / import file.

    The same seeded, complete, synthetic cases the sweep test decides month by month (no
    real person's data), one request per line with an id, for `eligibility impact` or
    `eligibility cases import`. Deterministic: the same months give the same file.
    """
    from ..decisions.questions import QUESTIONS
    from ..rules.dates import first_of_month

    found = QUESTIONS.get(question) or next(
        (q for q in QUESTIONS.values() if q.slug == question), None
    )
    if found is None or found.sweep_cases is None:
        raise click.BadParameter(
            f"{question!r}: expected one of {', '.join(sorted(QUESTIONS))}", param_hint="QUESTION"
        )
    try:
        start = first_of_month(datetime.strptime(first, "%Y-%m").date())
        end = first_of_month(datetime.strptime(last, "%Y-%m").date())
    except ValueError:
        raise click.BadParameter("months are YYYY-MM", param_hint="--from/--to") from None
    if every < 1 or end < start:
        raise click.BadParameter("--to must not be before --from; --every at least 1")
    lines: list[bytes] = []
    month, index = start, 0
    while month <= end:
        if index % every == 0:
            for n, facts in enumerate(found.sweep_cases(program, month), start=1):
                request = {
                    "id": f"{found.slug}-{program}-{month:%Y-%m}-{n:02d}",
                    "question": found.name,
                    "program": program,
                    "facts": facts,
                    "options": {},
                }
                lines.append(orjson.dumps(request))
        index += 1
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    text = b"\n".join(lines) + b"\n"
    if output is None:
        sys.stdout.buffer.write(text)
    else:
        output.write_bytes(text)
        click.echo(f"wrote {len(lines)} cases to {output}", err=True)


@cases.command("import")
@click.argument("case_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--suite", "suites", multiple=True, help="Tag every imported case (repeatable).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["jsonl", "csv"]),
    default=None,
    help="Default: from the file name (.jsonl/.ndjson/.json or .csv).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the import report as JSON.")
@database_option
def import_cases(
    case_file: Path,
    suites: tuple[str, ...],
    fmt: str | None,
    as_json: bool,
    database_url: str | None,
) -> None:
    """Import CASE_FILE (JSON Lines or CSV; the format is in the README). Bad lines are
    reported as FILE:LINE: field: message and skipped; the good ones are imported. Exits 1
    if any line was rejected."""
    from ..cases.importer import detect_format, import_stream

    try:
        fmt = fmt or detect_format(case_file.name)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None
    store = store_for(database_url)
    size = case_file.stat().st_size
    with (
        case_file.open("rb") as stream,
        click.progressbar(length=size, label=f"importing {case_file.name}", file=sys.stderr) as bar,
    ):
        last = 0

        def progress(_n: int) -> None:
            nonlocal last
            position = stream.tell()
            bar.update(position - last)
            last = position

        try:
            report = import_stream(store, stream, fmt, str(case_file), suites, progress)
        except ValueError as exc:
            raise click.BadParameter(str(exc)) from None
    for error in report.errors:
        click.echo(f"{case_file}:{error.line}: {error.field}: {error.message}", err=True)
    if report.rejected > len(report.errors):
        click.echo(f"... and {report.rejected - len(report.errors)} more", err=True)
    if as_json:
        click.echo(orjson.dumps(report.as_dict(), option=orjson.OPT_INDENT_2).decode())
    else:
        click.echo(
            f"{case_file}: {report.read} read, {report.imported} imported, "
            f"{report.already_stored} already stored, {report.rejected} rejected"
            + (f"; suites: {', '.join(suites)}" if suites else "")
        )
    sys.exit(1 if report.rejected else 0)


@cases.command("from-log")
@click.option("--suite", required=True, help="Suite to put the cases in.")
@click.option("--question", default=None, help="Only decisions of this question.")
@click.option(
    "--since", type=_Rfc3339(), default=None, help="Logged at or after (e.g. 2026-12-01T00:00:00Z)."
)
@click.option("--until", type=_Rfc3339(), default=None, help="Logged before (RFC 3339).")
@database_option
def from_log(
    suite: str,
    question: str | None,
    since: datetime | None,
    until: datetime | None,
    database_url: str | None,
) -> None:
    """Turn logged decisions into cases (their recorded decision is the logged answer)."""
    from ..cases.from_log import cases_from_log

    store = store_for(database_url)
    report = cases_from_log(store, suite, question, since, until)
    click.echo(
        f"decision log: {report.read} decisions, {report.imported} new cases, "
        f"{report.already_stored} already cases, {report.rejected} rejected; suite {suite}"
    )
    for error in report.errors:
        click.echo(f"decision {error.line}: {error.field}: {error.message}", err=True)


@click.group("suites", invoke_without_command=True)
@database_option
@click.pass_context
def suites(ctx: click.Context, database_url: str | None) -> None:
    """List suites and their case counts (or delete one)."""
    ctx.obj = database_url
    if ctx.invoked_subcommand is None:
        from ..cases.repository import list_suites

        found = list_suites(store_for(database_url))
        if not found:
            click.echo("no suites yet: `eligibility cases import FILE --suite NAME`")
        for info in found:
            click.echo(f"{info.name}\t{info.cases} cases")


@suites.command("delete")
@click.argument("name")
@click.pass_obj
def delete(database_url: str | None, name: str) -> None:
    """Delete suite NAME (its cases stay in the store)."""
    from ..cases.repository import delete_suite

    if not delete_suite(store_for(database_url), name):
        click.echo(f"no suite {name!r}", err=True)
        sys.exit(1)
    click.echo(f"deleted suite {name}")


COMMANDS = [cases, suites]
