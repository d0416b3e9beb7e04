"""Expressions written back as analysts write them, for messages (``x in ['a', 'b']``)."""

from __future__ import annotations

from datetime import date

from ..rules.expr import ast

_PRECEDENCE = {"or": 1, "and": 2, "not": 3}


def render(node: ast.Node, outer: int = 0) -> str:
    """The expression's text, parenthesised only where ``and``/``or``/``not`` need it."""
    if isinstance(node, ast.Literal):
        return _literal(node.value)
    if isinstance(node, ast.Path):
        return node.dotted
    if isinstance(node, ast.ParamAt):
        return f"param.{node.name} @ {render(node.on, 4)}"
    if isinstance(node, ast.Unary):
        if node.op == "not":
            return _wrap(f"not {render(node.operand, 3)}", 3, outer)
        return f"-{render(node.operand, 4)}"
    if isinstance(node, ast.Binary):
        level = _PRECEDENCE.get(node.op, 4)
        text = f"{render(node.left, level)} {node.op} {render(node.right, level)}"
        return _wrap(text, level, outer)
    if isinstance(node, ast.InList):
        options = ", ".join(render(o) for o in node.options)
        op = "not in" if node.negated else "in"
        return _wrap(f"{render(node.item, 4)} {op} [{options}]", 4, outer)
    if isinstance(node, ast.Call):
        return f"{node.name}({', '.join(render(a) for a in node.args)})"
    if isinstance(node, ast.Quantifier):
        return f"{node.kind}({node.var} in {render(node.source)}: {render(node.body)})"
    if isinstance(node, ast.IfElse):
        text = f"if {render(node.cond)} then {render(node.then)} else {render(node.other)}"
        return _wrap(text, 0, outer if outer else -1)
    return type(node).__name__


def _wrap(text: str, level: int, outer: int) -> str:
    return f"({text})" if outer > level else text


def _literal(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return f'date("{value.isoformat()}")'
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
