"""The six public 834 samples read without error, with the values they really hold."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from eligibility_service.reconciliation.x12 import iter_families, load_834

SAMPLE_NAMES = (
    "pyx12__example834_5010.txt",
    "pyx12__834_deident_family.txt",
    "pyx12__834_deident_term.txt",
    "pyx12__834_ls_le_ls.txt",
    "linuxforhealth__enroll-employee-multiple-products.834",
    "linuxforhealth__change-subscriber-information.834",
)


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_every_sample_reads_with_clean_envelope(samples: Path, name: str) -> None:
    loaded = load_834(samples / name)
    assert loaded.members
    assert len(loaded.headers) == 1
    assert loaded.headers[0].implementation == "005010X220A1"
    envelope = [f for f in loaded.findings if f.severity == "error"]
    assert envelope == []


def test_audit_sample_with_messy_whitespace(samples: Path) -> None:
    loaded = load_834(samples / "pyx12__example834_5010.txt")
    assert loaded.delimiters.sub_element == "\\"
    assert loaded.interchange.control_number == "676048320"
    header = loaded.headers[0]
    assert header.action == "4" and header.is_full_file
    assert header.reference == "88880070301  00"  # inner blanks are data, kept
    assert header.file_date == header.as_of == date(2015, 3, 1)
    assert header.created == date(2015, 3, 5)
    assert header.sponsor is not None and header.sponsor.name == "PAYER 1"
    assert header.insurer is not None and header.insurer.name == "KCMHSAS"
    (member,) = loaded.members
    assert member.is_subscriber and member.relationship == "18"
    assert member.maintenance_type == "030" and member.maintenance_reason == "XN"
    assert member.medicare_plan == "C"  # sent padded as "C   "
    assert member.employment_status == "FT"
    assert member.subscriber_id == "00389999"
    assert member.group_policy_number == "000003409999"
    assert member.refs["3H"] == "K129999A"
    assert member.eligibility_begin == date(2015, 3, 1)
    assert (member.last_name, member.first_name, member.middle_name) == ("DOE", "JOHN", "A")
    assert member.ssn == "999999999" and member.member_identifier == ""
    assert member.birth_date == date(1967, 3, 30) and member.gender == "M"
    assert member.address is not None
    assert (member.address.city, member.address.county_code) == ("ALLEGAN", "03")
    (coverage,) = member.coverages
    assert (coverage.maintenance_type, coverage.insurance_line) == ("030", "AK")
    assert (coverage.plan, coverage.coverage_level) == ("064703", "IND")
    assert coverage.benefit_begin == date(2015, 3, 1) and coverage.benefit_end is None
    assert coverage.refs["17"] == "E  1F"


def test_family_sample(samples: Path) -> None:
    loaded = load_834(samples / "pyx12__834_deident_family.txt")
    assert loaded.headers[0].action == "2"
    subscriber, spouse, child = loaded.members
    assert subscriber.subscriber_id == "M000002"
    assert subscriber.medicare_plan == "C"
    assert [c.coverage_level for c in subscriber.coverages] == ["FAM"]
    assert subscriber.coverages[0].insurance_line == "PPO"
    assert subscriber.coverages[0].benefit_begin == date(2026, 4, 1)
    assert (spouse.subscriber_indicator, spouse.relationship) == ("N", "01")
    assert (child.relationship, child.birth_date) == ("19", date(2010, 6, 12))
    assert spouse.coverages == () and child.coverages == ()  # no 2300 loop on dependents
    # Contrary to its README line, this sample gives each dependent its own REF*0F: the
    # family is still formed by position, and the mismatch is a file-level finding.
    assert (spouse.subscriber_id, child.subscriber_id) == ("M000003", "M000004")
    findings = list(loaded.findings)
    (family,) = list(iter_families(loaded.members, findings))
    assert family.subscriber is subscriber and family.dependents == (spouse, child)
    assert family.subscriber_id == "M000002"
    assert [(f.code, f.segment_number) for f in findings] == [
        ("dependent-subscriber-id", 17),
        ("dependent-subscriber-id", 22),
    ]


def test_termination_sample(samples: Path) -> None:
    loaded = load_834(samples / "pyx12__834_deident_term.txt")
    first, second = loaded.members
    assert [m.subscriber_id for m in loaded.members] == ["M000010", "M000011"]
    for member in loaded.members:
        assert member.is_subscriber and member.maintenance_type == "024"
        assert member.benefit_status == "T"
        assert member.eligibility_end == date(2026, 3, 31)
        (coverage,) = member.coverages
        assert (coverage.coverage_level, coverage.benefit_end) == ("EMP", date(2026, 3, 31))
        assert coverage.benefit_begin is None
    assert first.eligibility_begin == date(2021, 1, 1)
    assert second.eligibility_begin == date(2021, 6, 1)
    assert len(list(iter_families(loaded.members, []))) == 2


def test_medicaid_sample_with_many_loops(samples: Path) -> None:
    loaded = load_834(samples / "pyx12__834_ls_le_ls.txt")
    assert loaded.delimiters.repetition == "!"
    header = loaded.headers[0]
    assert header.master_policy == "500647166" and header.control_number == "146001"
    (member,) = loaded.members
    assert member.name_entity == "74"  # corrected insured instead of IL
    assert member.last_name == "SUBSCRIBER LAST 1"
    assert member.ssn == "544001234"
    # 2100A values, not the prior-incorrect (2100B) or mailing (2100C) loops after it
    assert member.birth_date == date(1983, 7, 19)
    assert member.address is not None
    assert (member.address.city, member.address.county_code) == ("GRANTS PASS", "033")
    assert (member.employment_status, member.student_status, member.handicap) == ("AC", "", "N")
    assert member.subscriber_id == "REF OF"
    assert set(member.refs) == {"0F", "23", "3H", "F6"}
    assert member.eligibility_end == date(2013, 3, 31)
    assert member.phones == {"TE": "5554718931"}
    (coverage,) = member.coverages
    assert (coverage.insurance_line, coverage.coverage_level) == ("HMO", "IND")
    assert coverage.refs == {"17": "D4"}  # the COB and 2700 blocks do not leak into it
    categories = member.reporting_categories
    assert len(categories) == 13
    assert categories["FIPS CODE"] == "88"
    assert categories["DUE DATE"] == "20130620"
    assert categories["PROGRAM ELIGIBILITY CODE"] == "11"


def test_several_coverages_sample(samples: Path) -> None:
    loaded = load_834(samples / "linuxforhealth__enroll-employee-multiple-products.834")
    (member,) = loaded.members
    assert member.eligibility_begin == date(1996, 5, 23)
    assert [(c.insurance_line, c.coverage_level, c.benefit_begin) for c in member.coverages] == [
        ("HLT", "", date(1996, 6, 1)),
        ("VIS", "", date(1996, 6, 1)),
    ]
    assert member.phones == {"HP": "7172343334", "WP": "7172341240"}
    assert member.address is not None and member.address.line2 == "APT 30"


def test_demographic_correction_sample(samples: Path) -> None:
    loaded = load_834(samples / "linuxforhealth__change-subscriber-information.834")
    (member,) = loaded.members
    assert (member.maintenance_type, member.maintenance_reason) == ("001", "25")
    assert (member.first_name, member.ssn) == ("JAMES", "103229876")
    assert member.birth_date == date(1950, 4, 15)  # not the prior incorrect 1950-04-16
    assert member.coverages == ()
