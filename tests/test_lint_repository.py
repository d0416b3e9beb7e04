"""The repository's own rule sets pass the lint: no error finding (CI also runs the lint)."""

from __future__ import annotations

from eligibility_service.analysis.lint import lint
from eligibility_service.analysis.runner import Budget

from .conftest import ROOT


def test_the_repository_rule_sets_have_no_error_findings() -> None:
    result = lint(ROOT, Budget())
    assert result.registry is not None, "\n".join(f.to_text() for f in result.findings)
    errors = [f for f in result.findings if f.severity == "error"]
    assert not errors, "\n\n".join(f.to_text() for f in errors[:15])
    # the catalogues hold sources no rule cites yet: reported, never failing
    assert all(f.severity == "info" for f in result.findings if f.kind == "uncited-provision")
