"""The rule book in a real browser: the service's pages and the CLI's static files, opened in
headless Chromium (Debian's ``chromium``). Chromium missing is a failure, not a skip:
``make test`` (and so CI) installs it first, with scripts/ensure-chromium."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from eligibility_service.rules.registry import Registry
from eligibility_service.tools.rulebook import write_rule_book

from .conftest import ROOT
from .headless_chromium import ChromiumMissing, Tab, headless_chromium
from .server import running_service

RULE = "NEWHIRE-WINDOW"
PROVISION = "wis-stat-40.51-2"
REASON = "NEWHIRE_APPLICATION_LATE"


@pytest.fixture(scope="module")
def service() -> Iterator[str]:
    with running_service() as base:
        yield base


@pytest.fixture(scope="module")
def tab() -> Iterator[Tab]:
    try:
        with headless_chromium() as browser_tab:
            yield browser_tab
    except ChromiumMissing as exc:
        pytest.fail(str(exc), pytrace=False)


def _visible_rules(tab: Tab) -> list[str]:
    return list(
        tab.evaluate(
            "Array.from(document.querySelectorAll('article.rule'))"
            ".filter(el => el.checkVisibility()).map(el => el.dataset.ruleId)"
        )
    )


def _search(tab: Tab, text: str) -> None:
    """Clear the search box with Escape, then type ``text`` into it."""
    tab.evaluate("document.getElementById('search').focus()")
    tab.press("Escape", 27)
    tab.type_text(text)


def _rules_with_reason(registry: Registry, reason: str) -> set[str]:
    rs = registry.get("state", "2026.2")
    return {r.id for q in rs.questions.values() for r in q.rules if r.outcome.reason == reason}


def test_rule_with_citation_link_and_example(service: str, tab: Tab, registry: Registry) -> None:
    tab.navigate(f"{service}/rule-book/state/2026.2")
    rule = tab.evaluate(
        f"""(() => {{
          const el = document.getElementById('rule-{RULE}');
          if (!el) return null;
          const links = Array.from(el.querySelectorAll('aside a.citation'))
            .map(a => ({{text: a.textContent, href: a.getAttribute('href')}}));
          return {{visible: el.checkVisibility(), text: el.innerText, links}};
        }})()"""
    )
    assert rule is not None, f"#rule-{RULE} is not on the page"
    assert rule["visible"]
    assert "The new-hire application is due within 30 days of hire" in rule["text"]
    provision = registry.provisions.by_id[PROVISION].provision
    assert {"text": provision.citation, "href": provision.url} in rule["links"]
    assert provision.summary.split(";")[0] in rule["text"]  # the summary sits beside the rule

    rs = registry.get("state", "2026.2")
    example, _ = rs.questions["new_hire_enrollment"].examples[0]
    shown = tab.evaluate(
        "(() => { const el = document.getElementById('example-new_hire_enrollment-1');"
        " if (!el) return null; el.open = true; return el.innerText; })()"
    )
    assert shown is not None, "the first new-hire worked example is not on the page"
    assert example.name in shown
    assert example.expect.outcome in shown
    for name, value in example.expect.dates.items():
        assert f"{name}\t{value.isoformat() if value else 'none'}" in shown
    # The inline style and script ran under the page's Content-Security-Policy.
    assert (
        tab.evaluate("getComputedStyle(document.querySelector('.searchbar')).position") == "sticky"
    )
    blocked = [e for e in tab.log_entries() if "Content Security Policy" in e]
    assert not blocked, blocked


def test_search_by_reason_code_hides_other_rules(
    service: str, tab: Tab, registry: Registry
) -> None:
    tab.navigate(f"{service}/rule-book/state/2026.2")
    everything = _visible_rules(tab)
    assert RULE in everything
    assert len(everything) > 100

    _search(tab, REASON)
    expected = _rules_with_reason(registry, REASON)
    assert expected and RULE not in expected
    assert set(_visible_rules(tab)) == expected
    status = tab.evaluate("document.getElementById('search-status').textContent")
    assert status.startswith(f"{len(expected)} of {len(everything)} rules match")
    # Questions without a match are hidden whole; the matching example stays.
    assert not tab.evaluate("document.getElementById('q-dependent_eligibility').checkVisibility()")
    assert tab.evaluate(
        "Array.from(document.querySelectorAll('details.example')).some(el =>"
        f" el.checkVisibility() && el.dataset.search.includes({json.dumps(REASON.lower())}))"
    )

    tab.press("Escape", 27)
    assert len(_visible_rules(tab)) == len(everything)


def test_search_by_citation_and_rule_id(service: str, tab: Tab, registry: Registry) -> None:
    tab.navigate(f"{service}/rule-book/state/2026.2")
    _search(tab, "§ 40.51(2)")
    visible = set(_visible_rules(tab))
    rs = registry.get("state", "2026.2")
    citing = {r.id for q in rs.questions.values() for r in q.rules if PROVISION in r.implements}
    assert RULE in visible
    assert citing <= visible
    assert len(visible) < sum(len(q.rules) for q in rs.questions.values())

    _search(tab, RULE.lower())
    by_id = _visible_rules(tab)
    assert RULE in by_id
    assert all(RULE in rule_id for rule_id in by_id)


def test_index_links_to_every_version(service: str, tab: Tab, registry: Registry) -> None:
    tab.navigate(f"{service}/rule-book")
    hrefs = tab.evaluate("Array.from(document.querySelectorAll('a.version-link')).map(a => a.href)")
    expected = {
        f"{service}/rule-book/{rid}/{version}"
        for rid, versions in registry.rule_sets.items()
        for version in versions
    }
    assert set(hrefs) == expected
    tab.evaluate("document.querySelector('a.version-link').click()")
    tab.wait_for("document.readyState === 'complete' && !!document.getElementById('search')")
    assert tab.evaluate("location.pathname").startswith("/rule-book/")


def test_static_rule_book_opens_from_disk(
    tab: Tab, tmp_path_factory: pytest.TempPathFactory
) -> None:
    out: Path = tmp_path_factory.mktemp("rulebook")
    write_rule_book(ROOT, out)
    tab.navigate((out / "index.html").as_uri())
    tab.evaluate("document.querySelector('a.version-link[href=\"state/2026.2.html\"]').click()")
    tab.wait_for(
        "location.pathname.endsWith('/state/2026.2.html') && document.readyState === 'complete'"
    )
    assert tab.evaluate(f"!!document.getElementById('rule-{RULE}')")
    _search(tab, REASON)
    assert RULE not in _visible_rules(tab)
    assert "NEWHIRE-LATE" in _visible_rules(tab)
