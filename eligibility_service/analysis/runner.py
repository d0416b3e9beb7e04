"""The analysis as a whole: every check over every question of every rule-set version.

Per question, the exact checks run first (they are cheap: a few milliseconds per rule
pair) and hand what they could not decide to the witness search as targets; the search
then spends the question's share of the budget (directed attempts, then the generated
cases, then perturbations). The citation checks work on the files and need no search.

The budget has two parts: a number of engine evaluations, shared equally by the questions
(this is what makes results reproducible from one run to the next), and a wall-clock limit
after which the search stops early (reported as an ``info`` finding, since results may then
depend on the machine's speed). The default keeps ``eligibility lint`` well under a minute
on a two-core CI machine.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from ..rules.errors import LoadError
from ..rules.registry import Registry
from . import citations, periods, verification
from .cases import Cases
from .context import QuestionContext
from .findings import Finding, finding
from .gaps import gap_findings, home
from .overlaps import OverlapCheck
from .reachability import ReachabilityCheck
from .reviewed_exceptions import Exceptions
from .search import Search

DIRECTED_SHARE = 0.35
SWEEP_SHARE = 0.35


@dataclass(frozen=True)
class Budget:
    evaluations: int = 120_000  # engine evaluations for the witness search, all questions
    seconds: float = 45.0  # the search stops early after this long

    @classmethod
    def quick(cls) -> Budget:
        """A small budget for tests of deliberately broken fixtures."""
        return cls(evaluations=4_000, seconds=20.0)


def analyze(
    registry: Registry, budget: Budget | None = None, root: Path | None = None
) -> list[Finding]:
    """Every finding about the registry's rule sets and provisions, most severe first.

    ``root`` (the folder the registry was loaded from) lets findings about parameter values
    point at the value's own line; without it they point at the parameter."""
    budget = budget or Budget()
    results: list[Finding] = []
    try:
        exceptions = Exceptions.load(root)
    except LoadError as exc:
        exceptions = Exceptions((), "")
        results.extend(finding("load", (), p.file, p.line, p.message) for p in exc.problems)
    results.extend(citations.check(registry, root, exceptions))
    results.extend(verification.check(registry, exceptions))
    contexts = [
        QuestionContext(rs, q, min(v.manifest.in_force.from_ for v in versions.values()))
        for _rid, versions in sorted(registry.rule_sets.items())
        for _v, rs in sorted(versions.items())
        for _name, q in sorted(rs.questions.items())
    ]
    share = budget.evaluations // max(1, len(contexts))
    deadline = time.monotonic() + budget.seconds
    stopped: list[str] = []
    for ctx in contexts:
        found, search = _question(ctx, share, deadline)
        results.extend(found)
        if search.seen.stopped_early:
            stopped.append(ctx.label)
    if stopped:
        results.append(
            finding(
                "coverage",
                (),
                "rule_sets",
                None,
                f"The witness search stopped at its time limit ({budget.seconds:.0f} s) in "
                f"{len(stopped)} question(s) ({_some(stopped)}); "
                "results may differ on a faster machine. Raise --max-seconds to search fully.",
            )
        )
    return _unique(results)


def _question(
    ctx: QuestionContext, evaluations: int, deadline: float
) -> tuple[list[Finding], Search]:
    cases = Cases(ctx)
    overlaps = OverlapCheck(ctx)
    reach = ReachabilityCheck(ctx)
    search = Search(ctx, cases, evaluations, deadline)
    search.directed([*overlaps.targets(), *reach.targets()], int(evaluations * DIRECTED_SHARE))
    search.sweep(int(evaluations * SWEEP_SHARE))
    search.perturb()
    reach.prove_hidden(search)
    found = [
        *periods.families(ctx.question),
        *periods.parameter_holes(ctx),
        *overlaps.findings(cases, search),
        *reach.findings(cases, search),
        *gap_findings(ctx, cases, search),
    ]
    note = _coverage(ctx, overlaps.undecided(search), reach.not_exercised(search), search)
    return ([*found, note] if note else found), search


def _coverage(
    ctx: QuestionContext, undecided: int, idle: list[str], search: Search
) -> Finding | None:
    """What the analysis of one question left open (information, never a failure)."""
    parts = []
    if undecided:
        parts.append(
            f"{undecided} pair(s) of rules could neither be proved exclusive nor shown to overlap"
        )
    if idle:
        parts.append(f"no case applied rule(s) {_some(idle, 6)}")
    if ctx.approximate:
        parts.append(
            f"the conditions of {', '.join(sorted(ctx.approximate))} were too large to "
            "reason about exactly"
        )
    if not parts:
        return None
    file, line = home(ctx)
    return finding(
        "coverage",
        tuple(idle),
        file,
        line,
        f"{ctx.label}: {'; '.join(parts)} (after {search.seen.cases} cases searched).",
    )


def _unique(found: list[Finding]) -> list[Finding]:
    """One finding per problem (rules shared by several rule sets are analysed in each)."""
    seen: set[tuple[object, ...]] = set()
    out: list[Finding] = []
    for f in sorted(found, key=Finding.sort_key):
        key = (f.severity, f.kind, f.rule_ids, f.file, f.line, f.message)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out


def _some(names: list[str], count: int = 4) -> str:
    return ", ".join(names[:count]) + (
        f" and {len(names) - count} more" if len(names) > count else ""
    )
