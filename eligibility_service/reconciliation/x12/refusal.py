"""Which file findings make an 834 unusable for a Full File Compare, and why.

A compare reads the whole file and reports every ETF member it did not find as
``missing_at_plan``: on a truncated file (no SE/GE/IEA, counts that do not add up, a set cut
inside a member) that turns one transmission problem into thousands of member exceptions,
and into the exception history. Such a file is refused as a whole, naming what is missing;
the caller may ask to compare it anyway (``allow_partial``), and the result is then marked
partial. A file that does not name the 834 5010 guide (ISA12 ``00501``, GS08/ST03
``005010X220A1``) is refused outright: its elements cannot be read by this guide's rules.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

from .models import FileFinding

VERSION: Final = frozenset({"version-isa12", "version-gs08", "implementation", "not-834"})
"""The interchange is not an 834 of the 005010X220A1 guide."""

INCOMPLETE: Final = frozenset(
    {
        "missing-se", "missing-ge", "missing-iea", "no-set", "unexpected-se",
        "unexpected-ge", "se-count", "ge-count", "iea-count", "qty", "outside-set",
        "outside-group",
    }
)  # fmt: skip
"""The file is truncated or incomplete: a trailer missing, a control count that does not
match what was read, segments outside their envelope."""

MAX_LISTED: Final = 5


def version_problems(findings: Iterable[FileFinding]) -> list[FileFinding]:
    return [f for f in findings if f.code in VERSION]


def incomplete(findings: Iterable[FileFinding]) -> list[FileFinding]:
    return [f for f in findings if f.code in INCOMPLETE]


def describe(problems: list[FileFinding]) -> str:
    """The problems for an error message: their messages (which name segments and control
    numbers, never member data), the first few and how many more."""
    listed = "; ".join(f"{f.message} (segment {f.segment_number})" for f in problems[:MAX_LISTED])
    more = len(problems) - MAX_LISTED
    return listed + (f"; and {more} more" if more > 0 else "")
