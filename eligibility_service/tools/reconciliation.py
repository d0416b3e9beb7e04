"""``eligibility ffc``, ``eligibility monthly``, ``eligibility monthly-unvalidated`` and
``eligibility ffc-sample``: the reconciliation staff run, with progress bars and reports."""

from __future__ import annotations

import sys
from contextlib import ExitStack
from datetime import date
from pathlib import Path
from typing import IO, Any

import click

from ..settings import REPO_ROOT
from .store_access import database_option, store_for

FILE = click.Path(exists=True, dir_okay=False, path_type=Path)
OUT = click.Path(dir_okay=False, path_type=Path)


def _citations(root: Path) -> dict[str, str]:
    from ..reconciliation.run import citations_of
    from ..rules.provisions import load_provisions

    return citations_of(load_provisions(root))


class _Progress:
    """A progress bar over a file's bytes, driven by reads (for streamed inputs)."""

    def __init__(self, stream: IO[bytes], bar: Any) -> None:
        self._stream = stream
        self._bar = bar

    def read(self, size: int = -1) -> bytes:
        data = self._stream.read(size)
        self._bar.update(len(data))
        return data

    def readline(self, size: int = -1) -> bytes:
        data = self._stream.readline(size)
        self._bar.update(len(data))
        return data

    def __iter__(self) -> Any:
        for line in self._stream:
            self._bar.update(len(line))
            yield line

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def _write_reports(
    report: Any, csv_path: Path | None, json_path: Path | None, html_path: Path | None
) -> None:
    from ..reconciliation.report import to_csv, to_html, to_json

    for path, render in ((csv_path, to_csv), (json_path, to_json), (html_path, to_html)):
        if path is None:
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        content = render(report)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        click.echo(f"wrote {path}", err=True)


def _summary(report: Any) -> None:
    counts = report.counts()
    click.echo(
        f"{report.plan} as of {report.as_of}: {counts['total']} exceptions"
        + (f" ({counts['repeats']} seen before)" if counts["repeats"] else "")
        + (
            " - PARTIAL: the file is incomplete; members it lacks are not reported and the "
            "history was not updated"
            if getattr(report, "partial", False)
            else ""
        )
    )
    for key, value in report.stats.items():
        if key != "etf_extract_errors":
            click.echo(f"  {key.replace('_', ' ')}: {value}")
    for category, n in counts["by_category"].items():
        click.echo(f"  {n:>7}  {category}")
    for error in report.stats.get("etf_extract_errors", [])[:20]:
        click.echo(
            f"ETF extract line {error['line']}: {error['field']}: {error['message']}", err=True
        )


def _report_options(function: Any) -> Any:
    for option in reversed(
        [
            click.option("--csv", "csv_path", type=OUT, help="Exception report as CSV."),
            click.option("--json", "json_path", type=OUT, help="Exception report as JSON."),
            click.option("--html", "html_path", type=OUT, help="HTML report with charts."),
            click.option(
                "--no-history", is_flag=True, help="Do not record the run and its exceptions."
            ),
            click.option(
                "--root",
                type=click.Path(file_okay=False, path_type=Path),
                default=REPO_ROOT,
                show_default=True,
            ),
        ]
    ):
        function = option(function)
    return database_option(function)


@click.command("ffc")
@click.argument("plan_file", type=FILE)
@click.option(
    "--sor",
    "sor_path",
    type=FILE,
    required=True,
    help="ETF's extract (.jsonl or .csv, format in the README).",
)
@click.option("--plan", default="", help="Plan name for the report (default: the 834 sender).")
@click.option(
    "--as-of",
    "as_of",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    help="Compare as of this date, 1900-01-01 to 2199-12-31 (default: the 834's DTP*007 or "
    "BGN date).",
)
@click.option(
    "--validate",
    is_flag=True,
    help="Also validate the 834 against the implementation guide (005010X220A1) with pyx12; "
    "each finding becomes a `file` exception. Slower: roughly 60 s per 22,000 members.",
)
@click.option(
    "--allow-partial",
    "allow_partial",
    is_flag=True,
    help="Compare a truncated or incomplete 834 (missing SE/GE/IEA, counts that do not "
    "match) instead of refusing it: the report is marked partial, members absent from the "
    "file are not reported missing and the exception history is not updated.",
)
@_report_options
def ffc(
    plan_file: Path,
    sor_path: Path,
    plan: str,
    as_of: Any,
    validate: bool,
    allow_partial: bool,
    csv_path: Path | None,
    json_path: Path | None,
    html_path: Path | None,
    no_history: bool,
    root: Path,
    database_url: str | None,
) -> None:
    """Full File Compare: a health plan's 834 (PLAN_FILE) against ETF's extract."""
    from ..reconciliation.run import InputError, run_ffc, sor_format

    store = None if no_history else store_for(database_url)
    citations = _citations(root)
    try:
        fmt = sor_format(sor_path.name)
        with (
            sor_path.open("rb") as sor,
            plan_file.open("rb") as raw,
            click.progressbar(  # validating reads the file once more
                length=plan_file.stat().st_size * (2 if validate else 1),
                label=f"{'validating and ' if validate else ''}comparing {plan_file.name}",
                file=sys.stderr,
            ) as bar,
        ):
            report = run_ffc(
                _Progress(raw, bar),  # type: ignore[arg-type]
                sor,
                fmt,
                citations,
                plan=plan,
                as_of=as_of.date() if as_of else None,
                input_name=plan_file.name,
                store=store,
                validate=validate,
                allow_partial=allow_partial,
            )
    except InputError as exc:
        click.echo(f"error: {exc.field}: {exc}", err=True)
        sys.exit(2)
    _write_reports(report, csv_path, json_path, html_path)
    _summary(report)


@click.command("monthly")
@click.argument("report_file", type=FILE)
@click.option("--sor", "sor_path", type=FILE, required=True, help="ETF's extract.")
@click.option(
    "--employers",
    "employers_path",
    type=FILE,
    default=None,
    help="Employers' valid program options (CSV employer_id,program,program_options).",
)
@_report_options
def monthly(
    report_file: Path,
    sor_path: Path,
    employers_path: Path | None,
    csv_path: Path | None,
    json_path: Path | None,
    html_path: Path | None,
    no_history: bool,
    root: Path,
    database_url: str | None,
) -> None:
    """Validate an employer's monthly coverage report (additions, changes, deletions)
    against ETF's extract and the rules; lists the contracts left unvalidated."""
    from ..decisions.questions import QUESTIONS
    from ..decisions.service import DecisionService
    from ..reconciliation.run import InputError, run_monthly, sor_format
    from ..rules.registry import load_registry

    store = None if no_history else store_for(database_url)
    registry = load_registry(root, QUESTIONS)
    citations = {pid: p.provision.citation for pid, p in registry.provisions.by_id.items()}
    try:
        with ExitStack() as files:
            sor = files.enter_context(sor_path.open("rb"))
            lines = files.enter_context(report_file.open("rb"))
            employers = files.enter_context(employers_path.open("rb")) if employers_path else None
            report, missing = run_monthly(
                lines,
                sor,
                sor_format(sor_path.name),
                DecisionService(registry),
                citations,
                employers_file=employers,
                input_name=report_file.name,
                store=store,
            )
    except InputError as exc:
        click.echo(f"error: {exc.field}: {exc}", err=True)
        sys.exit(2)
    _write_reports(report, csv_path, json_path, html_path)
    _summary(report)
    for contract in missing[:50]:
        click.echo(f"  not validated: {contract.contract_id} ({contract.employer_id})")


@click.command("monthly-unvalidated")
@click.option("--sor", "sor_path", type=FILE, required=True, help="ETF's extract.")
@click.option("--month", required=True, help="Coverage month, YYYY-MM.")
def monthly_unvalidated(sor_path: Path, month: str) -> None:
    """Every contract active in MONTH whose coverage month no report has validated yet."""
    from ..decisions.types import CASE_DATE_RANGE, in_case_range
    from ..reconciliation.monthly.result import not_validated
    from ..reconciliation.run import InputError, read_sor, sor_format
    from ..reconciliation.sor_io import LineError

    try:
        day = date.fromisoformat(f"{month}-01")
    except ValueError:
        raise click.BadParameter("a coverage month is YYYY-MM", param_hint="--month") from None
    if not in_case_range(day):
        raise click.BadParameter(f"must be {CASE_DATE_RANGE}", param_hint="--month")
    try:
        fmt = sor_format(sor_path.name)
    except InputError as exc:
        raise click.BadParameter(str(exc)) from None
    errors: list[LineError] = []
    with sor_path.open("rb") as sor:
        missing = not_validated(list(read_sor(sor, fmt, errors)), month)
    for error in errors:
        click.echo(f"{sor_path}:{error.line}: {error.field}: {error.message}", err=True)
    for contract in missing:
        click.echo(f"{contract.contract_id}\t{contract.employer_id}\t{contract.program}")
    click.echo(f"{len(missing)} contracts not validated for {month}", err=True)


@click.command("ffc-sample")
@click.option("--members", default=5000, show_default=True, type=click.IntRange(min=1))
@click.option("--seed", default=2026, show_default=True, type=int)
@click.option("--as-of", "as_of", default="2026-10-01", show_default=True)
@click.option(
    "--rate",
    default=0.05,
    show_default=True,
    type=click.FloatRange(0, 1),
    help="Share of families given an injected discrepancy.",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=REPO_ROOT / "var" / "ffc-sample",
    show_default=True,
)
def ffc_sample(members: int, seed: int, as_of: str, rate: float, out_dir: Path) -> None:
    """Write a synthetic plan 834 (audit file) and the matching ETF extract, with known
    discrepancies of every category (listed in expected.json): something to compare."""
    import dataclasses
    import json

    from ..reconciliation.sor_io import write_sor_jsonl
    from ..reconciliation.synthetic import write_834
    from ..reconciliation.synthetic_sor import contracts_sor, families_834, scenario

    day = date.fromisoformat(as_of)
    out_dir.mkdir(parents=True, exist_ok=True)
    with (out_dir / "plan.834").open("wb") as out:
        written = write_834(families_834(scenario(seed, members, day, rate=rate)), out, as_of=day)
    with (out_dir / "etf-extract.jsonl").open("wb") as out:
        contracts = write_sor_jsonl(contracts_sor(scenario(seed, members, day, rate=rate)), out)
    expected = sorted(
        {e for item in scenario(seed, members, day, rate=rate) for e in item.expected}
    )
    (out_dir / "expected.json").write_text(
        json.dumps([dataclasses.asdict(e) for e in expected], indent=1)
    )
    click.echo(
        f"wrote {out_dir}/plan.834 ({written.members} members), etf-extract.jsonl "
        f"({contracts} contracts), expected.json ({len(expected)} injected discrepancies)"
    )


COMMANDS = [ffc, monthly, monthly_unvalidated, ffc_sample]
