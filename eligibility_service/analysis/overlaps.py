"""Overlaps: an approving and a denying rule that can apply to the same case, and two rules
that can set the same date to different values.

All of a question's rules are evaluated (there is no "first rule wins"), and the outcome is
the strongest decision among those that applied: denied > incomplete > undetermined >
approved. So an approval and a denial on the same case are not an engine error — the denial
silently wins — but they are a drafting error: one of the two rules misses a condition.
Two rules setting one date differently make the engine answer *undetermined*.

Each pair is first decided exactly (:mod:`.exact`): disjoint conditions clear the pair, a
satisfiable exact cube proves the overlap and gives its witness. Undecided pairs become
targets of the witness search (:mod:`.search`); a date conflict is reported only with a
case where the engine actually computed two different dates.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..rules.compiled import CompiledRule
from .cases import Cases, describe
from .context import QuestionContext
from .exact import Result, satisfy
from .findings import Finding, Witness, finding
from .search import Search, Target
from .solver import Pick


@dataclass
class OverlapCheck:
    ctx: QuestionContext
    decisions: dict[tuple[str, str], Result] = field(default_factory=dict)
    dates: dict[tuple[str, str, str], Result] = field(default_factory=dict)

    def __post_init__(self) -> None:
        rules = self.ctx.rules
        approving = [r for r in rules if r.outcome.decision == "approved"]
        denying = [r for r in rules if r.outcome.decision == "denied"]
        for a in approving:
            for d in denying:
                self.decisions[(a.id, d.id)] = satisfy(
                    self.ctx, [self.ctx.applies(a), self.ctx.applies(d)]
                )
        for out in self.ctx.spec.outputs:
            setters = [(r, dict(r.sets_text)[out]) for r in rules if out in dict(r.sets_text)]
            for i, (a, text_a) in enumerate(setters):
                for b, text_b in setters[i + 1 :]:
                    if " ".join(text_a.split()) == " ".join(text_b.split()):
                        continue  # the same formula gives the same date
                    self.dates[(out, a.id, b.id)] = satisfy(
                        self.ctx, [self.ctx.applies(a), self.ctx.applies(b)]
                    )

    def targets(self) -> list[Target]:
        out: list[Target] = []
        for (a, d), result in self.decisions.items():
            if result.verdict in ("unknown", "too_complex"):
                out.append(Target(("overlap", a, d), _starts(result)))
        for (name, a, b), result in self.dates.items():
            if result.verdict != "unsat":
                out.append(Target(("conflict", name, a, b), _starts(result)))
        return out

    def findings(self, cases: Cases, search: Search) -> list[Finding]:
        by_id = {r.id: r for r in self.ctx.rules}
        found: list[Finding] = []
        for (a_id, d_id), result in self.decisions.items():
            a, d = by_id[a_id], by_id[d_id]
            witness: Witness | None = None
            how = ""
            if result.verdict == "sat" and result.solution is not None:
                witness = cases.confirm(result.solution.picks, (a_id, d_id))
                how = "This follows from the two conditions"
            elif (a_id, d_id) in search.seen.overlaps:
                case, evaluation = search.seen.overlaps[(a_id, d_id)]
                witness = cases.witness(case, describe(evaluation))
                how = "The search found a case"
            if witness is None:
                continue
            found.append(
                finding(
                    "overlap",
                    (a_id, d_id),
                    a.source.file,
                    a.source.line,
                    f"Rule {a_id} approves and rule {d_id} ({d.source}) denies, and both can "
                    f"apply to the same case, where the denial silently wins. {how} (below); "
                    "add the missing condition to one of the rules so they exclude each other.",
                    witness,
                )
            )
        for (out, a_id, b_id), _result in self.dates.items():
            key = (out, a_id, b_id) if (out, a_id, b_id) in search.seen.conflicts else None
            if key is None and (out, b_id, a_id) in search.seen.conflicts:
                key = (out, b_id, a_id)
            if key is None:
                continue
            case, evaluation = search.seen.conflicts[key]
            a, b = by_id[a_id], by_id[b_id]
            found.append(
                finding(
                    "date-conflict",
                    (a_id, b_id),
                    a.source.file,
                    a.source.line,
                    f"Rules {a_id} and {b_id} ({b.source}) can both apply and set {out} to "
                    f"different dates ({_formula(a, out)} vs {_formula(b, out)}); the engine "
                    "then reports a conflict and gives no date (an approval becomes "
                    "undetermined). Make their conditions exclusive or their formulas agree.",
                    cases.witness(case, describe(evaluation)),
                )
            )
        return found

    def undecided(self, search: Search) -> int:
        """Pairs neither proved apart nor shown together."""
        count = sum(
            1
            for key, r in self.decisions.items()
            if r.verdict in ("unknown", "too_complex") and key not in search.seen.overlaps
        )
        count += sum(
            1
            for (out, a, b), r in self.dates.items()
            if r.verdict != "unsat" and not search.seen.found(("conflict", out, a, b))
        )
        return count


def _formula(rule: CompiledRule, out: str) -> str:
    return " ".join(dict(rule.sets_text)[out].split())


def _starts(result: Result) -> tuple[dict[str, Pick], ...]:
    if result.solution is not None:
        return (result.solution.picks,)
    return tuple(s.picks for s in result.partials) or ({},)
