"""A provision's url must show the section its citation names (issue 17, finding 10)."""

from __future__ import annotations

import pytest

from eligibility_service.analysis.source_urls import parse_citation, parse_url, url_problem

LEGIS = "https://docs.legis.wisconsin.gov/"


@pytest.mark.parametrize(
    ("citation", "url"),
    [
        ("Wis. Stat. § 40.51(2)", LEGIS + "document/statutes/40.51(2)"),
        # a url may name the section that contains the cited paragraph
        (
            "Wis. Stat. § 40.05(4)(ag)1",
            LEGIS + "document/statutes/40.05(4)(ag)",
        ),
        (
            "Wis. Stat. § 40.02(25)(b)11",
            LEGIS + "document/statutes/2009/40.02(25)(b)11.",
        ),
        (
            "Wis. Stat. § 40.05(4)(ah)",
            LEGIS + "statutes/statutes/40/I/05/4/ah?view=section",
        ),
        (
            "Wis. Admin. Code § ETF 10.01(2)(b)",
            LEGIS + "code/admin_code/etf/10/01/2/b",
        ),
        (
            "Wis. Admin. Code § ETF 40.01(4)(b)",
            LEGIS + "document/administrativecode/ETF%2040.01(4)(b)",
        ),
        (
            "2015 Wis. Act 55, § 1405d",
            LEGIS + "document/acts/2015/55/1405d",
        ),
        ("2015 Wis. Act 55", LEGIS + "document/acts/2015/55"),
        ("42 U.S.C. § 300bb-1", "https://www.law.cornell.edu/uscode/text/42/300bb-1"),
        (
            "42 U.S.C. § 300gg-14(a)",
            "https://uscode.house.gov/view.xhtml?req=granuleid:USC-prelim-title42-section300gg-14",
        ),
        (
            "45 C.F.R. § 146.117",
            "https://www.ecfr.gov/current/title-45/subtitle-A/part-146/section-146.117",
        ),
    ],
)
def test_urls_that_show_the_cited_section(citation: str, url: str) -> None:
    assert url_problem(citation, url) is None


@pytest.mark.parametrize(
    ("citation", "url", "said"),
    [
        # the review's findings: another subsection, another paragraph, another section
        (
            "Wis. Stat. § 40.51(2)",
            LEGIS + "document/statutes/2017/40.51(15m)",
            "40.51(15m)",
        ),
        (
            "Wis. Stat. § 40.02(25)(a)",
            LEGIS + "document/statutes/2017/40.02(25)(b)10.",
            "40.02(25)(b)(10)",
        ),
        (
            "Wis. Stat. § 40.02(25)(b)3",
            LEGIS + "document/statutes/2009/40.02(36)",
            "40.02(36)",
        ),
        (
            "Wis. Stat. § 40.05(4)(b)",
            LEGIS + "document/statutes/2017/40.05(4g)(b)1.",
            "40.05(4g)",
        ),
        (
            "Wis. Admin. Code § ETF 40.01(4)",
            LEGIS + "code/admin_code/etf/40/10/3/e/_1?down=1",
            "40.10(3)(e)",
        ),
        # an act linked to its bill, an unofficial copy
        (
            "2011 Wis. Act 32",
            LEGIS + "2011/related/acts/32",
            "names no section",
        ),
        (
            "Wis. Stat. § 40.513",
            "https://d1tvxue8o4w0fl.cloudfront.net/statute/section-40513",
            "official site",
        ),
        ("42 U.S.C. § 300bb-1", "https://www.law.cornell.edu/uscode/text/29/1162", "usc:29 1162"),
    ],
)
def test_urls_that_show_another_section(citation: str, url: str, said: str) -> None:
    problem = url_problem(citation, url)
    assert problem is not None and said in problem


def test_documents_without_sections_are_not_parsed() -> None:
    assert parse_citation("ET-1118 § 604(3)") is None
    assert url_problem("ET-1118 § 604(3)", "https://fdocuments.in/whatever") is None
    assert parse_url("https://etf.wi.gov/news/late-open-enrollment-applications") is None


def test_subdivision_numbers_after_the_parentheses() -> None:
    cited = parse_citation("Wis. Stat. § 40.02(25)(b)11.")
    assert cited is not None and cited.units == ("25", "b", "11")
