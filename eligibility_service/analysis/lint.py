"""``eligibility lint`` end to end: strict load, worked examples, then the static analysis.

Kept apart from the click command so tests can call it and get findings, not text. Every
step's problems become findings; the exit code is 1 when any finding is an error.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..rules.errors import LoadError
from ..rules.examples import run_examples
from ..rules.registry import Registry, load_registry
from .findings import Finding
from .loading import example_finding, load_findings
from .runner import Budget, analyze


@dataclass
class LintResult:
    findings: list[Finding] = field(default_factory=list)
    registry: Registry | None = None

    @property
    def ok(self) -> bool:
        return not any(f.severity == "error" for f in self.findings)

    @property
    def versions(self) -> int:
        if self.registry is None:
            return 0
        return sum(len(v) for v in self.registry.rule_sets.values())

    @property
    def provisions(self) -> int:
        return 0 if self.registry is None else len(self.registry.provisions.by_id)


def lint(root: Path, budget: Budget | None = None, analysis: bool = True) -> LintResult:
    from ..decisions.questions import QUESTIONS

    try:
        registry = load_registry(root, QUESTIONS)
    except LoadError as exc:
        return LintResult(load_findings(exc, root))
    found: list[Finding] = []
    for versions in registry.rule_sets.values():
        for rs in versions.values():
            found.extend(example_finding(r) for r in run_examples(rs) if not r.passed)
    if analysis:
        found.extend(analyze(registry, budget, root))
    return LintResult(found, registry)
