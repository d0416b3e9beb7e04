"""Gaps: complete cases of a decision question that no rule decides.

A gap is a case for which the engine names no missing fact (so the caller sent all it
needed) and still answers *undetermined*, because no decision-bearing rule applied, or
because an approval lacks a date the question requires of every approval (a new hire's
coverage start, say). Gaps are found by the witness search (:mod:`.search`): whether the
rules' conditions cover every case is not decided exactly, since the complement of a union
of conditions over computed dates is beyond the exact reasoning. Cases are grouped by the
values of the (at most two) enumerated or yes/no facts that most decision-bearing rules
read (the *kind* of case: an event type, a category), and the most frequent groups are
reported with a case each.
"""

from __future__ import annotations

from .cases import Cases, describe
from .context import QuestionContext
from .findings import Finding, finding
from .search import Search

MAX_GAPS_PER_QUESTION = 3


def home(ctx: QuestionContext) -> tuple[str, int | None]:
    """Where a finding about a whole question points: its first decision-bearing rule."""
    rules = ctx.decisive or ctx.rules
    if not rules:
        return ctx.rule_set.folder, None
    return rules[0].source.file, rules[0].source.line


def gap_findings(ctx: QuestionContext, cases: Cases, search: Search) -> list[Finding]:
    found: list[Finding] = []
    groups = sorted(search.seen.gaps.items(), key=lambda kv: (-kv[1][2], kv[0]))
    file, line = home(ctx)
    for signature, (case, result, count) in groups[:MAX_GAPS_PER_QUESTION]:
        times = f"{count} of the {search.seen.cases} cases searched" if count > 1 else "a case"
        if signature[0] == "none":
            kind = ", ".join(signature[1:])
            message = (
                f"No rule of {ctx.spec.name} ({ctx.rule_set.id}) decides {times} like the one "
                f"below{f' ({kind})' if kind else ''}: the caller sent every fact the rules "
                "need, yet no decision-bearing rule applies, so the service answers "
                "undetermined. Add a rule for these cases or widen a condition."
            )
            ids: tuple[str, ...] = ()
        elif signature[0] == "undecided":
            ids = tuple(a.rule.id for a in result.applied if a.rule.outcome.decision)
            message = (
                f"In {times} of {ctx.spec.name} ({ctx.rule_set.id}) like the one below, rules "
                "approve but another decision-bearing rule cannot be evaluated although no "
                "fact is missing (a parameter without a value on that date, say), so the "
                "service answers undetermined."
            )
        else:
            ids = tuple(a.rule.id for a in result.applied if a.rule.outcome.decision)
            lacking = ", ".join(signature[1:])
            message = (
                f"In {times} of {ctx.spec.name} ({ctx.rule_set.id}) like the one below, rules "
                f"approve but no rule sets {lacking}, which every approval needs, so the "
                "service answers undetermined. Add a rule that sets it for these cases."
            )
        found.append(
            finding("gap", ids, file, line, message, cases.witness(case, describe(result)))
        )
    if len(groups) > MAX_GAPS_PER_QUESTION:
        rest = sum(c for _s, (_c, _r, c) in groups[MAX_GAPS_PER_QUESTION:])
        found.append(
            finding(
                "gap",
                (),
                file,
                line,
                f"{len(groups) - MAX_GAPS_PER_QUESTION} more kinds of undecided case "
                f"({rest} cases) in {ctx.spec.name} ({ctx.rule_set.id}); fix the ones above "
                "and run the lint again.",
            )
        )
    return found
