"""The condition language: syntax, type checking, three-valued logic, explanations."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from eligibility_service.rules.expr.compiler import (
    Env,
    ExpressionTypeError,
    Scope,
    compile_expression,
)
from eligibility_service.rules.expr.explain import Explainer
from eligibility_service.rules.expr.parser import ExpressionSyntaxError, parse
from eligibility_service.rules.expr.types import NUMBER, Type, record_type


class Dep(BaseModel):
    ok: bool | None = None
    age: int | None = None


class Person(BaseModel):
    hired: date | None = None
    kind: Literal["regular", "limited_term"] | None = None
    hours: float | None = None
    flag: bool | None = None


class Facts(BaseModel):
    person: Person = Person()
    deps: list[Dep] = []


SCOPE = Scope(
    record_type(Facts),
    {"limit": NUMBER},
    {"mode": Type("string", enum=frozenset({"a", "b"}))},
    {},
)


def run(text: str, facts: dict[str, Any], choices: dict[str, str] | None = None) -> Any:
    compiled = compile_expression(parse(text), SCOPE)
    env = Env(facts, {"limit": 1200}, choices or {"mode": "a"}, date(2024, 1, 1), lambda n, d: 0)
    return compiled.fn(env)


def test_arithmetic_precedence_and_comparison() -> None:
    assert run("1 + 2 * 3 == 7", {}) is True
    assert run("(1 + 2) * 3 == 9", {}) is True
    assert run("10 - 4 - 3 == 3", {}) is True  # left associative


def test_keywords_are_whole_words() -> None:
    # a name starting with a keyword is still a name, not 'not' + 'ary'
    with pytest.raises(ExpressionTypeError, match="notary"):
        compile_expression(parse("notary == 1"), SCOPE)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("person.hired + 1", "add_days"),
        ("person.kind == 'regulr'", "not a possible value"),
        ("person.hird == date('2024-01-01')", "no fact 'hird'"),
        ("person.hours == true", "cannot compare"),
        ("person.flag > true", "orders numbers and dates"),
        ("param.nope > 1", "unknown parameter"),
        ("choice.mode == 'c'", "not a possible value"),
        ("frobnicate(person.hired)", "unknown function"),
        ("add_days(person.hired)", "takes 2 argument"),
        ("person.hours and true", "joins yes/no"),
        ("person.hired == null", r"use missing\(x\)"),
        ("if person.flag then 1 else date('2024-01-01')", "'then' gives number"),
    ],
)
def test_type_errors_are_caught_at_load(text: str, message: str) -> None:
    with pytest.raises(ExpressionTypeError, match=message):
        compile_expression(parse(text), SCOPE)


@pytest.mark.parametrize("text", ["a ==", "date('2023-02-30')", "1 +", "((a)", "a = 1"])
def test_syntax_errors(text: str) -> None:
    with pytest.raises(ExpressionSyntaxError):
        parse(text)


def test_kleene_logic_with_unknown_facts() -> None:
    none: dict[str, Any] = {"person": {}}
    assert run("person.flag and false", none) is False
    assert run("false and person.flag", none) is False
    assert run("person.flag or true", none) is True
    assert run("person.flag and true", none) is None
    assert run("not person.flag", none) is None
    assert run("missing(person.flag)", none) is True
    assert run("coalesce(person.flag, false)", none) is False


def test_quantifiers() -> None:
    facts = {"deps": [{"ok": True, "age": 3}, {"ok": False, "age": 30}]}
    assert run("any(d in deps: d.ok)", facts) is True
    assert run("all(d in deps: d.ok)", facts) is False
    assert run("count(d in deps: d.age > 26)", facts) == 1
    assert run("all(d in deps: d.ok)", {"deps": []}) is True
    assert run("any(d in deps: d.ok)", {"deps": [{"ok": None}]}) is None


def test_param_and_choice() -> None:
    assert run("person.hours >= param.limit", {"person": {"hours": 1200}}) is True
    assert run("choice.mode == 'b'", {}, {"mode": "b"}) is True


def test_dates_functions() -> None:
    facts = {"person": {"hired": date(2024, 1, 31)}}
    assert run("add_months(person.hired, 1) == date('2024-02-29')", facts) is True
    assert run("first_of_month_on_or_after(person.hired) == date('2024-02-01')", facts) is True
    assert run("max(person.hired, date('2025-01-01')) == date('2025-01-01')", facts) is True


def test_explanation_names_only_facts_that_matter() -> None:
    node = parse("(person.flag and person.hours > 1) or (missing(person.kind) and false)")
    compiled = compile_expression(node, SCOPE)
    env = Env(
        {"person": {"flag": True}}, {"limit": 1}, {"mode": "a"}, date(2024, 1, 1), lambda n, d: 0
    )
    assert compiled.fn(env) is None
    assert Explainer(env, {}).missing_facts(node) == frozenset({"person.hours"})
    # false and <unknown> is false: nothing is missing
    node2 = parse("person.flag and person.hours > 1")
    env2 = Env({"person": {"flag": False}}, {}, {}, date(2024, 1, 1), lambda n, d: 0)
    assert Explainer(env2, {}).missing_facts(node2) == frozenset()


_EXPRESSIONS = [
    "person.flag and person.hours > param.limit",
    "person.flag or person.kind == 'regular'",
    "not person.flag or missing(person.hired)",
    "if person.flag then person.hours >= 10 else person.kind in ['limited_term']",
    "any(d in deps: d.ok and d.age < 26)",
    "count(d in deps: d.ok) >= 1 or person.hired < date('2011-07-01')",
    "coalesce(person.flag, person.hours > 5)",
]

_person = st.fixed_dictionaries(
    {},
    optional={
        "hired": st.none() | st.dates(date(2000, 1, 1), date(2030, 1, 1)),
        "kind": st.none() | st.sampled_from(["regular", "limited_term"]),
        "hours": st.none() | st.floats(0, 3000),
        "flag": st.none() | st.booleans(),
    },
)
_deps = st.lists(
    st.fixed_dictionaries(
        {}, optional={"ok": st.none() | st.booleans(), "age": st.none() | st.integers(0, 40)}
    ),
    max_size=3,
)


@settings(max_examples=300, deadline=None)
@given(person=_person, deps=_deps, index=st.integers(0, len(_EXPRESSIONS) - 1))
def test_explainer_agrees_with_compiled_closures(
    person: dict[str, Any], deps: list[dict[str, Any]], index: int
) -> None:
    """The explanation interpreter and the compiled closures must never disagree."""
    node = parse(_EXPRESSIONS[index])
    compiled = compile_expression(node, SCOPE)
    env = Env(
        {"person": person, "deps": deps},
        {"limit": 1200},
        {"mode": "a"},
        date(2024, 1, 1),
        lambda n, d: 0,
    )
    value = compiled.fn(env)
    explained, missing = Explainer(env, {}).eval(node)
    assert explained == value
    if value is None:
        assert missing, "an unknown result must name at least one missing fact"
