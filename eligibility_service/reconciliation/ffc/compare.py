"""Full File Compare: a plan's 834 against ETF's system-of-record contracts.

``compare(source, contracts)`` indexes ETF's side (:class:`~.matching.SorIndex`), streams the
834 family by family, matches each member (SSN; subscriber id + member id; birth date + first
name + relationship within the family, reported as ``proposed_match``), compares each matched
pair field by field after normalisation, and finally reports every ETF person active on the
file's as-of date that the file did not contain.

The file is treated as the plan's full enrolment as of its date whatever BGN08 says (that is
what the plans send for the FFC). So a person absent from the file is ``missing_at_plan``,
never an implied termination, and a BGN08 other than ``4`` or a non-``030`` INS03/HD01 is
reported as a ``file`` discrepancy (research note §1.7 rules (a), (b)). The reader's envelope
and count findings become ``file`` discrepancies too.

What is compared for a matched pair:

- member: SSN, birth date, gender (errors), last and first name (warnings) — ``demographics``;
  relationship (error), student and disabled (warnings) — ``dependents``;
- per insurance line (field ``LINE.name``, e.g. ``HLT.effective_date``): coverage begin and
  end; a line on one side only is ``missing_at_plan``/``missing_at_etf`` with field ``LINE``;
  a member sent with no 2300 loop at all is not compared line by line (common for
  dependents in change files: the subscriber's coverage carries them);
- subscriber only, against the health contract (else the first line's): HD04 plan and HD05
  coverage type per line; employee type (INS05/INS08); and, when the plan sends them, Medicare
  (INS06), group (``REF*1L``) and employer (``REF*DX``).

A member-level termination (INS03 ``024`` with ``DTP*357``) ends every line of that member
on the 357 date: it is compared as an end date, and never reported as coverage the plan
still gives. An element the guide does not allow (:mod:`..x12.guide`) is a
``malformed_segment`` finding on the member, and that field is not compared.

A person wholly absent from one side is one discrepancy with an empty field. Duplicates (an
SSN, or a subscriber id + member id, already seen in the file, in any transaction set) are
one ``duplicate`` per key, whatever the number of repeats, and the repeats are not compared;
a placeholder SSN (:data:`.normalize.PLACEHOLDER_SSNS`) is no identity: the records are
matched by their other ids and several sharing one are one ``duplicate``; an SSN held by
two people in ETF's own extract is a ``duplicate`` with field ``etf.ssn`` for ETF to
correct. File-level findings of the same kind are numbered
(``occurrence``) so each has its own stable id. Nothing here logs values; discrepancies carry
them for the (masked) reports.
"""

from __future__ import annotations

import gc
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from itertools import chain

from ..discrepancy import Discrepancy, number_repeats
from ..record import SorContract
from ..x12 import Family, FileFinding, FileHeader, Member, X12Reader, iter_families
from . import normalize as norm
from .matching import Person, SorIndex, coverage_dates
from .rules import make

_STUDENT = frozenset({"F", "P"})
_NONE: frozenset[str] = frozenset()
_BIRTH = frozenset({"DMG01", "DMG02"})
_END = frozenset({"DTP*349.DTP03", "DTP*349.DTP02", "DTP*357.DTP03", "DTP*357.DTP02"})


@dataclass
class FfcResult:
    """What a compare found, with counts for the per-plan summary."""

    as_of: date
    plan: str
    discrepancies: list[Discrepancy] = field(default_factory=list)
    partial: bool = False  # compared knowing the file is incomplete: no missing_at_plan
    families: int = 0  # 834 families read
    members: int = 0  # 834 members read
    matched: int = 0  # matched pairs (proposed matches included)
    proposed: int = 0
    sor_contracts: int = 0
    sor_people: int = 0

    @property
    def summary(self) -> dict[str, int]:
        """Counts by category, in :data:`~..discrepancy.CATEGORIES` order of first use."""
        return dict(Counter(d.category for d in self.discrepancies))

    @property
    def by_severity(self) -> dict[str, int]:
        return dict(Counter(d.severity for d in self.discrepancies))


def _iso(d: date | None) -> str:
    return d.isoformat() if d is not None else ""


def _families(
    source: X12Reader | Iterable[Member] | Iterable[Family], findings: list[FileFinding]
) -> Iterator[Family]:
    if isinstance(source, X12Reader):
        return iter_families(source.members(), findings)
    items = iter(source)
    first = next(items, None)
    if first is None:
        return iter(())
    if isinstance(first, Family):
        rest: Iterator[Family] = items  # type: ignore[assignment]
        return chain((first,), rest)
    return iter_families(chain((first,), items), findings)  # type: ignore[arg-type]


def compare(
    source: X12Reader | Iterable[Member] | Iterable[Family],
    contracts: Iterable[SorContract] | SorIndex,
    *,
    as_of: date | None = None,
    plan: str = "",
    headers: list[FileHeader] | None = None,
    findings: list[FileFinding] | None = None,
    partial: bool = False,
) -> FfcResult:
    """Compare an 834 (a reader, its members or its families) with ETF's contracts.

    ``as_of`` defaults to the 834's as-of date (``DTP*007``, else BGN03) from ``headers``
    (the reader's own when ``source`` is an :class:`X12Reader`). ``findings`` (the reader's
    own by default) become ``file`` discrepancies; family-linkage findings are added to it.
    ``plan`` labels the discrepancies (defaults to the 834's sender, GS02). ``partial``: the
    file is known to be incomplete (truncated), so a person absent from it is not reported
    as ``missing_at_plan`` (the absence says nothing); the result is marked partial.
    """
    if isinstance(contracts, SorIndex):
        index = contracts
        index.reset()
    else:
        index = SorIndex(contracts)
    if isinstance(source, X12Reader):
        headers = source.headers
        findings = source.findings
    if findings is None:
        findings = []
    families = _families(source, findings)
    first = next(families, None)
    header = headers[0] if headers else None
    if as_of is None:
        as_of = header.as_of if header is not None else None
        if as_of is None:
            raise ValueError("no as-of date: pass as_of, or a file with DTP*007 or BGN03")
    if not plan and header is not None:
        plan = header.application_sender
    run = _Compare(index, as_of, plan, partial)
    # The index is long-lived and cycle-free: move it (and whatever else is alive) out of
    # the collector's way while the file streams, so each collection walks only the
    # members in flight; unfreeze after, leaving the caller's heap as it was.
    gc.freeze()
    try:
        if first is not None:
            for family in chain((first,), families):
                run.family(family)
        run.finish(headers or [], findings)
    finally:
        gc.unfreeze()
    return run.result


class _Compare:
    def __init__(self, index: SorIndex, as_of: date, plan: str, partial: bool = False) -> None:
        self.index = index
        self.as_of = as_of
        self.plan = plan
        self.partial = partial
        self.seen_ssn: set[str] = set()
        self.seen_ids: set[tuple[str, str]] = set()
        # Repeats of one key (the first repeat, how many times the key was seen), reported
        # once per key after the file; placeholder SSNs by value (records, first segment).
        self.repeats: dict[tuple[str, str], tuple[Member, str, int]] = {}
        self.placeholders: dict[str, list[int]] = {}
        self.not_audit_members = 0
        self.not_audit_coverages = 0
        self.result = FfcResult(
            as_of,
            plan,
            partial=partial,
            sor_contracts=index.contracts,
            sor_people=len(index.persons),
        )
        self.out = self.result.discrepancies

    # -- matching --------------------------------------------------------------------------

    def family(self, family: Family) -> None:
        result = self.result
        result.families += 1
        index = self.index
        pairs: list[tuple[Member, Person]] = []
        pending: list[Member] = []
        family_cid = family.subscriber_id
        for m in family.members:
            result.members += 1
            if m.maintenance_type != "030":
                self.not_audit_members += 1
            for c in m.coverages:
                if c.maintenance_type != "030":
                    self.not_audit_coverages += 1
            if m.malformed:
                self._malformed(m)
            ssn = m.ssn
            if not (len(ssn) == 9 and ssn.isdigit()) or ssn in norm.PLACEHOLDER_SSNS:
                if ssn in norm.PLACEHOLDER_SSNS:
                    self.placeholders.setdefault(ssn, []).append(m.segment_number)
                ssn = norm.ssn(ssn)
            mid = norm.member_id(m)
            sid = m.subscriber_id
            if ssn and ssn in self.seen_ssn:
                self._repeat(("ssn", ssn), m, mid)
                continue
            if mid and (sid, mid) in self.seen_ids:
                self._repeat(("member_id", f"{sid}\x00{mid}"), m, mid)
                continue
            if ssn:
                self.seen_ssn.add(ssn)
            if mid:
                self.seen_ids.add((sid, mid))
            person = index.by_ssn.get(ssn) if ssn else None
            if person is not None and person.matched:
                person = None
            if person is None and mid:
                person = index.persons.get((sid, mid))
                if person is not None and person.matched:
                    person = None
            if person is None:
                pending.append(m)
                continue
            person.matched = True
            pairs.append((m, person))
            if m.subscriber_indicator == "Y":
                family_cid = person.contract_id
        for m in pending:
            person = index.proposed(family_cid, m.birth_date, m.first_name, m.relationship)
            if person is None:
                if self._open(m):
                    self.out.append(
                        make(
                            "missing_at_etf",
                            "the plan covers this person; ETF has no such member on the contract",
                            plan=self.plan,
                            contract_id=m.subscriber_id,
                            member_id=norm.member_id(m),
                            relationship=m.relationship,
                            line=m.segment_number,
                        )
                    )
                continue
            person.matched = True
            result.proposed += 1
            self.out.append(
                make(
                    "proposed_match",
                    "matched only by birth date, first name and relationship: confirm it is "
                    "the same person",
                    plan=self.plan,
                    contract_id=person.contract_id,
                    member_id=person.member.member_id,
                    relationship=person.member.relationship,
                    field="identity",
                    etf_value=person.member.member_id,
                    other_value=norm.member_id(m),
                    line=m.segment_number,
                )
            )
            pairs.append((m, person))
        result.matched += len(pairs)
        for m, person in pairs:
            self._pair(m, person)

    def _open(self, m: Member) -> bool:
        """Does the plan say it covers ``m`` on the as-of date? Not when the member is
        terminated (INS03 ``024``, ``DTP*357``) before it, whatever its HD loops say."""
        end = norm.member_end(m)
        if end is not None and end < self.as_of:
            return False
        if norm.terminated_undated(m):
            return False
        if not m.coverages:
            return True
        return any(norm.is_open(c, self.as_of, end) for c in m.coverages)

    def _repeat(self, key: tuple[str, str], m: Member, mid: str) -> None:
        """A person (SSN, or subscriber + member id) seen again: counted, reported once per
        key after the file (:meth:`_duplicates`); the repeat is not compared."""
        first = self.repeats.get(key)
        if first is None:
            self.repeats[key] = (m, mid, 2)
        else:
            self.repeats[key] = (first[0], first[1], first[2] + 1)

    def _duplicates(self) -> None:
        for (what, _), (m, mid, times) in self.repeats.items():
            self.out.append(
                make(
                    "duplicate",
                    f"the {'SSN' if what == 'ssn' else 'subscriber and member id'} is in the "
                    f"file {times} times (this is the second; transaction sets included); "
                    "only the first is compared",
                    plan=self.plan,
                    contract_id=m.subscriber_id,
                    member_id=mid,
                    relationship=m.relationship,
                    field=what,
                    line=m.segment_number,
                )
            )
        for value, lines in self.placeholders.items():
            if len(lines) < 2:
                continue
            self.out.append(
                make(
                    "duplicate",
                    f"{len(lines)} records share a placeholder SSN (not an identity): they "
                    "were matched by their other ids; the plan should send their real SSNs",
                    plan=self.plan,
                    field="ssn",
                    other_value=value,
                    line=lines[0],
                )
            )

    def _malformed(self, m: Member) -> None:
        """One ``malformed_segment`` finding per element the guide does not allow; the
        element's value was not read, so it is not compared either."""
        for element in m.malformed:
            self.out.append(
                make(
                    "malformed_segment",
                    f"{element} cannot be what the 005010X220A1 guide says there; the value "
                    "was not read",
                    plan=self.plan,
                    contract_id=m.subscriber_id,
                    member_id=norm.member_id(m),
                    relationship=m.relationship,
                    field=element,
                    line=m.segment_number,
                )
            )

    # -- comparing a matched pair ----------------------------------------------------------

    def _diff(
        self,
        category: str,
        person: Person,
        m: Member,
        fld: str,
        etf: str,
        plan_value: str,
        what: str,
    ) -> None:
        self.out.append(
            make(
                category,
                f"{what} differs between ETF and the plan",
                plan=self.plan,
                contract_id=person.contract_id,
                member_id=person.member.member_id,
                relationship=person.member.relationship,
                field=fld,
                etf_value=etf,
                other_value=plan_value,
                line=m.segment_number,
            )
        )

    def _pair(self, m: Member, person: Person) -> None:
        s = person.member
        diff = self._diff
        bad = frozenset(m.malformed) if m.malformed else _NONE
        # Demographics (an element that was not read, being malformed, is not compared).
        if m.ssn != s.ssn and norm.ssn(m.ssn) != norm.ssn(s.ssn) and "NM109" not in bad:
            diff("demographics", person, m, "ssn", s.ssn, m.ssn, "SSN")
        if m.birth_date != s.birth_date and not bad & _BIRTH:
            diff("demographics", person, m, "birth_date", _iso(s.birth_date),
                 _iso(m.birth_date), "birth date")  # fmt: skip
        if (
            m.gender != s.gender
            and norm.gender(m.gender) != norm.gender(s.gender)
            and "DMG03" not in bad
        ):
            diff("demographics", person, m, "gender", s.gender, m.gender, "gender")
        if m.last_name != s.last_name and norm.name(m.last_name) != norm.name(s.last_name):
            diff("demographics", person, m, "last_name", s.last_name, m.last_name, "last name")
        if m.first_name != s.first_name and norm.name(m.first_name) != norm.name(s.first_name):
            diff("demographics", person, m, "first_name", s.first_name, m.first_name,
                 "first name")  # fmt: skip
        # Dependent status.
        if (
            m.relationship != s.relationship
            and norm.code(m.relationship) != s.relationship
            and "INS02" not in bad
        ):
            diff("dependents", person, m, "relationship", s.relationship, m.relationship,
                 "relationship to the subscriber")  # fmt: skip
        if (
            (m.student_status in _STUDENT) != s.student
            and norm.student(m.student_status) != s.student
            and "INS09" not in bad
        ):
            diff("dependents", person, m, "student", "Y" if s.student else "N",
                 m.student_status, "student status")  # fmt: skip
        if (
            (m.handicap == "Y") != s.disabled
            and norm.disabled(m.handicap) != s.disabled
            and "INS10" not in bad
        ):
            diff("dependents", person, m, "disabled", "Y" if s.disabled else "N", m.handicap,
                 "disabled status")  # fmt: skip
        subscriber = m.subscriber_indicator == "Y" and s.relationship == "18"
        if subscriber:
            self._contract_level(m, person)
        if m.coverages:
            self._lines(m, person, subscriber, bad)

    def _contract_level(self, m: Member, person: Person) -> None:
        c = person.contract
        diff = self._diff
        etype = norm.employee_type(m)
        if etype != c.employee_type:
            diff("employee_type", person, m, "employee_type", c.employee_type, etype,
                 "employee type")  # fmt: skip
        if m.medicare_plan and c.medicare and m.medicare_plan != c.medicare:
            diff("employee_type", person, m, "medicare", c.medicare, m.medicare_plan,
                 "Medicare status")  # fmt: skip
        group = m.group_policy_number
        if group and group != c.group_number and norm.code(group) != norm.code(c.group_number):
            diff("plan_or_group", person, m, "group_number", c.group_number, group, "group")
        employer = m.refs.get("DX", "")
        if (
            employer
            and employer != c.employer_id
            and norm.code(employer) != norm.code(c.employer_id)
        ):
            diff("plan_or_group", person, m, "employer_id", c.employer_id, employer, "employer")

    def _lines(self, m: Member, person: Person, subscriber: bool, bad: frozenset[str]) -> None:
        as_of = self.as_of
        member_end = norm.member_end(m)
        undated = norm.terminated_undated(m)
        chosen = norm.pick_coverage(m.coverages, as_of, member_end)
        diff = self._diff
        for line, (contract, sm) in person.lines.items():
            cov = chosen.get(line)
            if cov is None:
                if person.line_active(line, as_of):
                    self._missing_line("missing_at_plan", person, m, line)
                continue
            begin, end = coverage_dates(contract, sm)
            if cov.benefit_begin != begin and "DTP*348.DTP03" not in bad:
                diff("effective_date", person, m, f"{line}.effective_date", _iso(begin),
                     _iso(cov.benefit_begin), "coverage effective date")  # fmt: skip
            plan_end = norm.coverage_end(cov, member_end)
            if undated and plan_end is None:
                if end is None:  # the plan terminates the member, ETF does not
                    diff("end_date", person, m, f"{line}.end_date", "",
                         "terminated (INS03 024), no date", "coverage end date")  # fmt: skip
            elif plan_end != end and not bad & _END:
                diff("end_date", person, m, f"{line}.end_date", _iso(end),
                     _iso(plan_end), "coverage end date")  # fmt: skip
            if subscriber:
                if cov.plan != contract.plan_code and norm.code(cov.plan) != norm.code(
                    contract.plan_code
                ):
                    diff("plan_or_group", person, m, f"{line}.plan", contract.plan_code,
                         cov.plan, "plan")  # fmt: skip
                level = cov.coverage_level
                if (
                    level
                    and level != contract.coverage_level
                    and norm.coverage_type(level) != norm.coverage_type(contract.coverage_level)
                ):
                    diff("coverage_level", person, m, f"{line}.coverage_level",
                         contract.coverage_level, cov.coverage_level,
                         "coverage type (single/family)")  # fmt: skip
        for line, cov in chosen.items():
            if line not in person.lines and norm.is_open(cov, as_of, member_end) and not undated:
                self._missing_line("missing_at_etf", person, m, line)

    def _missing_line(self, category: str, person: Person, m: Member, line: str) -> None:
        where = "at ETF, not at the plan" if category == "missing_at_plan" else (
            "at the plan, not at ETF")  # fmt: skip
        self.out.append(
            make(
                category,
                f"the person is matched but this line of coverage is only {where}",
                plan=self.plan,
                contract_id=person.contract_id,
                member_id=person.member.member_id,
                relationship=person.member.relationship,
                field=line,
                line=m.segment_number,
            )
        )

    # -- after the file --------------------------------------------------------------------

    def finish(self, headers: list[FileHeader], findings: list[FileFinding]) -> None:
        as_of = self.as_of
        out = self.out
        self._duplicates()
        for person in () if self.partial else self.index.persons.values():
            if not person.matched and person.active(as_of):
                out.append(
                    make(
                        "missing_at_plan",
                        "ETF covers this person on the file's date; the plan's full file does "
                        "not contain them",
                        plan=self.plan,
                        contract_id=person.contract_id,
                        member_id=person.member.member_id,
                        relationship=person.member.relationship,
                    )
                )
        for first, later in self.index.duplicate_ssns:
            out.append(
                make(
                    "duplicate",
                    f"ETF's extract has this person's SSN on another person too (contract "
                    f"{first.contract_id}, member {first.member.member_id}): ETF's records "
                    "need correcting; this person was matched by id, not SSN",
                    plan=self.plan,
                    contract_id=later.contract_id,
                    member_id=later.member.member_id,
                    relationship=later.member.relationship,
                    field="etf.ssn",
                    etf_value=later.member.ssn,
                    side="etf",
                )
            )
        for header in headers:
            if header.action != "4":
                out.append(
                    make(
                        "file",
                        "BGN08 is not 4 (verify): the file does not say it is a full audit "
                        "file; it was compared as one",
                        plan=self.plan,
                        field="action",
                        etf_value="4",
                        other_value=header.action,
                        line=header.segment_number,
                        severity="warning",
                    )
                )
                break
        if self.not_audit_members or self.not_audit_coverages:
            out.append(
                make(
                    "file",
                    f"{self.not_audit_members} member(s) with INS03 and "
                    f"{self.not_audit_coverages} coverage(s) with HD01 other than 030 (audit)",
                    plan=self.plan,
                    field="maintenance_type",
                    etf_value="030",
                    severity="warning",
                )
            )
        for f in findings:
            out.append(
                make(
                    "file",
                    f"{f.code}: {f.message}",
                    plan=self.plan,
                    field=f.code,
                    line=f.segment_number,
                    severity=f.severity,
                )
            )
        number_repeats(out)
