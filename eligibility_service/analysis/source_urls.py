"""Does a provision's url point at the section its citation names?

A record whose url shows another section (``§ 40.51(2)`` linked to ``40.51(15m)``) sends a
reader who checks the rule to the wrong text, so ``eligibility lint`` parses both and
compares them. Only citations with a stable public address scheme are parsed: Wisconsin
statutes, Wisconsin Administrative Code, Wisconsin session laws, the U.S. Code and the Code
of Federal Regulations. Manuals, contracts and ETF pages are documents, not sections, and are
not checked here.

A url may be less specific than its citation (the section for a paragraph) but never more
specific in another direction, and it must be on the official site for the kinds that have
one: an unofficial copy is not the text the citation names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit


@dataclass(frozen=True)
class Section:
    """A parsed reference: the body of law, the section and its subunits, outermost first."""

    body: str  # "wis-stat", "wis-adm-code:etf", "wis-act:2015", "usc:42", "cfr:45"
    section: str  # "40.51", "55" for an act, "300bb-1"
    units: tuple[str, ...] = ()

    def show(self) -> str:
        return f"{self.body} {self.section}" + "".join(f"({u})" for u in self.units)


_UNITS = re.compile(r"\(([0-9A-Za-z]+)\)")


def _units(text: str) -> tuple[str, ...]:
    """``(25)(b)11.`` -> ("25", "b", "11"); a trailing subdivision number follows the parens."""
    units = _UNITS.findall(text)
    tail = re.sub(r"^(?:\([0-9A-Za-z]+\))*", "", text).strip().rstrip(".")
    if tail and re.fullmatch(r"[0-9]+[a-z]*", tail):
        units.append(tail)
    return tuple(u.lower() for u in units)


_CITE_STAT = re.compile(
    r"Wis\.\s*Stat\.\s*§+\s*([0-9]+\.[0-9]+)\s*((?:\([0-9A-Za-z]+\))*\s*[0-9]*[a-z]*\.?)"
)
_CITE_CODE = re.compile(
    r"Wis\.\s*Admin\.\s*Code\s*§+\s*([A-Za-z]+)\s+([0-9]+\.[0-9]+)\s*((?:\([0-9A-Za-z]+\))*\s*[0-9]*[a-z]*\.?)"
)
_CITE_ACT = re.compile(r"([0-9]{4})\s+Wis\.\s*Act\s+([0-9]+)(?:\s*,\s*§+\s*([0-9]+[a-z]*))?")
_CITE_USC = re.compile(r"([0-9]+)\s+U\.S\.C\.\s*§+\s*([0-9A-Za-z-]+)\s*((?:\([0-9A-Za-z]+\))*)")
_CITE_CFR = re.compile(r"([0-9]+)\s+C\.F\.R\.\s*§+\s*([0-9]+\.[0-9]+)\s*((?:\([0-9A-Za-z]+\))*)")


def parse_citation(citation: str) -> Section | None:
    """The section a citation names, or None when it is not of a parsed kind."""
    if m := _CITE_CODE.search(citation):
        return Section(f"wis-adm-code:{m[1].lower()}", m[2], _units(m[3]))
    if m := _CITE_STAT.search(citation):
        return Section("wis-stat", m[1], _units(m[2]))
    if m := _CITE_ACT.search(citation):
        return Section(f"wis-act:{m[1]}", m[2], (m[3].lower(),) if m[3] else ())
    if m := _CITE_USC.search(citation):
        return Section(f"usc:{m[1]}", m[2].lower(), _units(m[3]))
    if m := _CITE_CFR.search(citation):
        return Section(f"cfr:{m[1]}", m[2], _units(m[3]))
    return None


OFFICIAL_HOSTS = {
    "wis-stat": {"docs.legis.wisconsin.gov"},
    "wis-adm-code": {"docs.legis.wisconsin.gov"},
    "wis-act": {"docs.legis.wisconsin.gov"},
    "usc": {"uscode.house.gov", "www.law.cornell.edu", "www.govinfo.gov"},
    "cfr": {"www.ecfr.gov", "www.law.cornell.edu", "www.govinfo.gov"},
}


def _legis_path(path: str) -> Section | None:
    parts = [p for p in path.split("/") if p]
    # /document/statutes/[YEAR/]40.51(2)
    if parts[:2] == ["document", "statutes"] and len(parts) >= 3:
        ref = parts[-1]
        if m := re.fullmatch(r"([0-9]+\.[0-9]+)(.*)", ref):
            return Section("wis-stat", m[1], _units(m[2]))
    # /statutes/statutes/40/I/05/4/ah or /statutes/statutes/40/22/2r (chapter, subchapter
    # when the chapter has them, section, subunits)
    if parts[:2] == ["statutes", "statutes"] and len(parts) >= 4:
        rest = parts[3:]
        if re.fullmatch(r"[IVXL]+", rest[0]) and len(rest) >= 2:
            rest = rest[1:]
        units = tuple(u.lower() for u in rest[1:] if not u.startswith("_"))
        return Section("wis-stat", f"{parts[2]}.{rest[0]}", units)
    # /document/administrativecode/ETF 10.11(1)
    if parts[:2] == ["document", "administrativecode"] and (
        m := re.fullmatch(r"([A-Za-z]+)\s+([0-9]+\.[0-9]+)(.*)", parts[-1])
    ):
        return Section(f"wis-adm-code:{m[1].lower()}", m[2], _units(m[3]))
    # /code/admin_code/etf/40/10/3/e
    if parts[:2] == ["code", "admin_code"] and len(parts) >= 5:
        agency, chapter, section = parts[2], parts[3], parts[4]
        units = tuple(u.lower() for u in parts[5:] if not u.startswith("_"))
        return Section(f"wis-adm-code:{agency.lower()}", f"{chapter}.{section}", units)
    # /document/acts/2015/55[/1405d]
    if parts[:2] == ["document", "acts"] and len(parts) >= 4:
        return Section(f"wis-act:{parts[2]}", parts[3], tuple(p.lower() for p in parts[4:5]))
    return None


def parse_url(url: str) -> Section | None:
    """The section an address shows, or None when it shows none the parser knows."""
    parts = urlsplit(url)
    host = parts.netloc.lower().rstrip(".")
    path = unquote(parts.path)
    if host == "docs.legis.wisconsin.gov":
        return _legis_path(path)
    if host == "uscode.house.gov":
        if m := re.search(r"USC-prelim-title([0-9]+)-section([0-9A-Za-z-]+)", unquote(parts.query)):
            return Section(f"usc:{m[1]}", m[2].lower())
        return None
    if host == "www.law.cornell.edu":
        if m := re.fullmatch(r"/uscode/text/([0-9]+)/([0-9A-Za-z-]+)", path):
            return Section(f"usc:{m[1]}", m[2].lower())
        if m := re.fullmatch(r"/cfr/text/([0-9]+)/([0-9]+\.[0-9]+)", path):
            return Section(f"cfr:{m[1]}", m[2])
        return None
    if host == "www.ecfr.gov" and (
        m := re.search(r"/title-([0-9]+)/.*section-([0-9]+\.[0-9]+)", path)
    ):
        return Section(f"cfr:{m[1]}", m[2])
    return None


def url_problem(citation: str, url: str) -> str | None:
    """Why ``url`` does not show the text ``citation`` names, or None when it does (or when
    the citation is not of a kind this module parses)."""
    cited = parse_citation(citation)
    if cited is None:
        return None
    host = urlsplit(url).netloc.lower().rstrip(".")
    official = OFFICIAL_HOSTS[cited.body.split(":")[0]]
    if host not in official:
        return f"the url is not on the official site ({', '.join(sorted(official))})"
    shown = parse_url(url)
    if shown is None:
        return f"the url names no section (expected {cited.show()})"
    if shown.body != cited.body or shown.section != cited.section:
        return f"the url shows {shown.show()}, the citation names {cited.show()}"
    if shown.units != cited.units[: len(shown.units)]:
        return f"the url shows {shown.show()}, the citation names {cited.show()}"
    return None


__all__ = ["Section", "parse_citation", "parse_url", "url_problem"]
