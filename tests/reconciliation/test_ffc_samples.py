"""The public 834 samples through the Full File Compare.

The samples are change files (BGN08 ``2``, INS03/HD01 ``001``/``021``/``024``), not full audit
files, so each compare also reports the ``file`` warnings for that; some have envelope or
family-linkage findings. Against an SoR built from the sample itself nothing else is reported,
except where the sample cannot say enough (see ``SELF_COMPARE``).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from eligibility_service.reconciliation.ffc import compare
from eligibility_service.reconciliation.synthetic_sor import sor_from_834
from eligibility_service.reconciliation.x12 import X12Reader, iter_families

SAMPLES = [
    "linuxforhealth__change-subscriber-information.834",
    "linuxforhealth__enroll-employee-multiple-products.834",
    "pyx12__834_deident_family.txt",
    "pyx12__834_deident_term.txt",
    "pyx12__834_ls_le_ls.txt",
    "pyx12__example834_5010.txt",
]

# Non-file discrepancies expected when a sample is compared with an SoR built from itself.
SELF_COMPARE = {
    # A demographic change with no HD loop: nothing to build a contract from, so ETF has none.
    "linuxforhealth__change-subscriber-information.834": {"missing_at_etf"},
    # The member has neither an SSN nor a member id: only birth date + name can match it.
    "pyx12__example834_5010.txt": {"proposed_match"},
    # The SSN is 123456789, a placeholder (no identity), and there is no member id.
    "linuxforhealth__enroll-employee-multiple-products.834": {"proposed_match"},
}


def test_every_sample_is_listed(samples: Path) -> None:
    on_disk = {p.name for p in samples.iterdir() if p.name != "README.md"}
    assert on_disk == set(SAMPLES)


@pytest.mark.parametrize("name", SAMPLES)
def test_sample_against_empty_sor(samples: Path, name: str) -> None:
    with open(samples / name, "rb") as stream:
        reader = X12Reader(stream)
        result = compare(reader, [])
    assert result.members > 0
    others = [d for d in result.discrepancies if d.category != "file"]
    assert {d.category for d in others} <= {"missing_at_etf"}
    assert len(others) <= result.members  # termed members are not "missing"
    assert {d.field for d in result.discrepancies if d.category == "file"} >= {"action"} or (
        name == "pyx12__example834_5010.txt"
    )


@pytest.mark.parametrize("name", SAMPLES)
def test_sample_against_itself(samples: Path, name: str) -> None:
    with open(samples / name, "rb") as stream:
        reader = X12Reader(stream)
        families = list(iter_families(reader.members(), []))
        as_of = reader.headers[0].as_of
    assert as_of is not None
    contracts = sor_from_834(families, as_of)
    with open(samples / name, "rb") as stream:
        result = compare(X12Reader(stream), contracts)
    others = {d.category for d in result.discrepancies if d.category != "file"}
    assert others == SELF_COMPARE.get(name, set())
