"""How the lint prints findings: lines for people (and editors), JSON for machines.

Text: ``file:line: severity [kind] RULE-A, RULE-B: sentence``, a witness case on indented
lines below. Errors are always listed; warnings with ``-v``, information with ``-vv``; what
is not listed is counted by kind, so the hundreds of provision-date warnings the catalogues'
approximate dates cause do not bury the errors.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from typing import Any

from .findings import SEVERITY_ORDER, Finding


def counts(findings: Iterable[Finding]) -> dict[str, dict[str, int]]:
    by: dict[str, Counter[str]] = {"error": Counter(), "warning": Counter(), "info": Counter()}
    for f in findings:
        by[f.severity][f.kind] += 1
    return {sev: dict(sorted(c.items())) for sev, c in by.items()}


def text_lines(findings: list[Finding], verbosity: int = 0) -> list[str]:
    """The findings to list at this verbosity, then one line per kind left out."""
    shown = 0 if verbosity <= 0 else (1 if verbosity == 1 else 2)
    lines: list[str] = []
    hidden: Counter[tuple[str, str]] = Counter()
    for f in sorted(findings, key=Finding.sort_key):
        if SEVERITY_ORDER[f.severity] <= shown:
            lines.append(f.to_text())
        else:
            hidden[(f.severity, f.kind)] += 1
    for severity in ("warning", "info"):
        kinds = sorted((k, n) for (s, k), n in hidden.items() if s == severity)
        if kinds:
            flag = "-v" if severity == "warning" else "-vv"
            listed = ", ".join(f"{n} {k}" for k, n in kinds)
            lines.append(f"lint: {severity}s not listed: {listed} (list them with {flag})")
    return lines


def summary_line(findings: list[Finding], versions: int, provisions: int) -> str:
    total = counts(findings)
    parts = [f"{sum(total[s].values())} {s}(s)" for s in ("error", "warning", "info")]
    head = "lint: ok" if not total["error"] else "lint: failed"
    return f"{head} - {versions} rule-set version(s), {provisions} provisions; " + ", ".join(parts)


def to_json(findings: list[Finding], versions: int, provisions: int) -> str:
    payload: dict[str, Any] = {
        "ok": not any(f.severity == "error" for f in findings),
        "rule_set_versions": versions,
        "provisions": provisions,
        "counts": counts(findings),
        "findings": [f.to_json() for f in sorted(findings, key=Finding.sort_key)],
    }
    return json.dumps(payload, indent=2, ensure_ascii=False)
