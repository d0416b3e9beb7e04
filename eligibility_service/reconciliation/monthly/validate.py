"""Validate an employer's monthly coverage report: the entry point.

``validate_report(source, contracts, service)`` streams the CSV (see :mod:`.format`), checks
each readable line (see :mod:`.checks`) and returns a :class:`.result.MonthlyResult`. The
system-of-record contracts are indexed once by contract id; lines are never held in memory,
so a report of any size validates in memory proportional to ETF's contracts and the
discrepancies found.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import IO

from ...decisions.schema import DecisionOptions
from ...decisions.service import DecisionService
from ..discrepancy import number_repeats
from ..record import SorContract
from .checks import LineChecker
from .employers import EmployerOptions, options_from_contracts
from .format import BadLine, ReportLine, read_report
from .result import MonthlyResult, Validation


def validate_lines(
    lines: Iterable[ReportLine | BadLine],
    contracts: Iterable[SorContract],
    service: DecisionService,
    *,
    employers: Mapping[str, EmployerOptions] | None = None,
    policy_choices: Mapping[str, str] | None = None,
    rule_set_version: str | None = None,
) -> MonthlyResult:
    """Check already-read lines (from :func:`.format.read_report` or built by a caller)."""
    index = {c.contract_id: c for c in contracts}
    checker = LineChecker(
        contracts=index,
        employers=employers,
        from_contracts=options_from_contracts(index.values()),
        service=service,
        options=DecisionOptions(
            rule_set_version=rule_set_version, policy_choices=dict(policy_choices or {})
        ),
    )
    result = MonthlyResult()
    for item in lines:
        result.lines_read += 1
        if isinstance(item, BadLine):
            if item.error.line == 1 and item.error.column != "(row)":
                result.lines_read -= 1  # the header is not a report line
            result.lines_rejected += 1
            result.discrepancies.append(checker.bad_line(item))
            continue
        found = checker.check(item)
        if found:
            result.discrepancies.extend(found)
        else:
            result.validated.append(
                Validation(
                    item.line,
                    item.report_type,
                    item.employer_id,
                    item.contract_id,
                    item.coverage_month,
                )
            )
    number_repeats(result.discrepancies)  # e.g. two lines about one contract and field
    return result


def validate_report(
    source: IO[bytes] | IO[str] | Iterable[str],
    contracts: Iterable[SorContract],
    service: DecisionService,
    *,
    employers: Mapping[str, EmployerOptions] | None = None,
    policy_choices: Mapping[str, str] | None = None,
    rule_set_version: str | None = None,
) -> MonthlyResult:
    """Read and validate a monthly report CSV.

    ``employers``: the employers table (:func:`.employers.read_employers`); without it, or
    for an employer it does not list, valid program options come from ETF's contracts.
    ``policy_choices`` / ``rule_set_version``: passed to every decision, as the API's options.
    """
    return validate_lines(
        read_report(source),
        contracts,
        service,
        employers=employers,
        policy_choices=policy_choices,
        rule_set_version=rule_set_version,
    )
