"""Which missing facts make an expression unknown: a provenance-tracking re-evaluation.

The compiled closures only know *that* a value is unknown. When a rule comes out unknown the
engine asks this module *why*: it walks the expression's AST with the same three-valued
semantics, carrying the set of missing fact paths behind each unknown value. ``false and x``
is false whatever ``x`` is, so facts that could not change the answer are never blamed. This
runs only for rules that came out unknown, off the fast path. A test checks that its values
agree with the compiled closures.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from typing import Any

from . import ast
from .compiler import Env
from .functions import FUNCTIONS

Missing = frozenset[str]
NONE: Missing = frozenset()

_OPS: dict[str, Callable[[Any, Any], Any]] = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": operator.truediv,
}


class Explainer:
    """Re-evaluates expressions with provenance; definitions are explained once and cached."""

    def __init__(self, env: Env, definitions: Mapping[str, ast.Node]) -> None:
        self.env = env
        self.definitions = definitions
        self.cache: dict[str, tuple[Any, Missing]] = {}
        self.loop: dict[str, tuple[Any, str]] = {}

    def missing_facts(self, node: ast.Node) -> Missing:
        value, missing = self.eval(node)
        return missing if value is None else NONE

    def eval(self, node: ast.Node) -> tuple[Any, Missing]:
        if isinstance(node, ast.Literal):
            return node.value, NONE
        if isinstance(node, ast.Path):
            return self._path(node)
        if isinstance(node, ast.ParamAt):
            on, miss = self.eval(node.on)
            if on is None:
                return None, miss
            return self.env.param_at(node.name, on), NONE
        if isinstance(node, ast.Unary):
            v, miss = self.eval(node.operand)
            if v is None:
                return None, miss
            return (not v) if node.op == "not" else -v, NONE
        if isinstance(node, ast.Binary):
            return self._binary(node)
        if isinstance(node, ast.InList):
            v, miss = self.eval(node.item)
            if v is None:
                return None, miss
            options = {o.value for o in node.options if isinstance(o, ast.Literal)}
            return (v in options) != node.negated, NONE
        if isinstance(node, ast.IfElse):
            c, miss = self.eval(node.cond)
            if c is None:
                return None, miss
            return self.eval(node.then if c else node.other)
        if isinstance(node, ast.Call):
            return self._call(node)
        if isinstance(node, ast.Quantifier):
            return self._quantifier(node)
        raise TypeError(type(node).__name__)

    def _path(self, node: ast.Path) -> tuple[Any, Missing]:
        head, rest = node.parts[0], node.parts[1:]
        if head in self.loop:
            obj, prefix = self.loop[head]
            path = prefix
        elif head == "param":
            return self.env.params[rest[0]], NONE
        elif head == "choice":
            return self.env.choices[rest[0]], NONE
        elif head == "as_of":
            return self.env.as_of, NONE
        elif head == "program":
            return self.env.program, NONE
        elif head in self.definitions:
            if head not in self.cache:
                self.cache[head] = self.eval(self.definitions[head])
            obj, miss = self.cache[head]
            for part in rest:
                obj = None if obj is None else obj.get(part)
            return obj, miss if obj is None else NONE
        else:
            obj, path, rest = self.env.facts, "", node.parts
        for part in rest:
            path = f"{path}.{part}" if path else part
            obj = None if obj is None else obj.get(part)
            if obj is None:
                return None, frozenset({path})
        return obj, NONE

    def _binary(self, node: ast.Binary) -> tuple[Any, Missing]:
        a, ma = self.eval(node.left)
        if node.op == "and" and a is False:
            return False, NONE
        if node.op == "or" and a is True:
            return True, NONE
        b, mb = self.eval(node.right)
        if node.op == "and":
            if b is False:
                return False, NONE
            return (None, ma | mb) if a is None or b is None else (True, NONE)
        if node.op == "or":
            if b is True:
                return True, NONE
            return (None, ma | mb) if a is None or b is None else (False, NONE)
        if a is None or b is None:
            return None, ma | mb
        if node.op == "/" and b == 0:
            return None, NONE
        return _OPS[node.op](a, b), NONE

    def _call(self, node: ast.Call) -> tuple[Any, Missing]:
        func = FUNCTIONS[node.name]
        args = [self.eval(a) for a in node.args]
        values = [v for v, _ in args]
        if func.null_aware:
            result = func.impl(*values) if func.variadic else func.impl(values[0])
            if result is None:
                return None, frozenset().union(*(m for _, m in args))
            return result, NONE
        if any(v is None for v in values):
            return None, frozenset().union(*(m for v, m in args if v is None))
        return func.impl(*values), NONE

    def _quantifier(self, node: ast.Quantifier) -> tuple[Any, Missing]:
        items, miss = self.eval(node.source)
        if items is None:
            return None, miss
        prefix = _source_path(node.source, self.loop)
        saved = self.loop.get(node.var)
        unknown: Missing = NONE
        hits = 0
        is_unknown = False
        try:
            for i, item in enumerate(items):
                self.loop[node.var] = (item, f"{prefix}[{i}]")
                v, m = self.eval(node.body)
                if v is None:
                    is_unknown, unknown = True, unknown | m
                elif v:
                    hits += 1
                    if node.kind == "any":
                        return True, NONE
                elif node.kind == "all":
                    return False, NONE
        finally:
            if saved is None:
                self.loop.pop(node.var, None)
            else:
                self.loop[node.var] = saved
        if is_unknown:
            return None, unknown
        return (hits, NONE) if node.kind == "count" else (node.kind == "all", NONE)


def _source_path(node: ast.Node, loop: Mapping[str, tuple[Any, str]]) -> str:
    assert isinstance(node, ast.Path)
    if node.parts[0] in loop:
        return ".".join((loop[node.parts[0]][1], *node.parts[1:]))
    return node.dotted
