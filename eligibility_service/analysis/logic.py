"""Rule conditions as formulas in disjunctive normal form, for exact reasoning about them.

The exact half of the analysis (see :mod:`.exact`) needs to know when two conditions can
both be true. It works on *atoms* it understands — a fact (or policy choice, or the as-of
date) among a set of values, a fact compared with a constant or a parameter, a fact being
given or not — and treats everything else (comparisons of two computed dates, quantifiers
over lists, arithmetic) as an *opaque* atom, true or false for reasons it does not model.

Conversion follows the engine's three-valued (Kleene) logic. A formula stands for "the
condition is **true**": a positive literal means its atom is true, a negative literal means
its atom is **false**, so both need the facts it reads to be known (``not (x < 5)`` holds
for ``x = 7``, never for an unknown ``x``). De Morgan's laws and distribution are valid in
Kleene logic, so the DNF is true exactly when the condition is. Definitions are inlined;
``if … then … else`` and ``coalesce`` inside comparisons become case splits
(``coalesce(x, 'a') == 'b'`` is ``(known(x) and x == 'b') or (missing(x) and 'a' == 'b')``).

The DNF of a large definition can explode; past ``cap`` cubes the conversion gives up
(:class:`TooComplex`) and the caller retries with definitions kept opaque, then with the
whole condition opaque. Parameters stay symbolic (:class:`ParamRef`): their value depends on
the as-of date, which the solver fixes per *epoch* (a span in which no parameter changes).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from ..rules.compiled import CompiledDefinition
from ..rules.expr import ast
from ..rules.expr.types import Type

# --- terms: what a comparison compares ------------------------------------------------------


@dataclass(frozen=True)
class Var:
    """A fact path (``employee.hire_date``), ``choice.NAME`` or ``as_of``."""

    path: str


@dataclass(frozen=True)
class Const:
    value: Any


@dataclass(frozen=True)
class ParamRef:
    """A parameter's value on the as-of date (constant within an epoch)."""

    name: str


@dataclass(frozen=True)
class OpaqueTerm:
    """A value the solver does not model (a computed date, a sum, …), by its syntax."""

    node: ast.Node


Term = Var | Const | ParamRef | OpaqueTerm

# --- atoms ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class InSet:
    """``var`` is known and one of ``values`` (enumerations, yes/no, words)."""

    var: str
    values: frozenset[Any]


@dataclass(frozen=True)
class Compare:
    """``left op right`` on numbers or dates; true only if both sides are known."""

    left: Term
    op: str
    right: Term


@dataclass(frozen=True)
class Known:
    """``var`` was given (``known(var)``); its negation is ``missing(var)``."""

    var: str


@dataclass(frozen=True)
class Opaque:
    """Anything else, identified by its syntax so ``x`` and ``not x`` still contradict."""

    key: Hashable


Atom = InSet | Compare | Known | Opaque
Lit = tuple[Atom, bool]  # (atom, True) = the atom is true; (atom, False) = it is false
Cube = frozenset[Lit]
DNF = tuple[Cube, ...]

TRUE: DNF = (frozenset(),)
FALSE: DNF = ()

_FLIP = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!="}
NEGATE = {"<": ">=", "<=": ">", ">": "<=", ">=": "<", "==": "!=", "!=": "=="}
_CMP_OPS = frozenset(_FLIP)


class TooComplex(Exception):
    """The DNF would have more cubes than the cap allows."""


def consistent(cube: Cube) -> bool:
    """Cheap contradiction test used while building DNFs (the solver does the full one)."""
    sets: dict[str, frozenset[Any]] = {}
    known: dict[str, bool] = {}
    for atom, positive in cube:
        if (atom, not positive) in cube:
            return False
        if isinstance(atom, InSet):
            if known.get(atom.var) is False:
                return False
            known[atom.var] = True
            if positive:
                now = sets.get(atom.var)
                now = atom.values if now is None else now & atom.values
                if not now:
                    return False
                sets[atom.var] = now
        elif isinstance(atom, Known):
            if known.get(atom.var, positive) != positive:
                return False
            known[atom.var] = positive
    return True


def literal_params(lit: Lit) -> set[str]:
    atom = lit[0]
    if isinstance(atom, Compare):
        return {t.name for t in (atom.left, atom.right) if isinstance(t, ParamRef)}
    return set()


class Normalizer:
    """Turns the expressions of one question of one rule set into DNFs over atoms."""

    def __init__(
        self,
        definitions: Mapping[str, CompiledDefinition],
        facts_type: Type,
        param_at: Callable[[str, date], Any],
        cap: int = 256,
        inline: bool = True,
    ) -> None:
        self.definitions = definitions
        self.facts_type = facts_type
        self.param_at = param_at  # the parameter's value on a date
        self.cap = cap
        self.inline = inline
        self._memo: dict[tuple[int, bool], DNF] = {}
        self._terms: dict[int, list[tuple[DNF, Term]]] = {}
        self._keep: list[ast.Node] = []  # nodes whose id() keys the memo stay alive

    # -- DNF algebra -------------------------------------------------------------------------

    def conj(self, a: DNF, b: DNF) -> DNF:
        out: dict[Cube, None] = {}
        for x in a:
            for y in b:
                cube = x | y
                if consistent(cube):
                    out[cube] = None
                    if len(out) > self.cap:
                        raise TooComplex
        return _absorb(tuple(out))

    def disj(self, a: DNF, b: DNF) -> DNF:
        out = dict.fromkeys(a + b)
        if len(out) > self.cap:
            raise TooComplex
        return _absorb(tuple(out))

    # -- boolean expressions -----------------------------------------------------------------

    def dnf(self, node: ast.Node, positive: bool = True) -> DNF:
        key = (id(node), positive)
        found = self._memo.get(key)
        if found is None:
            self._keep.append(node)
            found = self._dnf(node, positive)
            self._memo[key] = found
        return found

    def _lit(self, atom: Atom, positive: bool) -> DNF:
        return (frozenset({(atom, positive)}),)

    def _dnf(self, node: ast.Node, positive: bool) -> DNF:
        if isinstance(node, ast.Literal):
            if isinstance(node.value, bool):
                return TRUE if node.value == positive else FALSE
            return FALSE  # null (unknown) is never true, nor false
        if isinstance(node, ast.Unary) and node.op == "not":
            return self.dnf(node.operand, not positive)
        if isinstance(node, ast.Binary) and node.op in ("and", "or"):
            left = self.dnf(node.left, positive)
            right = self.dnf(node.right, positive)
            if (node.op == "and") == positive:
                return self.conj(left, right)
            return self.disj(left, right)
        if isinstance(node, ast.Binary) and node.op in _CMP_OPS:
            return self._compare(node, positive)
        if isinstance(node, ast.InList):
            return self._in_list(node, positive)
        if isinstance(node, ast.IfElse):
            then = self.conj(self.dnf(node.cond, True), self.dnf(node.then, positive))
            other = self.conj(self.dnf(node.cond, False), self.dnf(node.other, positive))
            return self.disj(then, other)
        if isinstance(node, ast.Call) and node.name in ("known", "missing") and node.args:
            alts = self.terms(node.args[0])
            if len(alts) == 1 and alts[0][0] == TRUE and isinstance(alts[0][1], Var):
                want = positive if node.name == "known" else not positive
                return self._lit(Known(alts[0][1].path), want)
            return self._lit(Opaque(node), positive)
        if isinstance(node, ast.Path):
            return self._bool_path(node, positive)
        return self._lit(Opaque(node), positive)

    def _bool_path(self, node: ast.Path, positive: bool) -> DNF:
        head = node.parts[0]
        if len(node.parts) == 1 and head in self.definitions:
            if self.inline:
                return self.dnf(self.definitions[head].expr.node, positive)
            return self._lit(Opaque(node), positive)
        alts = self.terms(node)
        if len(alts) == 1 and isinstance(alts[0][1], Var):
            return self._lit(InSet(alts[0][1].path, frozenset({True})), positive)
        if len(alts) == 1 and isinstance(alts[0][1], ParamRef):
            return self._lit(Compare(alts[0][1], "==", Const(True)), positive)
        return self._lit(Opaque(node), positive)

    def _in_list(self, node: ast.InList, positive: bool) -> DNF:
        values = frozenset(o.value for o in node.options if isinstance(o, ast.Literal))
        want = positive != node.negated
        result: DNF = FALSE
        for guard, term in self.terms(node.item):
            if isinstance(term, Var):
                lit = self._lit(InSet(term.path, values), want)
            elif isinstance(term, Const):
                if term.value is None:
                    continue
                lit = TRUE if (term.value in values) == want else FALSE
            else:
                lit = self._lit(Opaque(("in", term, values)), want)
            result = self.disj(result, self.conj(guard, lit))
        return result

    def _compare(self, node: ast.Binary, positive: bool) -> DNF:
        result: DNF = FALSE
        for lguard, left in self.terms(node.left):
            for rguard, right in self.terms(node.right):
                guard = self.conj(lguard, rguard)
                if not guard:
                    continue
                result = self.disj(
                    result, self.conj(guard, self.atom(left, node.op, right, positive))
                )
        return result

    def atom(self, left: Term, op: str, right: Term, positive: bool) -> DNF:
        """The literal ``left op right`` (or its falsity), in the solver's terms."""
        if isinstance(left, Const | ParamRef) and isinstance(right, Var):
            left, op, right = right, _FLIP[op], left
        if isinstance(left, Const) and isinstance(right, Const):
            if left.value is None or right.value is None:
                return FALSE
            return TRUE if apply_op(left.value, op, right.value) == positive else FALSE
        if (
            isinstance(left, Var)
            and isinstance(right, Const)
            and isinstance(right.value, bool | str)
            and op in ("==", "!=")
        ):
            return self._lit(InSet(left.path, frozenset({right.value})), positive == (op == "=="))
        if isinstance(left, OpaqueTerm) or isinstance(right, OpaqueTerm):
            return self._lit(Opaque(("cmp", left, op, right)), positive)
        return self._lit(Compare(left, op, right), positive)

    # -- terms -------------------------------------------------------------------------------

    def terms(self, node: ast.Node) -> list[tuple[DNF, Term]]:
        """The values ``node`` can take, each with the condition under which it takes it."""
        found = self._terms.get(id(node))
        if found is None:
            self._keep.append(node)
            found = self._term_alternatives(node)
            if len(found) > 16:
                found = [(TRUE, OpaqueTerm(node))]
            self._terms[id(node)] = found
        return found

    def _term_alternatives(self, node: ast.Node) -> list[tuple[DNF, Term]]:
        if isinstance(node, ast.Literal):
            return [(TRUE, Const(node.value))]
        if isinstance(node, ast.Path):
            return self._path_term(node)
        if isinstance(node, ast.ParamAt):
            if isinstance(node.on, ast.Literal) and isinstance(node.on.value, date):
                return [(TRUE, Const(self.param_at(node.name, node.on.value)))]
            return [(TRUE, OpaqueTerm(node))]
        if isinstance(node, ast.Unary) and node.op == "-":
            inner = self.terms(node.operand)
            if len(inner) == 1 and isinstance(inner[0][1], Const) and inner[0][1].value is not None:
                return [(inner[0][0], Const(-inner[0][1].value))]
            return [(TRUE, OpaqueTerm(node))]
        if isinstance(node, ast.IfElse):
            out: list[tuple[DNF, Term]] = []
            for branch, positive in ((node.then, True), (node.other, False)):
                cond = self.dnf(node.cond, positive)
                for guard, term in self.terms(branch):
                    both = self.conj(cond, guard)
                    if both:
                        out.append((both, term))
            return out
        if isinstance(node, ast.Call) and node.name == "coalesce":
            return self._coalesce(node)
        return [(TRUE, OpaqueTerm(node))]

    def _path_term(self, node: ast.Path) -> list[tuple[DNF, Term]]:
        head, rest = node.parts[0], node.parts[1:]
        if head == "param" and len(rest) == 1:
            return [(TRUE, ParamRef(rest[0]))]
        if head == "choice" and len(rest) == 1:
            return [(TRUE, Var(node.dotted))]
        if head == "as_of" and not rest:
            return [(TRUE, Var("as_of"))]
        if head in self.definitions:
            if not rest and self.inline:
                return self.terms(self.definitions[head].expr.node)
            return [(TRUE, OpaqueTerm(node))]
        typ = field_type(self.facts_type, node.parts)
        if typ is None or typ.kind in ("record", "list"):
            return [(TRUE, OpaqueTerm(node))]
        return [(TRUE, Var(node.dotted))]

    def _coalesce(self, node: ast.Call) -> list[tuple[DNF, Term]]:
        out: list[tuple[DNF, Term]] = []
        before: DNF = TRUE  # every earlier argument is missing
        for arg in node.args:
            alts = self.terms(arg)
            if len(alts) != 1 or alts[0][0] != TRUE:
                return [(TRUE, OpaqueTerm(node))]
            term = alts[0][1]
            if isinstance(term, Const):
                if term.value is not None:
                    out.append((before, term))
                    return out
                continue
            if not isinstance(term, Var):
                return [(TRUE, OpaqueTerm(node))]
            out.append((self.conj(before, self._lit(Known(term.path), True)), term))
            before = self.conj(before, self._lit(Known(term.path), False))
        return out


def _absorb(cubes: DNF) -> DNF:
    """Drop cubes that contain another cube (they add nothing to the disjunction)."""
    if len(cubes) < 2 or len(cubes) > 200:
        return cubes
    ordered = sorted(cubes, key=len)
    kept: list[Cube] = []
    for cube in ordered:
        if not any(k <= cube for k in kept):
            kept.append(cube)
    return tuple(kept)


def apply_op(left: Any, op: str, right: Any) -> bool:
    try:
        if op == "==":
            return bool(left == right)
        if op == "!=":
            return bool(left != right)
        if op == "<":
            return bool(left < right)
        if op == "<=":
            return bool(left <= right)
        if op == ">":
            return bool(left > right)
        return bool(left >= right)
    except TypeError:
        return False


def field_type(facts_type: Type, parts: tuple[str, ...] | list[str]) -> Type | None:
    typ: Type | None = facts_type
    for part in parts:
        if typ is None or typ.kind != "record":
            return None
        typ = typ.field(part)
    return typ
