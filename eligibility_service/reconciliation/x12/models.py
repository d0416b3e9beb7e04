"""Typed records read from an 834 (005010X220A1): the file header, members and coverages.

Dataclasses with slots and no validation pass: a full file holds hundreds of thousands of
members, so the records must be cheap to build and hold. The per-member ones (``Member``,
``Coverage``, ``Address``) are deliberately *not* frozen: a frozen dataclass sets each field
through ``object.__setattr__``, which measured 6.3 µs against 0.4 µs for 35 fields — about
1.5 s more on a 250,000-member file. Treat them as read-only all the same; the rarer records
(header, parties, findings) are frozen.

Codes are kept as sent (``"030"``, ``"FAM"``), stripped of padding, with ``""`` for an element
that was empty or absent; dates are :class:`datetime.date` or ``None``.

Members hold PHI (SSN, names, birth date, address). Their ``repr`` masks it, so that a member
that ends up in a log line, a traceback or an assertion message does not leak it: an SSN or
subscriber id shows only its last four characters, a name only its initial, and a birth date
or an address is not shown at all.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal

Severity = Literal["error", "warning"]


def mask_id(value: str) -> str:
    """``"***6789"``: only the last four characters of an identifier (SSN, subscriber id)."""
    if not value:
        return ""
    return "*" * max(len(value) - 4, 1) + value[-4:] if len(value) > 4 else "****"


def mask_name(value: str) -> str:
    """``"D***"``: the initial only."""
    return value[:1] + "***" if value else ""


@dataclass(frozen=True, slots=True)
class FileFinding:
    """A problem with the file itself (envelope, counts, structure, family linkage).

    ``segment_number`` counts segments from the ISA (segment 1); ``line`` is the 1-based line
    when the reader could tell it. Messages never quote member data.
    """

    code: str
    message: str
    segment_number: int
    line: int | None = None
    severity: Severity = "error"


@dataclass(frozen=True, slots=True)
class Party:
    """A 1000A/1000B/1000C name (N1): sponsor ``P5``, insurer ``IN``, TPA or broker."""

    role: str  # N101
    name: str  # N102
    id_qualifier: str  # N103, e.g. FI (federal tax id)
    identifier: str  # N104


@dataclass(frozen=True, slots=True)
class Interchange:
    """The ISA and GS of the interchange (the first GS when there are several groups)."""

    sender_qualifier: str  # ISA05
    sender_id: str  # ISA06
    receiver_qualifier: str  # ISA07
    receiver_id: str  # ISA08
    date: str  # ISA09, YYMMDD as sent
    time: str  # ISA10
    version: str  # ISA12
    control_number: str  # ISA13
    usage: str  # ISA15: P production, T test


@dataclass(frozen=True, slots=True)
class FileHeader:
    """One transaction set (ST…SE): its envelope and the header before the first INS.

    ``as_of`` is the snapshot date of a full file: ``DTP*007`` when present, else the BGN date.
    """

    set_index: int  # 0-based position of this ST in the interchange
    group_control_number: str  # GS06
    application_sender: str  # GS02
    application_receiver: str  # GS03
    group_version: str  # GS08
    control_number: str  # ST02
    implementation: str  # ST03
    purpose: str  # BGN01: 00 original, 15 re-submission, 22 information copy
    reference: str  # BGN02
    created: date | None  # BGN03
    created_time: str  # BGN04
    action: str  # BGN08: 2 change (update), 4 verify (audit / full file), RX replace
    master_policy: str  # REF*38
    dates: dict[str, date]  # header DTP by qualifier (007 file effective, 303, 090, 091, ...)
    quantities: dict[str, str]  # QTY by qualifier (TO, ET, DT)
    parties: tuple[Party, ...]
    segment_number: int  # of the ST

    @property
    def file_date(self) -> date | None:
        return self.dates.get("007")

    @property
    def as_of(self) -> date | None:
        return self.dates.get("007") or self.created

    @property
    def is_full_file(self) -> bool:
        """BGN08 ``4`` (verify: audit or compare) or ``RX`` (replace)."""
        return self.action in ("4", "RX")

    def party(self, role: str) -> Party | None:
        return next((p for p in self.parties if p.role == role), None)

    @property
    def sponsor(self) -> Party | None:
        return self.party("P5")

    @property
    def insurer(self) -> Party | None:
        return self.party("IN")


@dataclass(slots=True)
class Address:
    """2100A N3/N4: the residence address. ``county_code`` is N406 when N405 is ``CY``."""

    line1: str = ""
    line2: str = ""
    city: str = ""
    state: str = ""
    postal_code: str = ""
    country: str = ""
    county_code: str = ""

    def __repr__(self) -> str:
        return f"Address(state={self.state!r}, postal_code=***)"


@dataclass(slots=True)
class Coverage:
    """Loop 2300: one line of coverage (HD) with its dates and references."""

    maintenance_type: str  # HD01: 030 audit, 021 add, 024 term, ...
    insurance_line: str  # HD03: HLT, DEN, VIS, HMO, PPO, ...
    plan: str  # HD04 plan coverage description (often the plan/product code)
    coverage_level: str  # HD05: EMP, IND, ESP, ECH, FAM, E1D, ... ("" when not sent)
    dates: dict[str, date] = field(default_factory=dict)  # DTP by qualifier
    refs: dict[str, str] = field(default_factory=dict)  # REF by qualifier (1L, CE, 17, ...)

    @property
    def benefit_begin(self) -> date | None:
        return self.dates.get("348")

    @property
    def benefit_end(self) -> date | None:
        return self.dates.get("349")

    @property
    def maintenance_effective(self) -> date | None:
        return self.dates.get("303")

    @property
    def group_policy_number(self) -> str:
        return self.refs.get("1L", "")

    @property
    def class_of_contract(self) -> str:
        return self.refs.get("CE", "")


@dataclass(slots=True)
class Member:
    """Loop 2000 (INS) with its 2100A name and demographics and its 2300 coverages.

    ``ssn`` is NM109 when NM108 is ``34``; NM109 when NM108 is ``ZZ`` (mutually defined) is
    ``member_identifier``.
    ``refs`` and ``dates`` hold every 2000-level REF and DTP by qualifier (the first one wins
    when a qualifier repeats); the properties name the usual ones. ``reporting_categories``
    is the 2700/2750 block as N102 name → REF02 or DTP03 value.
    """

    set_index: int  # which ST set (see FileHeader.set_index)
    segment_number: int  # of the INS, counting from the ISA
    subscriber_indicator: str  # INS01: Y subscriber, N dependent
    relationship: str  # INS02: 18 self, 01 spouse, 19 child, ...
    maintenance_type: str  # INS03
    maintenance_reason: str  # INS04
    benefit_status: str  # INS05: A active, C COBRA, S surviving insured, T TEFRA
    medicare_plan: str  # INS06-1: A, B, C, D, E
    medicare_reason: str  # INS06-2
    cobra_event: str  # INS07
    employment_status: str  # INS08: AC, FT, PT, RT, TE, L1, ...
    student_status: str  # INS09: F, P, N
    handicap: str  # INS10: Y, N
    death_date: date | None  # INS12 (INS11 = D8)
    subscriber_id: str  # REF*0F
    group_policy_number: str  # REF*1L
    refs: dict[str, str]
    dates: dict[str, date]
    name_entity: str  # NM101: IL, or 74 for a corrected insured
    last_name: str  # NM103
    first_name: str  # NM104
    middle_name: str  # NM105
    name_prefix: str  # NM106
    name_suffix: str  # NM107
    id_qualifier: str  # NM108
    ssn: str  # NM109 when NM108 = 34
    member_identifier: str  # NM109 otherwise
    address: Address | None
    birth_date: date | None  # DMG02
    gender: str  # DMG03: F, M, U
    marital_status: str  # DMG04
    phones: dict[str, str]  # PER*IP communication numbers by qualifier (HP, WP, TE, ...)
    coverages: tuple[Coverage, ...]
    reporting_categories: dict[str, str]
    # Elements that cannot be what the guide says (``DMG03``, ``DTP*348.DTP03``, ...): not
    # read into the fields above; reported on the member (see :mod:`.guide`).
    malformed: tuple[str, ...] = ()

    @property
    def is_subscriber(self) -> bool:
        return self.subscriber_indicator == "Y"

    @property
    def eligibility_begin(self) -> date | None:
        return self.dates.get("356")

    @property
    def eligibility_end(self) -> date | None:
        return self.dates.get("357")

    @property
    def employment_begin(self) -> date | None:
        return self.dates.get("336")

    @property
    def retirement_date(self) -> date | None:
        return self.dates.get("286")

    @property
    def medicare_begin(self) -> date | None:
        return self.dates.get("338")

    @property
    def supplemental_id(self) -> str:
        """The member's own id: ``REF*23`` (client number).

        Of the guide's 2000 member supplemental identifiers, ``23`` is the one for a
        member-level identifier; ``REF*17`` is a *client reporting category* (a grouping
        the sponsor and the plan agree on, which the 4010 guide did not even allow on a
        dependent) and ``REF*0F`` identifies the subscriber, shared by the whole family.
        """
        return self.refs.get("23", "")

    def __repr__(self) -> str:
        return (
            f"Member(segment_number={self.segment_number}, "
            f"subscriber_indicator={self.subscriber_indicator!r}, "
            f"relationship={self.relationship!r}, maintenance_type={self.maintenance_type!r}, "
            f"subscriber_id={mask_id(self.subscriber_id)!r}, ssn={mask_id(self.ssn)!r}, "
            f"last_name={mask_name(self.last_name)!r}, first_name={mask_name(self.first_name)!r}, "
            f"birth_date={'****-**-**' if self.birth_date else None!r}, "
            f"gender={self.gender!r}, coverages={list(self.coverages)!r})"
        )

    __str__ = __repr__
