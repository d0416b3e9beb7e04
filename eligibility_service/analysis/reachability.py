"""Rules that can never apply, and rules whose decision can never show.

*Never applies*: no facts, policy choices or as-of date in the rule's period make its
condition true (proved exactly; a rule the proof cannot cover is a search target, and is
counted as "not exercised" when no generated case applies it — that is not an error).

*Hidden*: in this engine every rule is evaluated and the strongest decision wins, so an
approving rule is hidden when, whenever it applies, some rule with a stronger decision
(denied, incomplete or undetermined) applies too — or is in force and undecided for lack
of a fact, which also outranks an approval. Proved exactly: "R applies and H's condition
is false or H is not in force" has no solution, for one rule H or, failing that, for all
the stronger rules together.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..rules.compiled import CompiledRule
from .cases import Cases
from .context import QuestionContext
from .exact import Result, satisfy
from .findings import Finding, finding
from .logic import DNF
from .search import Search, Target

STRONGER = ("denied", "incomplete", "undetermined")


@dataclass
class ReachabilityCheck:
    ctx: QuestionContext
    applies: dict[str, Result] = field(default_factory=dict)
    hidden_by: dict[str, tuple[str, ...]] = field(default_factory=dict)
    steps: int = 60_000  # cubes solved for the hidden-rule proofs of this question, at most

    def __post_init__(self) -> None:
        ctx = self.ctx
        for rule in ctx.rules:
            self.applies[rule.id] = satisfy(ctx, [ctx.applies(rule)])

    def prove_hidden(self, search: Search) -> None:
        """Try to prove hidden the approvals the search never saw as the outcome (an
        approval that was the outcome of some case is plainly not hidden)."""
        ctx = self.ctx
        stronger = [r for r in ctx.rules if r.outcome.decision in STRONGER]
        for rule in ctx.rules:
            if (
                rule.outcome.decision != "approved"
                or rule.id in search.seen.approved_shown
                or self.applies[rule.id].verdict == "unsat"
            ):
                continue
            hiders = self._hiders(rule, stronger)
            if hiders:
                self.hidden_by[rule.id] = hiders

    def _hiders(self, rule: CompiledRule, stronger: list[CompiledRule]) -> tuple[str, ...]:
        """The stronger rules that apply (or are undecided) whenever ``rule`` applies.

        Cube by cube: one cube of ``rule`` that can hold with H false already clears H, so
        most pairs are cleared after a few solves."""
        ctx = self.ctx
        cubes = ctx.applies(rule)

        def always(against: list[DNF]) -> bool:
            for cube in cubes:
                if self.steps <= 0:
                    return False
                result = satisfy(ctx, [(cube,), *against], max_steps=min(2000, self.steps))
                self.steps -= result.steps
                if result.verdict != "unsat":
                    return False
            return True

        alone = tuple(h.id for h in stronger if always([ctx.does_not_apply_decisively(h)]))
        if alone or len(stronger) < 2:
            return alone
        if always([ctx.does_not_apply_decisively(h) for h in stronger]):
            return tuple(h.id for h in stronger)
        return ()

    def targets(self) -> list[Target]:
        return [
            Target(("applies", rid), tuple(s.picks for s in r.partials) or ({},))
            for rid, r in self.applies.items()
            if r.verdict in ("unknown", "too_complex")
        ]

    def findings(self, cases: Cases, search: Search) -> list[Finding]:
        by_id = {r.id: r for r in self.ctx.rules}
        found: list[Finding] = []
        for rid, result in self.applies.items():
            if result.verdict != "unsat":
                continue
            rule = by_id[rid]
            period = f"from {rule.period.from_}" + (
                f" to {rule.period.to}" if rule.period.to else ""
            )
            found.append(
                finding(
                    "never-applies",
                    (rid,),
                    rule.source.file,
                    rule.source.line,
                    f"Rule {rid} can never apply: no case, policy choice or as-of date in its "
                    f"period ({period}) makes its condition true "
                    f"({' '.join(rule.when_text.split())}).",
                )
            )
        for rid, hiders in self.hidden_by.items():
            rule = by_id[rid]
            if len(hiders) == 1:
                h = by_id[hiders[0]]
                who = f"rule {h.id} ({h.outcome.decision}, {h.source}) also applies"
            else:
                who = "one of the rules " + ", ".join(hiders) + " also applies"
            found.append(
                finding(
                    "hidden",
                    (rid, *hiders),
                    rule.source.file,
                    rule.source.line,
                    f"Rule {rid} approves, but whenever it applies {who} (or is undecided), "
                    "so its approval can never be the outcome; narrow one of the rules or "
                    "remove the approval.",
                )
            )
        return found

    def not_exercised(self, search: Search) -> list[str]:
        return [
            rid
            for rid, r in self.applies.items()
            if r.verdict in ("unknown", "too_complex") and search.seen.applied[rid] == 0
        ]
