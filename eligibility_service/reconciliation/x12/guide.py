"""What the 005010X220A1 guide allows in the member elements the reader keeps.

The reader must never turn an element that cannot be what the guide says into a value: a
gender that is a date, a birth date that is not a date, a date format that is not ``D8``.
Such an element is named (segment and position, e.g. ``DMG03``; a DTP carries its qualifier,
``DTP*348.DTP03``) in :attr:`~.models.Member.malformed`, its value is not read, and the
compare reports it as a ``malformed_segment`` finding on that member instead of comparing it.
Positions, never values, are kept: the values are PHI or garbage, and either way not for a
report.

The code lists are those of the guide's map that ships with pyx12
(``pyx12/map/834.5010.X220.A1.xml``); kept here as constants because the reader checks every
member of a full file and a set lookup is all it can afford.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

ISA_VERSION: Final = "00501"  # ISA12
IMPLEMENTATION: Final = "005010X220A1"  # GS08 and ST03

CODES: Final[dict[str, frozenset[str]]] = {
    "INS01": frozenset({"Y", "N"}),
    "INS02": frozenset(
        [
            "01",
            "03",
            "04",
            "05",
            "06",
            "07",
            "08",
            "09",
            "10",
            "11",
            "12",
            "13",
            "14",
            "15",
            "16",
            "17",
            "18",
            "19",
            "23",
            "24",
            "25",
            "26",
            "31",
            "38",
            "53",
            "60",
            "D2",
            "G8",
            "G9",
        ]
    ),
    "INS03": frozenset({"001", "021", "024", "025", "030"}),
    "INS05": frozenset({"A", "C", "S", "T"}),
    "INS08": frozenset({"AC", "AO", "AU", "FT", "L1", "PT", "RT", "TE"}),
    "INS09": frozenset({"F", "N", "P"}),
    "INS10": frozenset({"N", "Y"}),
    "NM108": frozenset({"34", "ZZ"}),
    "DMG01": frozenset({"D8"}),
    "DMG03": frozenset({"F", "M", "U"}),
    "HD01": frozenset({"001", "002", "021", "024", "025", "026", "030", "032"}),
    "HD03": frozenset(
        [
            "AG",
            "AH",
            "AJ",
            "AK",
            "DCP",
            "DEN",
            "EPO",
            "FAC",
            "HE",
            "HLT",
            "HMO",
            "LTC",
            "LTD",
            "MM",
            "MOD",
            "PDG",
            "POS",
            "PPO",
            "PRA",
            "STD",
            "UR",
            "VIS",
        ]
    ),
    "HD05": frozenset(
        [
            "CHD",
            "DEP",
            "E1D",
            "E2D",
            "E3D",
            "E5D",
            "E6D",
            "E7D",
            "E8D",
            "E9D",
            "ECH",
            "EMP",
            "ESP",
            "FAM",
            "IND",
            "SPC",
            "SPO",
            "TWO",
        ]
    ),
}
"""Element → the codes the guide allows (an empty element is checked only where the guide
requires it: INS01 to INS03 and DMG03 when a DMG is sent)."""

REQUIRED: Final = frozenset({"INS01", "INS02", "INS03", "DMG03"})

# Which element positions of a segment have a code list, by segment id.
_POSITIONS: Final[dict[str, tuple[tuple[int, str], ...]]] = {
    "INS": ((1, "INS01"), (2, "INS02"), (3, "INS03"), (5, "INS05"), (8, "INS08"),
            (9, "INS09"), (10, "INS10")),
    "HD": ((1, "HD01"), (3, "HD03"), (5, "HD05")),
}  # fmt: skip


def bad_codes(segment: Sequence[str], out: list[str]) -> None:
    """Append to ``out`` the element names of ``segment`` (an INS or HD, as split) whose
    value is not one of the guide's codes."""
    for pos, name in _POSITIONS[segment[0]]:
        value = segment[pos] if pos < len(segment) else ""
        if (value or name in REQUIRED) and value not in CODES[name]:
            out.append(name)


def is_ssn(value: str) -> bool:
    """NM109 when NM108 is ``34``: nine digits (dashes are not in the guide's SSN)."""
    return len(value) == 9 and value.isdigit()
