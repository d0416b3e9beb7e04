"""Parse expression text into the AST with a Lark LALR grammar.

The grammar is deliberately small: boolean logic, comparisons, arithmetic, ``in`` lists,
``if … then … else``, quantifiers over lists, calls of a fixed set of date functions, and
dotted names. Dates are written ``date("2011-07-01")`` and folded to constants here, so a
malformed date literal is a load error, never a run-time one.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from typing import Any

from lark import Lark, Token, Transformer, v_args
from lark.exceptions import LarkError, UnexpectedInput, VisitError

from . import ast

GRAMMAR = r"""
?start: expr
?expr: ifelse | or_expr
ifelse: _IF expr _THEN expr _ELSE expr
?or_expr: and_expr (_OR and_expr)*
?and_expr: not_expr (_AND not_expr)*
?not_expr: _NOT not_expr -> not_
         | comparison
?comparison: sum
           | sum COMP_OP sum -> compare
           | sum _IN "[" [expr ("," expr)*] "]" -> in_list
           | sum _NOT _IN "[" [expr ("," expr)*] "]" -> not_in_list
?sum: product (ADD_OP product)*
?product: unary (MUL_OP unary)*
?unary: "-" unary -> neg
      | atom
?atom: NUMBER -> number
     | STRING -> string
     | _TRUE -> true
     | _FALSE -> false
     | _NULL -> null
     | QUANT "(" NAME _IN expr ":" expr ")" -> quantifier
     | NAME "(" [expr ("," expr)*] ")" -> call
     | path "@" atom -> param_at
     | path
     | "(" expr ")"
path: NAME ("." NAME)*

_OR.2: /or\b/
_AND.2: /and\b/
_NOT.2: /not\b/
_IN.2: /in\b/
_TRUE.2: /true\b/
_FALSE.2: /false\b/
_NULL.2: /null\b/
_IF.2: /if\b/
_THEN.2: /then\b/
_ELSE.2: /else\b/
QUANT.2: /(any|all|count)(?=\s*\()/
COMP_OP: "==" | "!=" | "<=" | ">=" | "<" | ">"
ADD_OP: "+" | "-"
MUL_OP: "*" | "/"
NAME: /(?!(and|or|not|in|if|then|else|true|false|null)\b)[a-zA-Z_][a-zA-Z0-9_]*/
STRING: /'[^'\n]*'/ | /"[^"\n]*"/
NUMBER: /\d+(\.\d+)?/
%import common.WS
%ignore WS
"""


class ExpressionSyntaxError(ValueError):
    """The text is not a valid expression; ``column`` is 1-based when known."""

    def __init__(self, message: str, column: int | None = None) -> None:
        self.column = column
        super().__init__(message)


@v_args(inline=True)
class _ToAst(Transformer[Token, ast.Node]):
    def number(self, tok: Token) -> ast.Node:
        text = str(tok)
        return ast.Literal(float(text) if "." in text else int(text))

    def string(self, tok: Token) -> ast.Node:
        return ast.Literal(str(tok)[1:-1])

    def true(self) -> ast.Node:
        return ast.Literal(True)

    def false(self) -> ast.Node:
        return ast.Literal(False)

    def null(self) -> ast.Node:
        return ast.Literal(None)

    def path(self, *names: Token) -> ast.Node:
        return ast.Path(tuple(str(n) for n in names))

    def param_at(self, path: ast.Node, on: ast.Node) -> ast.Node:
        if not isinstance(path, ast.Path) or len(path.parts) != 2 or path.parts[0] != "param":
            raise ExpressionSyntaxError("'@' may only follow a parameter, as in param.NAME @ date")
        return ast.ParamAt(path.parts[1], on)

    def not_(self, operand: ast.Node) -> ast.Node:
        return ast.Unary("not", operand)

    def neg(self, operand: ast.Node) -> ast.Node:
        if isinstance(operand, ast.Literal) and isinstance(operand.value, int | float):
            return ast.Literal(-operand.value)
        return ast.Unary("-", operand)

    def compare(self, left: ast.Node, op: Token, right: ast.Node) -> ast.Node:
        return ast.Binary(str(op), left, right)

    def in_list(self, item: ast.Node, *options: ast.Node | None) -> ast.Node:
        return ast.InList(item, tuple(o for o in options if o is not None))

    def not_in_list(self, item: ast.Node, *options: ast.Node | None) -> ast.Node:
        return ast.InList(item, tuple(o for o in options if o is not None), negated=True)

    def ifelse(self, cond: ast.Node, then: ast.Node, other: ast.Node) -> ast.Node:
        return ast.IfElse(cond, then, other)

    def quantifier(self, kind: Token, var: Token, source: ast.Node, body: ast.Node) -> ast.Node:
        return ast.Quantifier(str(kind), str(var), source, body)

    def call(self, name: Token, *args: ast.Node | None) -> ast.Node:
        real = tuple(a for a in args if a is not None)
        if str(name) == "date":
            if len(real) != 1 or not (
                isinstance(real[0], ast.Literal) and isinstance(real[0].value, str)
            ):
                raise ExpressionSyntaxError('date() takes one string, as in date("2011-07-01")')
            try:
                return ast.Literal(date.fromisoformat(str(real[0].value)))
            except ValueError:
                raise ExpressionSyntaxError(
                    f"{real[0].value!r} is not a real date in YYYY-MM-DD form"
                ) from None
        return ast.Call(str(name), real)


def _fold(tree: Any) -> ast.Node:
    """Turn left-associative operator chains (kept flat by the grammar) into Binary nodes."""
    if isinstance(tree, ast.Node):
        return tree
    data = tree.data
    children = [c for c in tree.children]
    if data in ("or_expr", "and_expr"):
        op = "or" if data == "or_expr" else "and"
        nodes = [_fold(c) for c in children]
        result = nodes[0]
        for nxt in nodes[1:]:
            result = ast.Binary(op, result, nxt)
        return result
    if data in ("sum", "product"):
        result = _fold(children[0])
        for i in range(1, len(children), 2):
            result = ast.Binary(str(children[i]), result, _fold(children[i + 1]))
        return result
    raise ExpressionSyntaxError(f"unexpected construct {data}")


class _Folding(_ToAst):
    def __default__(self, data: Any, children: Any, meta: Any) -> Any:
        from lark import Tree

        return _fold(Tree(data, children, meta))


_parser = Lark(GRAMMAR, parser="lalr", maybe_placeholders=True)


@lru_cache(maxsize=4096)
def parse(text: str) -> ast.Node:
    """Parse ``text``; raise :class:`ExpressionSyntaxError` with a readable message."""
    try:
        tree = _parser.parse(text)
        result = _Folding().transform(tree)
    except UnexpectedInput as exc:
        col = getattr(exc, "column", None)
        token = getattr(exc, "token", None)
        near = f" near {str(token)!r}" if token is not None and str(token) else ""
        raise ExpressionSyntaxError(
            f"syntax error at column {col}{near}", col if isinstance(col, int) else None
        ) from None
    except VisitError as exc:
        if isinstance(exc.orig_exc, ExpressionSyntaxError):
            raise exc.orig_exc from None
        raise ExpressionSyntaxError(str(exc.orig_exc)) from None
    except LarkError as exc:
        raise ExpressionSyntaxError(str(exc)) from None
    if not isinstance(result, ast.Node):
        raise ExpressionSyntaxError("not an expression")
    return result
