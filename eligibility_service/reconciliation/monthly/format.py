"""The monthly coverage report as CSV: one line per addition, change or deletion.

Why this format: the department's paper process (1999-2006, brief section (k) RPT-MONTHLY-FORMS,
ETF bulletins ``src-e25``) had employers send a Monthly Additions Report (ET-2610), a Monthly
Deletions Report (ET-2612) and a Monthly Changes Report (ET-2614) with each premium
remittance. One CSV carries all three (``report_type`` says which), so an employer's month
is one file. Addition lines also carry the new hire's application facts and deletion lines
the event's facts, because the point of the check is that the reported dates are the dates
the rules give for those facts: the reader maps those columns onto the facts models of the
``new_hire_enrollment`` and ``coverage_termination`` questions and validates them exactly as
the API would.

Columns (a header line is required; column order is free; unknown columns are refused so a
misspelt column cannot be silently ignored; empty cell = not reported):

Every line
    ``report_type``      ``addition`` | ``change`` | ``deletion``
    ``employer_id``      ETF employer number
    ``coverage_month``   ``YYYY-MM``: the coverage month the report is for
    ``contract_id``      ETF subscriber / contract id
    ``program``          ``state`` | ``local``
    ``program_option``   Local program option, e.g. ``PO2``, ``PO12`` (``PO`` + 1-2 digits);
                         empty for State. Required on Local additions and changes.
    ``plan_code``        health plan code (as on ETF's contract). Additions and changes.
    ``coverage_level``   ``single`` | ``family``. Additions and changes.
    ``dependents``       number of dependents listed (0-50). Additions and changes.
    ``effective_date``   ``YYYY-MM-DD``: the report's effective date. Additions.

Additions: the application (ET-2301) facts of ``new_hire_enrollment``
    ``prospective_date`` (required) the application's "Prospective Date of Coverage"
    ``hire_date``, ``first_wrs_employment_date``, ``position_type``
    (``regular``/``limited_term``/``elected_official``/``graduate_assistant``),
    ``is_teacher``, ``expected_annual_hours``, ``expected_to_last_one_year``,
    ``prior_state_wrs_service_months``, ``teacher_contract_signed_date``,
    ``employer_wrs_participating``, ``employer_wpe_participating``,
    ``employer_full_time_annual_hours``, ``contribution_start_date``,
    ``application_received_date``, ``application_signed``, ``requested_start``
    (``earliest``/``employer_contribution_start``), ``subscriber_id_provided`` (SSN or ITIN
    on the application), ``subscriber_affidavit_filed`` (ET-1907), ``dependents_complete``
    (every listed dependent has relationship data, name, birth date and SSN/ITIN).
    ``coverage_level`` and ``dependents`` feed the application's coverage level and list.

Deletions: the event facts of ``coverage_termination``
    ``event_reason`` (required) one of the question's reasons (``end_of_employment``,
    ``retirement``, ``voluntary_cancel``, ``nonpayment``, ``leave_of_absence``,
    ``layoff_temporary``, ``layoff_permanent``, ``military_activation``,
    ``death_of_subscriber``)
    ``event_date`` (required) the report's "Event Date"
    ``termination_date`` last day of employment; required for ``end_of_employment`` and
    ``retirement`` (the event date must equal it)
    ``coverage_end_date`` (required) the coverage end the employer reports
    ``event_received_date`` the date the request (cancellation, application) was received
    ``hire_date``, ``annuitant``, ``premium_tax_status`` (``pre_tax``/``post_tax``),
    ``request_signed``, ``cancel_basis``
    For reasons other than a termination the event date is the reason's own date fact:
    the death date, the unpaid month, the leave or layoff start, the activation date; for a
    voluntary cancellation it is the date the request was received unless
    ``event_received_date`` is given.

Booleans are ``true``/``false`` (also ``yes``/``no``, ``y``/``n``, ``1``/``0``). Dates are
``YYYY-MM-DD``. Line numbers are physical line numbers of the file (the header is line 1).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from typing import IO, Any, Literal

from pydantic import ValidationError

from ...decisions.questions.coverage_termination import CoverageTerminationFacts
from ...decisions.questions.new_hire import NewHireFacts
from ...decisions.types import CASE_DATE_RANGE, in_case_range

ReportType = Literal["addition", "change", "deletion"]
REPORT_TYPES: tuple[ReportType, ...] = ("addition", "change", "deletion")
COVERAGE_LEVEL_CODES = {"single": "EMP", "family": "FAM"}  # report level -> SoR HD05 code
_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_OPTION = re.compile(r"^PO\d{1,2}$")
_TRUE = {"true", "yes", "y", "1"}
_FALSE = {"false", "no", "n", "0"}

REQUIRED_COLUMNS = ("report_type", "employer_id", "coverage_month", "contract_id", "program")

# column -> (facts path, kind); kind: date | bool | number | text
ADDITION_FACTS: dict[str, tuple[str, str]] = {
    "hire_date": ("employee.hire_date", "date"),
    "first_wrs_employment_date": ("employee.first_wrs_employment_date", "date"),
    "position_type": ("employee.position_type", "text"),
    "is_teacher": ("employee.is_teacher", "bool"),
    "expected_annual_hours": ("employee.expected_annual_hours", "number"),
    "expected_to_last_one_year": ("employee.expected_to_last_one_year", "bool"),
    "prior_state_wrs_service_months": ("employee.prior_state_wrs_service_months", "number"),
    "teacher_contract_signed_date": ("employee.teacher_contract_signed_date", "date"),
    "employer_wrs_participating": ("employer.wrs_participating", "bool"),
    "employer_wpe_participating": ("employer.wpe_participating", "bool"),
    "employer_full_time_annual_hours": ("employer.full_time_annual_hours", "number"),
    "contribution_start_date": ("employer.contribution_start_date", "date"),
    "application_received_date": ("application.received_date", "date"),
    "application_signed": ("application.signed", "bool"),
    "requested_start": ("application.requested_start", "text"),
    "subscriber_id_provided": ("application.subscriber_has_ssn_or_itin", "bool"),
    "subscriber_affidavit_filed": ("application.subscriber_ssn_affidavit_filed", "bool"),
}
DELETION_FACTS: dict[str, tuple[str, str]] = {
    "event_reason": ("event.reason", "text"),
    "termination_date": ("event.termination_date", "date"),
    "event_received_date": ("event.received_date", "date"),
    "request_signed": ("event.request_signed", "bool"),
    "cancel_basis": ("event.cancel_basis", "text"),
    "hire_date": ("subscriber.hire_date", "date"),
    "annuitant": ("subscriber.annuitant", "bool"),
    "premium_tax_status": ("subscriber.premium_tax_status", "text"),
}
EVENT_DATE_FACT = {
    "death_of_subscriber": "death_date",
    "nonpayment": "unpaid_month",
    "leave_of_absence": "leave_start_date",
    "layoff_temporary": "leave_start_date",
    "layoff_permanent": "leave_start_date",
    "military_activation": "activation_date",
    "voluntary_cancel": "received_date",
}
TERMINATION_REASONS = frozenset({"end_of_employment", "retirement"})
OTHER_COLUMNS = (
    "program_option",
    "plan_code",
    "coverage_level",
    "dependents",
    "effective_date",
    "prospective_date",
    "dependents_complete",
    "event_date",
    "coverage_end_date",
)
COLUMNS = (
    frozenset(REQUIRED_COLUMNS) | set(OTHER_COLUMNS) | set(ADDITION_FACTS) | set(DELETION_FACTS)
)


@dataclass(frozen=True, slots=True)
class LineError:
    """Why a line (or the header) cannot be read: its number, the column, the problem."""

    line: int
    column: str
    message: str


@dataclass(frozen=True, slots=True)
class ReportLine:
    """One readable report line; ``facts`` are the validated facts of the question the line
    is checked with (``new_hire_enrollment`` for additions, ``coverage_termination`` for
    deletions, empty for changes), as the API's model dump (dates as ``date``)."""

    line: int
    report_type: ReportType
    employer_id: str
    coverage_month: str
    contract_id: str
    program: Literal["state", "local"]
    program_option: str
    plan_code: str
    coverage_level: str  # "single" | "family" | "" (not reported)
    dependents: int | None
    effective_date: date | None
    prospective_date: date | None
    event_reason: str
    event_date: date | None
    termination_date: date | None
    coverage_end_date: date | None
    facts: Mapping[str, Any]

    def __repr__(self) -> str:  # dates of a person may be PHI
        return f"ReportLine({self.line}, {self.report_type}, {self.contract_id!r})"


class _CellError(ValueError):
    def __init__(self, column: str, message: str) -> None:
        self.column = column
        super().__init__(message)


def _cell(row: Mapping[str, str], column: str) -> str:
    return (row.get(column) or "").strip()


def _date(row: Mapping[str, str], column: str, required: bool = False) -> date | None:
    text = _cell(row, column)
    if not text:
        if required:
            raise _CellError(column, "required")
        return None
    if not _DATE.match(text):
        raise _CellError(column, "must be a date written YYYY-MM-DD")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise _CellError(column, "not a calendar date") from None


def _value(row: Mapping[str, str], column: str, kind: str) -> Any:
    text = _cell(row, column)
    if not text:
        return None
    if kind == "date":
        return _date(row, column)
    if kind == "bool":
        low = text.lower()
        if low in _TRUE:
            return True
        if low in _FALSE:
            return False
        raise _CellError(column, "must be true or false")
    if kind == "number":
        try:
            number = float(text)
        except ValueError:
            raise _CellError(column, "must be a number") from None
        if number != number or number in (float("inf"), float("-inf")):
            raise _CellError(column, "must be a number")
        return number
    return text


def _set(tree: dict[str, Any], path: str, value: Any) -> None:
    head, _, leaf = path.partition(".")
    tree.setdefault(head, {})[leaf] = value


def _validated(
    model: type[NewHireFacts] | type[CoverageTerminationFacts],
    facts: dict[str, Any],
    columns: Mapping[str, str],
) -> dict[str, Any]:
    """The facts validated by the question's own model; errors name the CSV column."""
    try:
        return model.model_validate(facts).model_dump()
    except ValidationError as exc:
        first = exc.errors()[0]
        path = ".".join(str(p) for p in first["loc"])
        column = columns.get(path, path)
        raise _CellError(column, first["msg"]) from None


def _addition_facts(row: Mapping[str, str], level: str, dependents: int | None) -> dict[str, Any]:
    facts: dict[str, Any] = {}
    for column, (path, kind) in ADDITION_FACTS.items():
        value = _value(row, column, kind)
        if value is not None:
            _set(facts, path, value)
    if level:
        _set(facts, "application.coverage_level", "individual" if level == "single" else "family")
    complete = _value(row, "dependents_complete", "bool")
    dependent: dict[str, Any] = {}
    if complete is not None:
        dependent = {
            "name_provided": complete,
            "birth_date_provided": complete,
            "has_ssn_or_itin": complete,
        }
    _set(facts, "application.dependents", [dict(dependent) for _ in range(dependents or 0)])
    columns = {path: column for column, (path, _) in ADDITION_FACTS.items()}
    columns["application.coverage_level"] = "coverage_level"
    return _validated(NewHireFacts, facts, columns)


def _deletion_facts(row: Mapping[str, str], reason: str, event_date: date) -> dict[str, Any]:
    facts: dict[str, Any] = {}
    for column, (path, kind) in DELETION_FACTS.items():
        value = _value(row, column, kind)
        if value is not None:
            _set(facts, path, value)
    own = EVENT_DATE_FACT.get(reason)
    if own is not None and facts.get("event", {}).get(own) is None:
        _set(facts, f"event.{own}", event_date)
    columns = {path: column for column, (path, _) in DELETION_FACTS.items()}
    if own is not None:
        columns.setdefault(f"event.{own}", "event_date")
    return _validated(CoverageTerminationFacts, facts, columns)


def parse_row(number: int, row: Mapping[str, str]) -> ReportLine:
    """One CSV row (header names as keys) as a :class:`ReportLine`, or :class:`_CellError`."""
    for column in REQUIRED_COLUMNS:
        if not _cell(row, column):
            raise _CellError(column, "required")
    report_type = _cell(row, "report_type").lower()
    if report_type not in REPORT_TYPES:
        raise _CellError("report_type", "must be addition, change or deletion")
    program = _cell(row, "program").lower()
    if program not in ("state", "local"):
        raise _CellError("program", "must be state or local")
    month = _cell(row, "coverage_month")
    if not _MONTH.match(month):
        raise _CellError("coverage_month", "must be a month written YYYY-MM")
    if not ("1900" <= month[:4] <= "2199" and in_case_range(date.fromisoformat(f"{month}-01"))):
        raise _CellError("coverage_month", f"must be {CASE_DATE_RANGE}")
    option = _cell(row, "program_option").upper()
    if option and not _OPTION.match(option):
        raise _CellError("program_option", "must be a program option code such as PO2 or PO12")
    level = _cell(row, "coverage_level").lower()
    if level and level not in COVERAGE_LEVEL_CODES:
        raise _CellError("coverage_level", "must be single or family")
    dependents: int | None = None
    if text := _cell(row, "dependents"):
        if not text.isdigit() or int(text) > 50:
            raise _CellError("dependents", "must be a whole number from 0 to 50")
        dependents = int(text)
    if report_type in ("addition", "change"):
        for column in ("plan_code", "coverage_level", "dependents"):
            if not _cell(row, column):
                raise _CellError(
                    column,
                    f"required on an {report_type}"
                    if report_type == "addition"
                    else "required on a change",
                )
        if program == "local" and not option:
            raise _CellError("program_option", "required for the Local program")
    effective = _date(row, "effective_date", required=report_type == "addition")
    prospective = _date(row, "prospective_date", required=report_type == "addition")
    reason = _cell(row, "event_reason")
    event_date = termination = coverage_end = None
    facts: dict[str, Any] = {}
    if report_type == "addition":
        facts = _addition_facts(row, level, dependents)
    elif report_type == "deletion":
        if not reason:
            raise _CellError("event_reason", "required on a deletion")
        event_date = _date(row, "event_date", required=True)
        termination = _date(row, "termination_date", required=reason in TERMINATION_REASONS)
        coverage_end = _date(row, "coverage_end_date", required=True)
        assert event_date is not None
        facts = _deletion_facts(row, reason, event_date)
    return ReportLine(
        line=number,
        report_type=report_type,
        employer_id=_cell(row, "employer_id"),
        coverage_month=month,
        contract_id=_cell(row, "contract_id"),
        program=program,  # type: ignore[arg-type]
        program_option=option,
        plan_code=_cell(row, "plan_code"),
        coverage_level=level,
        dependents=dependents,
        effective_date=effective,
        prospective_date=prospective,
        event_reason=reason,
        event_date=event_date,
        termination_date=termination,
        coverage_end_date=coverage_end,
        facts=facts,
    )


@dataclass(frozen=True, slots=True)
class BadLine:
    """A line that cannot be read, with what the reader could still make out of it (the
    employer and contract, so the discrepancy reaches the right place)."""

    error: LineError
    employer_id: str = ""
    contract_id: str = ""


def _lines(source: IO[bytes] | IO[str] | Iterable[str]) -> Iterable[str]:
    """Text lines from a binary stream (decoded as UTF-8, BOM allowed), a text stream or any
    iterable of lines."""
    read = getattr(source, "read", None)
    if read is not None and isinstance(read(0), bytes):
        return io.TextIOWrapper(source, encoding="utf-8-sig", newline="")  # type: ignore[type-var]
    return source  # type: ignore[return-value]


def read_report(source: IO[bytes] | IO[str] | Iterable[str]) -> Iterator[ReportLine | BadLine]:
    """Stream the report: each line read, validated on its own, yielded as a
    :class:`ReportLine` or a :class:`BadLine`. Memory stays flat whatever the file's size.

    A header that lacks a required column, or has a column this format does not know, makes
    the whole file unreadable: one :class:`BadLine` for line 1 and nothing else, since the
    cells cannot be trusted to mean what their column says.
    """
    reader = csv.DictReader(_lines(source))
    if reader.fieldnames is None:
        return
    names = [n.lstrip("\ufeff").strip() for n in reader.fieldnames]
    reader.fieldnames = names
    missing = [c for c in REQUIRED_COLUMNS if c not in names]
    if missing:
        yield BadLine(LineError(1, "(header)", f"missing column(s): {', '.join(missing)}"))
        return
    unknown = [n for n in names if n not in COLUMNS]
    if unknown:
        yield BadLine(LineError(1, unknown[0], "unknown column"))
        return
    line = reader.line_num
    for row in reader:
        number = line + 1
        line = reader.line_num
        if not any((v or "").strip() for k, v in row.items() if k is not None):
            continue  # a blank line
        if None in row:
            yield BadLine(
                LineError(number, "(row)", "more cells than header columns"),
                _cell(row, "employer_id"),
                _cell(row, "contract_id"),
            )
            continue
        try:
            yield parse_row(number, row)
        except _CellError as exc:
            yield BadLine(
                LineError(number, exc.column, str(exc)),
                _cell(row, "employer_id"),
                _cell(row, "contract_id"),
            )
