"""Synthetic, deterministic ETF-style enrollment data: the "truth" families, then their 834.

Two steps, on purpose:

1. :func:`generate_families` makes the canonical truth as plain frozen dataclasses
   (:class:`TruthFamily`, :class:`TruthMember`, :class:`TruthCoverage`), lazily and only from
   the seed (no wall clock, no global random state). State and Local programs, subscribers
   with a spouse and children, single (``EMP``) or family (``FAM``) health coverage, optional
   Uniform Dental mirroring the health level, coverage starting on the 1st of a month and
   ending on a month end (terminated families, divorced spouses, children who turned 26).
2. :func:`write_834` serialises any iterable of truth families as a full-file audit 834
   (BGN08 ``4``, INS03 = HD01 = ``030``), streaming to a binary file object with whatever
   separators are asked for, one line per segment or all on one line.

A system-of-record extract writer and discrepancy injection can then be added on top of the
same truth: derive a second, altered stream of families and write each side from it.

All data is fictitious. SSNs start with 9 (an area the SSA never issues) and are unique per
member; names are drawn from short lists.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import BinaryIO

from .x12.tokens import Delimiters

PROGRAMS = ("state", "local")
STATE_PLANS = ("S01", "S02", "S03", "S04", "S05", "S06", "S07", "S08", "S09", "S10")
LOCAL_PLANS = ("L01", "L02", "L03", "L04", "L05", "L06")
DENTAL_PLAN = "UD"
GROUP_NUMBERS = {"state": "ETF-STATE", "local": "ETF-LOCAL"}

_LAST = (
    "MUELLER", "SCHMIDT", "NELSON", "JOHNSON", "OLSON", "ANDERSON", "KOWALSKI", "NGUYEN",
    "VANG", "HER", "LOPEZ", "GARCIA", "WAGNER", "BECKER", "HOFFMAN", "LARSON", "PETERSON",
    "KRUEGER", "SCHULTZ", "JENSEN", "MILLER", "SMITH", "BROWN", "WILSON", "THAO", "LEE",
    "MARTINEZ", "KLEIN", "WEBER", "ZIMMERMAN", "NOVAK", "OBRIEN", "DAVIS", "MOORE",
)  # fmt: skip
_FIRST_F = (
    "MARY", "JENNIFER", "LINDA", "SARAH", "EMMA", "OLIVIA", "SOPHIA", "AVA", "MIA", "AMELIA",
    "LAURA", "KAREN", "NANCY", "PAO", "MAI", "ANA", "ELENA", "GRACE", "CHLOE", "HANNAH",
)  # fmt: skip
_FIRST_M = (
    "JAMES", "JOHN", "ROBERT", "MICHAEL", "DAVID", "WILLIAM", "THOMAS", "DANIEL", "LIAM",
    "NOAH", "OLIVER", "ELIJAH", "LUCAS", "MASON", "TOU", "KOU", "LUIS", "JOSE", "MARK", "PAUL",
)  # fmt: skip
_STREETS = ("MAIN ST", "OAK AVE", "STATE ST", "UNIVERSITY AVE", "LAKE DR", "MILL RD", "ELM ST")
# (city, ZIP, county code): fictitious pairing of real Wisconsin places, for realism only.
_CITIES = (
    ("MADISON", "53703", "13"),
    ("MILWAUKEE", "53202", "40"),
    ("GREEN BAY", "54301", "05"),
    ("EAU CLAIRE", "54701", "18"),
    ("LA CROSSE", "54601", "32"),
    ("WAUSAU", "54401", "37"),
    ("OSHKOSH", "54901", "70"),
    ("STEVENS POINT", "54481", "49"),
)


@dataclass(frozen=True, slots=True)
class TruthCoverage:
    """One line of coverage as the truth has it (an 834 loop 2300)."""

    insurance_line: str  # HD03: HLT or DEN
    plan: str  # HD04
    coverage_level: str  # HD05: EMP or FAM on the subscriber, "" on dependents
    begin: date  # DTP*348, always the 1st of a month
    end: date | None  # DTP*349, a month end, or None when open


@dataclass(frozen=True, slots=True)
class TruthAddress:
    line1: str
    city: str
    state: str
    postal_code: str
    county_code: str

    def __repr__(self) -> str:
        return "TruthAddress(***)"


@dataclass(frozen=True, slots=True)
class TruthMember:
    """A person in a family: the subscriber (relationship ``18``) or a dependent."""

    member_id: str  # REF*23 (client number: the member-level id)
    relationship: str  # INS02: 18 self, 01 spouse, 19 child
    ssn: str  # "" when the member has no SSN (an ITIN or an employer affidavit instead)
    last_name: str
    first_name: str
    middle_name: str
    birth_date: date
    gender: str  # F or M
    student_status: str  # INS09, children only
    handicap: str  # INS10, children only
    medicare_plan: str  # INS06-1: C (parts A and B) or E (no Medicare); "" for children
    eligibility_begin: date  # DTP*356
    eligibility_end: date | None  # DTP*357
    coverages: tuple[TruthCoverage, ...]

    @property
    def is_subscriber(self) -> bool:
        return self.relationship == "18"

    def __repr__(self) -> str:
        ssn = "***" + self.ssn[-4:] if self.ssn else ""
        return (
            f"TruthMember(member_id={self.member_id!r}, relationship={self.relationship!r}, "
            f"ssn={ssn!r}, name={self.last_name[:1]}***, birth_date=****-**-**, "
            f"coverages={list(self.coverages)!r})"
        )


@dataclass(frozen=True, slots=True)
class TruthFamily:
    """A subscriber and dependents, with what is kept once per family."""

    subscriber_id: str  # REF*0F on every member of the family
    program: str  # state or local
    group_number: str  # REF*1L
    employer_number: str  # REF*DX
    employment_status: str  # INS08 of the subscriber: FT, PT or RT
    benefit_status: str  # INS05 of every member: A active, C COBRA
    hire_date: date  # DTP*336 of the subscriber
    address: TruthAddress  # the subscriber's N3/N4
    members: tuple[TruthMember, ...]  # subscriber first

    @property
    def subscriber(self) -> TruthMember:
        return self.members[0]

    @property
    def dependents(self) -> tuple[TruthMember, ...]:
        return self.members[1:]


def _first_of_month(d: date) -> date:
    return d.replace(day=1)


def _add_months(d: date, months: int) -> date:
    y, m = divmod(d.month - 1 + months, 12)
    return date(d.year + y, m + 1, 1)


def _month_end(year: int, month: int) -> date:
    return _add_months(date(year, month, 1), 1) - timedelta(days=1)


def _ssn(index: int) -> str:
    """Unique per member index (7919 is prime, so a bijection mod 10**8), area 9xx."""
    return f"9{(index * 7919 + 12345) % 10**8:08d}"


def generate_families(seed: int, members: int, as_of: date) -> Iterator[TruthFamily]:
    """Families with exactly ``members`` members in all (the last family may be cut short),
    deterministic from ``seed``; ``as_of`` is the snapshot date (the 1st of a month)."""
    rng = random.Random(seed)
    produced = 0
    family_no = 0
    while produced < members:
        family = _family(rng, family_no, produced, as_of, members - produced)
        family_no += 1
        produced += len(family.members)
        yield family


def _birth(rng: random.Random, as_of: date, min_age: int, max_age: int) -> date:
    days = rng.randrange(min_age * 365 + 1, max_age * 365 + 1)
    return as_of - timedelta(days=days)


def _family(
    rng: random.Random, family_no: int, member_index: int, as_of: date, room: int
) -> TruthFamily:
    program = "state" if rng.random() < 0.55 else "local"
    plan = rng.choice(STATE_PLANS if program == "state" else LOCAL_PLANS)
    subscriber_id = f"{100_000_001 + family_no:09d}"
    last = rng.choice(_LAST)
    gender = rng.choice("FM")
    sub_birth = _birth(rng, as_of, 22, 80)
    age = (as_of - sub_birth).days // 365
    retired = age >= 57 and rng.random() < 0.6
    employment = "RT" if retired else ("FT" if rng.random() < 0.85 else "PT")
    benefit_status = "C" if not retired and rng.random() < 0.02 else "A"
    hire = _first_of_month(_birth(rng, as_of, 0, max(1, min(age - 21, 35))))
    begin = max(hire, _add_months(as_of, -12 * 20))
    # Coverage may start a month or two after hire, always on the 1st.
    begin = min(_add_months(begin, rng.choice((0, 0, 1, 2))), as_of)
    end: date | None = None
    if rng.random() < 0.06:  # the family's coverage ended (or ends soon) at a month end
        end_month = _add_months(as_of, rng.randrange(-12, 3))
        end = _month_end(end_month.year, end_month.month) if end_month > begin else None
    dental = rng.random() < 0.5

    # Who is in the family.
    single = rng.random() < 0.42 or room == 1
    spouse = not single and rng.random() < 0.75
    children = 0 if single else rng.choice((0, 1, 1, 2, 2, 2, 3, 4)) + (0 if spouse else 1)
    size = min(1 + int(spouse) + children, room)
    level = "EMP" if size == 1 else "FAM"

    def coverages(mbegin: date, mend: date | None, lvl: str) -> tuple[TruthCoverage, ...]:
        health = TruthCoverage("HLT", plan, lvl, mbegin, mend)
        if not dental:
            return (health,)
        return (health, TruthCoverage("DEN", DENTAL_PLAN, lvl, mbegin, mend))

    city, zip_code, county = rng.choice(_CITIES)
    address = TruthAddress(
        f"{rng.randrange(100, 9999)} {rng.choice(_STREETS)}", city, "WI", zip_code, county
    )
    people = [
        TruthMember(
            member_id=f"{subscriber_id}-01",
            relationship="18",
            ssn=_ssn(member_index) if rng.random() > 0.01 else "",
            last_name=last,
            first_name=rng.choice(_FIRST_F if gender == "F" else _FIRST_M),
            middle_name=rng.choice("ABCDEJKLMRST") if rng.random() < 0.7 else "",
            birth_date=sub_birth,
            gender=gender,
            student_status="",
            handicap="",
            medicare_plan="C" if age >= 65 else "E",
            eligibility_begin=begin,
            eligibility_end=end,
            coverages=coverages(begin, end, level),
        )
    ]
    kinds = (["01"] if spouse else []) + ["19"] * children
    for seq, relationship in enumerate(kinds[: size - 1], start=2):
        dep_end = end
        if relationship == "01":
            g = "M" if gender == "F" else "F"
            birth = max(sub_birth + timedelta(days=rng.randrange(-2500, 2500)), date(1930, 1, 1))
            birth = min(birth, as_of - timedelta(days=18 * 366))
            dep_begin = begin
            if dep_end is None and rng.random() < 0.03:  # divorced: the spouse's coverage ended
                m = _add_months(as_of, -rng.randrange(1, 24))
                dep_end = _month_end(m.year, m.month) if m > dep_begin else None
            student = handicap = ""
            medicare = "C" if (as_of - birth).days // 365 >= 65 else "E"
        else:
            g = rng.choice("FM")
            birth = _birth(rng, as_of, 0, 26)
            if birth <= sub_birth + timedelta(days=16 * 365):
                birth = sub_birth + timedelta(days=16 * 365 + rng.randrange(1, 4000))
            birth = min(birth, as_of - timedelta(days=1))
            dep_begin = max(begin, _first_of_month(birth))
            age26 = date(birth.year + 26, birth.month, 1)
            if dep_end is None and age26 <= _add_months(as_of, 2):
                dep_end = _month_end(age26.year, age26.month)  # aged out at 26
            child_age = (as_of - birth).days // 365
            student = ("F" if rng.random() < 0.8 else "N") if child_age >= 19 else "N"
            handicap = "Y" if rng.random() < 0.01 else "N"
            medicare = ""
        if dep_end is not None and dep_end < dep_begin:
            dep_end = _month_end(dep_begin.year, dep_begin.month)
        people.append(
            TruthMember(
                member_id=f"{subscriber_id}-{seq:02d}",
                relationship=relationship,
                ssn=_ssn(member_index + seq - 1) if rng.random() > 0.02 else "",
                last_name=last if rng.random() < 0.9 else rng.choice(_LAST),
                first_name=rng.choice(_FIRST_F if g == "F" else _FIRST_M),
                middle_name=rng.choice("ABCDEJKLMRST") if rng.random() < 0.5 else "",
                birth_date=birth,
                gender=g,
                student_status=student,
                handicap=handicap,
                medicare_plan=medicare,
                eligibility_begin=dep_begin,
                eligibility_end=dep_end,
                coverages=coverages(dep_begin, dep_end, ""),
            )
        )
    return TruthFamily(
        subscriber_id=subscriber_id,
        program=program,
        group_number=GROUP_NUMBERS[program],
        employer_number=f"{rng.randrange(1, 1500):04d}",
        employment_status=employment,
        benefit_status=benefit_status,
        hire_date=hire,
        address=address,
        members=tuple(people),
    )


# -- 834 serialisation ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Written834:
    """What :func:`write_834` wrote."""

    families: int
    members: int
    segments: int  # ISA to IEA
    bytes: int


def _d8(d: date) -> str:
    return f"{d.year:04d}{d.month:02d}{d.day:02d}"


def write_834(
    families: Iterable[TruthFamily],
    out: BinaryIO,
    *,
    as_of: date,
    delimiters: Delimiters | None = None,
    newline: str = "\n",
    sender_id: str = "HEALTHPLAN",
    receiver_id: str = "WIETF",
    control_number: int = 1,
    reference: str = "FFC",
    action: str = "4",
    flush_bytes: int = 1 << 18,
) -> Written834:
    """Write ``families`` as one interchange with one full-file audit 834 set.

    ``newline`` follows every segment terminator (``""`` for everything on one line,
    ``"\\r\\n"`` for CR/LF). ``action`` is BGN08 (``4`` verify; anything else only to
    test how a compare treats a file that is not a full file). The ISA is the standard fixed
    106 characters. Output goes to ``out`` every ``flush_bytes`` or so; nothing else is buffered.
    """
    d = delimiters or Delimiters()
    e, t = d.element, d.segment + newline
    rep = d.repetition or "U"
    created = _d8(as_of)
    ctl = f"{control_number:09d}"

    def seg(*elements: str) -> str:
        items = list(elements)
        while items and not items[-1]:
            items.pop()
        return e.join(items) + t

    isa = e.join(
        (
            "ISA", "00", " " * 10, "00", " " * 10,
            "ZZ", f"{sender_id:<15}"[:15], "ZZ", f"{receiver_id:<15}"[:15],
            created[2:], "0000", rep, "00501", ctl, "0", "P", d.sub_element,
        )
    ) + t  # fmt: skip
    head = [
        isa,
        seg("GS", "BE", sender_id, receiver_id, created, "0000", str(control_number), "X",
            "005010X220A1"),
        seg("ST", "834", "0001", "005010X220A1"),
        seg("BGN", "00", reference, created, "0000", "", "", "", action),
        seg("DTP", "007", "D8", created),
        seg("N1", "P5", "STATE OF WISCONSIN ETF", "FI", "396000000"),
        seg("N1", "IN", "SYNTHETIC HEALTH PLAN", "FI", "390000000"),
    ]  # fmt: skip
    set_segments = len(head) - 2  # from ST
    total_bytes = 0
    buffer: list[str] = head
    size = sum(len(s) for s in head)
    n_families = n_members = 0
    for family in families:
        n_families += 1
        for member in family.members:
            n_members += 1
            segs = _member_segments(family, member, seg)
            set_segments += len(segs)
            buffer.extend(segs)
            size += sum(len(s) for s in segs)
        if size >= flush_bytes:
            data = "".join(buffer).encode()
            out.write(data)
            total_bytes += len(data)
            buffer, size = [], 0
    set_segments += 1
    buffer.append(seg("SE", str(set_segments), "0001"))
    buffer.append(seg("GE", "1", str(control_number)))
    buffer.append(seg("IEA", "1", ctl))
    data = "".join(buffer).encode()
    out.write(data)
    total_bytes += len(data)
    return Written834(n_families, n_members, set_segments + 4, total_bytes)


def _member_segments(
    family: TruthFamily, member: TruthMember, seg: Callable[..., str]
) -> list[str]:
    subscriber = member.relationship == "18"
    out = [
        seg(
            "INS",
            "Y" if subscriber else "N",
            member.relationship,
            "030",
            "XN",
            family.benefit_status,
            member.medicare_plan,
            "",
            family.employment_status if subscriber else "",
            member.student_status,
            member.handicap,
        ),
        seg("REF", "0F", family.subscriber_id),
        seg("REF", "1L", family.group_number),
        seg("REF", "23", member.member_id),
    ]
    if subscriber:
        out.append(seg("REF", "DX", family.employer_number))
    out.append(seg("DTP", "356", "D8", _d8(member.eligibility_begin)))
    if member.eligibility_end is not None:
        out.append(seg("DTP", "357", "D8", _d8(member.eligibility_end)))
    if subscriber:
        out.append(seg("DTP", "336", "D8", _d8(family.hire_date)))
    out.append(
        seg(
            "NM1", "IL", "1", member.last_name, member.first_name, member.middle_name, "", "",
            "34" if member.ssn else "", member.ssn,
        )
    )  # fmt: skip
    if subscriber:
        a = family.address
        out.append(seg("N3", a.line1))
        out.append(seg("N4", a.city, a.state, a.postal_code, "", "CY", a.county_code))
    out.append(seg("DMG", "D8", _d8(member.birth_date), member.gender))
    for c in member.coverages:
        out.append(seg("HD", "030", "", c.insurance_line, c.plan, c.coverage_level))
        out.append(seg("DTP", "348", "D8", _d8(c.begin)))
        if c.end is not None:
            out.append(seg("DTP", "349", "D8", _d8(c.end)))
    return out
