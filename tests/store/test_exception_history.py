"""Exception history: the same discrepancy next quarter is recognised and counted; reports
mask PHI and carry ids, first-seen dates and repeat counts."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

from sqlalchemy import select

from eligibility_service.reconciliation.discrepancy import Discrepancy
from eligibility_service.reconciliation.history import record_run
from eligibility_service.reconciliation.report import ExceptionReport, to_csv, to_html, to_json
from eligibility_service.store.store import Store
from eligibility_service.store.tables import ExceptionHistory


def _d(category: str, member: str, field: str, etf: str = "", plan_value: str = "") -> Discrepancy:
    return Discrepancy(
        category=category,
        severity="error",
        correct_side="plan",
        message=f"{field} differs",
        provisions=("src-e24",),
        source="ffc",
        plan="PLAN-A",
        contract_id="C1",
        member_id=member,
        relationship="18",
        field=field,
        etf_value=etf,
        other_value=plan_value,
    )


def test_ids_ignore_the_values_found() -> None:
    a = _d("demographics", "M1", "birth_date", "1980-01-02", "1980-02-01")
    b = _d("demographics", "M1", "birth_date", "1980-01-02", "1979-12-31")
    assert a.id == b.id
    assert a.id != _d("demographics", "M2", "birth_date").id


def test_repeats_are_counted_once_per_file(store: Store) -> None:
    q1, q2, q3 = date(2026, 3, 31), date(2026, 6, 30), date(2026, 9, 30)
    dob = _d("demographics", "M1", "birth_date", "1980-01-02", "1980-02-01")
    gender = _d("demographics", "M1", "gender", "F", "M")
    _, seen = record_run(store, "ffc", "PLAN-A", q1, "q1.834", [dob])
    assert seen[dob.id].times_seen == 1
    _, seen = record_run(store, "ffc", "PLAN-A", q1, "q1.834 again", [dob])
    assert seen[dob.id].times_seen == 1  # the same file twice is not a repeat
    _, seen = record_run(store, "ffc", "PLAN-A", q2, "q2.834", [dob, gender])
    assert (seen[dob.id].times_seen, seen[dob.id].first_seen) == (2, q1)
    assert (seen[gender.id].times_seen, seen[gender.id].first_seen) == (1, q2)
    _, seen = record_run(store, "ffc", "PLAN-A", q3, "q3.834", [dob])
    assert seen[dob.id].times_seen == 3
    with store.engine.connect() as connection:
        keys = [row[0] for row in connection.execute(select(ExceptionHistory.exception_key))]
    assert len(keys) == 2 and dob.id not in keys  # only keyed hashes are stored


def test_reports_mask_phi_and_carry_history(store: Store) -> None:
    dob = _d("demographics", "M1", "birth_date", "1980-01-02", "1980-02-01")
    ssn = _d("demographics", "M1", "ssn", "999-12-3456", "999-12-3465")
    level = _d("coverage_level", "M1", "coverage_level", "FAM", "EMP")
    record_run(store, "ffc", "PLAN-A", date(2026, 3, 31), "q1", [dob])
    run_id, seen = record_run(store, "ffc", "PLAN-A", date(2026, 6, 30), "q2", [dob, ssn, level])
    report = ExceptionReport(
        "ffc",
        "PLAN-A",
        date(2026, 6, 30),
        "q2",
        [dob, ssn, level],
        {"src-e24": "ETF Employer Bulletin (6/26/2002)"},
        seen,
        run_id,
    )
    text = to_csv(report) + to_json(report).decode() + to_html(report)
    for secret in ("1980-01-02", "1980-02-01", "999-12-3456", "12-3465"):
        assert secret not in text
    assert "1980-**-**" in text and "***-**-3456" in text
    rows = list(csv.DictReader(io.StringIO(to_csv(report))))
    assert [r["times_seen"] for r in rows] == ["2", "1", "1"]
    assert rows[0]["first_seen"] == "2026-03-31"
    assert rows[2]["etf_value"] == "FAM"  # not PHI: shown as is
    assert rows[0]["citations"] == "ETF Employer Bulletin (6/26/2002)"
    data = json.loads(to_json(report))
    assert data["counts"]["by_category"] == {"demographics": 2, "coverage_level": 1}
    assert data["counts"]["repeats"] == 1
    assert to_html(report).count("<svg") == 4
