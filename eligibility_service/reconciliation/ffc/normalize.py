"""Normalisation of the values the compare looks at, so that only real differences are reported.

Plans and ETF write the same fact differently: ``O'BRIEN`` and ``OBRIEN``, ``SMITH JR`` with
the suffix in the name or in NM107, ``HMO`` or ``PPO`` for what ETF calls the health line,
``ESP``/``ECH``/``FAM`` for what ETF's health program only knows as family coverage
(research note §1.8: ETF coverage is single or family). Every comparison first checks the raw
values for equality (the common case, and cheap) and normalises only when they differ.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date

from ..x12.models import Coverage, Member

# HD03 codes that are all "health" to ETF; anything else (DEN, VIS, ...) stays as sent.
HEALTHLINES = frozenset({"HLT", "HMO", "PPO", "POS", "EPO", "HDH", "MM", "PDG"})
LINES = {code: "HLT" for code in HEALTHLINES} | {"DEN": "DEN", "VIS": "VIS"}
SINGLE_LEVELS = frozenset({"EMP", "IND"})
_NOT_ALNUM = re.compile(r"[^A-Z0-9]")
_SUFFIXES = frozenset({"JR", "SR", "II", "III", "IV", "V"})


def insurance_line(code: str) -> str:
    code = code.strip().upper()
    return "HLT" if code in HEALTHLINES else code


def coverage_type(code: str) -> str:
    """HD05 → ``single`` or ``family`` (``""`` when not sent)."""
    code = code.strip().upper()
    if not code:
        return ""
    return "single" if code in SINGLE_LEVELS else "family"


def name(value: str) -> str:
    """Upper case, letters and digits only, a trailing generational suffix dropped."""
    words = value.upper().replace(",", " ").split()
    if len(words) > 1 and words[-1].strip(".") in _SUFFIXES:
        words = words[:-1]
    return _NOT_ALNUM.sub("", "".join(words))


PLACEHOLDER_SSNS = frozenset({str(d) * 9 for d in range(10)} | {"123456789", "987654321"})
"""SSNs senders put where they have none (all one digit, the counting sequences): never an
identity; several records sharing one is one ``duplicate`` finding, not a match."""


def ssn(value: str) -> str:
    """Digits only; a placeholder (:data:`PLACEHOLDER_SSNS`) counts as none."""
    digits = value if value.isdigit() else "".join(ch for ch in value if ch.isdigit())
    return "" if not digits or digits in PLACEHOLDER_SSNS else digits


def gender(value: str) -> str:
    value = value.strip().upper()
    return value if value in ("M", "F") else "U"


def code(value: str) -> str:
    return value.strip().upper()


def student(ins09: str) -> bool:
    return ins09.strip().upper() in ("F", "P")


def disabled(ins10: str) -> bool:
    return ins10.strip().upper() == "Y"


def employee_type(member: Member) -> str:
    """INS05/INS08 of a subscriber → ETF's ``active``, ``retiree`` or ``continuant``.

    COBRA, surviving insured and TEFRA (INS05 ``C``/``S``/``T``) are continuants whatever
    INS08 says; otherwise INS08 ``RT`` is a retiree, and anything else active.
    """
    if member.benefit_status in ("C", "S", "T"):
        return "continuant"
    if member.employment_status == "RT":
        return "retiree"
    return "active"


def member_id(member: Member) -> str:
    """The plan's id for the person: ``REF*23`` (client number), else NM109 when NM108 is
    ``ZZ``. Never ``REF*17``: that is a client reporting category, not an id (see
    :attr:`..x12.Member.supplemental_id`)."""
    return member.supplemental_id or member.member_identifier


def member_end(member: Member) -> date | None:
    """The last day the plan covers the member as a whole, when the member is terminated:
    a member-level termination (INS03 ``024``) carries its date in ``DTP*357``
    (eligibility end), and it ends every line of coverage whatever the member's HD loops
    say. On any other member a 357 is information and the lines' ``DTP*349`` govern."""
    if member.maintenance_type != "024":
        return None
    return member.dates.get("357")


def terminated_undated(member: Member) -> bool:
    """INS03 ``024`` (cancellation or termination) with no ``DTP*357`` date."""
    return member.maintenance_type == "024" and "357" not in member.dates


def coverage_end(c: Coverage, member_end: date | None) -> date | None:
    """The earlier of the line's ``DTP*349`` and the member's end."""
    end = c.benefit_end
    if member_end is not None and (end is None or member_end < end):
        return member_end
    return end


def pick_coverage(
    coverages: Iterable[Coverage], as_of: date, member_end: date | None = None
) -> dict[str, Coverage]:
    """One coverage per normalised line: the one open on ``as_of``, else the latest begin."""
    chosen: dict[str, Coverage] = {}
    for c in coverages:
        line = LINES.get(c.insurance_line) or insurance_line(c.insurance_line)
        old = chosen.get(line)
        if old is None or _rank(c, as_of, member_end) > _rank(old, as_of, member_end):
            chosen[line] = c
    return chosen


def _rank(c: Coverage, as_of: date, member_end: date | None) -> tuple[bool, date]:
    return is_open(c, as_of, member_end), c.benefit_begin or date.min


def is_open(c: Coverage, as_of: date, member_end: date | None = None) -> bool:
    end = coverage_end(c, member_end)
    return end is None or end >= as_of
