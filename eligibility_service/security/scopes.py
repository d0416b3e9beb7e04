"""The scopes a caller's token may carry, one per job (least privilege).

A token grants what its ``scope`` claim lists (RFC 9068 § 2.2.3, space-separated). Each
endpoint requires exactly one scope; the OpenAPI document declares it, and a test walks the
document so an endpoint cannot be added without one.
"""

from __future__ import annotations

from enum import StrEnum


class Scope(StrEnum):
    RULES_READ = "rules:read"
    DECIDE = "decide"
    DECISION_LOG_READ = "decision-log:read"
    CASES = "cases"
    RECONCILE = "reconcile"
    AUDIT_READ = "audit:read"
    METRICS = "metrics"
    ADMIN = "admin"


SCOPE_DESCRIPTIONS: dict[Scope, str] = {
    Scope.RULES_READ: "Read rule sets, versions, diffs, provisions and the rule book "
    "(needed only when the service is set to keep them private).",
    Scope.DECIDE: "Ask for decisions (POST /v1/decisions/...).",
    Scope.DECISION_LOG_READ: "Auditors: read, search and reproduce logged decisions (PHI).",
    Scope.CASES: "Testers: import, list and delete case suites, turn logged decisions into "
    "cases, replay suites (PHI).",
    Scope.RECONCILE: "Reconciliation staff: Full File Compare and monthly report uploads and "
    "their reports (PHI).",
    Scope.AUDIT_READ: "Privacy and security officers: search the record of access to health data.",
    Scope.METRICS: "Monitoring: read Prometheus metrics.",
    Scope.ADMIN: "Operators: reload rule sets.",
}


def parse_scope_claim(value: object) -> frozenset[str]:
    """The scopes of a token: RFC 9068's space-separated ``scope`` string; some identity
    providers send a list (``scp``), which is read the same way."""
    if isinstance(value, str):
        return frozenset(value.split())
    if isinstance(value, list | tuple):
        return frozenset(str(v) for v in value)
    return frozenset()
