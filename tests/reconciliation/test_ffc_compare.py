"""Full File Compare on generated data: what is injected is reported, and nothing else."""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest
from msgspec.structs import replace as struct_replace

from eligibility_service.reconciliation.discrepancy import (
    CATEGORIES,
    Discrepancy,
    number_repeats,
)
from eligibility_service.reconciliation.ffc import RULES, SorIndex, compare
from eligibility_service.reconciliation.record import SorContract
from eligibility_service.reconciliation.report import ExceptionReport, to_csv
from eligibility_service.reconciliation.sor_io import (
    LineError,
    read_sor_csv,
    read_sor_jsonl,
    write_sor_csv,
    write_sor_jsonl,
)
from eligibility_service.reconciliation.synthetic import write_834
from eligibility_service.reconciliation.synthetic_sor import (
    INJECTIONS,
    Expected,
    contracts_sor,
    families_834,
    file_expectations,
    scenario,
)
from eligibility_service.reconciliation.x12 import FileFinding, X12Reader

AS_OF = date(2026, 10, 1)
ROOT = Path(__file__).resolve().parents[2]
FFC_CATEGORIES = [c for c in CATEGORIES if not c.startswith("report_")]


def _provision_ids() -> set[str]:
    ids: set[str] = set()
    for folder in ("guidance", "statutes", "contracts"):
        for path in (ROOT / folder).glob("*.yaml"):
            ids.update(re.findall(r"^\s*-?\s*id:\s*(\S+)", path.read_text(), re.M))
    return ids


def _834(seed: int, members: int, rate: float, action: str = "4") -> bytes:
    buf = io.BytesIO()
    write_834(families_834(scenario(seed, members, AS_OF, rate=rate)), buf, as_of=AS_OF,
              action=action)  # fmt: skip
    return buf.getvalue()


def _keys(found: Iterable[Discrepancy]) -> set[Expected]:
    return {Expected(d.category, d.contract_id, d.member_id, d.field) for d in found}


def _run(data: bytes, contracts: Iterable[SorContract]) -> list[Discrepancy]:
    return compare(X12Reader(io.BytesIO(data)), contracts).discrepancies


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_every_injected_discrepancy_and_nothing_else(seed: int) -> None:
    members, rate = 3000, 0.07
    action = "2" if seed % 2 else "4"
    expected = {e for i in scenario(seed, members, AS_OF, rate=rate) for e in i.expected}
    expected.update(file_expectations(action))
    contracts = contracts_sor(scenario(seed, members, AS_OF, rate=rate))
    found = _run(_834(seed, members, rate, action), contracts)
    assert _keys(found) == expected
    assert len(found) == len(expected)  # no key reported twice
    # Every kind of the injector appears (the rotation reaches them all).
    assert {e.category for e in expected} >= set(INJECTIONS) - {"duplicate_at_etf"}
    assert any(e.field == "etf.ssn" for e in expected)  # duplicate_at_etf


def test_all_ffc_categories_covered_across_seeds() -> None:
    # file: BGN08 != 4, checked above and below; malformed_segment: test_x12_input.py
    seen = {"file", "malformed_segment"}
    for seed in (1, 2):
        seen |= {e.category for i in scenario(seed, 3000, AS_OF, rate=0.07) for e in i.expected}
    assert seen == set(FFC_CATEGORIES)


@pytest.mark.parametrize("seed", [1, 7])
def test_no_injection_no_discrepancy(seed: int) -> None:
    data = _834(seed, 4000, 0.0)
    assert _run(data, contracts_sor(scenario(seed, 4000, AS_OF, rate=0.0))) == []


def test_generated_data_has_what_the_compare_must_cope_with() -> None:
    families = [i.family for i in scenario(3, 4000, AS_OF, rate=0.0) if i.family]
    covs = [c for f in families for m in f.members for c in m.coverages]
    ended = [c.end for c in covs if c.end is not None]
    assert any(len(f.members) > 2 for f in families)
    assert ended and all((c + timedelta(days=1)).day == 1 for c in ended)
    assert any(e < AS_OF for e in ended)  # terminated before the file's date
    assert {c.insurance_line for c in covs} == {"HLT", "DEN"}
    assert any(m.ssn == "" for f in families for m in f.members)


def test_sor_round_trip_through_both_formats_then_compare() -> None:
    seed, members, rate = 11, 2500, 0.07
    contracts = list(contracts_sor(scenario(seed, members, AS_OF, rate=rate)))
    expected = {e for i in scenario(seed, members, AS_OF, rate=rate) for e in i.expected}
    data = _834(seed, members, rate)
    for write, read in ((write_sor_jsonl, read_sor_jsonl), (write_sor_csv, read_sor_csv)):
        buf = io.BytesIO()
        write(contracts, buf)
        buf.seek(0)
        errors: list[LineError] = []
        back = list(read(buf, errors))
        assert errors == []
        assert back == contracts
        assert _keys(_run(data, back)) == expected


def test_discrepancies_follow_the_rules_and_cite_existing_provisions() -> None:
    ids = _provision_ids()
    assert "src-e24" in ids
    for rule in RULES.values():
        assert set(rule.provisions) <= ids
    found = _run(_834(2, 3000, 0.07, "2"), contracts_sor(scenario(2, 3000, AS_OF, rate=0.07)))
    for d in found:
        assert d.source == "ffc" and d.category in CATEGORIES
        assert d.provisions and "src-e24" in d.provisions and set(d.provisions) <= ids
        assert len(d.id) == 20
    by = {(d.category, d.field.rsplit(".", 1)[-1]): d for d in found}
    assert all(d.correct_side == "etf" for d in found if d.category == "missing_at_etf")
    assert all(d.correct_side == "plan" for d in found if d.category == "missing_at_plan")
    assert all(
        d.severity == "info" and d.correct_side == "none"
        for d in found
        if d.category == "proposed_match"
    )
    for (category, fld), d in by.items():
        if category == "demographics":
            assert d.severity == ("warning" if fld in ("last_name", "first_name") else "error")
    assert by[("file", "action")].severity == "warning"


def test_reprs_and_messages_hold_no_phi() -> None:
    found = _run(_834(4, 2000, 0.1), contracts_sor(scenario(4, 2000, AS_OF, rate=0.1)))
    values = {v for d in found for v in (d.etf_value, d.other_value) if len(v) > 3}
    for d in found:
        assert not any(v in d.message or v in repr(d) for v in values)


def test_missing_member_in_a_non_audit_file_is_still_missing_at_plan() -> None:
    contracts = list(contracts_sor(scenario(5, 800, AS_OF, rate=0.0)))
    found = compare(X12Reader(io.BytesIO(_834(5, 800, 0.0, "2"))), contracts[5:])
    extra = _keys(found.discrepancies) - {Expected("file", "", "", "action")}
    assert extra and {e.category for e in extra} == {"missing_at_etf"}
    # The reverse: everything at ETF, an empty (but valid) 834 of the same date.
    empty = _834(5, 0, 0.0)
    result = compare(X12Reader(io.BytesIO(empty)), contracts)
    active = {(c.contract_id, m.member_id) for c in contracts for m in c.members
              if c.active_on(AS_OF) and m.covered_on(AS_OF)}  # fmt: skip
    assert {(d.contract_id, d.member_id) for d in result.discrepancies} == active
    assert {d.category for d in result.discrepancies} == {"missing_at_plan"}


def test_envelope_findings_become_file_discrepancies() -> None:
    data = _834(6, 500, 0.0)
    bad = re.sub(rb"SE\*(\d+)\*", lambda m: b"SE*" + str(int(m[1]) + 3).encode() + b"*", data)
    found = _run(bad, contracts_sor(scenario(6, 500, AS_OF, rate=0.0)))
    assert _keys(found) == {Expected("file", "", "", "se-count")}
    assert found[0].severity == "error" and found[0].line > 0


def test_index_can_be_reused_and_as_of_given() -> None:
    contracts = list(contracts_sor(scenario(8, 600, AS_OF, rate=0.0)))
    index = SorIndex(contracts)
    result = compare(X12Reader(io.BytesIO(_834(8, 600, 0.0))), index, as_of=AS_OF, plan="P1")
    assert result.discrepancies == [] and result.plan == "P1"
    assert result.members == result.matched == 600
    assert result.sor_contracts == len(contracts)
    # The same index again: the matches of the first run are forgotten.
    again = compare(X12Reader(io.BytesIO(_834(8, 600, 0.0))), index)
    assert again.discrepancies == [] and again.matched == 600


def test_two_file_findings_of_one_kind_have_their_own_stable_ids() -> None:
    findings = [
        FileFinding("se-count", "SE01 does not count the segments", 40),
        FileFinding("se-count", "SE01 does not count the segments", 90),
        FileFinding("ge-count", "GE01 does not count the sets", 95),
    ]
    found = compare([], [], as_of=AS_OF, plan="P1", findings=findings).discrepancies
    assert [(d.field, d.line, d.occurrence) for d in found] == [
        ("se-count", 40, 1),
        ("se-count", 90, 2),
        ("ge-count", 95, 0),
    ]
    assert len({d.id for d in found}) == 3
    # The first of a kind keeps the id it always had (no occurrence in its key), so the
    # history of earlier runs still recognises it; the same file again gives the same ids.
    assert found[0].id == replace(found[0], occurrence=0).id
    again = compare([], [], as_of=AS_OF, plan="P1", findings=list(findings)).discrepancies
    assert [d.id for d in again] == [d.id for d in found]


def test_an_ssn_twice_in_etfs_extract_is_etfs_to_correct_and_masked_in_reports() -> None:
    contracts = list(contracts_sor(scenario(9, 400, AS_OF, rate=0.0)))
    with_deps = next(
        i for i, c in enumerate(contracts)
        if c.insurance_line == "HLT" and c.subscriber.ssn and any(m.ssn for m in c.dependents)
    )  # fmt: skip
    c = contracts[with_deps]
    sub, dep = c.subscriber, next(m for m in c.dependents if m.ssn)
    contracts[with_deps] = struct_replace(
        c, members=tuple(struct_replace(m, ssn=sub.ssn) if m is dep else m for m in c.members)
    )
    found = _run(_834(9, 400, 0.0), contracts)
    assert _keys(found) == {
        Expected("duplicate", c.contract_id, dep.member_id, "etf.ssn"),
        Expected("demographics", c.contract_id, dep.member_id, "ssn"),  # matched by id
    }
    dup = next(d for d in found if d.category == "duplicate")
    assert dup.correct_side == "etf" and dup.severity == "error"
    assert sub.member_id in dup.message and sub.ssn not in dup.message
    report = ExceptionReport("ffc", "P1", AS_OF, "plan.834", [dup], {})
    (row,) = report.rows()
    assert row["etf_value"] == f"***-**-{sub.ssn[-4:]}"
    assert sub.ssn not in to_csv(report)


def test_number_repeats_numbers_only_repeats_and_is_idempotent() -> None:
    def file_finding(fld: str, line: int) -> Discrepancy:
        return compare([], [], as_of=AS_OF, plan="P1", findings=[
            FileFinding(fld, "x", line)]).discrepancies[0]  # fmt: skip

    found = [file_finding("ig:1:DTP", 5), file_finding("ig:7:HD03", 9),
             file_finding("ig:1:DTP", 12), file_finding("ig:1:DTP", 20)]  # fmt: skip
    plain_ids = [d.id for d in found]
    number_repeats(found)
    assert [d.occurrence for d in found] == [1, 0, 2, 3]
    assert len({d.id for d in found}) == 4
    assert [d.id for d in found][:2] == plain_ids[:2]  # a first occurrence keeps its id
    again = number_repeats(list(found))
    assert [d.id for d in again] == [d.id for d in found]
