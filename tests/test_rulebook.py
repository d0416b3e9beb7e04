"""The rule book's HTML without a browser: content, escaping, anchors, API routes and the CLI."""

from __future__ import annotations

import base64
import hashlib
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from eligibility_service.api.app import create_app
from eligibility_service.cli import main
from eligibility_service.decisions.questions import QUESTIONS
from eligibility_service.rulebook import build_book, render_index, render_version
from eligibility_service.rulebook.markup import linked_expr, message_html
from eligibility_service.rules.registry import Registry, load_registry

from .conftest import ROOT
from .tokens import bearer


class Page(HTMLParser):
    """Every element's tag and attributes, and the text of ``<script>`` and ``<style>``."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.raw: dict[str, list[str]] = {"script": [], "style": []}
        self._in: str | None = None
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))
        if tag in self.raw:
            self._in = tag
            self.raw[tag].append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == self._in:
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._in:
            self.raw[self._in][-1] += data

    def tags(self, name: str) -> list[dict[str, str | None]]:
        return [attrs for tag, attrs in self.elements if tag == name]

    def ids(self) -> list[str]:
        return [str(a["id"]) for _, a in self.elements if a.get("id")]


@pytest.fixture(scope="module")
def state_html(registry: Registry) -> str:
    return render_version(registry.get("state", "2026.1"), "../index.html").html


def test_rule_sits_beside_the_provisions_it_implements(state_html: str, registry: Registry) -> None:
    start = state_html.index('id="rule-NEWHIRE-WINDOW"')
    article = state_html[start : state_html.index("</article>", start)]
    # the record as 2026.1 cited it (pinned), not the corrected catalogue's
    provision = registry.get("state", "2026.1").provisions["wis-stat-40.51-2"].provision
    assert provision.url != registry.provisions.by_id["wis-stat-40.51-2"].provision.url
    assert "The new-hire application is due within 30 days of hire" in article
    assert "NEWHIRE_WINDOW" in article
    assert f'href="{provision.url}"' in article
    assert "Wis. Stat. § 40.51(2)</a>" in article
    assert "known(employee.hire_date)" in article  # the condition text
    assert '<a class="ref" href="#param-newhire_window_days">' in article  # message placeholder
    assert "enrollment_deadline" in article  # the date it sets
    assert "rule_sets/common/new_hire.yaml:" in article  # where to edit it


def test_parameters_choices_and_examples_are_listed(state_html: str, registry: Registry) -> None:
    rs = registry.get("state", "2026.1")
    page = Page(state_html)
    ids = set(page.ids())
    assert {f"param-{name}" for name in rs.parameters} <= ids
    assert {f"choice-{name}" for name in rs.policy_choices} <= ids
    for qname, q in rs.questions.items():
        assert {f"rule-{r.id}" for r in q.rules} <= ids
        assert {f"example-{qname}-{i}" for i in range(1, len(q.examples) + 1)} <= ids
    # a parameter's values with their dates: 600 hours until 2011-06-30, then 1200
    start = state_html.index('id="param-wrs_min_hours_nonteacher"')
    table = state_html[start : state_html.index("</article>", start)]
    assert "600 hours per year" in table and "1982-01-01 to 2011-06-30" in table
    assert "1200 hours per year" in table and "from 2011-07-01" in table
    # the default alternative of a choice is marked
    start = state_html.index('id="choice-newhire_effective_date"')
    choice = state_html[start : state_html.index("</article>", start)]
    assert choice.count("default in this version") == 1
    assert "first_of_month_in_window" in choice and "Why the default." in choice


def test_anchors_are_unique_and_every_internal_link_resolves(registry: Registry) -> None:
    for versions in registry.rule_sets.values():
        for rs in versions.values():
            page = Page(render_version(rs, "/rule-book").html)
            ids = page.ids()
            assert len(ids) == len(set(ids)), "duplicate anchors"
            hrefs = [a.get("href") or "" for a in page.tags("a")]
            targets = {href[1:] for href in hrefs if href.startswith("#")}
            assert targets, "no internal links"
            assert targets <= set(ids), f"broken anchors: {sorted(targets - set(ids))[:5]}"


def test_inline_assets_match_the_content_security_policy(state_html: str) -> None:
    page = Page(state_html)
    (meta,) = [m for m in page.tags("meta") if m.get("http-equiv") == "Content-Security-Policy"]
    csp = meta["content"] or ""
    assert "default-src 'none'" in csp
    for kind in ("script", "style"):
        (text,) = page.raw[kind]
        digest = base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()
        assert f"{kind}-src 'sha256-{digest}'" in csp
    # self-contained: nothing is fetched from elsewhere
    assert not page.tags("link") and not page.tags("img")
    assert all(s.get("src") is None for s in page.tags("script"))


def test_expression_links_and_escaping() -> None:
    html = linked_expr(
        'param.limit @ date("2011-07-01") < x and choice.c == "x" and <b>',
        frozenset({"limit"}),
        frozenset({"c"}),
        {"x": "def-q-x"},
    )
    assert '<a class="ref" href="#param-limit">param.limit</a>' in html
    assert '<a class="ref" href="#choice-c">choice.c</a>' in html
    assert '&lt; <a class="ref" href="#def-q-x">x</a>' in html
    assert "== &#34;x&#34; and" in html  # a string literal is never linked
    assert "&lt;b&gt;" in html and "<b>" not in html
    assert (
        message_html("{param.nope} <i>", frozenset(), frozenset(), {})
        == "<var>{param.nope}</var> &lt;i&gt;"
    )


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))


@pytest.fixture(scope="module")
def mutated(tmp_path_factory: pytest.TempPathFactory) -> Registry:
    """A copy of the rule files with markup in a rule title and a provision, plus a draft."""
    root = tmp_path_factory.mktemp("mutated")
    for folder in ("rule_sets", "statutes", "contracts", "guidance"):
        shutil.copytree(ROOT / folder, root / folder)
    # this copy edits shared files on purpose: no publishing records for it
    for record in (root / "rule_sets").glob("*/published.yaml"):
        record.unlink()
    for pins in (root / "rule_sets").glob("*/pinned-provisions"):
        shutil.rmtree(pins)  # so 2026.1 reads the edited catalogue
    _edit(
        root / "rule_sets/common/new_hire.yaml",
        "title: The new-hire application is due within 30 days of hire",
        'title: \'<script>alert("rule")</script> & "quoted" due within 30 days\'',
    )
    statute = root / "statutes/wis-stat-ch40.yaml"
    start = statute.read_text().index("id: wis-stat-40.51-2")
    url_line = statute.read_text()[start:].split("url: ", 1)[1].split("\n", 1)[0]
    _edit(statute, "url: " + url_line, "url: 'https://example.org/a\"onmouseover=\"alert(1)'")
    _edit(
        statute,
        "title: Initial enrollment of eligible employees",
        "title: <img src=x onerror=alert(1)>",
    )
    state = root / "rule_sets/state"
    shutil.copytree(state / "2026.1", state / "2099.1")
    _edit(state / "2099.1/version.yaml", 'version: "2026.1"', 'version: "2099.1"')
    _edit(state / "2099.1/version.yaml", "status: published", "status: draft")
    _edit(state / "2099.1/version.yaml", "from: 1982-01-01", "from: 2099-01-01")
    return load_registry(root, QUESTIONS)


def test_text_from_yaml_is_escaped(mutated: Registry) -> None:
    html = render_version(mutated.get("state", "2026.1"), "../index.html").html
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#34;rule&#34;)&lt;/script&gt; &amp; &#34;quoted&#34;" in html
    assert "<img" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert '"onmouseover="' not in html
    page = Page(html)
    assert len(page.tags("script")) == 1  # ours only
    hrefs = {a["href"] for a in page.tags("a")}
    assert 'https://example.org/a"onmouseover="alert(1)' in hrefs  # stayed inside the attribute
    assert all("onmouseover" not in attrs for _, attrs in page.elements)


def test_draft_version_is_marked_and_listed(mutated: Registry) -> None:
    draft = render_version(mutated.get("state", "2099.1"), "../index.html").html
    assert "Draft: decisions use this version only when a request pins it." in draft
    index = render_index(mutated, lambda rid, v: f"{rid}/{v}.html").html
    assert 'href="state/2099.1.html"' in index and 'href="state/2026.1.html"' in index
    assert index.index("state/2099.1.html") < index.index("state/2026.1.html")  # newest first


def test_book_counts(registry: Registry) -> None:
    rs = registry.get("local", "2026.1")
    book = build_book(rs)
    assert book.rule_count == sum(len(q.rules) for q in rs.questions.values())
    assert book.example_count == sum(len(q.examples) for q in rs.questions.values())
    assert book.cited_by["wis-stat-40.51-2"]


@pytest.fixture(scope="module")
def client(registry: Registry) -> TestClient:
    return TestClient(create_app(registry=registry), headers=bearer())


def test_api_serves_index_and_version_pages(client: TestClient) -> None:
    index = client.get("/rule-book")
    assert index.status_code == 200
    assert index.headers["content-type"].startswith("text/html")
    assert 'href="/rule-book/state/2026.1"' in index.text
    assert 'href="/rule-book/local/2026.1"' in index.text
    page = client.get("/rule-book/state/2026.1")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert page.headers["content-security-policy"].startswith("default-src 'none'")
    assert page.headers["x-content-type-options"] == "nosniff"
    assert 'id="rule-NEWHIRE-WINDOW"' in page.text
    assert 'href="/rule-book"' in page.text


@pytest.mark.parametrize("path", ["/rule-book/state/1999.9", "/rule-book/nowhere/2026.1"])
def test_api_unknown_version_is_a_404_problem(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == 404 and body["instance"] == "/rule-book/{rule_set_id}/{version}"
    assert "no version" in body["detail"] or "no rule set" in body["detail"]
    assert path.rsplit("/", 1)[1] not in body["detail"] and "nowhere" not in response.text


def test_openapi_documents_html_and_problem(client: TestClient) -> None:
    doc = client.get("/openapi.json").json()
    op = doc["paths"]["/rule-book/{rule_set_id}/{version}"]["get"]
    assert set(op["responses"]["200"]["content"]) == {"text/html"}
    assert set(op["responses"]["404"]["content"]) == {"application/problem+json"}
    assert set(doc["paths"]["/rule-book"]["get"]["responses"]["200"]["content"]) == {"text/html"}


def test_cli_writes_static_pages_with_working_links(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["rulebook", "--output", str(tmp_path), "--root", str(ROOT)])
    assert result.exit_code == 0, result.output
    index = tmp_path / "index.html"
    links = [a["href"] for a in Page(index.read_text()).tags("a") if a.get("href")]
    assert "state/2026.1.html" in links and "local/2026.1.html" in links
    for link in links:
        assert (tmp_path / str(link)).is_file(), link
    state = (tmp_path / "state" / "2026.1.html").read_text()
    assert 'href="../index.html"' in state and 'id="rule-NEWHIRE-WINDOW"' in state
    assert f"wrote {tmp_path / 'state' / '2026.1.html'}" in result.output


def test_front_page_counts_items_by_verdict_and_rules_show_their_record(
    registry: Registry,
) -> None:
    old = build_book(registry.get("state", "2026.1"))  # published before records existed
    assert old.verified_count == 0
    assert old.verification == (("missing", "not verified", old.item_count),)
    assert old.item_count >= old.rule_count
    rs = registry.get("state", "2026.2")
    book = build_book(rs)
    counts = dict((verdict, n) for verdict, _, n in book.verification)
    assert "missing" not in counts and sum(counts.values()) == book.item_count
    html = render_version(rs, "../index.html").html
    assert f"{book.verified_count} of {book.item_count} rules, parameter values" in html
    rule = next(r for q in rs.questions.values() for r in q.rules if r.verified is not None)
    record = rule.verified
    assert record is not None
    entry = next(r for q in book.questions for r in q.rules if r.id == rule.id)
    assert entry.check is not None and entry.check.read_on == record.read_on.isoformat()
    start = html.index(f'id="rule-{rule.id}"')
    assert f"Checked {record.read_on.isoformat()}:" in html[start : html.index("</article>", start)]
