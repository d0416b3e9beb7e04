"""Which Local program options each employer may report.

A Local (WPE) employer chooses its program option (PO2/12, 4/14, 6/16, 7/17: brief section
(l), ``src-e38``) by resolution, and every report line must carry one the employer has. Two
sources, in this order:

1. an employers table, CSV ``employer_id,program,program_options`` with the options separated
   by spaces or semicolons (e.g. ``E123,local,PO2 PO12``); ETF's own list of what each
   employer elected, authoritative when the employer is in it;
2. otherwise the options found on the employer's contracts in the system of record (what
   ETF has already accepted for that employer) - weaker, since an employer whose contracts
   all use one option shows only that one.

A State employer has no program options: a State line carrying one is a discrepancy.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import IO

from ..record import SorContract
from .format import LineError

_SPLIT = re.compile(r"[;\s]+")


@dataclass(frozen=True, slots=True)
class EmployerOptions:
    employer_id: str
    program: str  # state | local
    program_options: frozenset[str]


def read_employers(
    source: IO[str] | Iterable[str],
) -> tuple[dict[str, EmployerOptions], list[LineError]]:
    """The employers table and the lines that could not be read (line, column, message)."""
    table: dict[str, EmployerOptions] = {}
    errors: list[LineError] = []
    reader = csv.DictReader(source)
    if reader.fieldnames is None:
        return table, errors
    missing = {"employer_id", "program", "program_options"} - set(reader.fieldnames)
    if missing:
        errors.append(LineError(1, "(header)", f"missing column(s): {', '.join(sorted(missing))}"))
        return table, errors
    line = reader.line_num
    for row in reader:
        number = line + 1
        line = reader.line_num
        employer = (row.get("employer_id") or "").strip()
        program = (row.get("program") or "").strip().lower()
        if not employer:
            errors.append(LineError(number, "employer_id", "required"))
            continue
        if program not in ("state", "local"):
            errors.append(LineError(number, "program", "must be state or local"))
            continue
        options = frozenset(
            o.upper() for o in _SPLIT.split((row.get("program_options") or "").strip()) if o
        )
        table[employer] = EmployerOptions(employer, program, options)
    return table, errors


def options_from_contracts(contracts: Iterable[SorContract]) -> dict[str, EmployerOptions]:
    """Each employer's program options as found on its contracts at ETF."""
    found: dict[str, tuple[str, set[str]]] = {}
    for c in contracts:
        _, options = found.setdefault(c.employer_id, (c.program, set()))
        if c.program_option:
            options.add(c.program_option.upper())
    return {
        e: EmployerOptions(e, program, frozenset(options))
        for e, (program, options) in found.items()
    }


def valid_options(
    employer_id: str,
    table: Mapping[str, EmployerOptions] | None,
    from_contracts: Mapping[str, EmployerOptions],
) -> EmployerOptions | None:
    """The employer's options: the table's when it lists the employer, else the contracts'."""
    if table is not None and employer_id in table:
        return table[employer_id]
    return from_contracts.get(employer_id)
