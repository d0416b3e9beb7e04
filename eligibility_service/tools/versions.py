"""``eligibility version new|publish``, ``eligibility diff`` and ``eligibility impact``.

The commands policy staff use to change rules safely: copy a published version into a new
draft, see what the draft changes (semantic diff) and which decisions it would change on real
cases (impact), then publish it, which freezes it.
"""

from __future__ import annotations

import sys
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import click

from ..rules.errors import LoadError
from ..settings import REPO_ROOT

if TYPE_CHECKING:
    from ..rules.registry import Registry

FORMATS = click.Choice(["text", "json", "html"])
ROOT_OPTION = click.option(
    "--root",
    type=click.Path(file_okay=False, path_type=Path),
    default=REPO_ROOT,
    show_default=True,
    help="Folder holding rule_sets/, statutes/, contracts/ and guidance/.",
)
OUTPUT_OPTION = click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the report to this file instead of standard output.",
)


def _fail(message: str, problems: list[object] | None = None, code: int = 1) -> NoReturn:
    for problem in problems or []:
        click.echo(str(problem), err=True)
    click.echo(message, err=True)
    sys.exit(code)


def _ref(text: str) -> tuple[str, str]:
    """``RULESET@VERSION`` -> (rule set, version)."""
    rule_set, at, version = text.partition("@")
    if not at or not rule_set or not version:
        raise click.BadParameter(f"{text!r}: expected RULESET@VERSION, e.g. state@2026.1")
    return rule_set, version


def _emit(text: str, output: Path | None) -> None:
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        click.echo(f"wrote {output}", err=True)


def _registry(root: Path) -> Registry:
    from ..decisions.questions import QUESTIONS
    from ..rules.registry import load_registry

    try:
        return load_registry(root, QUESTIONS)
    except LoadError as exc:
        _fail(f"the rule sets do not load: {len(exc.problems)} problem(s)", list(exc.problems))


# -- version new / publish -------------------------------------------------------------------------


@click.group("version")
def version_group() -> None:
    """Make a new draft version of a rule set, or publish (freeze) a draft."""


@version_group.command("new")
@click.argument("rule_set")
@click.argument("source")
@click.argument("target")
@click.option(
    "--in-force-from",
    required=True,
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="First as-of date the new version answers for by default (once published).",
)
@click.option("--in-force-to", type=click.DateTime(formats=["%Y-%m-%d"]), help="Last such date.")
@click.option("--title", help="Title of the new version (default: the source's, marked draft).")
@click.option("--changes", help="What the new version changes and why (`changes:`).")
@click.option(
    "--snapshot/--share-common",
    default=True,
    show_default=True,
    help="Copy the shared modules (rule_sets/common/) into the new version, so later edits "
    "of common/ do not change it; --share-common keeps reading them where they are.",
)
@ROOT_OPTION
def version_new(
    rule_set: str,
    source: str,
    target: str,
    in_force_from: datetime,
    in_force_to: datetime | None,
    title: str | None,
    changes: str | None,
    snapshot: bool,
    root: Path,
) -> None:
    """Copy version SOURCE of RULE_SET to a new draft version TARGET.

    Example: eligibility version new state 2026.1 2027.1 --in-force-from 2027-01-01
    """
    from ..versioning.manage import VersioningError, new_version

    try:
        made = new_version(
            root,
            rule_set,
            source,
            target,
            in_force_from.date(),
            in_force_to.date() if in_force_to is not None else None,
            title,
            changes,
            snapshot,
        )
    except (VersioningError, LoadError) as exc:
        _fail(str(exc), list(getattr(exc, "problems", [])))
    click.echo(f"made draft {rule_set}@{target} in {made.folder}")
    for path in made.snapshot:
        click.echo(f"  copied {path}")
    click.echo(
        f"Edit it, then: eligibility lint; eligibility diff {rule_set}@{source} {rule_set}@{target}"
    )


@version_group.command("snapshot")
@click.argument("rule_set")
@click.argument("version")
@ROOT_OPTION
def version_snapshot(rule_set: str, version: str, root: Path) -> None:
    """Copy the shared modules a draft VERSION reads (rule_sets/common/) into its folder.

    After this, edits of rule_sets/common/ no longer change the draft; do it before publishing
    a draft made with --share-common. Decisions do not change (same modules, same order).
    """
    from ..versioning.manage import VersioningError, snapshot_version

    try:
        copied = snapshot_version(root, rule_set, version)
    except (VersioningError, LoadError) as exc:
        _fail(str(exc), list(getattr(exc, "problems", [])))
    if not copied:
        click.echo(f"{rule_set}@{version} reads no module outside its folder; nothing to copy")
    for path in copied:
        click.echo(f"copied {path}")


@version_group.command("publish")
@click.argument("rule_set")
@click.argument("version")
@ROOT_OPTION
def version_publish(rule_set: str, version: str, root: Path) -> None:
    """Publish VERSION of RULE_SET: status published, content hash recorded, no more edits.

    A version already marked published but not yet recorded is recorded as it is.
    """
    from ..versioning.manage import VersioningError, publish_version

    try:
        done = publish_version(root, rule_set, version, date.today())
    except (VersioningError, LoadError) as exc:
        _fail(str(exc), list(getattr(exc, "problems", [])))
    ref = f"{rule_set}@{version}"
    if done.already:
        click.echo(f"{ref} is already published with {done.record.content_hash}")
    else:
        click.echo(f"published {ref}: {done.record.content_hash}")
    if done.shared_files:
        click.echo(
            f"note: {ref} reads {len(done.shared_files)} module(s) outside its folder "
            f"({', '.join(done.shared_files)}); editing them now makes {ref} fail to load"
        )
    if done.problems:
        _fail(
            "the rule sets do not load until these published versions are recorded too:",
            list(done.problems),
        )


@version_group.command("pin")
@click.argument("rule_set")
@click.argument("version")
@ROOT_OPTION
def version_pin(rule_set: str, version: str, root: Path) -> None:
    """Keep the provision records a published VERSION cites, as it cited them.

    Publishing does this; run it for versions published before pins existed, before the
    catalogue (statutes/, contracts/, guidance/) is corrected. Refused unless the version
    still matches its recorded content hash.
    """
    from ..versioning.manage import VersioningError, pin_version

    try:
        path = pin_version(root, rule_set, version)
    except (VersioningError, LoadError) as exc:
        _fail(str(exc), list(getattr(exc, "problems", [])))
    click.echo(f"pinned {rule_set}@{version}: {path.relative_to(root)}")


# -- diff ------------------------------------------------------------------------------------------


@click.command("diff")
@click.argument("version_a", metavar="RULESET@A")
@click.argument("version_b", metavar="RULESET@B")
@click.option("--format", "fmt", type=FORMATS, default="text", show_default=True)
@OUTPUT_OPTION
@ROOT_OPTION
def diff_cmd(version_a: str, version_b: str, fmt: str, output: Path | None, root: Path) -> None:
    """Semantic diff of two versions: rules, parameters, policy choices, citations, examples.

    Example: eligibility diff state@2026.1 state@2027.1 --format html -o diff.html
    """
    from ..rules.registry import VersionNotFound
    from ..versioning.diff import diff_versions
    from ..versioning.render import diff_html, diff_json, diff_text

    (id_a, ver_a), (id_b, ver_b) = _ref(version_a), _ref(version_b)
    registry = _registry(root)
    compiled = []
    for ref, (rule_set_id, version) in ((version_a, (id_a, ver_a)), (version_b, (id_b, ver_b))):
        try:
            compiled.append(registry.get(rule_set_id, version))
        except VersionNotFound as exc:  # the message does not repeat what was asked for
            _fail(f"{ref}: {exc}", code=2)
    d = diff_versions(*compiled)
    render = {"text": diff_text, "json": diff_json, "html": diff_html}[fmt]
    _emit(render(d), output)


# -- impact ----------------------------------------------------------------------------------------


@click.command("impact")
@click.option("--from", "from_ref", required=True, metavar="RULESET@A", help="Current version.")
@click.option("--to", "to_ref", required=True, metavar="RULESET@B", help="Proposed version.")
@click.argument("cases", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=FORMATS, default="text", show_default=True)
@OUTPUT_OPTION
@ROOT_OPTION
def impact_cmd(
    from_ref: str, to_ref: str, cases: Path, fmt: str, output: Path | None, root: Path
) -> None:
    """Decide every case in CASES (JSON Lines of API requests) under both versions and report
    which decisions change, grouped by rule and reason code.

    Each line: {"question": "new_hire_enrollment", "id": "...", "program": ..., "facts": ...,
    "options": ...}; question (default new_hire_enrollment) and id are optional.

    Example: eligibility impact --from state@2026.1 --to state@2027.1
    examples/cases/impact-new-hire.jsonl --format html -o impact.html
    """
    from ..rules.registry import VersionNotFound
    from ..versioning.impact import assess
    from ..versioning.render import impact_html, impact_json, impact_text

    (id_a, ver_a), (id_b, ver_b) = _ref(from_ref), _ref(to_ref)
    if id_a != id_b:
        raise click.BadParameter("--from and --to must be versions of the same rule set")
    registry = _registry(root)
    try:
        with cases.open(encoding="utf-8") as lines:
            report = assess(registry, id_a, ver_a, ver_b, lines, str(cases))
    except VersionNotFound as exc:
        _fail(str(exc), code=2)
    render = {"text": impact_text, "json": impact_json, "html": impact_html}[fmt]
    _emit(render(report), output)


COMMANDS = [version_group, diff_cmd, impact_cmd]
