"""Problems that stop the strict load (and failing worked examples), as findings.

Three of the lint's kinds are load errors by design — the loader refuses a rule set rather
than serve it: a rule citing an id that is no known provision (``citation-unresolved``), a
rule citing nothing (``citation-missing``: ``implements`` is required and may not be empty),
and a rule reading a fact its decision question does not provide (``fact-not-provided``:
conditions are type-checked against the question's facts, which are the API's request
schema). The loader reports them as ``file:line: message``; here they are recognised and
given their kind and rule id, so the lint's output and its JSON are uniform. Anything else
that stops the load is kind ``load``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ..rules.errors import LoadError, Problem
from ..rules.examples import ExampleResult
from ..rules.yaml_source import load_yaml
from .findings import Finding, finding

_UNRESOLVED = re.compile(r"^(rule|definition|parameter|alternative) (\S+).* cites '([^']+)', which")
_NO_FACT = re.compile(
    r"^(rule|definition) (\S+)[^:]*: '([^']+)': (no fact '[^']+' here|.*not a record)"
)
_IMPLEMENTS = re.compile(r"^rules\.(\d+)\.implements: (.*)$")


def load_findings(error: LoadError, root: Path | None = None) -> list[Finding]:
    rule_ids = _RuleIds(root)
    return [_classify(p, rule_ids) for p in error.problems]


def _classify(problem: Problem, rule_ids: _RuleIds) -> Finding:
    text = problem.message
    if match := _UNRESOLVED.match(text):
        what, name, pid = match.groups()
        ids = (name,) if what == "rule" else ()
        subject = f"Rule {name}" if what == "rule" else f"The {what} {name}"
        return finding(
            "citation-unresolved",
            ids,
            problem.file,
            problem.line,
            f"{subject} cites {pid!r}, which is no provision in statutes/, contracts/ or "
            "guidance/: correct the id or add the provision to a catalogue.",
        )
    if match := _NO_FACT.match(text):
        what, name, path, _detail = match.groups()
        ids = (name,) if what == "rule" else ()
        subject = f"Rule {name}" if what == "rule" else f"Definition {name}"
        return finding(
            "fact-not-provided",
            ids,
            problem.file,
            problem.line,
            f"{subject} reads {path!r}, a fact its decision question does not provide, so "
            f"no caller can ever send it ({text.split(': ', 1)[-1]}).",
        )
    if match := _IMPLEMENTS.match(text):
        index = int(match.group(1))
        rule_id = rule_ids.at(problem.file, index)
        return finding(
            "citation-missing",
            (rule_id,) if rule_id else (),
            problem.file,
            problem.line,
            f"Rule {rule_id or f'number {index + 1}'} cites no provision ({match.group(2)}): "
            "every rule must name in 'implements' the law or guidance it applies.",
        )
    return finding("load", (), problem.file, problem.line, text)


class _RuleIds:
    """Rule ids by position in a module file (for problems reported as ``rules.N.…``)."""

    def __init__(self, root: Path | None) -> None:
        self.root = root
        self._files: dict[str, Any] = {}

    def at(self, file: str, index: int) -> str | None:
        if self.root is None:
            return None
        if file not in self._files:
            try:
                self._files[file] = load_yaml(self.root / file)
            except (LoadError, OSError):
                self._files[file] = None
        data = self._files[file]
        try:
            rule_id = data["rules"][index]["id"]
        except (KeyError, IndexError, TypeError):
            return None
        return rule_id if isinstance(rule_id, str) else None


def example_finding(result: ExampleResult) -> Finding:
    return finding(
        "example",
        tuple(),
        result.source.file,
        result.source.line,
        f"Worked example {result.example.name!r} ({result.rule_set}@{result.version}) does "
        "not give the expected answer: " + "; ".join(result.failures),
    )
