"""The synthetic generator: deterministic truth, and an 834 that reads back as that truth."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pytest

from eligibility_service.reconciliation.synthetic import (
    TruthFamily,
    generate_families,
    write_834,
)
from eligibility_service.reconciliation.x12 import (
    Delimiters,
    Family,
    X12Reader,
    iter_families,
)

AS_OF = date(2026, 1, 1)


def truth_view(family: TruthFamily) -> list[dict[str, Any]]:
    return [
        {
            "subscriber_id": family.subscriber_id,
            "relationship": m.relationship,
            "member_id": m.member_id,
            "ssn": m.ssn,
            "name": (m.last_name, m.first_name, m.middle_name),
            "birth_date": m.birth_date,
            "gender": m.gender,
            "student": m.student_status,
            "handicap": m.handicap,
            "medicare": m.medicare_plan,
            "benefit_status": family.benefit_status,
            "employment": family.employment_status if m.is_subscriber else "",
            "group": family.group_number,
            "eligibility": (m.eligibility_begin, m.eligibility_end),
            "coverages": [
                (c.insurance_line, c.plan, c.coverage_level, c.begin, c.end) for c in m.coverages
            ],
        }
        for m in family.members
    ]


def read_view(family: Family) -> list[dict[str, Any]]:
    return [
        {
            "subscriber_id": m.subscriber_id,
            "relationship": m.relationship,
            "member_id": m.refs["23"],
            "ssn": m.ssn,
            "name": (m.last_name, m.first_name, m.middle_name),
            "birth_date": m.birth_date,
            "gender": m.gender,
            "student": m.student_status,
            "handicap": m.handicap,
            "medicare": m.medicare_plan,
            "benefit_status": m.benefit_status,
            "employment": m.employment_status,
            "group": m.group_policy_number,
            "eligibility": (m.eligibility_begin, m.eligibility_end),
            "coverages": [
                (c.insurance_line, c.plan, c.coverage_level, c.benefit_begin, c.benefit_end)
                for c in m.coverages
            ],
        }
        for m in family.members
    ]


def test_generation_is_deterministic_and_exact() -> None:
    a = list(generate_families(42, 500, AS_OF))
    b = list(generate_families(42, 500, AS_OF))
    assert a == b
    assert sum(len(f.members) for f in a) == 500
    assert a != list(generate_families(43, 500, AS_OF))


def test_truth_is_realistic() -> None:
    families = list(generate_families(1, 3000, AS_OF))
    members = [m for f in families for m in f.members]
    assert {f.program for f in families} == {"state", "local"}
    assert {m.relationship for m in members} == {"18", "01", "19"}
    levels = {m.coverages[0].coverage_level for f in families for m in f.members[:1]}
    assert levels == {"EMP", "FAM"}
    for f in families:
        level = f.subscriber.coverages[0].coverage_level
        assert (level == "EMP") == (len(f.members) == 1)
        for m in f.members:
            for c in m.coverages:
                assert c.begin.day == 1 and c.begin <= AS_OF
                assert c.end is None or (c.end + (date.resolution)).day == 1
                assert c.end is None or c.end >= c.begin
    assert any(c.end is not None for m in members for c in m.coverages)
    ssns = [m.ssn for m in members if m.ssn]
    assert len(ssns) == len(set(ssns)) and all(s.startswith("9") for s in ssns)


@pytest.mark.parametrize(
    ("delimiters", "newline"),
    [
        (Delimiters(), "\n"),
        (Delimiters(), ""),
        (Delimiters("|", ">", "~", "!"), "\r\n"),
        (Delimiters("*", ":", "'", "^"), ""),
    ],
)
def test_round_trip(delimiters: Delimiters, newline: str) -> None:
    truth = list(generate_families(2026, 1200, AS_OF))
    out = io.BytesIO()
    written = write_834(
        truth, out, as_of=AS_OF, delimiters=delimiters, newline=newline, flush_bytes=4096
    )
    assert (written.families, written.members) == (len(truth), 1200)
    assert written.bytes == len(out.getvalue())
    reader = X12Reader(io.BytesIO(out.getvalue()), chunk_size=10_000)
    families = list(iter_families(reader.members(), reader.findings))
    assert reader.findings == []
    assert reader.delimiters == delimiters
    (header,) = reader.headers
    assert (header.action, header.as_of) == ("4", AS_OF)
    assert reader.segment_count == written.segments
    assert [read_view(f) for f in families] == [truth_view(f) for f in truth]
    for family in families:
        assert all(m.maintenance_type == "030" for m in family.members)
        assert all(c.maintenance_type == "030" for m in family.members for c in m.coverages)
