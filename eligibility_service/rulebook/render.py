"""Render rule-book pages: self-contained HTML (inline CSS and JS, no external assets).

Pages are Jinja2 templates with autoescaping on, so every string from the rule files is
escaped. The inline style and script are pinned by their SHA-256 in a Content-Security-Policy
(sent as a header by the service and repeated in a ``<meta>`` tag for the static files), so
even a mistake in escaping could not run injected script.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib import resources

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from ..rules.compiled import CompiledRuleSet
from ..rules.registry import Registry
from .book import Book, QuestionEntry, build_book, period_text
from .markup import linked_expr, message_html


@dataclass(frozen=True)
class Page:
    html: str
    csp: str  # the Content-Security-Policy the page is written for


@dataclass(frozen=True)
class VersionLink:
    version: str
    title: str
    status: str
    in_force: str
    content_hash: str
    rules: int
    examples: int
    href: str


@dataclass(frozen=True)
class RuleSetLink:
    id: str
    program: str
    title: str
    description: str
    versions: tuple[VersionLink, ...]


def _asset(name: str) -> str:
    return (resources.files(__package__) / "static" / name).read_text(encoding="utf-8")


def _sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


@cache
def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader(__package__, "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env


@cache
def _assets() -> tuple[Markup, Markup, str]:
    """The inline CSS and JS (our own files, trusted) and the CSP that admits exactly them."""
    css, js = _asset("rulebook.css"), _asset("rulebook.js")
    csp = (
        f"default-src 'none'; style-src {_sha256(css)}; script-src {_sha256(js)}; "
        "img-src data:; base-uri 'none'; form-action 'none'"
    )
    return Markup(css), Markup(js), csp


def _render(template: str, **context: object) -> Page:
    css, js, csp = _assets()
    html = _environment().get_template(template).render(css=css, js=js, csp=csp, **context)
    return Page(html, csp)


def _helpers(book: Book) -> dict[str, Callable[..., Markup]]:
    def expr(text: str, question: QuestionEntry) -> Markup:
        defs = {d.name: d.anchor for d in question.definitions}
        return linked_expr(text, book.param_names, book.choice_names, defs)

    def message(text: str, question: QuestionEntry) -> Markup:
        defs = {d.name: d.anchor for d in question.definitions}
        return message_html(text, book.param_names, book.choice_names, defs)

    return {"expr": expr, "message": message}


def render_book(book: Book, index_href: str) -> Page:
    return _render("version.html", book=book, index_href=index_href, **_helpers(book))


def render_version(rule_set: CompiledRuleSet, index_href: str) -> Page:
    """The rule book of one version; ``index_href`` links back to the list of rule sets."""
    return render_book(build_book(rule_set), index_href)


def rule_set_links(
    registry: Registry, version_href: Callable[[str, str], str]
) -> list[RuleSetLink]:
    links = []
    for rid in sorted(registry.rule_sets):
        versions = registry.versions(rid)
        info = versions[0].info
        links.append(
            RuleSetLink(
                id=rid,
                program=info.program,
                title=info.title,
                description=info.description,
                versions=tuple(
                    VersionLink(
                        version=v.version,
                        title=v.manifest.title,
                        status=v.manifest.status,
                        in_force=period_text(v.manifest.in_force),
                        content_hash=v.content_hash,
                        rules=sum(len(q.rules) for q in v.questions.values()),
                        examples=sum(len(q.examples) for q in v.questions.values()),
                        href=version_href(rid, v.version),
                    )
                    for v in reversed(versions)  # newest first
                ),
            )
        )
    return links


def render_index(registry: Registry, version_href: Callable[[str, str], str]) -> Page:
    """The list of rule sets and their versions; ``version_href(id, version)`` links each."""
    return _render("index.html", rule_sets=rule_set_links(registry, version_href))
