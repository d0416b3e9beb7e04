"""834 input that must be refused or reported, never misread (issue 12, section 2).

Each test builds a minimal 834 (one family: a subscriber and a child) and ETF's side for it,
then breaks one thing: the file is truncated, the version fields name another guide, an
element cannot be what the guide says, a member is terminated, REF*17 carries a reporting
category, a person repeats.
"""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import msgspec
import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from eligibility_service.api.app import create_app
from eligibility_service.cli import main
from eligibility_service.reconciliation.discrepancy import Discrepancy
from eligibility_service.reconciliation.ffc import compare
from eligibility_service.reconciliation.record import SorContract, SorMember
from eligibility_service.reconciliation.run import IncompleteFile, InputError, run_ffc
from eligibility_service.reconciliation.sor_io import write_sor_jsonl
from eligibility_service.reconciliation.x12 import X12Reader, load_834
from eligibility_service.rules.registry import Registry
from eligibility_service.settings import Settings
from eligibility_service.store.tables import ExceptionHistory

from ..tokens import bearer

AS_OF = date(2026, 3, 1)


def isa(version: str = "00501") -> str:
    return (
        "ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *260301*1200*^*"
        f"{version}*000000123*0*T*:"
    )


def family(cid: str = "C1", *, sub_ssn: str = "900000001", dep_ssn: str = "900000002",
           dep: list[str] | None = None) -> list[str]:  # fmt: skip
    """A subscriber and a child, each with their own REF*23 member id."""
    child = dep or [
        "INS*N*19*030*XN*A****F*N",
        f"REF*0F*{cid}",
        f"REF*23*{cid}-02",
        f"NM1*IL*1*ROE*BEN****34*{dep_ssn}",
        "DMG*D8*20100202*M",
        "HD*030**HLT*P1",
        "DTP*348*D8*20250101",
    ]
    return [
        "INS*Y*18*030*XN*A*E**FT",
        f"REF*0F*{cid}",
        f"REF*23*{cid}-01",
        f"NM1*IL*1*ROE*ANN****34*{sub_ssn}",
        "DMG*D8*19800115*F",
        "HD*030**HLT*P1*FAM",
        "DTP*348*D8*20250101",
        *child,
    ]


def transaction(members: list[str], control: str = "0001", st03: str = "005010X220A1") -> list[str]:
    body = [
        f"ST*834*{control}*{st03}",
        "BGN*00*REF1*20260301*1200****4",
        "DTP*007*D8*20260301",
        "N1*P5*SPONSOR*FI*111111111",
        "N1*IN*PLAN*FI*222222222",
        *members,
    ]
    return [*body, f"SE*{len(body) + 1}*{control}"]


def interchange(*sets: list[str], isa12: str = "00501", gs08: str = "005010X220A1") -> bytes:
    segments = [
        isa(isa12),
        f"GS*BE*SENDER*RECEIVER*20260301*1200*77*X*{gs08}",
        *[s for t in sets for s in t],
        f"GE*{len(sets)}*77",
        "IEA*1*000000123",
    ]
    return "".join(s + "~\n" for s in segments).encode()


def sor_member(cid: str, n: int, relationship: str, ssn: str, first: str, birth: date,
               gender: str, **kw: object) -> SorMember:  # fmt: skip
    return SorMember(f"{cid}-{n:02d}", relationship, ssn, "ROE", first, "", birth, gender, **kw)  # type: ignore[arg-type]


def contract(cid: str = "C1", *, sub_ssn: str = "900000001", dep_ssn: str = "900000002",
             dep: SorMember | None = None) -> SorContract:  # fmt: skip
    child = dep or sor_member(cid, 2, "19", dep_ssn, "BEN", date(2010, 2, 2), "M", student=True)
    return SorContract(
        cid, "state", "", "", "P1", "HLT", "FAM", "active", "", "", date(2025, 1, 1), None,
        (sor_member(cid, 1, "18", sub_ssn, "ANN", date(1980, 1, 15), "F"), child),
    )  # fmt: skip


def run(data: bytes, contracts: list[SorContract]) -> list[Discrepancy]:
    return compare(X12Reader(io.BytesIO(data)), contracts).discrepancies


def keys(found: list[Discrepancy]) -> list[tuple[str, str, str]]:
    return sorted((d.category, d.member_id, d.field) for d in found)


def test_the_clean_family_has_no_discrepancy() -> None:
    # The base every test below breaks: it must compare clean, or the tests prove nothing.
    assert run(interchange(transaction(family())), [contract()]) == []


# -- 1. truncated or incomplete files ------------------------------------------------------


def _sor_jsonl(contracts: list[SorContract]) -> bytes:
    buf = io.BytesIO()
    write_sor_jsonl(contracts, buf)
    return buf.getvalue()


def _truncated() -> bytes:
    """Two families, the file cut inside the second one's subscriber (no SE, GE, IEA)."""
    whole = interchange(transaction([*family("C1"), *family("C2", sub_ssn="900000003",
                                                             dep_ssn="900000004")]))  # fmt: skip
    return whole[: whole.index(b"REF*23*C2-01")]


def _many_contracts() -> list[SorContract]:
    return [contract("C1"), contract("C2", sub_ssn="900000003", dep_ssn="900000004")] + [
        contract(f"X{i}", sub_ssn=f"8000{i:05d}", dep_ssn=f"8100{i:05d}") for i in range(50)
    ]


@pytest.mark.parametrize(
    ("data", "named"),
    [
        (lambda: _truncated(), "SE segment missing for ST 0001"),
        (
            lambda: interchange(transaction(family())).replace(b"SE*20*0001", b"SE*25*0001"),
            "SE01 says 25 segments",
        ),
        (
            lambda: interchange(transaction(family())).replace(b"GE*1*77", b"GE*2*77"),
            "GE01 says 2 transaction sets",
        ),
    ],
)
def test_an_incomplete_834_is_refused_naming_what_is_missing(data: object, named: str) -> None:
    contents = data()  # type: ignore[operator]
    with pytest.raises(IncompleteFile) as refused:
        run_ffc(io.BytesIO(contents), io.BytesIO(_sor_jsonl(_many_contracts())), "jsonl", {})
    assert refused.value.field == "plan_file" and named in str(refused.value)
    assert "ROE" not in str(refused.value) and "9000000" not in str(refused.value)


def test_api_refuses_a_truncated_834_with_422_and_records_nothing(
    tmp_path: Path, registry: Registry
) -> None:
    app = create_app(Settings(data_dir=tmp_path), registry=registry)
    files = {
        "plan_file": ("plan.834", _truncated()),
        "sor_extract": ("etf.jsonl", _sor_jsonl(_many_contracts())),
    }
    with TestClient(app, headers=bearer(app.state.settings.data_dir)) as client:
        refused = client.post("/v1/reconciliation/ffc", files=files)
        assert refused.status_code == 422, refused.text
        (error,) = refused.json()["errors"]
        assert error["field"] == "plan_file"
        assert "SE segment missing for ST 0001" in error["message"]
        assert "GE segment missing for GS 77" in error["message"]
        assert "IEA segment missing" in error["message"]
        store = app.state.store
        with store.engine.connect() as connection:
            history = connection.execute(select(func.count()).select_from(ExceptionHistory))
            assert history.scalar_one() == 0
        # Asked for explicitly: compared as far as it goes, marked partial, not recorded.
        partial = client.post("/v1/reconciliation/ffc?allow_partial=true", files=files)
        assert partial.status_code == 200, partial.text
        report = partial.json()
        assert report["partial"] is True and report["run_id"] == ""
        categories = {e["category"] for e in report["exceptions"]}
        assert "missing_at_plan" not in categories  # 50 contracts not in the cut file
        assert {e["field"] for e in report["exceptions"] if e["category"] == "file"} >= {
            "missing-se", "missing-ge", "missing-iea"
        }  # fmt: skip
        with store.engine.connect() as connection:
            history = connection.execute(select(func.count()).select_from(ExceptionHistory))
            assert history.scalar_one() == 0


def test_cli_refuses_a_truncated_834_unless_allow_partial(tmp_path: Path) -> None:
    plan = tmp_path / "plan.834"
    plan.write_bytes(_truncated())
    sor = tmp_path / "etf.jsonl"
    sor.write_bytes(_sor_jsonl(_many_contracts()))
    args = ["ffc", str(plan), "--sor", str(sor), "--no-history"]
    refused = CliRunner().invoke(main, args)
    assert refused.exit_code == 2
    assert "plan_file" in refused.output and "SE segment missing for ST 0001" in refused.output
    partial = CliRunner().invoke(main, [*args, "--allow-partial"])
    assert partial.exit_code == 0, partial.output
    assert "PARTIAL" in partial.output and "missing_at_plan" not in partial.output


# -- 2. version fields ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "named"),
    [
        (lambda: interchange(transaction(family()), isa12="00401"), "ISA12"),
        (lambda: interchange(transaction(family()), gs08="004010X095A1"), "GS08"),
        (lambda: interchange(transaction(family(), st03="005010X220")), "ST03"),
    ],
)
def test_an_interchange_of_another_version_is_refused(data: object, named: str) -> None:
    with pytest.raises(InputError) as refused:
        run_ffc(io.BytesIO(data()), io.BytesIO(_sor_jsonl([contract()])), "jsonl", {})  # type: ignore[operator]
    assert not isinstance(refused.value, IncompleteFile)  # allow_partial does not cover it
    assert refused.value.field == "plan_file" and named in str(refused.value)
    assert "00401" not in str(refused.value) and "004010X095A1" not in str(refused.value)


# -- 3. malformed elements ------------------------------------------------------------------


def _child(
    dmg: str, ins: str = "INS*N*19*030*XN*A****F*N", extra: tuple[str, ...] = ()
) -> list[str]:
    return [ins, "REF*0F*C1", "REF*23*C1-02", "NM1*IL*1*ROE*BEN****34*900000002", dmg,
            "HD*030**HLT*P1", "DTP*348*D8*20250101", *extra]  # fmt: skip


@pytest.mark.parametrize(
    ("dmg", "element"),
    [
        ("DMG*D8*20100202*20100202", "DMG03"),  # a gender that is a date
        ("DMG*D8*20100202*Q9", "DMG03"),
        ("DMG*D8*2010022*M", "DMG02"),  # a birth date that is not a date
        ("DMG*D8*20100231*M", "DMG02"),
        ("DMG*D6*100202*M", "DMG01"),  # a date format that is not D8
    ],
)
def test_a_malformed_dmg_is_a_finding_on_the_member_never_a_value(dmg: str, element: str) -> None:
    data = interchange(transaction(family(dep=_child(dmg))))
    child = load_834(io.BytesIO(data)).members[1]
    assert child.malformed == (element,)
    if element == "DMG03":
        assert child.gender == ""
    else:
        assert child.birth_date is None
    found = run(data, [contract()])
    assert keys(found) == [("malformed_segment", "C1-02", element)]
    (d,) = found
    assert d.contract_id == "C1" and d.severity == "error" and d.correct_side == "plan"
    value = dmg.split("*")[int(element[-1])]
    assert value not in d.message and d.other_value == "" and d.etf_value == ""


@pytest.mark.parametrize(
    ("child", "element"),
    [
        (_child("DMG*D8*20100202*M", ins="INS*N*1X*030*XN*A****F*N"), "INS02"),
        (_child("DMG*D8*20100202*M", ins="INS*N*19*030*XN*A****Q*N"), "INS09"),
        (_child("DMG*D8*20100202*M", extra=("DTP*349*D8*2026-01-31",)), "DTP*349.DTP03"),
        (_child("DMG*D8*20100202*M", extra=("DTP*349*DB*20260131",)), "DTP*349.DTP02"),
    ],
)
def test_any_element_the_guide_does_not_allow_is_a_finding(child: list[str], element: str) -> None:
    found = run(interchange(transaction(family(dep=child))), [contract()])
    assert keys(found) == [("malformed_segment", "C1-02", element)]


# -- 4. member-level termination ------------------------------------------------------------

TERMINATED = _child(
    "DMG*D8*20100202*M", ins="INS*N*19*024*07*A****F*N", extra=("DTP*357*D8*20260131",)
)
TERMINATED.insert(3, "DTP*357*D8*20260131")  # 2000-level, before the NM1
del TERMINATED[-1]


def test_a_member_level_termination_is_not_coverage_the_plan_gives() -> None:
    data = interchange(transaction(family(dep=TERMINATED)))
    child = load_834(io.BytesIO(data)).members[1]
    assert child.maintenance_type == "024" and child.eligibility_end == date(2026, 1, 31)
    # ETF no longer has the child: nothing to report (the file is a verify file, INS03 024
    # is reported once as a file-level warning).
    full = contract()
    only_subscriber = msgspec.structs.replace(full, members=full.members[:1])
    found = run(data, [only_subscriber])
    assert [d.category for d in found if d.category != "file"] == []
    # ETF still covers the child: the plan's termination is an end-date difference, dated.
    found = run(data, [contract()])
    (end,) = [d for d in found if d.category != "file"]
    assert (end.category, end.member_id, end.field) == ("end_date", "C1-02", "HLT.end_date")
    assert (end.etf_value, end.other_value) == ("", "2026-01-31")


# -- 5. REF*17 ------------------------------------------------------------------------------


def test_ref17_is_a_reporting_category_not_the_member_id() -> None:
    # No SSNs: the member id is all that identifies the people. REF*17 is the same
    # reporting category on both; REF*23 their own ids.
    members = family(sub_ssn="", dep_ssn="")
    members = [s.replace("****34*", "****") for s in members]
    for i in (i for i, s in enumerate(list(members)) if s.startswith("REF*0F")):
        members.insert(i + 1, "REF*17*DEPT9")
    data = interchange(transaction(members))
    child = load_834(io.BytesIO(data)).members[1]
    assert child.supplemental_id == "C1-02" and child.refs["17"] == "DEPT9"
    assert run(data, [contract(sub_ssn="", dep_ssn="")]) == []


# -- 6. duplicates --------------------------------------------------------------------------


def test_a_person_repeated_in_several_sets_is_one_duplicate_per_key() -> None:
    data = interchange(*(transaction(family(), control=f"000{n}") for n in (1, 2, 3)))
    found = run(data, [contract()])
    assert keys(found) == [("duplicate", "C1-01", "ssn"), ("duplicate", "C1-02", "ssn")]
    assert all("3 times" in d.message for d in found)


def test_a_placeholder_ssn_shared_by_several_records_is_one_duplicate() -> None:
    members = [
        *family("C1", sub_ssn="123456789", dep_ssn="123456789"),
        *family("C2", sub_ssn="123456789", dep_ssn="900000004"),
    ]
    sor = [contract("C1", sub_ssn="", dep_ssn=""), contract("C2", sub_ssn="", dep_ssn="900000004")]
    found = run(interchange(transaction(members)), sor)
    assert keys(found) == [("duplicate", "", "ssn")]
    (d,) = found
    assert "3 records" in d.message and "123456789" not in d.message
