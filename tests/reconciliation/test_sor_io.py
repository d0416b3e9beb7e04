"""System-of-record extracts: both formats round-trip; bad lines are reported by number."""

from __future__ import annotations

import gc
import io
import json
from datetime import date

from eligibility_service.reconciliation.record import SorContract
from eligibility_service.reconciliation.sor_io import (
    CSV_COLUMNS,
    LineError,
    read_sor,
    read_sor_csv,
    read_sor_jsonl,
    write_sor_csv,
    write_sor_jsonl,
)
from eligibility_service.reconciliation.synthetic_sor import contracts_sor, scenario

AS_OF = date(2026, 10, 1)


def _contracts() -> list[SorContract]:
    return list(contracts_sor(scenario(21, 400, AS_OF, rate=0.0)))


def test_jsonl_round_trip() -> None:
    contracts = _contracts()
    buf = io.BytesIO()
    assert write_sor_jsonl(contracts, buf) == len(contracts)
    assert buf.getvalue().count(b"\n") == len(contracts)
    buf.seek(0)
    errors: list[LineError] = []
    assert list(read_sor_jsonl(buf, errors)) == contracts
    assert errors == []


def test_csv_round_trip_one_row_per_member() -> None:
    contracts = _contracts()
    buf = io.BytesIO()
    assert write_sor_csv(contracts, buf) == len(contracts)
    lines = buf.getvalue().decode().splitlines()
    assert lines[0].split(",") == list(CSV_COLUMNS)
    assert len(lines) == 1 + sum(len(c.members) for c in contracts)
    buf.seek(0)
    errors: list[LineError] = []
    assert list(read_sor(buf, "csv", errors)) == contracts
    assert errors == []
    assert not buf.closed  # the caller's stream is left open


def test_jsonl_bad_lines_reported_by_number_good_ones_kept() -> None:
    contracts = _contracts()[:4]
    buf = io.BytesIO()
    write_sor_jsonl(contracts, buf)
    good = buf.getvalue().decode().splitlines()
    bad_date = json.loads(good[1])
    bad_date["members"][0]["birth_date"] = "1970-13-45"
    bad_type = json.loads(good[2])
    bad_type["employee_type"] = "retired"
    text = "\n".join([good[0], "{not json", json.dumps(bad_date), "", json.dumps(bad_type),
                      good[3], "[1, 2]"])  # fmt: skip
    errors: list[LineError] = []
    back = list(read_sor_jsonl(io.BytesIO(text.encode()), errors))
    assert back == [contracts[0], contracts[3]]
    assert [(e.line, e.field) for e in errors] == [
        (2, "(line)"),
        (3, "members.0.birth_date"),
        (5, "employee_type"),
        (7, "(line)"),
    ]
    assert all("1970" not in e.message for e in errors)  # values (PHI) are not quoted


def test_csv_bad_rows_reported_by_number() -> None:
    contracts = [c for c in _contracts() if len(c.members) >= 3][:2]
    buf = io.BytesIO()
    write_sor_csv(contracts, buf)
    rows = buf.getvalue().decode().splitlines()
    n0 = len(contracts[0].members)
    header = rows[0].split(",")
    # Line 3 (second member of the first contract): a bad gender.
    cells = rows[2].split(",")
    cells[header.index("gender")] = "Q"
    rows[2] = ",".join(cells)
    # Line 4: a contract column differing from its contract's first row.
    cells = rows[3].split(",")
    cells[header.index("plan_code")] = "ZZZ"
    rows[3] = ",".join(cells)
    # The second contract's first row: too few columns.
    rows[1 + n0] = "a,b,c"
    errors: list[LineError] = []
    back = list(read_sor_csv(io.BytesIO("\n".join(rows).encode()), errors))
    assert [(e.line, e.field) for e in errors][:3] == [(3, "gender"), (4, "(contract)"),
                                                       (2 + n0, "(line)")]  # fmt: skip
    # The second contract lost its subscriber row: dropped, reported at its next row.
    assert errors[3].field == "members" and errors[3].line == 3 + n0
    assert len(back) == 1
    assert back[0].contract_id == contracts[0].contract_id
    assert len(back[0].members) == n0 - 2


def test_csv_missing_column() -> None:
    errors: list[LineError] = []
    assert list(read_sor_csv(io.BytesIO(b"contract_id,program\n1,state\n"), errors)) == []
    assert errors[0].line == 1 and errors[0].message == "column missing from the header"


def test_jsonl_lax_forms_read_as_before() -> None:
    """Lines msgspec's typed decode refuses take the checking path and read as they did."""
    contract = next(c for c in _contracts() if len(c.members) >= 2 and c.end_date is None)
    canonical = json.loads(write_jsonl_line(contract))
    lax = json.loads(write_jsonl_line(contract))
    lax["employer_id"] = None  # null for ""
    lax["validated_months"] = " ".join(lax["validated_months"])  # months as one string
    lax["end_date"] = ""
    member = lax["members"][1]
    member["student"] = "Y" if member["student"] else "N"
    del member["coverage_end"]
    lax["members"][0]["middle_name"] = None
    expected = list(read_sor_jsonl(io.BytesIO(json.dumps(canonical).encode()), []))
    errors: list[LineError] = []
    back = list(read_sor_jsonl(io.BytesIO(json.dumps(lax).encode()), errors))
    assert errors == []
    assert back[0].employer_id == "" and back[0].members[0].middle_name == ""
    assert back[0].validated_months == expected[0].validated_months
    assert back[0].members[1].student == expected[0].members[1].student


def test_jsonl_checks_the_typed_decode_cannot_make() -> None:
    """A decoded line still needs its subscriber first, an end not before its start, and one
    JSON value per line (two on a line is one bad line, as with orjson)."""
    contract = _contracts()[0]
    line = json.loads(write_jsonl_line(contract))
    dependent_first = dict(line, members=[dict(line["members"][0], relationship="19")])
    ends_early = dict(line, effective_date="2020-02-01", end_date="2020-01-31")
    no_members = dict(line, members=[])
    empty_id = dict(line, contract_id="")
    bad_gender = dict(line, members=[dict(line["members"][0], gender="X")])
    lines = [dependent_first, ends_early, no_members, empty_id, bad_gender]
    text = (
        "\n".join(json.dumps(x) for x in lines) + "\n" + json.dumps(line) + " " + json.dumps(line)
    )
    errors: list[LineError] = []
    assert list(read_sor_jsonl(io.BytesIO(text.encode()), errors)) == []
    assert [(e.line, e.field) for e in errors] == [
        (1, "members"),
        (2, "end_date"),
        (3, "members"),
        (4, "contract_id"),
        (5, "members.0.gender"),
        (6, "(line)"),
    ]


def test_records_are_not_tracked_by_the_collector() -> None:
    contract = _contracts()[0]
    assert not gc.is_tracked(contract) and not gc.is_tracked(contract.members[0])


def write_jsonl_line(contract: SorContract) -> str:
    buf = io.BytesIO()
    write_sor_jsonl([contract], buf)
    return buf.getvalue().decode().strip()


def test_jsonl_unhashable_values_are_bad_lines_not_a_crash() -> None:
    line = json.loads(write_jsonl_line(_contracts()[0]))
    member = line["members"][0]
    lines = [
        dict(line, members=[dict(member, coverage_end=["2026-01-01"])]),
        dict(line, members=[dict(member, gender={"M": 1})]),
        dict(line, end_date=["2026-01-01"]),
    ]
    errors: list[LineError] = []
    text = "\n".join(json.dumps(x) for x in lines).encode()
    assert list(read_sor_jsonl(io.BytesIO(text), errors)) == []
    assert [(e.line, e.field) for e in errors] == [
        (1, "members.0.coverage_end"),
        (2, "members.0.gender"),
        (3, "end_date"),
    ]


def test_csv_contract_whose_first_row_is_bad_after_a_good_one() -> None:
    """The good contract is read once; the bad one's later rows lost their subscriber."""
    contracts = [c for c in _contracts() if len(c.members) >= 2][:2]
    buf = io.BytesIO()
    write_sor_csv(contracts, buf)
    rows = buf.getvalue().decode().splitlines()
    header = rows[0].split(",")
    first = 1 + len(contracts[0].members)  # the second contract's subscriber row
    cells = rows[first].split(",")
    cells[header.index("gender")] = "Q"
    rows[first] = ",".join(cells)
    errors: list[LineError] = []
    assert list(read_sor_csv(io.BytesIO("\n".join(rows).encode()), errors)) == contracts[:1]
    assert [(e.line, e.field) for e in errors] == [(first + 1, "gender"), (first + 2, "members")]
