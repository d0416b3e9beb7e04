"""The system-of-record view: enrollment contracts as ETF holds them.

One contract per subscriber enrolment in a plan: the subscriber and dependents, program,
employer, group and plan, coverage level, employee type and Medicare status, the dates
coverage began and ended, and the coverage months validated so far against employers'
monthly reports. This is the side the health plan's 834 and the employers' monthly reports
are compared with; under Wis. Stat. § 40.03(6) and the 2002 Full File Compare bulletin ETF's
records are the reference and ETF controls the resolution.

Codes follow the 834 so the two sides compare without translation tables: relationship is
INS02 (``18`` self, ``01`` spouse, ``19`` child, ``17`` stepchild, ``15`` ward, ``53`` domestic
partner, ``G8`` other), coverage level is HD05 (``EMP`` single, ``FAM`` family, ``ESP``
employee and spouse, ``ECH`` employee and children), employee type is ``active``,
``retiree`` or ``continuant`` (INS05 ``A``/``C`` and INS08 ``RT``), Medicare is INS06-1
(``A``, ``B``, ``C`` for both, ``E`` none).

The records are frozen :class:`msgspec.Struct` types rather than dataclasses because they
are also the schema of the JSON Lines extract: :mod:`.sor_io` decodes a line straight into a
:class:`SorContract` in C (250,000 members: 0.7-1.1 s instead of 2.4-2.7 s through orjson
dicts and Python constructors). The ``Annotated`` constraints are the part of the reader's
checks that msgspec can make; a line that fails them goes through the reader's checking
path, which names the field at fault. ``gc=False``: the records hold only strings, dates,
booleans and tuples of records, so they cannot form cycles, and the collector need not walk
the hundreds of thousands of them an extract holds. Use :func:`msgspec.structs.replace` to
change a copy.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from msgspec import Meta, Struct

RELATIONSHIPS = {"18": "self", "01": "spouse", "19": "child", "17": "stepchild",
                 "15": "ward", "53": "domestic partner", "G8": "other"}  # fmt: skip
COVERAGE_LEVELS = {"EMP": "single", "FAM": "family", "ESP": "employee and spouse",
                   "ECH": "employee and children"}  # fmt: skip
FAMILY_LEVELS = frozenset({"FAM", "ESP", "ECH"})
EMPLOYEE_TYPES = ("active", "retiree", "continuant")

# Not a bare ``str``: the extract's schema (see the module docstring).
_Required = Annotated[str, Meta(min_length=1)]
_Gender = Annotated[str, Meta(pattern=r"\A[MFU]\Z")]
_EmployeeType = Annotated[str, Meta(pattern=r"\A(?:active|retiree|continuant)\Z")]


class SorMember(Struct, frozen=True, gc=False):
    """A covered person on a contract (the subscriber has relationship ``18``)."""

    member_id: _Required  # ETF's id of the person (834 REF*23, client number)
    relationship: _Required  # INS02 code
    ssn: str  # "" when there is none (ITIN or employer affidavit instead)
    last_name: str
    first_name: str
    middle_name: str
    birth_date: date | None
    gender: _Gender  # M, F or U
    student: bool = False  # INS09 full- or part-time student
    disabled: bool = False  # INS10 handicapped (disabled adult child)
    coverage_begin: date | None = None  # when this member's coverage began
    coverage_end: date | None = None  # last day covered; None: open

    def __repr__(self) -> str:  # never print PHI
        return f"SorMember({self.member_id!r}, relationship={self.relationship!r})"

    def covered_on(self, day: date) -> bool:
        return (self.coverage_begin is None or self.coverage_begin <= day) and (
            self.coverage_end is None or day <= self.coverage_end
        )


class SorContract(Struct, frozen=True, gc=False):
    """One enrolment: a subscriber, their dependents, a plan, dates."""

    contract_id: _Required  # ETF's subscriber/enrolment id, sent to plans as REF*0F
    program: _Required  # state | local
    employer_id: str  # ETF employer number (REF*DX)
    group_number: str  # REF*1L
    plan_code: _Required  # HD04
    insurance_line: _Required  # HD03: HLT, DEN
    coverage_level: _Required  # HD05 code
    employee_type: _EmployeeType  # active | retiree | continuant
    medicare: str  # INS06-1 code of the subscriber; "" unknown
    program_option: str  # Local program option (e.g. PO2, PO12); "" for State
    effective_date: date  # coverage begin (834 DTP*348)
    end_date: date | None  # last covered day (DTP*349); None: open
    members: Annotated[tuple[SorMember, ...], Meta(min_length=1)]  # subscriber first
    validated_months: tuple[str, ...] = ()  # "YYYY-MM" confirmed by reports

    def __repr__(self) -> str:
        return f"SorContract({self.contract_id!r}, {self.program}, {len(self.members)} members)"

    @property
    def subscriber(self) -> SorMember:
        return self.members[0]

    @property
    def dependents(self) -> tuple[SorMember, ...]:
        return self.members[1:]

    def active_on(self, day: date) -> bool:
        return self.effective_date <= day and (self.end_date is None or day <= self.end_date)
