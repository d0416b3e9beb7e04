"""Every rule, parameter value and policy-choice default checked against the text it cites.

The records themselves (:class:`~eligibility_service.rules.model.Verification`) say who read
which text and what they found; these checks make sure that

- every item of a version has one (``verification-missing``), naming a provision the item
  cites (``verification-source``): a record about a text the rule does not cite verifies
  nothing a reader of the rule can follow;
- ``agrees`` rests on primary text (statute, session law, administrative code, contract,
  ETF's manuals), not on guidance pages (``verification-source``);
- no record says ``disagrees`` (``verification-disagrees``): a finding is fixed, not filed;
- a policy choice's default does not rest on guidance alone while another alternative cites
  primary text (``default-without-primary``);
- each provision's url names the section its citation names (``provision-url``) and its
  period is dated from the text (``provision-placeholder-period``: no ``in_force_source``).

Versions published before records existed are listed as reviewed exceptions
(:mod:`.reviewed_exceptions`), which turns their findings into ``info``.
"""

from __future__ import annotations

from dataclasses import replace

from ..rules.compiled import CompiledRuleSet
from ..rules.provisions import LocatedProvision
from ..rules.registry import Registry
from ..rules.verification_records import Item, items, ref
from .findings import Finding, finding
from .reviewed_exceptions import Exceptions
from .source_urls import url_problem

PRIMARY_KINDS = frozenset({"statute", "administrative_code", "session_law", "contract", "manual"})


def requires_records(rs: CompiledRuleSet, exceptions: Exceptions) -> bool:
    """Whether a version's items must all be verified (not a reviewed exception)."""
    return exceptions.match("verification-missing", ref(rs)) is None


def excused(exceptions: Exceptions, check: str, found: Finding, *targets: str) -> Finding:
    entry = exceptions.match(check, *targets)
    if entry is None:
        return found
    return Finding(
        "info",
        found.kind,
        found.rule_ids,
        found.file,
        found.line,
        f"{found.message} (reviewed exception, {entry.reviewed_by} {entry.reviewed_on}: "
        f"{entry.reason})",
        found.witness,
    )


def _item_findings(rs: CompiledRuleSet, item: Item, exceptions: Exceptions) -> list[Finding]:
    version = ref(rs)
    targets = (version, f"{version}:{item.key}")
    record = item.verified
    if record is None:
        found = finding(
            "verification-missing",
            item.rule_ids,
            item.file,
            item.line,
            f"{version}: {item.label} has no verification record (`verified:` with the text "
            "read, the date, the verdict).",
        )
        return [excused(exceptions, "verification-missing", found, *targets)]
    out: list[Finding] = []
    source: LocatedProvision | None = rs.provisions.get(record.source)
    problem = None
    if record.source not in item.cites or source is None:
        problem = (
            f"is verified against {record.source!r}, which it does not cite; cite the text "
            "the record was checked against."
        )
    elif record.verdict == "agrees" and source.kind not in PRIMARY_KINDS:
        problem = (
            f"'agrees' with {source.provision.citation}, which is {source.kind}, not primary "
            "text; the verdict for guidance is 'guidance_only'."
        )
    if problem is not None:
        out.append(
            finding(
                "verification-source",
                item.rule_ids,
                item.file,
                item.line,
                f"{version}: {item.label} {problem}",
            )
        )
    if record.verdict == "disagrees":
        found = finding(
            "verification-disagrees",
            item.rule_ids,
            item.file,
            item.line,
            f"{version}: {item.label} disagrees with {record.source}: {record.why}",
        )
        out.append(excused(exceptions, "verification-disagrees", found, *targets))
    elif record.verdict == "not_found":
        out.append(
            finding(
                "verification-not-found",
                item.rule_ids,
                item.file,
                item.line,
                f"{version}: {item.label}: the text of {record.source} was not found: {record.why}",
            )
        )
    return out


def _primary(rs: CompiledRuleSet, ids: list[str]) -> bool:
    return any((p := rs.provisions.get(pid)) is not None and p.kind in PRIMARY_KINDS for pid in ids)


def _default_findings(rs: CompiledRuleSet, exceptions: Exceptions) -> list[Finding]:
    out: list[Finding] = []
    for name, choice in sorted(rs.policy_choices.items()):
        default = rs.policy_defaults.get(name, choice.default)
        others = [a for a in choice.alternatives if a != default]
        if _primary(rs, choice.alternatives[default].cites) or not any(
            _primary(rs, choice.alternatives[a].cites) for a in others
        ):
            continue
        where = rs.choice_sources.get(name)
        found = finding(
            "default-without-primary",
            (),
            where.file if where else rs.folder,
            where.line if where else None,
            f"{ref(rs)}: the default of policy choice {name} ({default}) cites no primary "
            "text, while another alternative does; make the default follow the primary text "
            "or cite the primary text the default rests on.",
        )
        out.append(
            excused(
                exceptions, "default-without-primary", found, ref(rs), f"{ref(rs)}:choice:{name}"
            )
        )
    return out


def _catalogue_findings(registry: Registry, exceptions: Exceptions) -> list[Finding]:
    out: list[Finding] = []
    for pid, located in sorted(registry.provisions.by_id.items()):
        p = located.provision
        if (problem := url_problem(p.citation, p.url)) is not None:
            found = finding(
                "provision-url",
                (),
                located.file,
                located.line,
                f"Provision {pid} ({p.citation}): {problem}.",
            )
            out.append(excused(exceptions, "provision-url", found, pid))
        if p.in_force_source is None:
            found = finding(
                "provision-placeholder-period",
                (),
                located.file,
                located.line,
                f"Provision {pid} ({p.citation}) is in force from {p.in_force.from_} with no "
                "'in_force_source' saying what dates it (act, register, manual edition).",
            )
            out.append(excused(exceptions, "provision-placeholder-period", found, pid))
    return out


def _unused(registry: Registry, exceptions: Exceptions) -> list[Finding]:
    """Exceptions that excuse nothing any more (the rule was fixed; the version is gone)."""
    versions = {ref(rs) for vs in registry.rule_sets.values() for rs in vs.values()}
    known = set(registry.provisions.by_id) | versions
    out: list[Finding] = []
    for entry, line in exceptions.entries:
        base = entry.target.split(":", 1)[0]
        if base not in known:
            out.append(
                finding(
                    "exception-unused",
                    (),
                    exceptions.file,
                    line,
                    f"reviewed exception for {entry.check} names {entry.target!r}, which is no "
                    "version or provision any more; remove it.",
                )
            )
    return out


def check(registry: Registry, exceptions: Exceptions) -> list[Finding]:
    found: list[Finding] = []
    for _rid, versions in sorted(registry.rule_sets.items()):
        for _v, rs in sorted(versions.items()):
            for item in items(rs):
                found.extend(_item_findings(rs, item, exceptions))
            defaults = _default_findings(rs, exceptions)
            if not requires_records(rs, exceptions):
                # a version made before records (published, immutable): known, fixed later
                defaults = [
                    replace(f, severity="warning") if f.severity == "error" else f for f in defaults
                ]
            found.extend(defaults)
    found.extend(_catalogue_findings(registry, exceptions))
    found.extend(_unused(registry, exceptions))
    return found


__all__ = ["PRIMARY_KINDS", "check", "excused", "requires_records"]
