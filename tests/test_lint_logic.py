"""The exact reasoning of the lint: conditions in DNF under three-valued logic, and the solver.

Expressions are parsed like the loader parses them and checked against the clean lint
fixture's rule set (Local employer contribution: enumerated category, hours 0-8,784,
percentages, a review date, parameter cap_percent only from 2012).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from eligibility_service.analysis.context import AS_OF, QuestionContext
from eligibility_service.analysis.exact import satisfy
from eligibility_service.analysis.logic import DNF, Compare, Const, Normalizer
from eligibility_service.decisions.questions import QUESTIONS
from eligibility_service.rules.expr.parser import parse
from eligibility_service.rules.registry import load_registry

CLEAN = Path(__file__).parent / "fixtures" / "lint" / "clean"


@pytest.fixture(scope="module")
def ctx() -> QuestionContext:
    rs = load_registry(CLEAN, QUESTIONS).get("local", "1.0")
    return QuestionContext(rs, rs.questions["local_employer_contribution"])


def dnf(ctx: QuestionContext, text: str, positive: bool = True) -> DNF:
    norm = Normalizer({}, ctx.spec.facts_type, ctx.rule_set.parameter_on)
    return norm.dnf(parse(text), positive)


def verdict(ctx: QuestionContext, *texts: str) -> str:
    return satisfy(ctx, [dnf(ctx, t) for t in texts]).verdict


def test_a_negated_comparison_needs_the_fact_to_be_known(ctx: QuestionContext) -> None:
    hours = "employee.appointed_annual_hours"
    assert verdict(ctx, f"not ({hours} < 5)", f"missing({hours})") == "unsat"
    assert verdict(ctx, f"not ({hours} < 5)", f"{hours} < 5") == "unsat"
    result = satisfy(ctx, [dnf(ctx, f"not ({hours} < 5)")])
    assert result.verdict == "sat"
    assert result.solution is not None and result.solution.values()[hours] >= 5


def test_the_facts_models_bounds_are_part_of_the_domain(ctx: QuestionContext) -> None:
    assert verdict(ctx, "employee.appointed_annual_hours > 8784") == "unsat"
    assert verdict(ctx, "employee.appointed_annual_hours >= 8784") == "sat"


def test_enumerations_are_finite(ctx: QuestionContext) -> None:
    every = "['active', 'retiree', 'surviving_dependent', 'leave_of_absence', 'layoff']"
    assert verdict(ctx, f"employee.category not in {every}") == "unsat"
    assert verdict(ctx, "employee.category != 'active'", "employee.category != 'retiree'") == "sat"


def test_coalesce_splits_on_whether_the_fact_was_given(ctx: QuestionContext) -> None:
    method = "employer.contribution_method"
    standard = f"coalesce({method}, 'standard') == 'standard'"
    assert verdict(ctx, standard, f"missing({method})") == "sat"
    assert verdict(ctx, standard, f"{method} == 'tiered'") == "unsat"
    assert verdict(ctx, f"not ({standard})", f"missing({method})") == "unsat"


def test_if_then_else_inside_a_comparison_is_a_case_split(ctx: QuestionContext) -> None:
    limit = "(if employee.category == 'active' then 50 else 0)"
    share = "contribution.percent_of_lowest_cost_plan"
    assert verdict(ctx, f"{share} < {limit}", "employee.category == 'retiree'") == "unsat"
    assert verdict(ctx, f"{share} < {limit}", "employee.category == 'active'") == "sat"


def test_a_parameter_without_a_value_yet_makes_a_comparison_neither_true_nor_false(
    ctx: QuestionContext,
) -> None:
    above = "contribution.percent_of_average_tier1 > param.cap_percent"
    before_2012: DNF = (frozenset({(Compare(AS_OF, "<", Const(date(2012, 1, 1))), True)}),)
    assert satisfy(ctx, [dnf(ctx, above), before_2012]).verdict == "unsat"
    assert satisfy(ctx, [dnf(ctx, above, positive=False), before_2012]).verdict == "unsat"
    result = satisfy(ctx, [dnf(ctx, above)])
    assert result.verdict == "sat" and result.solution is not None
    assert result.solution.values()["as_of"] >= date(2012, 1, 1)
    assert result.solution.values()["contribution.percent_of_average_tier1"] > 88


def test_dates_are_whole_days(ctx: QuestionContext) -> None:
    day = "contribution.review_date"
    assert verdict(ctx, f'{day} > date("2020-01-01")', f'{day} < date("2020-01-02")') == "unsat"
    result = satisfy(ctx, [dnf(ctx, f'{day} > date("2020-01-01") and {day} < date("2020-01-03")')])
    assert result.solution is not None
    assert result.solution.values()[day] == date(2020, 1, 2)


def test_what_the_solver_cannot_model_is_unknown_not_unsat(ctx: QuestionContext) -> None:
    share, tier1 = (
        "contribution.percent_of_lowest_cost_plan",
        "contribution.percent_of_average_tier1",
    )
    result = satisfy(ctx, [dnf(ctx, f"{share} >= {tier1}"), dnf(ctx, f"{share} < 50")])
    assert result.verdict == "unknown"
    assert result.partials and result.partials[0].values()[share] < 50
    assert verdict(ctx, f"{share} >= {tier1}", f"not ({share} >= {tier1})") == "unsat"


def test_a_number_in_a_list_is_one_of_its_points(ctx: QuestionContext) -> None:
    hours = "employee.appointed_annual_hours"
    assert verdict(ctx, f"{hours} in [9000, 10000]") == "unsat"  # beyond the model's 8,784
    result = satisfy(ctx, [dnf(ctx, f"{hours} in [600, 9000]"), dnf(ctx, f"{hours} > 100")])
    assert result.solution is not None and result.solution.values()[hours] == 600
    assert verdict(ctx, f"{hours} in [600]", f"{hours} not in [600]") == "unsat"
