"""The system-of-record side held in memory, indexed for matching the 834's members.

The 834 streams through; ETF's side must be looked up, so it is held in plain dicts (a few
hundred thousand people fit in well under a gigabyte, and dicts beat any dataframe we could
add here). A person is one member of one contract id, across its insurance lines: health and
dental are two :class:`SorContract` records with the same contract id, and the plan sends the
person once with two HD loops.

Matching order (research note §4.3): SSN; then the plan's subscriber id (``REF*0F``) and
member id; then, within the family only, birth date + first name + relationship. The last is
a *proposed* match: reported for a person to confirm, and still compared.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable
from datetime import date

from ..record import SorContract, SorMember
from . import normalize


class Person:
    """One SoR member of a contract id with the contract of each insurance line."""

    __slots__ = ("contract", "contract_id", "lines", "matched", "member", "primary_line")

    def __init__(self, line: str, contract: SorContract, member: SorMember) -> None:
        self.contract_id = contract.contract_id
        self.primary_line = line
        self.contract = contract  # the primary line's contract (health when there is one)
        self.member = member  # as the primary contract has the person
        self.lines: dict[str, tuple[SorContract, SorMember]] = {}
        self.matched = False

    def __repr__(self) -> str:  # no PHI
        return f"Person({self.contract_id!r}, {self.member.member_id!r}, {sorted(self.lines)})"

    def add(self, line: str, contract: SorContract, member: SorMember) -> None:
        if line in self.lines:
            return  # a second contract of the same line: the first wins
        self.lines[line] = (contract, member)
        if line == "HLT" and self.primary_line != "HLT":
            self.contract, self.member, self.primary_line = contract, member, line

    def line_active(self, line: str, as_of: date) -> bool:
        contract, member = self.lines[line]
        begin, end = coverage_dates(contract, member)
        return contract.active_on(as_of) and begin <= as_of and (end is None or as_of <= end)

    def active(self, as_of: date) -> bool:
        return any(self.line_active(line, as_of) for line in self.lines)


def coverage_dates(contract: SorContract, member: SorMember) -> tuple[date, date | None]:
    """A member's own dates when it has a begin date; otherwise the contract's."""
    if member.coverage_begin is not None:
        return member.coverage_begin, member.coverage_end
    return contract.effective_date, contract.end_date


class SorIndex:
    """Every SoR person by (contract id, member id), by SSN and by contract id.

    All contracts are indexed, active or not on the as-of date: a plan still sending a
    termed member must be compared (an end-date difference), not called "missing at ETF";
    only the *absence* of a person from the 834 is limited to people active on the as-of
    date (:meth:`Person.active`). Garbage collection is paused while the index is built:
    the objects are long-lived and the collector's passes over them only cost time.
    """

    def __init__(self, contracts: Iterable[SorContract]) -> None:
        self.persons: dict[tuple[str, str], Person] = {}
        self.by_ssn: dict[str, Person] = {}
        self.by_contract: dict[str, list[Person]] = {}
        self.contracts = 0
        # The same SSN on two SoR people: ETF's own problem, reported by every compare as
        # (the person who has it first in the extract, the later one). The later one is
        # left out of ``by_ssn`` and can still be matched by its ids.
        self.duplicate_ssns: list[tuple[Person, Person]] = []
        enabled = gc.isenabled()
        gc.disable()
        try:
            self._build(contracts)
        finally:
            if enabled:
                gc.enable()

    def _build(self, contracts: Iterable[SorContract]) -> None:
        persons, by_ssn, by_contract = self.persons, self.by_ssn, self.by_contract
        lines, placeholders = normalize.LINES, normalize.PLACEHOLDER_SSNS
        for contract in contracts:
            self.contracts += 1
            line = lines.get(contract.insurance_line) or normalize.insurance_line(
                contract.insurance_line
            )
            cid = contract.contract_id
            for member in contract.members:
                key = (cid, member.member_id)
                person = persons.get(key)
                if person is None:
                    person = persons[key] = Person(line, contract, member)
                    family = by_contract.get(cid)
                    if family is None:
                        by_contract[cid] = [person]
                    else:
                        family.append(person)
                    ssn = member.ssn
                    if not (len(ssn) == 9 and ssn.isdigit()) or ssn in placeholders:
                        ssn = normalize.ssn(ssn)
                    if ssn:
                        first = by_ssn.get(ssn)
                        if first is not None:
                            self.duplicate_ssns.append((first, person))
                        else:
                            by_ssn[ssn] = person
                person.add(line, contract, member)

    def reset(self) -> None:
        """Forget the matches of a previous compare (an index can serve several files)."""
        for person in self.persons.values():
            person.matched = False

    def by_identity(self, contract_id: str, member_id: str) -> Person | None:
        return self.persons.get((contract_id, member_id))

    def proposed(
        self, contract_id: str, birth_date: date | None, first_name: str, relationship: str
    ) -> Person | None:
        """The first unmatched person of the family with that birth date, first name and
        relationship; ``None`` without a birth date (too weak to propose anything)."""
        if birth_date is None:
            return None
        wanted = normalize.name(first_name)
        for person in self.by_contract.get(contract_id, ()):
            m = person.member
            if (
                not person.matched
                and m.birth_date == birth_date
                and m.relationship == relationship
                and normalize.name(m.first_name) == wanted
            ):
                return person
        return None
