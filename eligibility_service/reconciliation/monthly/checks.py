"""The checks of one report line: against the rules, against ETF's records, against the
employer's program options.

Why each check (brief section (k), ETF bulletins ``src-e25``):

* an addition's effective date must equal the application's prospective date of coverage,
  and both must be the coverage effective date the ``new_hire_enrollment`` rules give for the
  application's facts (hire date, date received, position...): the employer's date is not
  taken on trust, it is recomputed;
* a deletion's event date must equal the termination date, and the coverage end it reports
  must be the one the ``coverage_termination`` rules give for the event;
* the coverage level must agree with the dependents: there are only single and family
  contracts (``src-e46``), a single contract covers only the subscriber and a family one its
  listed dependents (``src-e31``, ``src-e37``);
* the program option must be one the employer has (``src-e38``; see :mod:`.employers`);
* a change or deletion must be for a contract ETF has, of that employer, and a change must
  agree with ETF's contract on plan and coverage level;
* an addition for a contract ETF already holds must be that enrolment (the same start): one
  already in force on the addition's date is ``report_already_covered``, one ETF starts on
  another date a ``report_effective_date`` (field ``etf_effective_date``); a contract that
  ended before is a re-enrolment;
* a deletion whose event the rules approve but for which they give no coverage end (a
  retirement: coverage may continue as an annuitant's) is a warning for a person to confirm,
  not an error: there is no date to hold the employer to.

A rule-based check cites ``src-e25`` and every provision the decision's reasons cite, so the
discrepancy carries the law that gives the expected date. Messages never contain the dates
or other values (they may be PHI); the values go in ``etf_value`` / ``other_value``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from ...decisions.schema import DecisionOptions
from ...decisions.service import DecisionInputError, DecisionService
from ..discrepancy import Discrepancy, Severity
from ..record import FAMILY_LEVELS, SorContract
from .employers import EmployerOptions, valid_options
from .format import COVERAGE_LEVEL_CODES, TERMINATION_REASONS, BadLine, ReportLine

REPORTS = "src-e25"  # the monthly additions/deletions/changes report bulletins
COVERAGE_LEVEL_PROVISIONS = (REPORTS, "src-e46", "src-e31", "src-e37")
PROGRAM_OPTION_PROVISIONS = (REPORTS, "src-e38")
ALL_PROVISIONS = frozenset({*COVERAGE_LEVEL_PROVISIONS, *PROGRAM_OPTION_PROVISIONS})


def _iso(value: date | None) -> str:
    return value.isoformat() if value is not None else ""


def _level(code: str) -> str:
    """SoR HD05 code as the report's level."""
    return "family" if code in FAMILY_LEVELS else "single"


@dataclass(frozen=True)
class Ruling:
    """What the rules said about a line's facts: the date they give, or why none."""

    expected: date | None
    outcome: str
    provisions: tuple[str, ...]
    note: str  # why there is no date (plain words; no values)


@dataclass
class LineChecker:
    """Checks lines against an index of ETF's contracts, the employers' options and the
    rules. One per run: the indexes are built once."""

    contracts: Mapping[str, SorContract]
    employers: Mapping[str, EmployerOptions] | None
    from_contracts: Mapping[str, EmployerOptions]
    service: DecisionService
    options: DecisionOptions

    def bad_line(self, bad: BadLine) -> Discrepancy:
        e = bad.error
        return Discrepancy(
            category="report_line",
            severity="error",
            correct_side="employer",
            message=e.message,
            provisions=(REPORTS,),
            source="monthly",
            plan=bad.employer_id,
            contract_id=bad.contract_id,
            field=e.column,
            line=e.line,
        )

    def check(self, line: ReportLine) -> list[Discrepancy]:
        found: list[Discrepancy] = []
        found += self._coverage_level(line)
        found += self._program_option(line)
        if line.report_type == "addition":
            found += self._addition(line)
        elif line.report_type == "change":
            found += self._change(line)
        else:
            found += self._deletion(line)
        return found

    # --- helpers ----------------------------------------------------------------------------
    def _d(
        self,
        line: ReportLine,
        category: str,
        field: str,
        message: str,
        provisions: tuple[str, ...],
        etf_value: str = "",
        other_value: str = "",
        severity: Severity = "error",
    ) -> Discrepancy:
        return Discrepancy(
            category=category,
            severity=severity,
            correct_side="employer",
            message=message,
            provisions=provisions,
            source="monthly",
            plan=line.employer_id,
            contract_id=line.contract_id,
            field=field,
            etf_value=etf_value,
            other_value=other_value,
            line=line.line,
        )

    def rule(self, question: str, line: ReportLine, output: str) -> Ruling:
        """Decide the line's facts and read ``output`` from the dates."""
        try:
            decision = self.service.decide(question, line.program, line.facts, self.options)
        except DecisionInputError as exc:
            return Ruling(None, "error", (REPORTS,), f"the rules cannot decide it ({exc.field})")
        cited: dict[str, None] = {REPORTS: None}
        for reason in decision["reasons"]:
            for citation in reason["citations"]:
                cited[citation["id"]] = None
        expected: Any = decision["dates"].get(output)
        rs = decision["rule_set"]
        where = f"rule set {rs['id']} {rs['version']}"
        if expected is None:
            missing = ", ".join(decision["missing_facts"])
            why = f"missing facts: {missing}" if missing else "no rule gives one"
            note = f"the rules give no {output} (outcome {decision['outcome']}; {why}; {where})"
            return Ruling(None, decision["outcome"], tuple(cited), note)
        return Ruling(expected, decision["outcome"], tuple(cited), where)

    # --- checks -----------------------------------------------------------------------------
    def _coverage_level(self, line: ReportLine) -> list[Discrepancy]:
        if not line.coverage_level or line.dependents is None:
            return []
        if line.coverage_level == "single" and line.dependents > 0:
            why = "Single coverage is reported with dependents listed"
        elif line.coverage_level == "family" and line.dependents == 0:
            why = "Family coverage is reported with no dependents listed"
        else:
            return []
        return [
            self._d(
                line,
                "report_coverage_level",
                "dependents",
                f"{why}; a single contract covers only the subscriber, a family contract "
                "its dependents.",
                COVERAGE_LEVEL_PROVISIONS,
                etf_value=line.coverage_level,
                other_value=str(line.dependents),
            )
        ]

    def _program_option(self, line: ReportLine) -> list[Discrepancy]:
        known = valid_options(line.employer_id, self.employers, self.from_contracts)
        if line.program == "state":
            if line.program_option:
                return [
                    self._d(
                        line,
                        "report_program_option",
                        "program_option",
                        "A State line carries a program option; program options are Local only.",
                        PROGRAM_OPTION_PROVISIONS,
                        other_value=line.program_option,
                    )
                ]
            return []
        if not line.program_option:
            return []  # only deletions may omit it (the reader requires it elsewhere)
        if known is None or not known.program_options:
            return [
                self._d(
                    line,
                    "report_program_option",
                    "program_option",
                    "No program options are known for the employer (not in the "
                    "employers table, no Local contract at ETF).",
                    PROGRAM_OPTION_PROVISIONS,
                    other_value=line.program_option,
                    severity="warning",
                )
            ]
        if line.program_option not in known.program_options:
            return [
                self._d(
                    line,
                    "report_program_option",
                    "program_option",
                    "The program option is not one the employer has elected.",
                    PROGRAM_OPTION_PROVISIONS,
                    etf_value=" ".join(sorted(known.program_options)),
                    other_value=line.program_option,
                )
            ]
        return []

    def _known_contract(self, line: ReportLine) -> tuple[SorContract | None, list[Discrepancy]]:
        contract = self.contracts.get(line.contract_id)
        if contract is None:
            return None, [
                self._d(
                    line,
                    "report_unknown_contract",
                    "contract_id",
                    f"A {line.report_type} for a contract ETF does not have.",
                    (REPORTS,),
                    other_value=line.contract_id,
                )
            ]
        if contract.employer_id != line.employer_id:
            return None, [
                self._d(
                    line,
                    "report_unknown_contract",
                    "employer_id",
                    f"A {line.report_type} for a contract ETF holds under another employer.",
                    (REPORTS,),
                    etf_value=contract.employer_id,
                    other_value=line.employer_id,
                )
            ]
        return contract, []

    def _against_etf(self, line: ReportLine) -> list[Discrepancy]:
        """An addition for a contract id ETF already holds: the same enrolment (same start)
        is confirmed; coverage already in force on the addition's date, here or under another
        employer, is an addition of someone covered; a contract ETF starts on another date
        disagrees with the report. A contract that ended before is a re-enrolment."""
        contract = self.contracts.get(line.contract_id)
        effective = line.effective_date
        if contract is None or effective is None or contract.effective_date == effective:
            return []
        if contract.end_date is not None and contract.end_date < effective:
            return []
        if contract.effective_date < effective:
            where = (
                "under another employer"
                if contract.employer_id != line.employer_id
                else "for this employer"
            )
            return [
                self._d(
                    line,
                    "report_already_covered",
                    "contract_id",
                    f"An addition for a contract ETF already has in force {where} on the "
                    "addition's effective date.",
                    (REPORTS,),
                    etf_value=_iso(contract.effective_date),
                    other_value=_iso(effective),
                )
            ]
        return [
            self._d(
                line,
                "report_effective_date",
                "etf_effective_date",
                "The additions report's effective date differs from the start of ETF's "
                "contract for it.",
                (REPORTS,),
                etf_value=_iso(contract.effective_date),
                other_value=_iso(effective),
            )
        ]

    def _addition(self, line: ReportLine) -> list[Discrepancy]:
        found = self._against_etf(line)
        if line.prospective_date != line.effective_date:
            found.append(
                self._d(
                    line,
                    "report_effective_date",
                    "prospective_date",
                    "The additions report's effective date differs from the application's "
                    "prospective date of coverage; they must be equal.",
                    (REPORTS,),
                    etf_value=_iso(line.prospective_date),
                    other_value=_iso(line.effective_date),
                )
            )
        ruling = self.rule("new_hire_enrollment", line, "coverage_effective_date")
        if ruling.expected is None:
            found.append(
                self._d(
                    line,
                    "report_effective_date",
                    "coverage_effective_date",
                    f"The effective date cannot be confirmed: {ruling.note}.",
                    ruling.provisions,
                    other_value=_iso(line.effective_date),
                    severity="error" if ruling.outcome == "denied" else "warning",
                )
            )
        elif ruling.expected != line.effective_date:
            found.append(
                self._d(
                    line,
                    "report_effective_date",
                    "coverage_effective_date",
                    "The additions report's effective date is not the coverage effective date the "
                    f"new-hire rules give for the application ({ruling.note}).",
                    ruling.provisions,
                    etf_value=_iso(ruling.expected),
                    other_value=_iso(line.effective_date),
                )
            )
        return found

    def _change(self, line: ReportLine) -> list[Discrepancy]:
        contract, found = self._known_contract(line)
        if contract is None:
            return found
        if line.plan_code != contract.plan_code:
            found.append(
                self._d(
                    line,
                    "report_plan",
                    "plan_code",
                    "The change report's plan differs from ETF's contract.",
                    (REPORTS,),
                    etf_value=contract.plan_code,
                    other_value=line.plan_code,
                )
            )
        if COVERAGE_LEVEL_CODES[line.coverage_level] != contract.coverage_level and (
            line.coverage_level != _level(contract.coverage_level)
        ):
            found.append(
                self._d(
                    line,
                    "report_coverage_level",
                    "coverage_level",
                    "The change report's coverage level differs from ETF's contract.",
                    COVERAGE_LEVEL_PROVISIONS,
                    etf_value=contract.coverage_level,
                    other_value=COVERAGE_LEVEL_CODES[line.coverage_level],
                )
            )
        return found

    def _deletion(self, line: ReportLine) -> list[Discrepancy]:
        contract, found = self._known_contract(line)
        if contract is None:
            return found
        if line.event_reason in TERMINATION_REASONS and line.event_date != line.termination_date:
            found.append(
                self._d(
                    line,
                    "report_end_date",
                    "event_date",
                    "The deletions report's event date differs from the "
                    "termination date; they must be equal.",
                    (REPORTS,),
                    etf_value=_iso(line.termination_date),
                    other_value=_iso(line.event_date),
                )
            )
        ruling = self.rule("coverage_termination", line, "coverage_end_date")
        if ruling.expected is None:
            found.append(
                self._d(
                    line,
                    "report_end_date",
                    "coverage_end_date",
                    f"The reported coverage end cannot be confirmed: {ruling.note}.",
                    ruling.provisions,
                    other_value=_iso(line.coverage_end_date),
                    severity="error" if ruling.outcome == "denied" else "warning",
                )
            )
        elif ruling.expected != line.coverage_end_date:
            found.append(
                self._d(
                    line,
                    "report_end_date",
                    "coverage_end_date",
                    "The reported coverage end is not the one the termination rules give for the "
                    f"event ({ruling.note}).",
                    ruling.provisions,
                    etf_value=_iso(ruling.expected),
                    other_value=_iso(line.coverage_end_date),
                )
            )
        return found
