"""Load rule-set folders into compiled, immutable rule sets, strictly.

Loading either succeeds completely or raises :class:`LoadError` listing every problem found
(as ``file:line: message``): unknown keys, duplicate keys, bad dates, type errors in
expressions, unresolved citations, unknown facts, duplicate ids, broken worked examples.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from .compiled import (
    CompiledDefinition,
    CompiledQuestion,
    CompiledRule,
    CompiledRuleSet,
    MessagePart,
    ParameterTable,
    SourceRef,
)
from .errors import LoadError, Problem, display_path
from .expr.compiler import CompiledExpr, ExpressionTypeError, Scope, compile_expression
from .expr.parser import ExpressionSyntaxError, parse
from .expr.types import DATE, Type, type_of_value
from .model import Example, Module, RuleSetInfo, VersionManifest
from .pinned_provisions import read_pin
from .provisions import ProvisionIndex, validation_problems
from .question import QuestionSpec
from .yaml_source import LineDict, line_of, load_yaml


@dataclass
class _LoadedModule:
    module: Module
    data: Any
    name: str  # display path
    raw: bytes


@dataclass
class _Collector:
    problems: list[Problem] = field(default_factory=list)
    # files read once per load even when several versions include them (shared modules)
    parsed: dict[tuple[Path, str], tuple[Any, Any] | None] = field(default_factory=dict)

    def add(self, file: str, line: int | None, message: str) -> None:
        self.problems.append(Problem(file, line, message))


def _read_model(path: Path, model: type[Any], out: _Collector) -> tuple[Any, Any] | None:
    key = (path.resolve(), model.__name__)
    if key in out.parsed:
        return out.parsed[key]
    result = _parse_model(path, model, out)
    out.parsed[key] = result
    return result


def _parse_model(path: Path, model: type[Any], out: _Collector) -> tuple[Any, Any] | None:
    name = display_path(path)
    try:
        data = load_yaml(path)
    except LoadError as exc:
        out.problems.extend(exc.problems)
        return None
    try:
        return model.model_validate(data), data
    except ValidationError as exc:
        out.problems.extend(validation_problems(exc, data, name))
        return None


_PLACEHOLDER = re.compile(r"\{([^{}]+)\}")


def _canonical(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _canonical(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    if isinstance(value, list | tuple):
        return [_canonical(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


def _topological(
    names: list[str], deps: Mapping[str, set[str]], where: Mapping[str, SourceRef], out: _Collector
) -> list[str]:
    order: list[str] = []
    state: dict[str, int] = {}

    def visit(name: str, stack: list[str]) -> None:
        if state.get(name) == 2:
            return
        if state.get(name) == 1:
            cycle = " -> ".join([*stack[stack.index(name) :], name])
            ref = where[name]
            out.add(ref.file, ref.line, f"definitions depend on each other in a cycle: {cycle}")
            return
        state[name] = 1
        for dep in sorted(deps.get(name, ())):
            if dep in deps:
                visit(dep, [*stack, name])
        state[name] = 2
        order.append(name)

    for n in names:
        visit(n, [])
    return order


class _VersionCompiler:
    """Compiles the modules of one version; collects problems instead of stopping early."""

    def __init__(
        self,
        info: RuleSetInfo,
        manifest: VersionManifest,
        manifest_data: Any,
        manifest_name: str,
        folder: Path,
        provisions: ProvisionIndex,
        questions: Mapping[str, QuestionSpec],
        out: _Collector,
    ) -> None:
        self.info = info
        self.manifest = manifest
        self.manifest_data = manifest_data
        self.manifest_name = manifest_name
        self.folder = folder
        self.provisions = provisions
        self.questions = questions
        self.out = out
        self.cited: set[str] = set()
        self.failed: set[str] = set()
        self.param_tables: dict[str, ParameterTable] = {}
        self.param_checked: set[str] = set()

    # -- helpers -----------------------------------------------------------------------------

    def _cites(self, ids: Sequence[str], name: str, line: int | None, what: str) -> None:
        for pid in ids:
            if self.provisions.get(pid) is None:
                self.out.add(name, line, f"{what} cites {pid!r}, which is not a known provision")
            else:
                self.cited.add(pid)

    def _expr(
        self, text: str, scope: Scope, name: str, line: int | None, what: str
    ) -> CompiledExpr | None:
        try:
            node = parse(text)
            compiled = compile_expression(node, scope)
            self._check_params(compiled)
            return compiled
        except ExpressionSyntaxError as exc:
            self.out.add(name, line, f"{what}: {exc}  [in: {text}]")
        except ExpressionTypeError as exc:
            if not (_names_in(node) & self.failed):  # else: already reported at the definition
                self.out.add(name, line, f"{what}: {exc}  [in: {text}]")
        return None

    def _check_params(self, compiled: CompiledExpr) -> None:
        """Validate, once, every dated value of a parameter a function parses (a calendar)."""
        for pname, check in compiled.refs.param_checks.items():
            table = self.param_tables.get(pname)
            if table is None or pname in self.param_checked:
                continue
            self.param_checked.add(pname)
            for start, value in zip(table.starts, table.values, strict=True):
                try:
                    check(value)
                except (ValueError, TypeError) as exc:
                    self.out.add(
                        table.source.file,
                        table.source.line,
                        f"parameter {pname} value from {start}: {exc}",
                    )

    def _message(
        self, text: str, scope: Scope, name: str, line: int | None, what: str
    ) -> tuple[MessagePart, ...]:
        parts: list[MessagePart] = []
        pos = 0
        for match in _PLACEHOLDER.finditer(text):
            if match.start() > pos:
                parts.append(MessagePart(text[pos : match.start()]))
            expr = self._expr(match.group(1), scope, name, line, f"{what} placeholder")
            parts.append(MessagePart("", expr))
            pos = match.end()
        if pos < len(text):
            parts.append(MessagePart(text[pos:]))
        return tuple(parts)

    # -- main --------------------------------------------------------------------------------

    def compile(self) -> CompiledRuleSet | None:
        modules = self._read_modules()
        if modules is None:
            return None
        params = self._parameters(modules)
        self.param_tables = params
        choices, choice_sources = self._choices(modules)
        defaults = {name: c.default for name, c in choices.items()}
        for cname, alt in self.manifest.policy_defaults.items():
            line = line_of(self.manifest_data, ("policy_defaults", cname))
            if cname not in choices:
                self.out.add(self.manifest_name, line, f"policy_defaults: unknown choice {cname!r}")
            elif alt not in choices[cname].alternatives:
                self.out.add(
                    self.manifest_name,
                    line,
                    f"policy_defaults: {alt!r} is not an alternative of {cname!r}",
                )
            else:
                defaults[cname] = alt
        param_types = {n: type_of_value(t.values[0]) for n, t in params.items()}
        choice_types = {
            n: Type("string", enum=frozenset(c.alternatives)) for n, c in choices.items()
        }
        questions: dict[str, CompiledQuestion] = {}
        for qname in sorted({m.module.question for m in modules}):
            spec = self.questions.get(qname)
            qmods = [m for m in modules if m.module.question == qname]
            if spec is None:
                for m in qmods:
                    self.out.add(
                        m.name,
                        line_of(m.data, ("question",)),
                        f"unknown decision question {qname!r} "
                        f"(known: {', '.join(sorted(self.questions))})",
                    )
                continue
            compiled = self._question(spec, qmods, param_types, choice_types)
            if compiled is not None:
                questions[qname] = compiled
        if self.out.problems:
            return None
        content_hash = self._hash(modules)
        return CompiledRuleSet(
            info=self.info,
            manifest=self.manifest,
            content_hash=content_hash,
            folder=display_path(self.folder),
            parameters=params,
            policy_choices=choices,
            policy_defaults=defaults,
            questions=questions,
            provisions={pid: p for pid in sorted(self.cited) if (p := self.provisions.get(pid))},
            choice_sources=choice_sources,
        )

    def _read_modules(self) -> list[_LoadedModule] | None:
        modules: list[_LoadedModule] = []
        seen: dict[str, str] = {}
        paths: list[Path] = []
        for i, rel in enumerate(self.manifest.modules):
            line = line_of(self.manifest_data, ("modules", i))
            if any(ch in rel for ch in "*?["):  # a pattern: every matching file, sorted
                found = sorted(p.resolve() for p in self.folder.glob(rel) if p.is_file())
                if not found:
                    self.out.add(
                        self.manifest_name, line, f"module pattern {rel!r} matches no file"
                    )
                paths.extend(p for p in found if p.name != "version.yaml" and p not in paths)
                continue
            path = (self.folder / rel).resolve()
            if not path.is_file():
                self.out.add(self.manifest_name, line, f"module file {rel!r} does not exist")
                continue
            if path not in paths:
                paths.append(path)
        for path in paths:
            got = _read_model(path, Module, self.out)
            if got is None:
                continue
            module, data = got
            name = display_path(path)
            if module.module in seen:
                self.out.add(
                    name, 1, f"module name {module.module!r} also used by {seen[module.module]}"
                )
            seen[module.module] = name
            modules.append(_LoadedModule(module, data, name, path.read_bytes()))
        return None if self.out.problems else modules

    def _parameters(self, modules: list[_LoadedModule]) -> dict[str, ParameterTable]:
        tables: dict[str, ParameterTable] = {}
        for m in modules:
            for pname, spec in m.module.parameters.items():
                line = line_of(m.data, ("parameters", pname))
                if pname in tables:
                    self.out.add(
                        m.name,
                        line,
                        f"parameter {pname!r} is also defined at {tables[pname].source}",
                    )
                    continue
                for i, val in enumerate(spec.values):
                    vline = line_of(m.data, ("parameters", pname, "values", i))
                    self._cites(
                        val.cites, m.name, vline, f"parameter {pname} value from {val.from_}"
                    )
                tables[pname] = ParameterTable(
                    pname,
                    spec,
                    tuple(v.from_ for v in spec.values),
                    tuple(v.value for v in spec.values),
                    SourceRef(m.name, line),
                )
        return tables

    def _choices(self, modules: list[_LoadedModule]) -> tuple[dict[str, Any], dict[str, SourceRef]]:
        choices: dict[str, Any] = {}
        sources: dict[str, SourceRef] = {}
        for m in modules:
            for cname, choice in m.module.policy_choices.items():
                line = line_of(m.data, ("policy_choices", cname))
                if cname in choices:
                    self.out.add(
                        m.name, line, f"policy choice {cname!r} is also defined at {sources[cname]}"
                    )
                    continue
                for alt_name, alt in choice.alternatives.items():
                    aline = line_of(m.data, ("policy_choices", cname, "alternatives", alt_name))
                    self._cites(alt.cites, m.name, aline, f"alternative {cname}.{alt_name}")
                choices[cname] = choice
                sources[cname] = SourceRef(m.name, line)
        return choices, sources

    def _question(
        self,
        spec: QuestionSpec,
        modules: list[_LoadedModule],
        param_types: dict[str, Type],
        choice_types: dict[str, Type],
    ) -> CompiledQuestion | None:
        facts_type = spec.facts_type
        fact_roots = {k for k, _ in facts_type.fields}
        # definitions: parse first to learn dependencies, then compile in dependency order
        raw_defs: dict[str, tuple[Any, _LoadedModule, SourceRef]] = {}
        for m in modules:
            for dname, d in m.module.definitions.items():
                line = line_of(m.data, ("definitions", dname))
                ref = SourceRef(m.name, line)
                if dname in raw_defs:
                    self.out.add(
                        m.name,
                        line,
                        f"definition {dname!r} is also defined at {raw_defs[dname][2]}",
                    )
                    continue
                if dname in fact_roots or dname in ("param", "choice", "as_of", "program"):
                    self.out.add(m.name, line, f"definition name {dname!r} hides a fact or keyword")
                    continue
                self._cites(d.implements, m.name, line, f"definition {dname}")
                raw_defs[dname] = (d, m, ref)
        deps: dict[str, set[str]] = {}
        for dname, (d, _m, ref) in raw_defs.items():
            try:
                deps[dname] = _names_in(parse(d.expr))
            except ExpressionSyntaxError as exc:
                self.out.add(ref.file, ref.line, f"definition {dname}: {exc}  [in: {d.expr}]")
                deps[dname] = set()
        order = _topological(list(raw_defs), deps, {n: v[2] for n, v in raw_defs.items()}, self.out)
        value_types: dict[str, Type] = {}
        self.failed = set()  # definitions that did not compile: uses of them are not re-reported
        definitions: list[CompiledDefinition] = []
        def_facts: dict[str, set[str]] = {}
        def_values: dict[str, set[str]] = {}
        for dname in order:
            d, _m, ref = raw_defs[dname]
            scope = Scope(facts_type, param_types, choice_types, dict(value_types))
            expr = self._expr(d.expr, scope, ref.file, ref.line, f"definition {dname}")
            if expr is None:
                self.failed.add(dname)
                continue
            value_types[dname] = expr.type
            facts = set(expr.refs.facts)
            values = set(expr.refs.values)
            for used in expr.refs.values:
                facts |= def_facts.get(used, set())
                values |= def_values.get(used, set())
            def_facts[dname], def_values[dname] = facts, values
            definitions.append(
                CompiledDefinition(dname, d.title, expr, tuple(d.implements), ref, d.expr)
            )

        scope = Scope(facts_type, param_types, choice_types, value_types)
        rules: list[CompiledRule] = []
        seen_ids: dict[str, SourceRef] = {}
        for m in modules:
            for i, rule in enumerate(m.module.rules):
                line = line_of(m.data, ("rules", i))
                ref = SourceRef(m.name, line)
                if rule.id in seen_ids:
                    self.out.add(
                        m.name, line, f"rule id {rule.id!r} is also used at {seen_ids[rule.id]}"
                    )
                    continue
                seen_ids[rule.id] = ref
                self._cites(rule.implements, m.name, line, f"rule {rule.id}")
                when_line = line_of(m.data, ("rules", i, "when"))
                cond = self._expr(rule.when, scope, m.name, when_line, f"rule {rule.id} 'when'")
                if cond is not None and cond.type.kind != "bool":
                    self.out.add(
                        m.name, when_line, f"rule {rule.id} 'when' must be yes/no, got {cond.type}"
                    )
                sets: list[tuple[str, CompiledExpr]] = []
                for out_name, text in rule.sets.items():
                    sline = line_of(m.data, ("rules", i, "sets", out_name))
                    if out_name not in spec.outputs:
                        self.out.add(
                            m.name,
                            sline,
                            f"rule {rule.id} sets {out_name!r}, which question {spec.name} "
                            f"does not answer (it answers: {', '.join(spec.outputs)})",
                        )
                        continue
                    expr = self._expr(text, scope, m.name, sline, f"rule {rule.id} sets {out_name}")
                    if expr is not None and expr.type.kind not in (DATE.kind, "null"):
                        self.out.add(
                            m.name,
                            sline,
                            f"rule {rule.id} sets {out_name} to a {expr.type}, not a date",
                        )
                    elif expr is not None:
                        sets.append((out_name, expr))
                mline = line_of(m.data, ("rules", i, "outcome", "message"))
                message = self._message(
                    rule.outcome.message, scope, m.name, mline, f"rule {rule.id} message"
                )
                if cond is None:
                    continue
                facts = set(cond.refs.facts)
                values = set(cond.refs.values)
                for _, e in sets:
                    facts |= e.refs.facts
                    values |= e.refs.values
                for used in list(values):
                    facts |= def_facts.get(used, set())
                    values |= def_values.get(used, set())
                rules.append(
                    CompiledRule(
                        id=rule.id,
                        title=rule.title,
                        implements=tuple(rule.implements),
                        period=rule.in_force,
                        condition=cond,
                        outcome=rule.outcome,
                        message=message,
                        sets=tuple(sets),
                        fact_refs=tuple(sorted(facts)),
                        value_refs=tuple(sorted(values)),
                        module=m.module.module,
                        source=ref,
                        when_text=rule.when,
                        sets_text=tuple(rule.sets.items()),
                        notes=rule.notes,
                        confidence=rule.confidence,
                        family=rule.family,
                        verified=rule.verified,
                    )
                )
        examples: list[tuple[Example, SourceRef]] = []
        for m in modules:
            for i, ex in enumerate(m.module.examples):
                line = line_of(m.data, ("examples", i))
                if ex.program is not None and ex.program != self.info.program:
                    continue
                try:
                    spec.facts_model.model_validate(ex.facts)
                except ValidationError as exc:
                    for p in validation_problems(exc, m.data["examples"][i]["facts"], m.name):
                        self.out.add(
                            p.file, p.line or line, f"example {ex.name!r} facts: {p.message}"
                        )
                for out_name in ex.expect.dates:
                    if out_name not in spec.outputs:
                        self.out.add(
                            m.name, line, f"example {ex.name!r} expects unknown date {out_name!r}"
                        )
                examples.append((ex, SourceRef(m.name, line)))
        if self.out.problems:
            return None
        return CompiledQuestion(
            spec,
            tuple(definitions),
            tuple(rules),
            tuple(examples),
            _choices_read(definitions, rules),
        )

    def _hash(self, modules: list[_LoadedModule]) -> str:
        payload = {
            "rule_set": self.info.model_dump(mode="json"),
            "manifest": self.manifest.model_dump(mode="json", by_alias=True),
            "modules": [m.module.model_dump(mode="json", by_alias=True) for m in modules],
            "provisions": [
                self.provisions.by_id[pid].provision.model_dump(mode="json", by_alias=True)
                for pid in sorted(self.cited)
            ],
        }
        text = json.dumps(_canonical(payload), sort_keys=True, separators=(",", ":"))
        return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


def _choices_read(
    definitions: Sequence[CompiledDefinition], rules: Sequence[CompiledRule]
) -> tuple[str, ...]:
    """The policy choices a question's definitions, conditions, dates and messages read."""
    exprs: list[CompiledExpr] = [d.expr for d in definitions]
    for rule in rules:
        exprs.append(rule.condition)
        exprs.extend(e for _, e in rule.sets)
        exprs.extend(p.expr for p in rule.message if p.expr is not None)
    names: set[str] = set()
    for expr in exprs:
        names |= expr.refs.choices
    return tuple(sorted(names))


def _names_in(node: Any) -> set[str]:
    """Bare names an expression reads (candidates for definitions it depends on)."""
    from .expr import ast

    found: set[str] = set()

    def walk(n: Any) -> None:
        if isinstance(n, ast.Path):
            found.add(n.parts[0])
        for value in getattr(n, "__dict__", {}).values():
            if isinstance(value, ast.Node):
                walk(value)
            elif isinstance(value, tuple):
                for v in value:
                    if isinstance(v, ast.Node):
                        walk(v)

    walk(node)
    return found


def load_rule_sets(
    root: Path, provisions: ProvisionIndex, questions: Mapping[str, QuestionSpec]
) -> list[CompiledRuleSet]:
    """Load every ``rule_sets/<id>/<version>/version.yaml`` below ``root``."""
    out = _Collector()
    result: list[CompiledRuleSet] = []
    for info_path in sorted(root.glob("*/rule_set.yaml")):
        got = _read_model(info_path, RuleSetInfo, out)
        if got is None:
            continue
        info, info_data = got
        if info.id != info_path.parent.name:
            out.add(
                display_path(info_path),
                line_of(info_data, ("id",)),
                f"rule set id {info.id!r} must match its folder name {info_path.parent.name!r}",
            )
            continue
        for manifest_path in sorted(info_path.parent.glob("*/version.yaml")):
            got_m = _read_model(manifest_path, VersionManifest, out)
            if got_m is None:
                continue
            manifest, manifest_data = got_m
            mname = display_path(manifest_path)
            if manifest.version != manifest_path.parent.name:
                out.add(
                    mname,
                    line_of(manifest_data, ("version",)),
                    f"version {manifest.version!r} must match its folder name "
                    f"{manifest_path.parent.name!r}",
                )
                continue
            try:
                pin = read_pin(info_path.parent, manifest.version, provisions)
            except LoadError as exc:
                out.problems.extend(exc.problems)
                continue
            compiler = _VersionCompiler(
                info,
                manifest,
                manifest_data,
                mname,
                manifest_path.parent,
                pin.index if pin is not None else provisions,
                questions,
                out,
            )
            compiled = compiler.compile()
            if compiled is not None:
                result.append(compiled)
    if out.problems:
        raise LoadError(out.problems)
    return result


__all__ = ["LineDict", "load_rule_sets"]
