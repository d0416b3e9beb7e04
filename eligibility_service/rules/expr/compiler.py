"""Type-check an expression AST and compile it into a Python closure.

Compilation happens once per rule set, at load. The closures take one argument, the
per-evaluation :class:`Env`, and implement three-valued logic: ``None`` means *unknown* (a
fact the caller did not provide). ``and``/``or`` follow Kleene's rules, so ``false and
unknown`` is false and a rule that does not depend on a missing fact still decides.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from . import ast
from .functions import FUNCTIONS
from .types import BOOL, DATE, NULL, NUMBER, STRING, Type, same_kind

Compiled = Callable[["Env"], Any]
PROGRAM = Type("string", enum=frozenset({"state", "local"}))


class ExpressionTypeError(ValueError):
    """An expression is well-formed but wrong: unknown name, mismatched types, bad enum."""


class LazyValues(dict[str, Any]):
    """A question's definitions, each evaluated the first time a rule reads it.

    Most decisions read a fraction of their question's definitions (a marriage does not need
    the adoption dates), so evaluating on first use rather than all up front saves most of
    that work; the value is then kept, so each is still evaluated at most once.
    """

    __slots__ = ("_env", "_fns")

    def __init__(self, env: Env, fns: Mapping[str, Callable[[Env], Any]]) -> None:
        super().__init__()
        self._env = env
        self._fns = fns

    def __missing__(self, name: str) -> Any:
        value = self._fns[name](self._env)
        self[name] = value
        return value


class Env:
    """Everything one evaluation may read. Built per request; never shared across threads."""

    __slots__ = ("as_of", "choices", "facts", "param_at", "params", "program", "values", "vars")

    def __init__(
        self,
        facts: Mapping[str, Any],
        params: Mapping[str, Any],
        choices: Mapping[str, str],
        as_of: date,
        param_at: Callable[[str, date], Any],
        program: str = "",
        definitions: Mapping[str, Callable[[Env], Any]] | None = None,
    ) -> None:
        self.program = program
        self.facts = facts
        self.params = params
        self.choices = choices
        self.as_of = as_of
        self.param_at = param_at
        self.values: dict[str, Any] = LazyValues(self, definitions or {})
        self.vars: dict[str, Any] = {}


@dataclass
class Scope:
    """What names an expression may use, and their types."""

    facts: Type
    params: Mapping[str, Type]
    choices: Mapping[str, Type]
    values: Mapping[str, Type]  # definitions evaluated before this expression
    loop: dict[str, tuple[Type, str]] = field(default_factory=dict)  # var -> (type, fact path)


@dataclass
class Refs:
    """Names an expression reads: fact paths (``a.b``, lists as ``a.list[].x``) and values."""

    facts: set[str] = field(default_factory=set)
    values: set[str] = field(default_factory=set)
    params: set[str] = field(default_factory=set)
    choices: set[str] = field(default_factory=set)
    # parameters passed where a function validates its argument: name -> validator
    param_checks: dict[str, Callable[[Any], object]] = field(default_factory=dict)


@dataclass(frozen=True)
class CompiledExpr:
    fn: Compiled
    type: Type
    refs: Refs
    node: ast.Node  # kept for explanations (which missing facts made a rule unknown)


def compile_expression(node: ast.Node, scope: Scope) -> CompiledExpr:
    refs = Refs()
    typ, fn = _compile(node, scope, refs)
    return CompiledExpr(fn, typ, refs, node)


# ---------------------------------------------------------------------------------------------


def _getter(keys: tuple[str, ...], root: Callable[[Env], Any]) -> Compiled:
    """A closure walking nested dicts; any missing level is unknown (None)."""
    if len(keys) == 0:
        return root
    if len(keys) == 1:
        (k1,) = keys

        def get1(env: Env) -> Any:
            obj = root(env)
            return None if obj is None else obj.get(k1)

        return get1
    if len(keys) == 2:
        k1, k2 = keys

        def get2(env: Env) -> Any:
            obj = root(env)
            if obj is None:
                return None
            obj = obj.get(k1)
            return None if obj is None else obj.get(k2)

        return get2

    def get_n(env: Env) -> Any:
        obj = root(env)
        for k in keys:
            if obj is None:
                return None
            obj = obj.get(k)
        return obj

    return get_n


def _fact_getter(keys: tuple[str, ...]) -> Compiled:
    """Read a fact straight from ``env.facts`` (the hottest closure: no extra call)."""
    if len(keys) == 1:
        (k1,) = keys
        return lambda env: env.facts.get(k1)
    if len(keys) == 2:
        k1, k2 = keys

        def fact2(env: Env) -> Any:
            obj = env.facts.get(k1)
            return None if obj is None else obj.get(k2)

        return fact2
    return _getter(keys, lambda env: env.facts)


def _walk_fields(typ: Type, parts: tuple[str, ...], shown: str) -> Type:
    for part in parts:
        if typ.kind != "record":
            raise ExpressionTypeError(f"{shown!r}: {part!r} is read from a {typ}, not a record")
        nxt = typ.field(part)
        if nxt is None:
            known = ", ".join(k for k, _ in typ.fields)
            raise ExpressionTypeError(f"{shown!r}: no fact {part!r} here (known: {known})")
        typ = nxt
    return typ


def _compile_path(node: ast.Path, scope: Scope, refs: Refs) -> tuple[Type, Compiled]:
    head, rest = node.parts[0], node.parts[1:]
    shown = node.dotted
    if head in scope.loop:
        item_type, fact_path = scope.loop[head]
        typ = _walk_fields(item_type, rest, shown)
        refs.facts.add(".".join((fact_path, *rest)) if rest else fact_path)
        var = head
        return typ, _getter(rest, lambda env: env.vars.get(var))
    if head == "param":
        if len(rest) != 1:
            raise ExpressionTypeError(f"{shown!r}: write param.NAME")
        name = rest[0]
        if name not in scope.params:
            raise ExpressionTypeError(f"unknown parameter {name!r}")
        refs.params.add(name)
        return scope.params[name], lambda env: env.params[name]
    if head == "choice":
        if len(rest) != 1:
            raise ExpressionTypeError(f"{shown!r}: write choice.NAME")
        name = rest[0]
        if name not in scope.choices:
            raise ExpressionTypeError(f"unknown policy choice {name!r}")
        refs.choices.add(name)
        return scope.choices[name], lambda env: env.choices[name]
    if head == "as_of":
        if rest:
            raise ExpressionTypeError("as_of is a date and has no fields")
        return DATE, lambda env: env.as_of
    if head == "program":  # the rule set's program: lets a shared module tell State from Local
        if rest:
            raise ExpressionTypeError("program is a word and has no fields")
        return PROGRAM, lambda env: env.program
    if head in scope.values:
        refs.values.add(head)
        typ = _walk_fields(scope.values[head], rest, shown)
        value_name = head
        return typ, _getter(rest, lambda env: env.values[value_name])
    typ = _walk_fields(scope.facts, node.parts, shown)
    refs.facts.add(shown)
    return typ, _fact_getter(node.parts)


_CMP: dict[str, Callable[[Any, Any], bool]] = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


def _check_enum(typ: Type, other: ast.Node) -> None:
    if (
        typ.enum
        and isinstance(other, ast.Literal)
        and isinstance(other.value, str)
        and other.value not in typ.enum
    ):
        allowed = ", ".join(repr(v) for v in sorted(typ.enum))
        raise ExpressionTypeError(f"{other.value!r} is not a possible value (one of {allowed})")


def _compile(node: ast.Node, scope: Scope, refs: Refs) -> tuple[Type, Compiled]:
    if isinstance(node, ast.Literal):
        value = node.value
        if value is None:
            return NULL, lambda env: None
        if isinstance(value, bool):
            return BOOL, lambda env: value
        if isinstance(value, int | float):
            return NUMBER, lambda env: value
        if isinstance(value, date):
            return DATE, lambda env: value
        return STRING, lambda env: value

    if isinstance(node, ast.Path):
        return _compile_path(node, scope, refs)

    if isinstance(node, ast.ParamAt):
        if node.name not in scope.params:
            raise ExpressionTypeError(f"unknown parameter {node.name!r}")
        refs.params.add(node.name)
        on_type, on_fn = _compile(node.on, scope, refs)
        if on_type.kind != "date":
            raise ExpressionTypeError(f"param.{node.name} @ … needs a date, got {on_type}")
        pname = node.name

        def param_at(env: Env) -> Any:
            on = on_fn(env)
            return None if on is None else env.param_at(pname, on)

        return scope.params[pname], param_at

    if isinstance(node, ast.Unary):
        typ, fn = _compile(node.operand, scope, refs)
        if node.op == "not":
            if typ.kind != "bool":
                raise ExpressionTypeError(f"'not' needs a yes/no value, got {typ}")
            return BOOL, lambda env: None if (v := fn(env)) is None else not v
        if typ.kind != "number":
            raise ExpressionTypeError(f"'-' needs a number, got {typ}")
        return NUMBER, lambda env: None if (v := fn(env)) is None else -v

    if isinstance(node, ast.Binary):
        return _compile_binary(node, scope, refs)

    if isinstance(node, ast.InList):
        typ, fn = _compile(node.item, scope, refs)
        values = []
        for opt in node.options:
            if not isinstance(opt, ast.Literal) or opt.value is None:
                raise ExpressionTypeError("the list after 'in' must hold literal values")
            otype, _ = _compile(opt, scope, refs)
            if not same_kind(typ, otype):
                raise ExpressionTypeError(f"cannot look for a {typ} among {otype} values")
            _check_enum(typ, opt)
            values.append(opt.value)
        options = frozenset(values)
        negated = node.negated
        return BOOL, lambda env: None if (v := fn(env)) is None else ((v in options) != negated)

    if isinstance(node, ast.Call):
        return _compile_call(node, scope, refs)

    if isinstance(node, ast.Quantifier):
        return _compile_quantifier(node, scope, refs)

    if isinstance(node, ast.IfElse):
        ctype, cfn = _compile(node.cond, scope, refs)
        if ctype.kind != "bool":
            raise ExpressionTypeError(f"'if' needs a yes/no condition, got {ctype}")
        ttype, tfn = _compile(node.then, scope, refs)
        etype, efn = _compile(node.other, scope, refs)
        if not same_kind(ttype, etype):
            raise ExpressionTypeError(f"'then' gives {ttype} but 'else' gives {etype}")
        result = ttype if ttype.kind != "null" else etype

        def if_else(env: Env) -> Any:
            c = cfn(env)
            if c is None:
                return None
            return tfn(env) if c else efn(env)

        return result, if_else

    raise ExpressionTypeError(f"unsupported construct {type(node).__name__}")


def _flatten(node: ast.Node, op: str) -> list[ast.Node]:
    if isinstance(node, ast.Binary) and node.op == op:
        return [*_flatten(node.left, op), *_flatten(node.right, op)]
    return [node]


def _compile_junction(node: ast.Binary, scope: Scope, refs: Refs) -> tuple[Type, Compiled]:
    """``a and b and c`` as one closure over all terms (Kleene logic, left to right)."""
    terms = []
    for term in _flatten(node, node.op):
        ttype, tfn = _compile(term, scope, refs)
        if ttype.kind != "bool":
            raise ExpressionTypeError(f"'{node.op}' joins yes/no values, got {ttype}")
        terms.append(tfn)
    fns = tuple(terms)
    if node.op == "and":

        def and_(env: Env) -> Any:
            unknown = False
            for f in fns:
                v = f(env)
                if v is False:
                    return False
                if v is None:
                    unknown = True
            return None if unknown else True

        return BOOL, and_

    def or_(env: Env) -> Any:
        unknown = False
        for f in fns:
            v = f(env)
            if v is True:
                return True
            if v is None:
                unknown = True
        return None if unknown else False

    return BOOL, or_


def _compile_binary(node: ast.Binary, scope: Scope, refs: Refs) -> tuple[Type, Compiled]:
    if node.op in ("and", "or"):
        return _compile_junction(node, scope, refs)
    ltype, lf = _compile(node.left, scope, refs)
    rtype, rf = _compile(node.right, scope, refs)
    op = node.op
    if op in _CMP:
        if NULL in (ltype, rtype):
            raise ExpressionTypeError("compare with null is always unknown; use missing(x)")
        if ltype.kind != rtype.kind:
            raise ExpressionTypeError(f"cannot compare {ltype} with {rtype}")
        if ltype.kind in ("list", "record"):
            raise ExpressionTypeError(f"cannot compare {ltype} values")
        if op not in ("==", "!=") and ltype.kind in ("bool", "string"):
            raise ExpressionTypeError(f"'{op}' orders numbers and dates, not {ltype}")
        _check_enum(ltype, node.right)
        _check_enum(rtype, node.left)
        cmp = _CMP[op]
        if isinstance(node.right, ast.Literal):
            const = node.right.value

            def compare_const(env: Env) -> Any:
                a = lf(env)
                return None if a is None else cmp(a, const)

            return BOOL, compare_const

        def compare(env: Env) -> Any:
            a = lf(env)
            if a is None:
                return None
            b = rf(env)
            return None if b is None else cmp(a, b)

        return BOOL, compare

    # arithmetic: numbers only; dates move with add_days/add_months, never with '+'.
    if ltype.kind != "number" or rtype.kind != "number":
        hint = (
            " (use add_days, add_months or days_between for dates)"
            if DATE
            in (
                ltype,
                rtype,
            )
            else ""
        )
        raise ExpressionTypeError(f"'{op}' needs numbers, got {ltype} and {rtype}{hint}")
    arith: Callable[[Any, Any], Any] = {
        "+": operator.add,
        "-": operator.sub,
        "*": operator.mul,
        "/": operator.truediv,
    }[op]

    def arithmetic(env: Env) -> Any:
        a = lf(env)
        if a is None:
            return None
        b = rf(env)
        if b is None:
            return None
        if op == "/" and b == 0:
            return None
        return arith(a, b)

    return NUMBER, arithmetic


def _compile_call(node: ast.Call, scope: Scope, refs: Refs) -> tuple[Type, Compiled]:
    func = FUNCTIONS.get(node.name)
    if func is None:
        raise ExpressionTypeError(
            f"unknown function {node.name!r} (known: {', '.join(sorted(FUNCTIONS))})"
        )
    compiled = [_compile(arg, scope, refs) for arg in node.args]
    if func.variadic:
        if not compiled:
            raise ExpressionTypeError(f"{node.name}() needs at least one argument")
    elif len(compiled) != len(func.params):
        raise ExpressionTypeError(
            f"{node.name}() takes {len(func.params)} argument(s), got {len(compiled)}"
        )
    generic: Type | None = None
    for i, (atype, _) in enumerate(compiled):
        want = func.params[0] if func.variadic else func.params[i]
        if isinstance(want, str):
            if generic is None or generic.kind == "null":
                generic = atype
            elif not same_kind(generic, atype):
                raise ExpressionTypeError(f"{node.name}() mixes {generic} and {atype}")
            continue
        if atype.kind != want.kind and atype.kind != "null":
            raise ExpressionTypeError(f"{node.name}() argument {i + 1} must be {want}, got {atype}")
        if want.enum:
            _check_enum(want, node.args[i])
    for i, check in func.checks:
        arg = node.args[i] if i < len(node.args) else None
        if isinstance(arg, ast.Literal) and isinstance(arg.value, str):
            try:
                check(arg.value)
            except ValueError as exc:
                raise ExpressionTypeError(f"{node.name}() argument {i + 1}: {exc}") from None
        elif isinstance(arg, ast.ParamAt):
            refs.param_checks[arg.name] = check
        elif isinstance(arg, ast.Path) and len(arg.parts) == 2 and arg.parts[0] == "param":
            refs.param_checks[arg.parts[1]] = check
    if node.name == "size" and generic is not None and generic.kind != "list":
        raise ExpressionTypeError(f"size() needs a list, got {generic}")
    if (
        node.name in ("min", "max")
        and generic is not None
        and generic.kind
        not in (
            "number",
            "date",
        )
    ):
        raise ExpressionTypeError(f"{node.name}() compares numbers or dates, got {generic}")
    returns = func.returns if isinstance(func.returns, Type) else (generic or NULL)
    fns = [fn for _, fn in compiled]
    impl = func.impl
    if func.null_aware:
        if len(fns) == 1:
            (only,) = fns
            return returns, lambda env: impl(only(env))
        return returns, lambda env: impl(*[f(env) for f in fns])
    if len(fns) == 1:
        (f1,) = fns

        def call1(env: Env) -> Any:
            a = f1(env)
            return None if a is None else impl(a)

        return returns, call1
    if len(fns) == 2:
        f1, f2 = fns

        def call2(env: Env) -> Any:
            a = f1(env)
            if a is None:
                return None
            b = f2(env)
            return None if b is None else impl(a, b)

        return returns, call2

    if len(fns) == 3:
        f1, f2, f3 = fns

        def call3(env: Env) -> Any:
            a = f1(env)
            if a is None:
                return None
            b = f2(env)
            if b is None:
                return None
            c = f3(env)
            return None if c is None else impl(a, b, c)

        return returns, call3

    def call_n(env: Env) -> Any:
        args = [f(env) for f in fns]
        return None if any(a is None for a in args) else impl(*args)

    return returns, call_n


def _compile_quantifier(node: ast.Quantifier, scope: Scope, refs: Refs) -> tuple[Type, Compiled]:
    if not isinstance(node.source, ast.Path):
        raise ExpressionTypeError(f"{node.kind}(x in …) must range over a list of facts")
    stype, sfn = _compile(node.source, scope, refs)
    if stype.kind != "list" or stype.item is None:
        raise ExpressionTypeError(f"{node.kind}(x in {node.source.dotted}) needs a list")
    if node.var in scope.loop or node.var in ("param", "choice", "as_of", "program"):
        raise ExpressionTypeError(f"loop name {node.var!r} is already in use")
    inner = Scope(scope.facts, scope.params, scope.choices, scope.values, dict(scope.loop))
    source_path = node.source.dotted
    if node.source.parts[0] in scope.loop:
        source_path = ".".join((scope.loop[node.source.parts[0]][1], *node.source.parts[1:]))
    inner.loop[node.var] = (stype.item, source_path + "[]")
    btype, bfn = _compile(node.body, inner, refs)
    if btype.kind != "bool":
        raise ExpressionTypeError(f"{node.kind}(…: condition) needs a yes/no condition")
    var, kind = node.var, node.kind

    def quantify(env: Env) -> Any:
        items = sfn(env)
        if items is None:
            return None
        saved = env.vars.get(var)
        unknown = False
        hits = 0
        try:
            for item in items:
                env.vars[var] = item
                v = bfn(env)
                if v is None:
                    unknown = True
                elif v:
                    hits += 1
                    if kind == "any":
                        return True
                elif kind == "all":
                    return False
        finally:
            env.vars[var] = saved
        if unknown:
            return None
        if kind == "count":
            return hits
        return kind == "all"

    return (NUMBER if kind == "count" else BOOL), quantify
