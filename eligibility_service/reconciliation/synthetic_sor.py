"""ETF's side of the synthetic data, and discrepancies injected between the two sides.

:func:`sor_contracts` turns a truth family into the system-of-record contracts ETF would hold:
**one** :class:`SorContract` **per family per insurance line** (health ``HLT`` and, when the
family has it, Uniform Dental ``DEN``), both with the family's subscriber id as contract id,
because the plan sends one ``REF*0F`` with an HD loop per line. Each member carries its own
coverage dates for that line (a child who aged out ends before the family does).

:func:`scenario` derives, from one seed, the 834 side and the SoR side of a compare with
known differences: it walks the truth families and, for a deterministic choice of them,
alters one side and records what a correct compare must report as :class:`Expected` keys
``(category, contract_id, member_id, field)``. Every FFC category is covered by rotating
through :data:`INJECTIONS` (skipping a family an injection cannot apply to), and the file
category by writing BGN08 ``2`` instead of ``4``. Injected families are never touched twice,
and injected values are chosen so they cannot collide with another person's (new SSNs start
with 8, truth SSNs with 9).

:func:`sor_from_834` builds an SoR extract from an 834 itself (used to check that a file
compares clean against its own content).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from msgspec.structs import replace as sor_replace

from .ffc import normalize as norm
from .record import SorContract, SorMember
from .synthetic import TruthCoverage, TruthFamily, TruthMember, generate_families
from .x12 import Family


@dataclass(frozen=True, slots=True, order=True)
class Expected:
    """A discrepancy a correct compare must report (the stable-id fields, minus plan)."""

    category: str
    contract_id: str
    member_id: str
    field: str


def employee_type(family: TruthFamily) -> str:
    if family.benefit_status in ("C", "S", "T"):
        return "continuant"
    return "retiree" if family.employment_status == "RT" else "active"


def _sor_member(m: TruthMember, cov: TruthCoverage) -> SorMember:
    return SorMember(
        member_id=m.member_id,
        relationship=m.relationship,
        ssn=m.ssn,
        last_name=m.last_name,
        first_name=m.first_name,
        middle_name=m.middle_name,
        birth_date=m.birth_date,
        gender=m.gender,
        student=m.student_status in ("F", "P"),
        disabled=m.handicap == "Y",
        coverage_begin=cov.begin,
        coverage_end=cov.end,
    )


def sor_contracts(family: TruthFamily) -> list[SorContract]:
    """ETF's contracts for a truth family: one per insurance line of the subscriber."""
    out = []
    sub = family.subscriber
    for cov in sub.coverages:
        members = []
        for m in family.members:
            mc = next((c for c in m.coverages if c.insurance_line == cov.insurance_line), None)
            if mc is not None:
                members.append(_sor_member(m, mc))
        out.append(
            SorContract(
                contract_id=family.subscriber_id,
                program=family.program,
                employer_id=family.employer_number,
                group_number=family.group_number,
                plan_code=cov.plan,
                insurance_line=cov.insurance_line,
                coverage_level=cov.coverage_level,
                employee_type=employee_type(family),
                medicare=sub.medicare_plan,
                program_option="PO2" if family.program == "local" else "",
                effective_date=cov.begin,
                end_date=cov.end,
                members=tuple(members),
            )
        )
    return out


# -- injection -----------------------------------------------------------------------------


def _month_end(d: date) -> date:
    nxt = date(d.year + d.month // 12, d.month % 12 + 1, 1)
    return nxt - timedelta(days=1)


def _prev_month(d: date) -> date:
    return date(d.year - (d.month == 1), (d.month - 2) % 12 + 1, 1)


@dataclass
class _Case:
    """One family being altered: the 834 side and the SoR side, and what to expect."""

    family: TruthFamily  # the 834 side (None-able through drop_834)
    contracts: list[SorContract]
    as_of: date
    rng: random.Random
    new_ssn: Callable[[], str]
    expected: list[Expected] = field(default_factory=list)
    drop_834: bool = False

    @property
    def cid(self) -> str:
        return self.family.subscriber_id

    def expect(self, category: str, member_id: str, fld: str = "") -> None:
        self.expected.append(Expected(category, self.cid, member_id, fld))

    def set_member(self, index: int, **changes: object) -> None:
        members = list(self.family.members)
        members[index] = replace(members[index], **changes)  # type: ignore[arg-type]
        self.family = replace(self.family, members=tuple(members))

    def set_health(self, index: int, **changes: object) -> None:
        m = self.family.members[index]
        covs = tuple(
            replace(c, **changes) if c.insurance_line == "HLT" else c  # type: ignore[arg-type]
            for c in m.coverages
        )
        self.set_member(index, coverages=covs)

    def set_sor_member(self, member_id: str, **changes: object) -> None:
        self.contracts = [
            sor_replace(
                c,
                members=tuple(
                    sor_replace(m, **changes) if m.member_id == member_id else m for m in c.members
                ),
            )
            for c in self.contracts
        ]

    def set_sor_contract(self, line: str | None, **changes: object) -> None:
        self.contracts = [
            sor_replace(c, **changes) if line is None or c.insurance_line == line else c
            for c in self.contracts
        ]

    def side(self) -> str:
        return "834" if self.rng.random() < 0.5 else "sor"


def _all_open(f: TruthFamily) -> bool:
    return all(c.end is None for m in f.members for c in m.coverages)


def _open_dependents(f: TruthFamily) -> list[int]:
    return [i for i, m in enumerate(f.members) if i and all(c.end is None for c in m.coverages)]


def _missing_at_plan(case: _Case) -> bool:
    f = case.family
    deps = _open_dependents(f)
    if deps and case.rng.random() < 0.5:  # a dependent only at ETF
        i = case.rng.choice(deps)
        case.expect("missing_at_plan", f.members[i].member_id)
        case.family = replace(f, members=f.members[:i] + f.members[i + 1 :])
        return True
    if not _all_open(f):
        return False
    for m in f.members:
        case.expect("missing_at_plan", m.member_id)
    case.drop_834 = True
    return True


def _missing_at_etf(case: _Case) -> bool:
    f = case.family
    deps = _open_dependents(f)
    if deps and case.rng.random() < 0.5:  # a dependent only in the plan's file
        mid = f.members[case.rng.choice(deps)].member_id
        case.expect("missing_at_etf", mid)
        case.contracts = [
            sor_replace(c, members=tuple(m for m in c.members if m.member_id != mid))
            for c in case.contracts
        ]
        return True
    if not _all_open(f):
        return False
    for m in f.members:
        case.expect("missing_at_etf", m.member_id)
    case.contracts = []
    return True


def _coverage_level(case: _Case) -> bool:
    sub = case.family.subscriber
    level = sub.coverages[0].coverage_level
    other = "FAM" if level == "EMP" else "EMP"
    if case.side() == "834":
        case.set_health(0, coverage_level=other)
    else:
        case.set_sor_contract("HLT", coverage_level=other)
    case.expect("coverage_level", sub.member_id, "HLT.coverage_level")
    return True


def _plan_or_group(case: _Case) -> bool:
    sub = case.family.subscriber
    kind = case.rng.choice(("plan", "group", "employer"))
    on_834 = case.side() == "834"
    if kind == "plan":
        other = "X99"
        if on_834:
            case.set_health(0, plan=other)
        else:
            case.set_sor_contract("HLT", plan_code=other)
        case.expect("plan_or_group", sub.member_id, "HLT.plan")
    elif kind == "group":
        if on_834:
            case.family = replace(case.family, group_number="ETF-OTHER")
        else:
            case.set_sor_contract(None, group_number="ETF-OTHER")
        case.expect("plan_or_group", sub.member_id, "group_number")
    else:
        if on_834:
            case.family = replace(case.family, employer_number="9999")
        else:
            case.set_sor_contract(None, employer_id="9999")
        case.expect("plan_or_group", sub.member_id, "employer_id")
    return True


def _effective_date(case: _Case) -> bool:
    sub = case.family.subscriber
    begin = _prev_month(sub.coverages[0].begin)
    if case.side() == "834":
        case.set_health(0, begin=begin)
    else:
        case.set_sor_contract("HLT", effective_date=begin)
        case.contracts = [
            sor_replace(
                c, members=(sor_replace(c.members[0], coverage_begin=begin), *c.members[1:])
            )
            if c.insurance_line == "HLT" else c
            for c in case.contracts
        ]  # fmt: skip
    case.expect("effective_date", sub.member_id, "HLT.effective_date")
    return True


def _end_date(case: _Case) -> bool:
    sub = case.family.subscriber
    end = sub.coverages[0].end
    if end is None:  # an end on one side only, this month's last day
        new_end: date | None = _month_end(case.as_of)
    elif case.rng.random() < 0.5:
        new_end = None  # open on one side, termed on the other
    else:
        new_end = _month_end(end + timedelta(days=1))  # a month later
    if case.side() == "834":
        case.set_health(0, end=new_end)
    else:
        case.set_sor_contract("HLT", end_date=new_end)
        case.contracts = [
            sor_replace(
                c, members=(sor_replace(c.members[0], coverage_end=new_end), *c.members[1:])
            )
            if c.insurance_line == "HLT" else c
            for c in case.contracts
        ]  # fmt: skip
    case.expect("end_date", sub.member_id, "HLT.end_date")
    return True


def _dependents(case: _Case) -> bool:
    children = [i for i, m in enumerate(case.family.members) if m.relationship == "19"]
    if not children:
        return False
    i = case.rng.choice(children)
    m = case.family.members[i]
    kind = case.rng.choice(("relationship", "student", "disabled"))
    on_834 = case.side() == "834"
    if kind == "relationship":
        if on_834:
            case.set_member(i, relationship="17")
        else:
            case.set_sor_member(m.member_id, relationship="17")
    elif kind == "student":
        flip = "N" if m.student_status in ("F", "P") else "F"
        if on_834:
            case.set_member(i, student_status=flip)
        else:
            case.set_sor_member(m.member_id, student=flip == "F")
    else:
        flip = "N" if m.handicap == "Y" else "Y"
        if on_834:
            case.set_member(i, handicap=flip)
        else:
            case.set_sor_member(m.member_id, disabled=flip == "Y")
    case.expect("dependents", m.member_id, kind)
    return True


_OTHER_FIRST = {"F": "ZELDA", "M": "ZEKE"}


def _demographics(case: _Case) -> bool:
    i = case.rng.randrange(len(case.family.members))
    m = case.family.members[i]
    kind = case.rng.choice(("ssn", "birth_date", "gender", "last_name", "first_name"))
    changes: dict[str, object]
    if kind == "ssn":
        changes = {"ssn": case.new_ssn()}
    elif kind == "birth_date":
        changes = {"birth_date": m.birth_date - timedelta(days=1)}
    elif kind == "gender":
        changes = {"gender": "F" if m.gender == "M" else "M"}
    elif kind == "last_name":
        changes = {"last_name": m.last_name + "-QUIST"}
    else:
        changes = {"first_name": _OTHER_FIRST[m.gender]}
    if case.side() == "834":
        case.set_member(i, **changes)
    else:
        case.set_sor_member(m.member_id, **changes)
    case.expect("demographics", m.member_id, kind)
    return True


def _employee_type(case: _Case) -> bool:
    f = case.family
    sub = f.subscriber
    if case.rng.random() < 0.5 and sub.medicare_plan:
        other = "E" if sub.medicare_plan == "C" else "C"
        if case.side() == "834":
            case.set_member(0, medicare_plan=other)
        else:
            case.set_sor_contract(None, medicare=other)
        case.expect("employee_type", sub.member_id, "medicare")
        return True
    if f.benefit_status != "A":
        return False
    if case.side() == "834":
        case.family = replace(f, employment_status="FT" if f.employment_status == "RT" else "RT")
    else:
        etype = "active" if f.employment_status == "RT" else "retiree"
        case.set_sor_contract(None, employee_type=etype)
    case.expect("employee_type", sub.member_id, "employee_type")
    return True


def _duplicate(case: _Case) -> bool:
    f = case.family
    if len(f.members) < 2:
        return False
    i = case.rng.randrange(1, len(f.members))
    m = f.members[i]
    case.family = replace(f, members=(*f.members, m))
    case.expect("duplicate", m.member_id, "ssn" if m.ssn else "member_id")
    return True


def _duplicate_at_etf(case: _Case) -> bool:
    """ETF's extract gives a dependent the subscriber's SSN (a keying error at ETF): the
    dependent is matched by id, so its SSN also differs from the plan's."""
    f = case.family
    sub = f.subscriber
    deps = [i for i, m in enumerate(f.members) if i and m.ssn]
    if not sub.ssn or not deps:
        return False
    m = f.members[case.rng.choice(deps)]
    case.set_sor_member(m.member_id, ssn=sub.ssn)
    case.expect("duplicate", m.member_id, "etf.ssn")
    case.expect("demographics", m.member_id, "ssn")
    return True


def _proposed_match(case: _Case) -> bool:
    f = case.family
    candidates = [
        i for i, m in enumerate(f.members)
        if i and sum(
            1 for o in f.members
            if (o.birth_date, norm.name(o.first_name), o.relationship)
            == (m.birth_date, norm.name(m.first_name), m.relationship)
        ) == 1
    ]  # fmt: skip
    if not candidates:
        return False
    i = case.rng.choice(candidates)
    m = f.members[i]
    case.set_member(i, ssn="", member_id=f"{f.subscriber_id}-P{i:02d}")
    case.expect("proposed_match", m.member_id, "identity")
    if m.ssn:
        case.expect("demographics", m.member_id, "ssn")
    return True


INJECTIONS: dict[str, Callable[[_Case], bool]] = {
    "missing_at_plan": _missing_at_plan,
    "missing_at_etf": _missing_at_etf,
    "coverage_level": _coverage_level,
    "plan_or_group": _plan_or_group,
    "effective_date": _effective_date,
    "end_date": _end_date,
    "dependents": _dependents,
    "demographics": _demographics,
    "employee_type": _employee_type,
    "duplicate": _duplicate,
    "duplicate_at_etf": _duplicate_at_etf,
    "proposed_match": _proposed_match,
}


@dataclass(frozen=True, slots=True)
class ScenarioItem:
    """One truth family: its 834 form (``None`` when left out of the file), its SoR
    contracts, and what a compare must report about it."""

    family: TruthFamily | None
    contracts: list[SorContract]
    expected: list[Expected]


def scenario(
    seed: int,
    members: int,
    as_of: date,
    *,
    rate: float = 0.05,
    inject_seed: int | None = None,
) -> Iterator[ScenarioItem]:
    """Truth families from ``seed`` with about ``rate`` of them altered, rotating through
    every category of :data:`INJECTIONS`. Deterministic: iterate it twice (once per side)
    rather than holding a large scenario in memory. ``rate=0`` gives identical sides."""
    rng = random.Random(seed * 1_000_003 + 17 if inject_seed is None else inject_seed)
    names = list(INJECTIONS)
    turn = 0
    ssn_counter = iter(range(10**7, 10**8))

    def new_ssn() -> str:
        return f"8{next(ssn_counter):08d}"

    for family in generate_families(seed, members, as_of):
        contracts = sor_contracts(family)
        if rate <= 0 or rng.random() >= rate:
            yield ScenarioItem(family, contracts, [])
            continue
        case = _Case(family, contracts, as_of, random.Random(rng.random()), new_ssn)
        # Try the category whose turn it is; a family it cannot apply to passes it on.
        if INJECTIONS[names[turn % len(names)]](case):
            turn += 1
            yield ScenarioItem(None if case.drop_834 else case.family, case.contracts,
                               case.expected)  # fmt: skip
        else:
            yield ScenarioItem(family, contracts, [])


def file_expectations(action: str) -> list[Expected]:
    """What a compare must report about the file itself when written with BGN08 ``action``."""
    return [] if action == "4" else [Expected("file", "", "", "action")]


def families_834(items: Iterable[ScenarioItem]) -> Iterator[TruthFamily]:
    return (i.family for i in items if i.family is not None)


def contracts_sor(items: Iterable[ScenarioItem]) -> Iterator[SorContract]:
    return (c for i in items for c in i.contracts)


# -- an SoR from an 834 --------------------------------------------------------------------


def sor_from_834(families: Iterable[Family], as_of: date) -> list[SorContract]:
    """ETF's contracts as the 834 itself describes them (one per family and insurance line).

    Families without a subscriber are left out (ETF has no contract without one). A member
    with no plan member id gets ``<REF*0F>-<position>`` as ETF's id, so it will match only by
    SSN (or be proposed by birth date and name). A member with no HD loop is put on every
    line of its subscriber with the subscriber's dates.
    """
    out: list[SorContract] = []
    for family in families:
        sub = family.subscriber
        if sub is None:
            continue
        lines = norm.pick_coverage(sub.coverages, as_of)
        for line, cov in lines.items():
            if cov.benefit_begin is None:
                continue
            members = []
            for pos, m in enumerate(family.members, start=1):
                own = norm.pick_coverage(m.coverages, as_of).get(line) if m.coverages else cov
                if own is None:
                    continue
                members.append(
                    SorMember(
                        member_id=norm.member_id(m) or f"{family.subscriber_id}-{pos:02d}",
                        relationship=m.relationship,
                        ssn=m.ssn,
                        last_name=m.last_name,
                        first_name=m.first_name,
                        middle_name=m.middle_name,
                        birth_date=m.birth_date,
                        gender=m.gender or "U",
                        student=norm.student(m.student_status),
                        disabled=norm.disabled(m.handicap),
                        coverage_begin=own.benefit_begin or cov.benefit_begin,
                        coverage_end=own.benefit_end if own.benefit_begin else cov.benefit_end,
                    )
                )
            out.append(
                SorContract(
                    contract_id=family.subscriber_id,
                    program="state",
                    employer_id=sub.refs.get("DX", ""),
                    group_number=sub.group_policy_number,
                    plan_code=cov.plan,
                    insurance_line=line,
                    coverage_level=cov.coverage_level or "EMP",
                    employee_type=norm.employee_type(sub),
                    medicare=sub.medicare_plan,
                    program_option="",
                    effective_date=cov.benefit_begin,
                    end_date=cov.benefit_end,
                    members=tuple(members),
                )
            )
    return out
