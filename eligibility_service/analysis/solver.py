"""Decide whether one cube (a conjunction of literals) can be true, and find values for it.

Each variable gets a *domain* from the decision question's facts model: a set of words or
yes/no, or an interval of numbers or dates (with the model's ``ge``/``le`` bounds: hours are
0-8,784, case dates 1900-2199). Set literals narrow the set; comparisons with constants
narrow the interval; ``known``/``missing`` fix whether the fact is given. Numbers are reals
(facts are floats); dates are whole days, so ``x > d`` becomes ``x >= d + 1 day``.

The answer is ``sat`` (with values for every variable the cube mentions), ``unsat``, or
``unknown`` when the cube also holds opaque literals and its exact part is satisfiable: the
values found then satisfy the exact part only, and are a starting point for the search.
"""

from __future__ import annotations

import types as pytypes
import typing
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from .logic import NEGATE, Compare, Const, InSet, Known, Opaque, ParamRef, Var, apply_op

Status = Literal["sat", "unsat", "unknown"]

FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(2199, 12, 31)


@dataclass(frozen=True)
class Domain:
    kind: str  # bool | enum | string | number | date
    values: frozenset[Any] | None = None  # bool and enum
    low: Any = None  # inclusive bounds of numbers and dates
    high: Any = None


BOOL_DOMAIN = Domain("bool", frozenset({False, True}))
AS_OF_DOMAIN = Domain("date", low=FIRST_DAY, high=LAST_DAY)


@dataclass(frozen=True)
class Pick:
    """What a solution says about one variable: missing, one of some values, or a range.

    ``choose`` prefers a value the case already has (so a witness stays close to a plausible
    generated case) and otherwise takes ``default``."""

    missing: bool = False
    values: tuple[Any, ...] | None = None  # allowed values (words, yes/no), in order
    low: Any = None  # inclusive bounds for numbers and dates
    high: Any = None
    excluded: frozenset[Any] = frozenset()
    default: Any = None

    def accepts(self, value: Any) -> bool:
        if self.missing:
            return value is None
        if value is None or value in self.excluded:
            return False
        if self.values is not None:
            return value in self.values
        if self.low is not None and not _ordered_ge(value, self.low):
            return False
        return self.high is None or _ordered_ge(self.high, value)

    def choose(self, preferred: Any = None) -> Any:
        if self.missing:
            return None
        if preferred is not None and self.accepts(preferred):
            return preferred
        return self.default


def _ordered_ge(a: Any, b: Any) -> bool:
    try:
        return bool(a >= b)
    except TypeError:
        return False


@dataclass
class Solution:
    status: Status
    picks: dict[str, Pick] = field(default_factory=dict)

    def values(self) -> dict[str, Any]:
        return {var: pick.choose() for var, pick in self.picks.items()}


def fact_domains(model: type[BaseModel], prefix: str = "") -> dict[str, Domain]:
    """Every scalar fact path of a facts model with its domain (lists are not descended)."""
    found: dict[str, Domain] = {}
    for name, info in model.model_fields.items():
        path = f"{prefix}{name}"
        base, bounds = _unwrap(info.annotation, list(info.metadata))
        if isinstance(base, type) and issubclass(base, BaseModel):
            found.update(fact_domains(base, path + "."))
            continue
        domain = _domain(base, bounds)
        if domain is not None:
            found[path] = domain
    return found


def _unwrap(annotation: Any, metadata: list[Any]) -> tuple[Any, list[Any]]:
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, pytypes.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return _unwrap(args[0], metadata)
        return annotation, metadata
    if origin is typing.Annotated:
        base, *extra = typing.get_args(annotation)
        more = list(metadata)
        for item in extra:
            more.extend(item.metadata if isinstance(item, FieldInfo) else [item])
        return _unwrap(base, more)
    return annotation, metadata


def _domain(base: Any, bounds: list[Any]) -> Domain | None:
    low = high = None
    for item in bounds:
        # annotated_types.Ge / Le, as pydantic's Field(ge=…, le=…) records them
        if type(item).__name__ == "Ge":
            low = item.ge
        elif type(item).__name__ == "Le":
            high = item.le
    if typing.get_origin(base) is Literal:
        return Domain("enum", frozenset(typing.get_args(base)))
    if base is bool:
        return BOOL_DOMAIN
    if base is date:
        return Domain("date", low=low or FIRST_DAY, high=high or LAST_DAY)
    if base in (int, float):
        return Domain("number", low=low, high=high)
    if base is str:
        return Domain("string")
    return None


@dataclass
class _State:
    known: bool | None = None
    allowed: frozenset[Any] | None = None
    excluded: set[Any] = field(default_factory=set)
    lo: Any = None
    lo_strict: bool = False
    hi: Any = None
    hi_strict: bool = False
    ne: set[Any] = field(default_factory=set)

    def need(self, known: bool) -> bool:
        if self.known is not None and self.known != known:
            return False
        self.known = known
        return True

    def bound(self, op: str, value: Any) -> None:
        if op in (">", ">=", "=="):
            strict = op == ">"
            if self.lo is None or value > self.lo or (value == self.lo and strict):
                self.lo, self.lo_strict = value, strict
        if op in ("<", "<=", "=="):
            strict = op == "<"
            if self.hi is None or value < self.hi or (value == self.hi and strict):
                self.hi, self.hi_strict = value, strict
        if op == "!=":
            self.ne.add(value)


def solve(
    cube: Iterable[tuple[Any, bool]],
    domains: Mapping[str, Domain],
    params: Mapping[str, Any],
) -> Solution:
    """Is the cube satisfiable, given parameter values (one epoch) and variable domains?"""
    states: dict[str, _State] = {}
    opaque = False

    def state(var: str) -> _State:
        found = states.get(var)
        if found is None:
            found = states[var] = _State()
        return found

    for atom, positive in cube:
        if isinstance(atom, Opaque):
            opaque = True
        elif isinstance(atom, Known):
            if not state(atom.var).need(positive):
                return Solution("unsat")
        elif isinstance(atom, InSet):
            st = state(atom.var)
            if not st.need(True):
                return Solution("unsat")
            if positive:
                st.allowed = atom.values if st.allowed is None else st.allowed & atom.values
            else:
                st.excluded |= atom.values
        elif isinstance(atom, Compare):
            left = _resolve(atom.left, params)
            right = _resolve(atom.right, params)
            op = atom.op if positive else NEGATE[atom.op]
            if isinstance(left, Const) and isinstance(right, Const):
                if left.value is None or right.value is None:
                    return Solution("unsat")  # unknown: neither true nor false
                if not apply_op(left.value, op, right.value):
                    return Solution("unsat")
            elif isinstance(left, Var) and isinstance(right, Const):
                st = state(left.path)
                if right.value is None or not st.need(True):
                    return Solution("unsat")
                domain = domains.get(left.path)
                if domain is not None and domain.kind in ("bool", "enum", "string"):
                    if op == "==":
                        values = frozenset({right.value})
                        st.allowed = values if st.allowed is None else st.allowed & values
                    elif op == "!=":
                        st.excluded.add(right.value)
                    else:
                        opaque = True
                else:
                    st.bound(op, right.value)
            else:
                opaque = True
                for term in (left, right):
                    if isinstance(term, Var) and not state(term.path).need(True):
                        return Solution("unsat")
        else:  # pragma: no cover - every atom kind is handled above
            opaque = True

    picks: dict[str, Pick] = {}
    for var, st in states.items():
        domain = domains.get(var) or (AS_OF_DOMAIN if var == "as_of" else Domain("string"))
        pick = _pick(st, domain)
        if pick is None:
            return Solution("unsat")
        picks[var] = pick
    return Solution("unknown" if opaque else "sat", picks)


def _resolve(term: Any, params: Mapping[str, Any]) -> Any:
    if isinstance(term, ParamRef):
        return Const(params.get(term.name))
    return term


def _pick(st: _State, domain: Domain) -> Pick | None:
    """The values that meet the variable's constraints, or None if there are none."""
    if st.known is False:
        return Pick(missing=True)
    if domain.kind in ("bool", "enum"):
        pool = set(domain.values or ()) if st.allowed is None else set(st.allowed)
        if domain.values is not None:
            pool &= domain.values
        pool -= st.excluded
        if not pool:
            return None
        ordered = tuple(sorted(pool, key=str))
        return Pick(values=ordered, default=ordered[0])
    if domain.kind == "string":
        if st.allowed is not None:
            pool = set(st.allowed) - st.excluded
            ordered = tuple(sorted(pool))
            return Pick(values=ordered, default=ordered[0]) if pool else None
        word = "other"
        while word in st.excluded:
            word += "_"
        return Pick(excluded=frozenset(st.excluded), default=word)
    st.ne |= st.excluded  # numbers and dates: "not in [...]" excludes points
    if st.allowed is not None:  # "in [...]" on a number or date: one of the points listed
        points = [v for v in sorted(st.allowed) if v not in st.ne and _in_bounds(st, domain, v)]
        return Pick(values=tuple(points), default=points[0]) if points else None
    if domain.kind == "date":
        return _pick_date(st, domain)
    return _pick_number(st, domain)


def _in_bounds(st: _State, domain: Domain, value: Any) -> bool:
    for bound, strict, above in (
        (domain.low, False, True),
        (domain.high, False, False),
        (st.lo, st.lo_strict, True),
        (st.hi, st.hi_strict, False),
    ):
        if bound is None:
            continue
        if above and (value < bound or (strict and value == bound)):
            return False
        if not above and (value > bound or (strict and value == bound)):
            return False
    return True


def _pick_date(st: _State, domain: Domain) -> Pick | None:
    lo = (domain.low or FIRST_DAY).toordinal()
    hi = (domain.high or LAST_DAY).toordinal()
    if st.lo is not None:
        lo = max(lo, st.lo.toordinal() + (1 if st.lo_strict else 0))
    if st.hi is not None:
        hi = min(hi, st.hi.toordinal() - (1 if st.hi_strict else 0))
    if lo > hi:
        return None
    excluded = {d.toordinal() for d in st.ne}
    # a plausible default: 2020-01-01 when allowed, else the nearest end of the range
    day = min(max(date(2020, 1, 1).toordinal(), lo), hi)
    step = 1 if day < hi else -1
    while day in excluded and lo <= day <= hi:
        day += step
    if not lo <= day <= hi:
        return None
    return Pick(
        low=date.fromordinal(lo),
        high=date.fromordinal(hi),
        excluded=frozenset(st.ne),
        default=date.fromordinal(day),
    )


def _pick_number(st: _State, domain: Domain) -> Pick | None:
    lo, lo_strict, hi, hi_strict = domain.low, False, domain.high, False
    if st.lo is not None and (lo is None or st.lo > lo or (st.lo == lo and st.lo_strict)):
        lo, lo_strict = st.lo, st.lo_strict
    if st.hi is not None and (hi is None or st.hi < hi or (st.hi == hi and st.hi_strict)):
        hi, hi_strict = st.hi, st.hi_strict
    if lo is not None and hi is not None and (lo > hi or (lo == hi and (lo_strict or hi_strict))):
        return None
    candidates: list[float] = []
    if lo is not None and not lo_strict:
        candidates.append(float(lo))
    if hi is not None and not hi_strict:
        candidates.append(float(hi))
    if lo is not None and hi is not None:
        mid = (float(lo) + float(hi)) / 2
        width = (float(hi) - float(lo)) / 4
        candidates.extend([float(lo) + 1, float(hi) - 1])
        candidates.extend(mid + width * k / (len(st.ne) + 2) for k in range(len(st.ne) + 2))
    elif lo is not None:
        candidates.extend(float(lo) + k for k in range(1, len(st.ne) + 3))
    elif hi is not None:
        candidates.extend(float(hi) - k for k in range(1, len(st.ne) + 3))
    else:
        candidates.extend(float(k) for k in range(len(st.ne) + 2))
    excluded = frozenset(float(v) for v in st.ne)
    # strict bounds stay exact for ``accepts`` by nudging the range inwards
    low = None if lo is None else (float(lo) + 1e-9 if lo_strict else float(lo))
    high = None if hi is None else (float(hi) - 1e-9 if hi_strict else float(hi))
    for value in candidates:
        if value in excluded:
            continue
        if (low is not None and value < low) or (high is not None and value > high):
            continue
        return Pick(low=low, high=high, excluded=excluded, default=value)
    return None


__all__ = ["Domain", "Pick", "Solution", "fact_domains", "solve"]
