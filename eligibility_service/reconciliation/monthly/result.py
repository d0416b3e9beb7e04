"""What a monthly-report run produced, and the contracts a month still lacks.

Kept apart from the checks so the engineer building reports, endpoints and history on top
needs only these plain types: the discrepancies (each with its stable id), the lines that
validated a contract for a coverage month, and counts.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from ..discrepancy import Discrepancy
from ..record import SorContract
from .format import ReportType


@dataclass(frozen=True, slots=True)
class Validation:
    """A report line that passed every check: it validates its contract for its month."""

    line: int
    report_type: ReportType
    employer_id: str
    contract_id: str
    coverage_month: str  # YYYY-MM


@dataclass
class MonthlyResult:
    discrepancies: list[Discrepancy] = field(default_factory=list)
    validated: list[Validation] = field(default_factory=list)
    lines_read: int = 0  # report lines read (header and blank lines not counted)
    lines_rejected: int = 0  # lines that could not be read (each also a report_line discrepancy)

    @property
    def validated_months(self) -> dict[str, tuple[str, ...]]:
        """Contract id -> the coverage months (YYYY-MM, sorted) this run validated."""
        months: dict[str, set[str]] = {}
        for v in self.validated:
            months.setdefault(v.contract_id, set()).add(v.coverage_month)
        return {c: tuple(sorted(m)) for c, m in sorted(months.items())}

    @property
    def months(self) -> tuple[str, ...]:
        """Every coverage month some line of this run validated."""
        return tuple(sorted({v.coverage_month for v in self.validated}))


def month_bounds(month: str) -> tuple[date, date]:
    """First and last day of a ``YYYY-MM`` month."""
    year, number = (int(p) for p in month.split("-"))
    return date(year, number, 1), date(year, number, calendar.monthrange(year, number)[1])


def not_validated(
    contracts: Iterable[SorContract], month: str, result: MonthlyResult | None = None
) -> list[SorContract]:
    """The contracts covered for at least one day of ``month`` (``YYYY-MM``) that neither the
    system of record (``validated_months``) nor a line of ``result`` validated for that
    month, in contract-id order: what the employer still has to confirm."""
    first, last = month_bounds(month)
    done = (
        {v.contract_id for v in result.validated if v.coverage_month == month} if result else set()
    )
    return sorted(
        (
            c
            for c in contracts
            if c.effective_date <= last
            and (c.end_date is None or c.end_date >= first)
            and month not in c.validated_months
            and c.contract_id not in done
        ),
        key=lambda c: c.contract_id,
    )
