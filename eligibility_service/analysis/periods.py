"""Dates: validity periods that overlap or leave holes.

- **Rule families.** Rule ids are unique, so dated versions of one rule (the 2011 text and
  the rule before it) are different rules; a rule marks its versions with the optional key
  ``family: NAME``. Within a family (per rule set and question) the periods, in date order,
  must follow each other with no day shared (``period-overlap``: both versions would apply)
  and no day missed (``period-hole``: neither applies); only the last may be open-ended.
- **Parameters.** A parameter's values are dated and ordered (the loader checks that), so
  they cannot overlap; but a rule in force before the parameter's *first* value reads
  nothing on those days and cannot be decided (``parameter-hole``). Checked where a rule or
  definition reads a parameter on the as-of date (``param.NAME``; ``param.NAME @ date``
  reads another date and is not checked). A read inside ``coalesce(…)`` (but its last
  argument) or ``known``/``missing`` is safe. A read matters only where its *guards* hold:
  ``C`` for a read under ``if C then …``, the other terms for a read in ``A and …`` (true)
  or ``A or …`` (false), the rule's condition for a read in the dates it sets. Whether the
  guards can hold on those dates is decided with the exact reasoning: ``error`` when they
  can, ``warning`` when that cannot be ruled out, nothing when they cannot.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import timedelta
from itertools import pairwise

from ..rules.compiled import CompiledDefinition, CompiledQuestion, CompiledRule, SourceRef
from ..rules.expr import ast
from .citations import show
from .context import AS_OF, QuestionContext
from .exact import satisfy
from .findings import Finding, finding
from .logic import DNF, TRUE, Compare, Const, TooComplex
from .text import render

Guard = tuple[tuple[ast.Node, bool], ...]  # conditions (true or false) on the way to a read


def families(question: CompiledQuestion) -> list[Finding]:
    groups: dict[str, list[CompiledRule]] = {}
    for rule in question.rules:
        if rule.family:
            groups.setdefault(rule.family, []).append(rule)
    found: list[Finding] = []
    for name, members in sorted(groups.items()):
        ordered = sorted(members, key=lambda r: r.period.from_)
        for before, after in pairwise(ordered):
            end = before.period.to
            if end is None or end >= after.period.from_:
                found.append(
                    finding(
                        "period-overlap",
                        (before.id, after.id),
                        after.source.file,
                        after.source.line,
                        f"Rules {before.id} ({show(before.period)}) and {after.id} "
                        f"({show(after.period)}) are versions of {name} whose periods "
                        f"overlap from {after.period.from_}: on those days both apply. End "
                        f"{before.id} on {after.period.from_ - timedelta(days=1)}.",
                    )
                )
            elif end + timedelta(days=1) < after.period.from_:
                found.append(
                    finding(
                        "period-hole",
                        (before.id, after.id),
                        after.source.file,
                        after.source.line,
                        f"No version of {name} is in force from {end + timedelta(days=1)} to "
                        f"{after.period.from_ - timedelta(days=1)}, between {before.id} "
                        f"(ending {end}) and {after.id} (from {after.period.from_}). Extend "
                        "one of them, or add the version that was in force then.",
                    )
                )
    return found


Site = tuple[str, str, SourceRef]  # ("Rule" or "Definition", name, where it is written)


def parameter_holes(ctx: QuestionContext) -> list[Finding]:
    """Reads of parameters before their first value, per rule with definitions inlined (so
    the guards include the rule's own conditions), reported where the read is written."""
    definitions = {d.name: d for d in ctx.question.definitions}
    answers_from = ctx.domains["as_of"].low
    groups: dict[tuple[str, Site], list[tuple[CompiledRule, str, Guard]]] = {}
    for rule in ctx.question.rules:
        site: Site = ("Rule", rule.id, rule.source)
        reads = list(_reads(rule.condition.node, (), definitions, site))
        for _out, expr in rule.sets:  # a date is computed only when the rule applies
            reads.extend(_reads(expr.node, ((rule.condition.node, True),), definitions, site))
        for param, guard, where in reads[:200]:
            table = ctx.rule_set.parameters.get(param)
            if table is None:
                continue
            first = table.starts[0]
            start = max(rule.period.from_, answers_from)
            if start >= first:
                continue
            verdict = _reachable(ctx, guard, (start, first - timedelta(days=1)))
            if verdict != "unsat":
                groups.setdefault((param, where), []).append((rule, verdict, guard))
    found: list[Finding] = []
    for (param, (what, name, source)), hits in groups.items():
        first = ctx.rule_set.parameters[param].starts[0]
        certain = any(v == "sat" for _r, v, _g in hits)
        rules = list(dict.fromkeys(r for r, v, _g in hits if v == "sat" or not certain))
        start = max(min(r.period.from_ for r in rules), answers_from)
        ids = tuple(r.id for r in rules)
        shown = ", ".join(ids[:3]) + (f" and {len(ids) - 3} more" if len(ids) > 3 else "")
        users_text = "it is" if what == "Rule" else f"rules using it ({shown}) are"
        guard = next(g for _r, _v, g in hits)
        when = "" if certain else f" (when {_guard_text(guard)}, which may not happen)"
        found.append(
            finding(
                "parameter-hole",
                ids,
                source.file,
                source.line,
                f"{what} {name} reads parameter {param}, whose first value is from "
                f"{first}, but {users_text} in force from {start}: from {start} to "
                f"{first - timedelta(days=1)}{when} the value is missing and the case "
                "cannot be decided. Date the parameter's first value earlier, or start the "
                "rule later.",
                severity="error" if certain else "warning",
            )
        )
    return found


def _reachable(ctx: QuestionContext, guard: Guard, hole: tuple[object, object]) -> str:
    """Does the read matter on some as-of date in the hole? ``sat`` (yes, proved), ``unsat``
    (never) or ``unknown``/``too_complex`` (cannot be ruled out)."""
    span: DNF = (
        frozenset(
            {
                (Compare(AS_OF, ">=", Const(hole[0])), True),
                (Compare(AS_OF, "<=", Const(hole[1])), True),
            }
        ),
    )
    norm = ctx.normalizer
    try:
        conditions: DNF = TRUE
        for node, positive in guard:
            conditions = norm.conj(conditions, norm.dnf(node, positive))
    except TooComplex:
        return "too_complex"
    return satisfy(ctx, [conditions, span], max_steps=2000).verdict


def _guard_text(guard: Guard) -> str:
    text = " and ".join(render(node) if pos else f"not ({render(node)})" for node, pos in guard)
    return text if len(text) <= 160 else text[:157] + "..."


def _reads(
    node: ast.Node,
    guard: Guard,
    definitions: Mapping[str, CompiledDefinition],
    site: Site,
    depth: int = 0,
) -> Iterator[tuple[str, Guard, Site]]:
    """Parameters read on the as-of date, with the conditions guarding each read and where
    the read is written (definitions are followed, up to a depth)."""
    if isinstance(node, ast.Path):
        head = node.parts[0]
        if head == "param" and len(node.parts) == 2:
            yield node.parts[1], guard, site
        elif len(node.parts) == 1 and head in definitions and depth < 12:
            d = definitions[head]
            yield from _reads(
                d.expr.node, guard, definitions, ("Definition", d.name, d.source), depth + 1
            )
        return
    if isinstance(node, ast.ParamAt):
        yield from _reads(node.on, guard, definitions, site, depth)
        return
    if isinstance(node, ast.IfElse):
        yield from _reads(node.cond, guard, definitions, site, depth)
        yield from _reads(node.then, (*guard, (node.cond, True)), definitions, site, depth)
        yield from _reads(node.other, (*guard, (node.cond, False)), definitions, site, depth)
        return
    if isinstance(node, ast.Binary) and node.op in ("and", "or"):
        # false and unknown is false, true or unknown is true: a read matters only when the
        # other terms leave the result open (all true for "and", all false for "or")
        terms = _terms(node, node.op)
        for i, term in enumerate(terms):
            others = tuple((t, node.op == "and") for j, t in enumerate(terms) if j != i)
            yield from _reads(term, (*guard, *others), definitions, site, depth)
        return
    if isinstance(node, ast.Call):
        if node.name in ("known", "missing"):
            return
        args = node.args[-1:] if node.name == "coalesce" else node.args
        for arg in args:
            yield from _reads(arg, guard, definitions, site, depth)
        return
    for value in vars(node).values():
        if isinstance(value, ast.Node):
            yield from _reads(value, guard, definitions, site, depth)
        elif isinstance(value, tuple):
            for item in value:
                if isinstance(item, ast.Node):
                    yield from _reads(item, guard, definitions, site, depth)


def _terms(node: ast.Node, op: str) -> list[ast.Node]:
    if isinstance(node, ast.Binary) and node.op == op:
        return [*_terms(node.left, op), *_terms(node.right, op)]
    return [node]
