"""Write examples/reconciliation/etf-extract.jsonl: ETF's side for monthly-report.csv.

Fictitious contracts for the example report's employers: a State contract under S0100 that
the report deletes (C1003), a Local family contract under L0200 on program option PO12 that
the report changes (C2001), and a State contract nobody reports this month (C1004), which
``eligibility monthly`` lists as not yet validated. Run again after changing the example:
``./scripts/uv run python scripts/make_reconciliation_examples.py``.
"""

from __future__ import annotations

from datetime import date

from eligibility_service.reconciliation.record import SorContract, SorMember
from eligibility_service.reconciliation.sor_io import write_sor_jsonl
from eligibility_service.settings import REPO_ROOT


def person(cid: str, n: int, relationship: str, first: str, born: date) -> SorMember:
    return SorMember(
        f"{cid}-{n:02d}", relationship, f"9000{cid[1:]}{n}", "EXAMPLE", first, "", born, "U"
    )


def contract(
    cid: str,
    program: str,
    employer: str,
    plan: str,
    level: str,
    option: str,
    members: list[SorMember],
) -> SorContract:
    return SorContract(
        cid,
        program,
        employer,
        f"ETF-{program.upper()}",
        plan,
        "HLT",
        level,
        "active",
        "E",
        option,
        date(2001, 1, 1),
        None,
        tuple(members),
        ("2004-02",),
    )


CONTRACTS = [
    contract(
        "C1003",
        "state",
        "S0100",
        "P100",
        "EMP",
        "",
        [person("C1003", 1, "18", "ALEX", date(1960, 5, 1))],
    ),
    contract(
        "C1004",
        "state",
        "S0100",
        "P100",
        "EMP",
        "",
        [person("C1004", 1, "18", "SAM", date(1970, 2, 3))],
    ),
    contract(
        "C2001",
        "local",
        "L0200",
        "P200",
        "FAM",
        "PO12",
        [
            person("C2001", 1, "18", "JORDAN", date(1975, 7, 9)),
            person("C2001", 2, "01", "CASEY", date(1976, 8, 10)),
            person("C2001", 3, "19", "RILEY", date(2000, 9, 11)),
            person("C2001", 4, "19", "TAYLOR", date(2002, 10, 12)),
        ],
    ),
]


def main() -> None:
    out = REPO_ROOT / "examples" / "reconciliation" / "etf-extract.jsonl"
    with out.open("wb") as stream:
        n = write_sor_jsonl(CONTRACTS, stream)
    print(f"wrote {out}: {n} contracts")


if __name__ == "__main__":
    main()
