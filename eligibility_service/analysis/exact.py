"""Exact reasoning: can several DNFs be true together, for some facts, choices and as-of date?

The product of the DNFs is walked lazily, depth first: a partial cube that already
contradicts itself is dropped with everything below it. Each complete cube is solved per
parameter epoch when it compares with parameters (their values depend on the as-of date),
or once otherwise.

The verdict is ``sat`` when some cube is satisfiable and entirely exact (a proof, with the
values found), ``unsat`` when every cube is unsatisfiable (a proof of the opposite),
``unknown`` when the only satisfiable cubes hold opaque literals (their exact parts are kept
as starting points for the witness search), and ``too_complex`` when the product has more
cubes than the step limit allows (a step is one cube of the product considered).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from .context import QuestionContext
from .logic import DNF, Cube, consistent, literal_params
from .solver import Solution, solve

Verdict = Literal["sat", "unsat", "unknown", "too_complex"]

MAX_PARTIALS = 12


@dataclass
class Result:
    verdict: Verdict
    solution: Solution | None = None  # for sat: the proof's values
    steps: int = 0  # cubes solved to reach the verdict
    partials: list[Solution] = field(default_factory=list)  # for unknown: exact parts


def solve_cube(ctx: QuestionContext, cube: Cube) -> Solution:
    """Solve one cube, per epoch of the parameters it reads; the best answer wins."""
    found: Solution | None = ctx.solved.get(cube)
    if found is None:
        found = _solve_cube(ctx, cube)
        ctx.solved[cube] = found
    return found


def _solve_cube(ctx: QuestionContext, cube: Cube) -> Solution:
    params: set[str] = set()
    for lit in cube:
        params |= literal_params(lit)
    if not params:
        return solve(cube, ctx.domains, {})
    best = Solution("unsat")
    for epoch in ctx.epochs(frozenset(params)):
        got = solve(cube | epoch.literals(), ctx.domains, epoch.params)
        if got.status == "sat":
            return got
        if got.status == "unknown" and best.status == "unsat":
            best = got
    return best


def satisfy(ctx: QuestionContext, dnfs: Sequence[DNF], max_steps: int = 50_000) -> Result:
    """Can every one of ``dnfs`` be true at once?"""
    partials: list[Solution] = []
    steps = 0
    ordered = sorted(dnfs, key=len)  # small DNFs first: contradictions prune earlier

    class _Stop(Exception):
        pass

    found: list[Solution] = []

    def walk(i: int, prefix: Cube) -> None:
        nonlocal steps
        if i == len(ordered):
            got = solve_cube(ctx, prefix)
            if got.status == "sat":
                found.append(got)
                raise _Stop
            if got.status == "unknown" and len(partials) < MAX_PARTIALS:
                partials.append(got)
            return
        for cube in ordered[i]:
            steps += 1
            if steps > max_steps:
                raise _Stop
            merged = prefix | cube
            if not consistent(merged):
                continue
            partial = 0 < i < len(ordered) - 1
            if partial and solve_cube(ctx, merged).status == "unsat":
                continue  # pruned on the exact part of a partial product
            walk(i + 1, merged)

    try:
        walk(0, frozenset())
    except _Stop:
        if found:
            return Result("sat", found[0], steps=steps)
        return Result("too_complex", partials=partials, steps=steps)
    if partials:
        return Result("unknown", partials=partials, steps=steps)
    return Result("unsat", steps=steps)
