"""Monthly coverage reports: each check positive and negative, with the expected dates
computed by the real rules (the DecisionService on the same facts), never typed in."""

from __future__ import annotations

import io
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from eligibility_service.decisions.questions.coverage_termination import (
    CoverageTerminationFacts,
)
from eligibility_service.decisions.questions.new_hire import NewHireFacts
from eligibility_service.decisions.schema import DecisionOptions
from eligibility_service.decisions.service import DecisionService
from eligibility_service.reconciliation.discrepancy import CATEGORIES, Discrepancy
from eligibility_service.reconciliation.monthly import (
    MonthlyResult,
    read_employers,
    validate_report,
)
from eligibility_service.reconciliation.monthly.checks import (
    COVERAGE_LEVEL_PROVISIONS,
    PROGRAM_OPTION_PROVISIONS,
)
from eligibility_service.reconciliation.record import SorContract, SorMember
from eligibility_service.rules.registry import Registry

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "reconciliation" / "monthly-report.csv"

HEADER = (
    "report_type,employer_id,coverage_month,contract_id,program,program_option,plan_code,"
    "coverage_level,dependents,effective_date,prospective_date,hire_date,"
    "first_wrs_employment_date,position_type,is_teacher,expected_annual_hours,"
    "expected_to_last_one_year,prior_state_wrs_service_months,application_received_date,"
    "application_signed,subscriber_id_provided,dependents_complete,event_reason,event_date,"
    "termination_date,coverage_end_date,event_received_date,annuitant,request_signed"
)
COLUMNS = HEADER.split(",")

# A State new hire (the README's worked case, moved to 2004 when monthly reports were used)
HIRE = {
    "hire_date": "2004-01-15",
    "first_wrs_employment_date": "2004-01-15",
    "position_type": "regular",
    "is_teacher": "false",
    "expected_annual_hours": "2080",
    "expected_to_last_one_year": "true",
    "prior_state_wrs_service_months": "0",
    "application_received_date": "2004-02-10",
    "application_signed": "true",
    "subscriber_id_provided": "true",
}
HIRE_FACTS = {
    "employee": {
        "hire_date": date(2004, 1, 15),
        "first_wrs_employment_date": date(2004, 1, 15),
        "position_type": "regular",
        "is_teacher": False,
        "expected_annual_hours": 2080.0,
        "expected_to_last_one_year": True,
        "prior_state_wrs_service_months": 0.0,
    },
    "application": {
        "received_date": date(2004, 2, 10),
        "signed": True,
        "coverage_level": "individual",
        "subscriber_has_ssn_or_itin": True,
    },
}


@pytest.fixture(scope="module")
def service(registry: Registry) -> DecisionService:
    return DecisionService(registry)


def decide(
    service: DecisionService,
    question: str,
    program: str,
    facts: Mapping[str, Any],
    choices: Mapping[str, str] | None = None,
    version: str | None = None,
) -> dict[str, Any]:
    model = NewHireFacts if question == "new_hire_enrollment" else CoverageTerminationFacts
    dumped = model.model_validate(facts).model_dump()
    options = DecisionOptions(policy_choices=dict(choices or {}), rule_set_version=version)
    return service.decide(question, program, dumped, options)  # type: ignore[arg-type]


def cited(decision: Mapping[str, Any]) -> set[str]:
    return {c["id"] for r in decision["reasons"] for c in r["citations"]}


def csv_text(*rows: Mapping[str, str]) -> str:
    lines = [HEADER]
    for row in rows:
        lines.append(",".join(row.get(c, "") for c in COLUMNS))
    return "\n".join(lines) + "\n"


def row(report_type: str, contract: str, **cells: str) -> dict[str, str]:
    base = {
        "report_type": report_type,
        "employer_id": "S0100",
        "coverage_month": "2004-03",
        "contract_id": contract,
        "program": "state",
    }
    if report_type in ("addition", "change"):
        base |= {"plan_code": "P100", "coverage_level": "single", "dependents": "0"}
    return base | cells


def addition(
    contract: str, effective: date, prospective: date | None = None, **cells: str
) -> dict[str, str]:
    return row(
        "addition",
        contract,
        **HIRE,
        effective_date=effective.isoformat(),
        prospective_date=(prospective or effective).isoformat(),
        **cells,
    )


def contract(
    cid: str,
    employer: str = "S0100",
    program: str = "state",
    option: str = "",
    level: str = "EMP",
    plan: str = "P100",
    start: date = date(2000, 1, 1),
    end: date | None = None,
    dependents: int = 0,
    validated: tuple[str, ...] = (),
) -> SorContract:
    members = [SorMember(f"{cid}-0", "18", "", "L", "F", "", None, "U")]
    members += [
        SorMember(f"{cid}-{i}", "19", "", "L", "D", "", None, "U") for i in range(1, dependents + 1)
    ]
    return SorContract(
        cid,
        program,
        employer,
        "G1",
        plan,
        "HLT",
        level,
        "active",
        "E",
        option,
        start,
        end,
        tuple(members),
        validated,
    )


def run(
    service: DecisionService, text: str, contracts: list[SorContract], **kw: Any
) -> MonthlyResult:
    return validate_report(io.StringIO(text), contracts, service, **kw)


def only(result: MonthlyResult) -> Discrepancy:
    assert len(result.discrepancies) == 1, [d.as_dict() for d in result.discrepancies]
    return result.discrepancies[0]


# --- additions -------------------------------------------------------------------------------
def test_addition_with_the_rules_date_is_validated(service: DecisionService) -> None:
    expected = decide(service, "new_hire_enrollment", "state", HIRE_FACTS)["dates"][
        "coverage_effective_date"
    ]
    result = run(service, csv_text(addition("C1", expected)), [])
    assert result.discrepancies == []
    assert [(v.contract_id, v.coverage_month, v.line) for v in result.validated] == [
        ("C1", "2004-03", 2)
    ]
    assert result.validated_months == {"C1": ("2004-03",)}
    assert result.months == ("2004-03",)


def test_addition_effective_date_differs_from_prospective_date(service: DecisionService) -> None:
    expected = decide(service, "new_hire_enrollment", "state", HIRE_FACTS)["dates"][
        "coverage_effective_date"
    ]
    other = date(expected.year, expected.month + 1, 1)
    d = only(run(service, csv_text(addition("C1", expected, prospective=other)), []))
    assert (d.category, d.field, d.line, d.source, d.plan) == (
        "report_effective_date",
        "prospective_date",
        2,
        "monthly",
        "S0100",
    )
    assert (d.etf_value, d.other_value) == (other.isoformat(), expected.isoformat())
    assert d.provisions == ("src-e25",)
    assert d.correct_side == "employer"
    assert expected.isoformat() not in d.message and other.isoformat() not in d.message


def test_addition_effective_date_not_the_rules_date(service: DecisionService) -> None:
    decision = decide(service, "new_hire_enrollment", "state", HIRE_FACTS)
    expected = decision["dates"]["coverage_effective_date"]
    wrong = date(2004, 2, 1)
    assert wrong != expected
    result = run(service, csv_text(addition("C1", wrong)), [])
    d = only(result)
    assert (d.category, d.field, d.etf_value, d.other_value) == (
        "report_effective_date",
        "coverage_effective_date",
        expected.isoformat(),
        "2004-02-01",
    )
    assert d.provisions[0] == "src-e25"
    assert set(d.provisions) == {"src-e25"} | cited(decision)
    assert result.validated == []


def test_addition_policy_choice_changes_the_expected_date(service: DecisionService) -> None:
    # state@2026.1 still offers the choice (2026.2 dates the change of law instead)
    choice = {"newhire_effective_date": "first_of_month_in_window"}
    old = "2026.1"
    statute = decide(service, "new_hire_enrollment", "state", HIRE_FACTS, choice, old)["dates"][
        "coverage_effective_date"
    ]
    default = decide(service, "new_hire_enrollment", "state", HIRE_FACTS, None, old)["dates"][
        "coverage_effective_date"
    ]
    assert statute != default  # the two readings of the sources disagree on this case
    text = csv_text(addition("C1", statute))
    assert run(service, text, [], policy_choices=choice, rule_set_version=old).discrepancies == []
    assert only(run(service, text, [], rule_set_version=old)).field == "coverage_effective_date"


def test_denied_addition_has_no_date_and_is_an_error(service: DecisionService) -> None:
    facts = {**HIRE_FACTS, "employee": {**HIRE_FACTS["employee"], "expected_annual_hours": 100.0}}
    decision = decide(service, "new_hire_enrollment", "state", facts)
    assert decision["outcome"] == "denied"
    assert decision["dates"]["coverage_effective_date"] is None
    line = addition("C1", date(2004, 3, 1)) | {"expected_annual_hours": "100"}
    d = only(run(service, csv_text(line), []))
    assert (d.category, d.field, d.severity, d.etf_value) == (
        "report_effective_date",
        "coverage_effective_date",
        "error",
        "",
    )
    assert "denied" in d.message
    assert set(d.provisions) == {"src-e25"} | cited(decision)


def test_undetermined_addition_is_a_warning_naming_the_missing_fact(
    service: DecisionService,
) -> None:
    cells = {k: v for k, v in HIRE.items() if k != "is_teacher"}
    facts = {
        **HIRE_FACTS,
        "employee": {k: v for k, v in HIRE_FACTS["employee"].items() if k != "is_teacher"},
    }
    decision = decide(service, "new_hire_enrollment", "state", facts)
    if decision["outcome"] != "undetermined":
        pytest.skip("the state rules decide this case without is_teacher")
    line = row(
        "addition", "C1", **cells, effective_date="2004-03-01", prospective_date="2004-03-01"
    )
    d = only(run(service, csv_text(line), []))
    assert (d.field, d.severity) == ("coverage_effective_date", "warning")
    assert all(f in d.message for f in decision["missing_facts"])


# --- deletions -------------------------------------------------------------------------------
END_FACTS = {"event": {"reason": "end_of_employment", "termination_date": date(2004, 3, 12)}}


def deletion(cid: str, end: date, event: str = "2004-03-12", **cells: str) -> dict[str, str]:
    return row(
        "deletion",
        cid,
        event_reason="end_of_employment",
        event_date=event,
        termination_date="2004-03-12",
        coverage_end_date=end.isoformat(),
        **cells,
    )


@pytest.mark.parametrize("program", ["state", "local"])
def test_deletion_with_the_rules_end_date_is_validated(
    service: DecisionService, program: str
) -> None:
    end = decide(service, "coverage_termination", program, END_FACTS)["dates"]["coverage_end_date"]
    assert end is not None
    option = "PO12" if program == "local" else ""
    line = deletion("C1", end, program=program, program_option=option, employer_id="E1")
    result = run(service, csv_text(line), [contract("C1", "E1", program, option)])
    assert result.discrepancies == []
    assert result.validated_months == {"C1": ("2004-03",)}


def test_deletion_event_date_not_the_termination_date(service: DecisionService) -> None:
    end = decide(service, "coverage_termination", "state", END_FACTS)["dates"]["coverage_end_date"]
    d = only(run(service, csv_text(deletion("C1", end, event="2004-03-15")), [contract("C1")]))
    assert (d.category, d.field, d.etf_value, d.other_value, d.provisions) == (
        "report_end_date",
        "event_date",
        "2004-03-12",
        "2004-03-15",
        ("src-e25",),
    )


def test_deletion_coverage_end_not_the_rules_end(service: DecisionService) -> None:
    decision = decide(service, "coverage_termination", "state", END_FACTS)
    end = decision["dates"]["coverage_end_date"]
    wrong = date(2004, 3, 31)
    assert wrong != end
    d = only(run(service, csv_text(deletion("C1", wrong)), [contract("C1")]))
    assert (d.category, d.field, d.etf_value, d.other_value) == (
        "report_end_date",
        "coverage_end_date",
        end.isoformat(),
        wrong.isoformat(),
    )
    assert set(d.provisions) == {"src-e25"} | cited(decision)


def test_voluntary_cancel_event_date_is_the_date_received(service: DecisionService) -> None:
    facts = {
        "subscriber": {"annuitant": True},
        "event": {
            "reason": "voluntary_cancel",
            "received_date": date(2004, 3, 9),
            "request_signed": True,
        },
    }
    end = decide(service, "coverage_termination", "state", facts)["dates"]["coverage_end_date"]
    line = row(
        "deletion",
        "C1",
        event_reason="voluntary_cancel",
        event_date="2004-03-09",
        annuitant="true",
        request_signed="true",
        coverage_end_date=end.isoformat(),
    )
    assert run(service, csv_text(line), [contract("C1")]).discrepancies == []


def test_deletion_of_unknown_contract(service: DecisionService) -> None:
    end = decide(service, "coverage_termination", "state", END_FACTS)["dates"]["coverage_end_date"]
    d = only(run(service, csv_text(deletion("C404", end)), [contract("C1")]))
    assert (d.category, d.field, d.contract_id) == (
        "report_unknown_contract",
        "contract_id",
        "C404",
    )


def test_retirement_deletion_without_a_rule_end_is_a_warning_to_confirm(
    service: DecisionService,
) -> None:
    facts = {"event": {"reason": "retirement", "termination_date": date(2004, 3, 12)}}
    decision = decide(service, "coverage_termination", "state", facts)
    assert decision["outcome"] == "approved"
    assert decision["dates"].get("coverage_end_date") is None  # coverage may continue
    line = row(
        "deletion",
        "C1",
        event_reason="retirement",
        event_date="2004-03-12",
        termination_date="2004-03-12",
        coverage_end_date="2004-04-30",
    )
    d = only(run(service, csv_text(line), [contract("C1")]))
    assert (d.category, d.field, d.severity) == ("report_end_date", "coverage_end_date", "warning")
    assert "no coverage_end_date" in d.message
    assert set(d.provisions) == {"src-e25"} | cited(decision)


# --- additions against ETF's contracts -------------------------------------------------------
def _rules_start(service: DecisionService) -> date:
    start: date = decide(service, "new_hire_enrollment", "state", HIRE_FACTS)["dates"][
        "coverage_effective_date"
    ]
    return start


def test_addition_etf_already_recorded_with_the_same_start_is_validated(
    service: DecisionService,
) -> None:
    start = _rules_start(service)
    result = run(service, csv_text(addition("C1", start)), [contract("C1", start=start)])
    assert result.discrepancies == [] and len(result.validated) == 1


def test_addition_after_an_ended_contract_is_a_re_enrolment(service: DecisionService) -> None:
    start = _rules_start(service)
    ended = contract("C1", start=date(2001, 1, 1), end=date(2002, 6, 30))
    assert run(service, csv_text(addition("C1", start)), [ended]).discrepancies == []


@pytest.mark.parametrize("employer", ["S0100", "S0200"])
def test_addition_for_someone_already_covered(service: DecisionService, employer: str) -> None:
    start = _rules_start(service)
    held = contract("C1", employer, start=date(2001, 1, 1))
    d = only(run(service, csv_text(addition("C1", start)), [held]))
    assert (d.category, d.field, d.etf_value, d.other_value, d.correct_side) == (
        "report_already_covered",
        "contract_id",
        "2001-01-01",
        start.isoformat(),
        "employer",
    )
    assert ("another employer" in d.message) == (employer != "S0100")
    assert d.category in CATEGORIES


def test_addition_etf_starts_on_another_date(service: DecisionService) -> None:
    start = _rules_start(service)
    later = date(start.year, start.month + 1, 1)
    d = only(run(service, csv_text(addition("C1", start)), [contract("C1", start=later)]))
    assert (d.category, d.field, d.etf_value, d.other_value) == (
        "report_effective_date",
        "etf_effective_date",
        later.isoformat(),
        start.isoformat(),
    )


# --- coverage level and dependents -----------------------------------------------------------
@pytest.mark.parametrize(("level", "dependents"), [("single", "2"), ("family", "0")])
def test_coverage_level_disagrees_with_dependents(
    service: DecisionService, level: str, dependents: str
) -> None:
    line = row("change", "C1", coverage_level=level, dependents=dependents)
    sor = contract("C1", level="FAM" if level == "family" else "EMP")
    d = only(run(service, csv_text(line), [sor]))
    assert (d.category, d.field, d.etf_value, d.other_value) == (
        "report_coverage_level",
        "dependents",
        level,
        dependents,
    )
    assert d.provisions == COVERAGE_LEVEL_PROVISIONS


@pytest.mark.parametrize(
    ("level", "dependents", "sor"),
    [("single", "0", "EMP"), ("family", "2", "FAM"), ("family", "1", "ESP")],
)
def test_coverage_level_agrees(
    service: DecisionService, level: str, dependents: str, sor: str
) -> None:
    line = row("change", "C1", coverage_level=level, dependents=dependents)
    assert run(service, csv_text(line), [contract("C1", level=sor)]).discrepancies == []


# --- changes against ETF's contract ----------------------------------------------------------
def test_change_differs_from_etf_on_plan_and_level(service: DecisionService) -> None:
    line = row("change", "C1", plan_code="P999", coverage_level="family", dependents="1")
    result = run(service, csv_text(line), [contract("C1", level="EMP", dependents=1)])
    found = {(d.category, d.field, d.etf_value, d.other_value) for d in result.discrepancies}
    assert found == {
        ("report_plan", "plan_code", "P100", "P999"),
        ("report_coverage_level", "coverage_level", "EMP", "FAM"),
    }
    assert all(d.category in CATEGORIES for d in result.discrepancies)
    assert result.validated == []


def test_change_for_unknown_contract_or_other_employer(service: DecisionService) -> None:
    text = csv_text(row("change", "C404"), row("change", "C2"))
    result = run(service, text, [contract("C1"), contract("C2", employer="S0999")])
    assert [(d.category, d.field, d.line) for d in result.discrepancies] == [
        ("report_unknown_contract", "contract_id", 2),
        ("report_unknown_contract", "employer_id", 3),
    ]


# --- program options -------------------------------------------------------------------------
def local_change(cid: str, option: str) -> dict[str, str]:
    return row(
        "change", cid, employer_id="L1", program="local", program_option=option, plan_code="P100"
    )


def test_program_option_from_employers_table(service: DecisionService) -> None:
    table, errors = read_employers(
        io.StringIO(
            "employer_id,program,program_options\nL1,local,PO2 PO12\nS0100,state,\nX,county,PO2\n"
        )
    )
    assert [(e.line, e.column) for e in errors] == [(4, "program")]
    sor = [contract("C1", "L1", "local", "PO12"), contract("C2", "L1", "local", "PO12")]
    result = run(
        service,
        csv_text(local_change("C1", "PO2"), local_change("C2", "PO4")),
        sor,
        employers=table,
    )
    d = only(result)  # PO2 is in the table though no contract at ETF uses it
    assert (d.category, d.field, d.etf_value, d.other_value, d.line) == (
        "report_program_option",
        "program_option",
        "PO12 PO2",
        "PO4",
        3,
    )
    assert d.provisions == PROGRAM_OPTION_PROVISIONS


def test_program_option_from_contracts_without_a_table(service: DecisionService) -> None:
    sor = [contract("C1", "L1", "local", "PO12"), contract("C2", "L1", "local", "PO12")]
    result = run(service, csv_text(local_change("C1", "PO12"), local_change("C2", "PO2")), sor)
    d = only(result)
    assert (d.field, d.etf_value, d.other_value, d.severity) == (
        "program_option",
        "PO12",
        "PO2",
        "error",
    )


def test_program_option_on_state_line_and_unknown_employer(service: DecisionService) -> None:
    state = row("change", "C1", program_option="PO2")
    local = row("change", "C2", employer_id="L9", program="local", program_option="PO2")
    result = run(service, csv_text(state, local), [contract("C1"), contract("C2", "L9")])
    assert [(d.category, d.severity, d.line) for d in result.discrepancies] == [
        ("report_program_option", "error", 2),
        ("report_program_option", "warning", 3),
    ]


# --- reading: bad lines, header, streams -----------------------------------------------------
def test_bad_lines_are_reported_and_good_lines_still_validated(service: DecisionService) -> None:
    expected = decide(service, "new_hire_enrollment", "state", HIRE_FACTS)["dates"][
        "coverage_effective_date"
    ]
    good = addition("C1", expected)
    rows = [
        good,  # line 2
        good | {"contract_id": "C2", "effective_date": "2004-3-1"},  # 3: bad date
        good | {"contract_id": "C3", "report_type": "transfer"},  # 4
        good | {"contract_id": "C4", "position_type": "intern"},  # 5: facts model refuses
        good | {"contract_id": "C5", "coverage_month": "2004-13"},  # 6
        good | {"contract_id": "C6", "prospective_date": ""},  # 7: required
        row("change", "C7", dependents="two"),  # 8
        row(
            "deletion",
            "C8",
            event_reason="end_of_employment",
            event_date="2004-03-12",
            coverage_end_date="2004-04-30",
        ),  # 9: no termination date
        good | {"contract_id": "C9", "expected_annual_hours": "lots"},  # 10
    ]
    text = csv_text(*rows) + "addition,S0100,2004-03,C10,state" + ",x" * len(COLUMNS) + "\n"
    result = run(service, text, [])
    bad = [(d.line, d.field, d.contract_id, d.category) for d in result.discrepancies]
    assert bad == [
        (3, "effective_date", "C2", "report_line"),
        (4, "report_type", "C3", "report_line"),
        (5, "position_type", "C4", "report_line"),
        (6, "coverage_month", "C5", "report_line"),
        (7, "prospective_date", "C6", "report_line"),
        (8, "dependents", "C7", "report_line"),
        (9, "termination_date", "C8", "report_line"),
        (10, "expected_annual_hours", "C9", "report_line"),
        (11, "(row)", "C10", "report_line"),
    ]
    assert all(d.message for d in result.discrepancies)
    assert [v.contract_id for v in result.validated] == ["C1"]
    assert (result.lines_read, result.lines_rejected) == (10, 9)


def test_quoted_newline_keeps_physical_line_numbers(service: DecisionService) -> None:
    text = (
        csv_text(row("change", "C1"))
        + 'change,S0100,2004-03,"C\n2",state\n'
        + csv_text(row("change", "C3", dependents="x")).split("\n", 1)[1]
    )
    result = run(service, text, [contract("C1")])
    assert [(d.line, d.field) for d in result.discrepancies] == [
        (3, "plan_code"),  # the line starts at 3 (and spans 3-4)
        (5, "dependents"),
    ]


@pytest.mark.parametrize(
    ("header", "column"),
    [
        ("report_type,employer_id,coverage_month,program", "(header)"),
        (
            "report_type,employer_id,coverage_month,contract_id,program,efective_date",
            "efective_date",
        ),
    ],
)
def test_header_problems_reject_the_file(
    service: DecisionService, header: str, column: str
) -> None:
    result = run(service, header + "\nchange,S0100,2004-03,C1,state,x\n", [contract("C1")])
    d = only(result)
    assert (d.line, d.field, d.category) == (1, column, "report_line")
    assert result.lines_read == 0 and result.validated == []


def test_bytes_text_and_list_sources(service: DecisionService) -> None:
    text = csv_text(row("change", "C1"))
    sor = [contract("C1")]
    by_bytes = validate_report(io.BytesIO(b"\xef\xbb\xbf" + text.encode()), sor, service)
    by_list = validate_report(text.splitlines(keepends=True), sor, service)
    assert by_bytes.validated == by_list.validated == run(service, text, sor).validated
    assert len(by_bytes.validated) == 1


def test_example_file_reads_cleanly(service: DecisionService) -> None:
    with EXAMPLE.open("rb") as f:
        result = validate_report(f, [], service)
    assert result.lines_read >= 5
    assert not [d for d in result.discrepancies if d.category == "report_line"]


# --- ids and provisions ----------------------------------------------------------------------
def test_ids_are_stable_across_runs(service: DecisionService, registry: Registry) -> None:
    with EXAMPLE.open("rb") as f:
        first = validate_report(f, [contract("C1003")], service)
    with EXAMPLE.open("rb") as f:
        second = validate_report(f, [contract("C1003")], service)
    assert first.discrepancies
    assert [d.id for d in first.discrepancies] == [d.id for d in second.discrepancies]
    assert [d.as_dict() for d in first.discrepancies] == [d.as_dict() for d in second.discrepancies]
    # the id is about what differs, not the value found: another wrong date, same id
    one = run(service, csv_text(addition("C1", date(2004, 2, 1))), [])
    two = run(service, csv_text(addition("C1", date(2004, 5, 1))), [])
    assert one.discrepancies[0].id == two.discrepancies[0].id
    assert one.discrepancies[0].other_value != two.discrepancies[0].other_value
    for d in first.discrepancies:
        assert all(registry.provisions.get(p) is not None for p in d.provisions), d.provisions


def test_check_provisions_exist(registry: Registry) -> None:
    for pid in {*COVERAGE_LEVEL_PROVISIONS, *PROGRAM_OPTION_PROVISIONS}:
        assert registry.provisions.get(pid) is not None, pid
