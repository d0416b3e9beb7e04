"""Run a reconciliation end to end: read the inputs, compare, remember, report.

Shared by the CLI (``eligibility ffc``, ``eligibility monthly``) and the API
(``POST /v1/reconciliation/...``) so both give the same report for the same files. Inputs are
streams: the 834 and the employer's report are read as they arrive; ETF's extract is indexed
in memory (it is the side every line is looked up in).
"""

from __future__ import annotations

import io
import time
from collections.abc import Callable, Iterator
from datetime import date
from typing import IO, BinaryIO, cast

from ..cases.importer import detect_format
from ..decisions.service import DecisionService
from ..decisions.types import CASE_DATE_RANGE, in_case_range
from ..rules.provisions import ProvisionIndex
from ..store.store import Store
from .discrepancy import Discrepancy, number_repeats
from .ffc.compare import compare
from .ffc.rules import make
from .history import Seen, record_run
from .monthly.employers import read_employers
from .monthly.result import not_validated
from .monthly.validate import validate_report
from .record import SorContract
from .report import ExceptionReport
from .sor_io import LineError, read_sor_csv, read_sor_jsonl
from .x12 import X12Reader
from .x12.ig_validation import IgValidation, validate_834
from .x12.refusal import describe, incomplete, version_problems
from .x12.tokens import X12ReadError

IG_MAX_FINDINGS = 1000
"""Implementation-guide findings reported one by one; past that, one summary exception (a
badly broken file would otherwise give a report of a finding per segment)."""


class InputError(ValueError):
    """An input cannot be used at all (its format, or nothing in it could be read)."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        super().__init__(message)


class IncompleteFile(InputError):
    """The 834 is truncated or incomplete (see :mod:`.x12.refusal`); ``allow_partial``
    compares it anyway."""

    def __init__(self, message: str) -> None:
        super().__init__(
            "plan_file",
            f"the 834 is incomplete: {message}; nothing was compared or recorded "
            "(allow_partial compares what it holds, marked partial)",
        )


def sor_format(name: str) -> str:
    """``csv`` or ``jsonl`` from the extract's file name (the case files' rule)."""
    try:
        return detect_format(name)
    except ValueError as exc:
        raise InputError("sor_extract", str(exc)) from None


def read_sor(stream: IO[bytes], fmt: str, errors: list[LineError]) -> Iterator[SorContract]:
    return read_sor_csv(stream, errors) if fmt == "csv" else read_sor_jsonl(stream, errors)


def citations_of(provisions: ProvisionIndex) -> dict[str, str]:
    return {pid: located.provision.citation for pid, located in provisions.by_id.items()}


def _sor_errors(errors: list[LineError]) -> list[dict[str, object]]:
    return [e.as_dict() for e in errors[:1000]]


def run_ffc(
    plan_file: IO[bytes],
    sor_extract: IO[bytes],
    sor_fmt: str,
    citations: dict[str, str],
    *,
    plan: str = "",
    as_of: date | None = None,
    input_name: str = "834",
    store: Store | None = None,
    on_read: Callable[[], None] | None = None,
    validate: bool = False,
    allow_partial: bool = False,
) -> ExceptionReport:
    """Compare a plan's 834 with ETF's extract; record the run in ``store`` if given.

    ``validate`` also checks the 834 against the implementation guide with pyx12 (slower;
    see :mod:`.x12.ig_validation`): each finding becomes a ``file`` exception for the plan.
    The 834 is then read twice, so ``plan_file`` must be seekable (a file, or the API's
    spooled upload); it is validated first and put back where it was.

    An 834 that does not name the 005010X220A1 guide is refused; one that is truncated or
    incomplete (:mod:`.x12.refusal`) is refused with :class:`IncompleteFile` unless
    ``allow_partial``, when it is compared as far as it goes: ETF members it does not hold
    are not reported missing, the report says ``partial`` and the exception history is not
    touched (a partial file's exceptions are no evidence of repeats or of their absence).
    """
    if as_of is not None and not in_case_range(as_of):
        raise InputError("as_of", f"the as-of date must be {CASE_DATE_RANGE}")
    errors: list[LineError] = []
    started = time.perf_counter()
    contracts = list(read_sor(sor_extract, sor_fmt, errors))
    if not contracts and errors:
        raise InputError("sor_extract", f"no contract could be read ({len(errors)} bad lines)")
    sor_seconds = time.perf_counter() - started
    ig: IgValidation | None = None
    if validate:
        if not plan_file.seekable():
            raise InputError("plan_file", "validation reads the file twice: it must be seekable")
        ig = validate_834(cast(BinaryIO, plan_file), max_findings=IG_MAX_FINDINGS)
    try:
        reader = X12Reader(cast(BinaryIO, plan_file))
        result = compare(reader, contracts, as_of=as_of, plan=plan, partial=allow_partial)
    except (X12ReadError, ValueError) as exc:  # not an 834, or no as-of date in it
        raise InputError("plan_file", str(exc)) from None
    wrong_version = version_problems(reader.findings)
    if wrong_version:
        raise InputError(
            "plan_file", f"not an 834 of the 005010X220A1 guide: {describe(wrong_version)}"
        )
    cut = incomplete(reader.findings)
    if cut and not allow_partial:
        raise IncompleteFile(describe(cut))
    partial = bool(cut)
    if not in_case_range(result.as_of):  # the 834's own DTP*007 or BGN date
        raise InputError("plan_file", f"the 834's as-of date must be {CASE_DATE_RANGE}")
    if on_read is not None:
        on_read()
    found: list[Discrepancy] = result.discrepancies
    if ig is not None:
        found.extend(ig_discrepancies(ig, result.plan))
        number_repeats(found)
    run_id: str = ""
    seen: dict[str, Seen] = {}
    if store is not None and not partial:
        run_id, seen = record_run(store, "ffc", result.plan, result.as_of, input_name, found)
    report = ExceptionReport(
        "ffc",
        result.plan,
        result.as_of,
        input_name,
        found,
        citations,
        seen,
        run_id,
        stats={
            "members_in_file": result.members,
            "families_in_file": result.families,
            "etf_contracts": len(contracts),
            "matched": result.matched,
            "proposed_matches": result.proposed,
            "etf_extract_lines_rejected": len(errors),
            "seconds": round(time.perf_counter() - started, 2),
            "etf_extract_seconds": round(sor_seconds, 2),
        },
        partial=partial,
    )
    if ig is not None:
        report.stats["ig_validation_seconds"] = round(ig.seconds, 2)
        report.stats["ig_findings"] = ig.total
    if errors:
        _with_errors(report, errors)
    return report


def ig_discrepancies(ig: IgValidation, plan: str) -> list[Discrepancy]:
    """Implementation-guide findings as ``file`` exceptions for the plan to correct.

    The field (``ig:<code>:<element or segment>``) names the kind of finding, so each kind
    has its own stable id and its repeats are counted across files; the line is the
    segment's number. Past :data:`IG_MAX_FINDINGS`, one exception says how many more.
    """
    out = [
        make(
            "file",
            f.message,
            plan=plan,
            field=f"ig:{f.kind}",
            line=f.line,
            severity=f.severity,
        )
        for f in ig.findings
    ]
    if ig.total > len(ig.findings):
        out.append(
            make(
                "file",
                f"implementation guide: {ig.total - len(ig.findings)} more findings not listed "
                f"({ig.total} in all); validate the file with pyx12 for the full list",
                plan=plan,
                field="ig:more",
                severity="error",
            )
        )
    return out


def _with_errors(report: ExceptionReport, errors: list[LineError]) -> ExceptionReport:
    report.stats["etf_extract_errors"] = _sor_errors(errors)
    return report


def run_monthly(
    report_file: IO[bytes],
    sor_extract: IO[bytes],
    sor_fmt: str,
    service: DecisionService,
    citations: dict[str, str],
    *,
    employers_file: IO[bytes] | None = None,
    input_name: str = "monthly report",
    store: Store | None = None,
) -> tuple[ExceptionReport, list[SorContract]]:
    """Validate an employer's monthly report; also the contracts it left unvalidated."""
    errors: list[LineError] = []
    contracts = list(read_sor(sor_extract, sor_fmt, errors))
    employers = None
    if employers_file is not None:
        employers, employer_errors = read_employers(
            io.TextIOWrapper(employers_file, encoding="utf-8-sig", newline="")
        )
        if employer_errors:
            first = employer_errors[0]
            raise InputError("employers", f"line {first.line}: {first.column}: {first.message}")
    result = validate_report(report_file, contracts, service, employers=employers)
    months = sorted(result.months)
    month = months[-1] if months else ""
    as_of = date.fromisoformat(f"{month}-01") if month else date(1900, 1, 1)
    employer_ids = sorted(
        {v.employer_id for v in result.validated} | {d.plan for d in result.discrepancies if d.plan}
    )
    plan = ", ".join(employer_ids) if len(employer_ids) <= 3 else f"{len(employer_ids)} employers"
    run_id: str = ""
    seen: dict[str, Seen] = {}
    if store is not None:
        run_id, seen = record_run(store, "monthly", plan, as_of, input_name, result.discrepancies)
    missing = not_validated(contracts, month, result) if month else []
    report = ExceptionReport(
        "monthly",
        plan,
        as_of,
        input_name,
        result.discrepancies,
        citations,
        seen,
        run_id,
        stats={
            "lines_read": result.lines_read,
            "lines_validated": len(result.validated),
            "lines_rejected": result.lines_rejected,
            "coverage_month": month,
            "contracts_not_validated_for_the_month": len(missing),
            "etf_extract_lines_rejected": len(errors),
        },
    )
    if errors:
        _with_errors(report, errors)
    return report, missing
