"""Contracts a coverage month still lacks: active in the month, validated neither at ETF nor
by a line of the run."""

from __future__ import annotations

from datetime import date

from eligibility_service.reconciliation.monthly import MonthlyResult, Validation, not_validated
from eligibility_service.reconciliation.record import SorContract, SorMember


def contract(
    cid: str, start: date, end: date | None = None, validated: tuple[str, ...] = ()
) -> SorContract:
    member = SorMember(f"{cid}-0", "18", "", "L", "F", "", None, "U")
    return SorContract(
        cid,
        "state",
        "S1",
        "G1",
        "P1",
        "HLT",
        "EMP",
        "active",
        "E",
        "",
        start,
        end,
        (member,),
        validated,
    )


CONTRACTS = [
    contract("A-open", date(2000, 1, 1)),
    contract("B-run", date(2000, 1, 1)),
    contract("C-etf", date(2000, 1, 1), validated=("2004-02", "2004-03")),
    contract("D-ended", date(2000, 1, 1), end=date(2004, 2, 29)),
    contract("E-later", date(2004, 4, 1)),
    contract("F-mid-month-start", date(2004, 3, 31)),
    contract("G-ends-1st", date(2000, 1, 1), end=date(2004, 3, 1)),
    contract("H-other-month", date(2000, 1, 1)),
]
RESULT = MonthlyResult(
    validated=[
        Validation(2, "change", "S1", "B-run", "2004-03"),
        Validation(3, "change", "S1", "H-other-month", "2004-02"),
    ]
)


def test_not_validated_lists_active_contracts_no_one_validated() -> None:
    ids = [c.contract_id for c in not_validated(CONTRACTS, "2004-03", RESULT)]
    assert ids == ["A-open", "F-mid-month-start", "G-ends-1st", "H-other-month"]


def test_not_validated_other_month_and_without_a_run() -> None:
    ids = [c.contract_id for c in not_validated(reversed(CONTRACTS), "2004-02", RESULT)]
    assert ids == ["A-open", "B-run", "D-ended", "G-ends-1st"]
    assert [c.contract_id for c in not_validated(CONTRACTS, "2004-04")] == [
        "A-open",
        "B-run",
        "C-etf",
        "E-later",
        "F-mid-month-start",
        "H-other-month",
    ]
