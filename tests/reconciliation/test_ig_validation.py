"""Implementation-guide validation with pyx12 (``--validate``, ``?validate=true``): what it
finds on the public samples and on a broken file, that no value from the file ever reaches a
message or a log, and that the Full File Compare, the CLI and the API report its findings as
``file`` exceptions only when asked."""

from __future__ import annotations

import io
import json
import logging
from pathlib import Path

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from eligibility_service.api.app import create_app
from eligibility_service.cli import main
from eligibility_service.reconciliation import run as run_module
from eligibility_service.reconciliation.run import run_ffc
from eligibility_service.reconciliation.sor_io import write_sor_jsonl
from eligibility_service.reconciliation.synthetic_sor import sor_from_834
from eligibility_service.reconciliation.x12 import X12Reader, iter_families
from eligibility_service.reconciliation.x12.ig_validation import IgFinding, validate_834
from eligibility_service.rules.registry import Registry
from eligibility_service.settings import Settings

from ..tokens import bearer

CLEAN = (
    "pyx12__834_deident_family.txt",
    "pyx12__834_deident_term.txt",
    "pyx12__834_ls_le_ls.txt",
    "linuxforhealth__enroll-employee-multiple-products.834",
    "linuxforhealth__change-subscriber-information.834",
)
MESSY = "pyx12__example834_5010.txt"

# (level, code, line, segment, element, severity) of what pyx12 finds in the messy sample:
# segments 2-5 begin with a space (the line before ends "~ "); INS06-01 is sent as "C   ".
MESSY_FINDINGS = [
    ("segment", "1", 2, "GS", "", "warning"),
    ("segment", "1", 3, "ST", "", "warning"),
    ("segment", "1", 4, "BGN", "", "warning"),
    ("segment", "1", 5, "DTP", "", "warning"),
    ("element", "5", 8, "INS", "INS06-01", "error"),
    ("element", "6", 8, "INS", "INS06-01", "warning"),
    ("element", "7", 8, "INS", "INS06-01", "error"),
]

# Values in the messy sample that are (fictitious) PHI: none may appear in a message.
MESSY_VALUES = ("DOE", "JOHN", "999999999", "19670330", "777 ELM ST", "ALLEGAN", "C   ", "00389999")

# A broken 834 with distinctive personal values, each in an element pyx12 complains about.
LAST_NAME = "QUIXWORTHINGTONBARTHOLOMEWSMYTHEPEMBERTONFAIRWEATHERVANDERBILTX"  # 62 > 60
SSN = "987654321" + "Z" * 75  # NM109 over 80
BIRTH = "19671331"  # DMG02, not a date
STREET = "4242 ZEPHYRINE BOULEVARD APARTMENT NINETEEN WEST HOLLOWAY CREEK SUITE 12"  # > 55
BROKEN_VALUES = (LAST_NAME, SSN, "987654321", BIRTH, STREET, "ZEPHYRINE")
BROKEN = (
    "ISA*00*          *00*          *ZZ*D00XXX         *ZZ*00AA           *070305*1832*^*00501"
    "*676048320*0*P*:~\n"
    "GS*BE*D00XXX*00AA*20150305*1832*260007982*X*005010X220A1~\n"
    "ST*834*0001*005010X220A1~\n"
    "BGN*00*88880070301*20150305*181245****4~\n"
    "DTP*007*D8*20150301~\n"
    "N1*P5*PAYER 1*FI*999999999~\n"
    "N1*IN*KCMHSAS*FI*999999999~\n"
    "INS*Y*18*030*XN*A*C**FT~\n"
    "REF*0F*00389999~\n"
    "DTP*356*D8*20150301~\n"
    f"NM1*IL*1*{LAST_NAME}*JOHN*A***34*{SSN}~\n"
    f"N3*{STREET}~\n"
    "N4*ALLEGAN*MI*49010**CY*03~\n"
    f"DMG*D8*{BIRTH}*M~\n"
    "HD*030**HLT*064703*IND~\n"
    "DTP*348*D8*20150301~\n"
    "SE*99*0001~\n"
    "GE*1*260007982~\n"
    "IEA*1*676048320~\n"
)


def _shape(f: IgFinding) -> tuple[str, str, int, str, str, str]:
    return (f.level, f.code, f.line, f.segment_id, f.element, f.severity)


@pytest.mark.parametrize("name", CLEAN)
def test_clean_samples_have_no_findings(samples: Path, name: str) -> None:
    result = validate_834(samples / name)
    assert result.findings == [] and result.total == 0 and result.valid
    assert result.segments > 10


def test_messy_sample_findings(samples: Path) -> None:
    result = validate_834(samples / MESSY)
    assert [_shape(f) for f in result.findings] == MESSY_FINDINGS
    assert result.total == 7 and not result.valid and result.segments == 24
    by_code = {f.code: f.message for f in result.findings if f.level == "element"}
    assert "INS06-01 (Medicare Plan Code): data element too long (IK4 5), segment 8" in by_code["5"]
    assert "invalid code value (IK4 7)" in by_code["7"]
    assert "begins with a space" in result.findings[0].message
    assert len({f.kind for f in result.findings}) == 7  # one kind each: stable ids differ


def test_stream_is_validated_and_put_back(samples: Path) -> None:
    data = b"\xef\xbb\xbf\r\n" + (samples / MESSY).read_bytes()  # BOM and a blank line first
    stream = io.BytesIO(b"xx" + data)
    stream.seek(2)
    result = validate_834(stream)
    assert [_shape(f) for f in result.findings] == MESSY_FINDINGS
    assert stream.tell() == 2 and stream.read() == data


def test_not_x12_is_one_finding() -> None:
    result = validate_834(io.BytesIO(b"not an 834 at all"))
    assert [(f.level, f.segment_id, f.line) for f in result.findings] == [("file", "ISA", 0)]
    assert "not validated" in result.findings[0].message


def test_broken_file_findings_name_the_place_never_the_value(
    caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    caplog.set_level(logging.DEBUG)
    result = validate_834(io.BytesIO(BROKEN.encode()))
    shapes = {(f.level, f.code, f.segment_id, f.element, f.line) for f in result.findings}
    assert shapes >= {
        ("element", "5", "NM1", "NM103", 11),  # last name too long
        ("element", "5", "NM1", "NM109", 11),  # id too long
        ("element", "5", "N3", "N301", 12),  # street too long
        ("element", "8", "DMG", "DMG02", 14),  # not a date
        ("transaction", "4", "SE", "", 17),  # SE01 is not the count
    }
    text = json.dumps([f.__repr__() for f in result.findings])
    for value in BROKEN_VALUES:
        assert value not in text
    # pyx12 logs every error with its value: nothing of it reaches the logs or the console
    captured = capsys.readouterr()
    logged = caplog.text + captured.out + captured.err
    assert not [r for r in caplog.records if r.name.startswith("pyx12")]
    for value in BROKEN_VALUES:
        assert value not in logged


def test_messy_sample_messages_hold_no_values(samples: Path) -> None:
    result = validate_834(samples / MESSY)
    for f in result.findings:
        for value in MESSY_VALUES:
            assert value not in f.message
        assert "(C" not in f.message and 'len("' not in f.message


def test_cap_keeps_the_count(samples: Path) -> None:
    result = validate_834(samples / MESSY, max_findings=2)
    assert len(result.findings) == 2 and result.total == 7


# -- through the Full File Compare, the CLI and the API ---------------------------------------


@pytest.fixture(scope="module")
def messy_sor(samples: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """ETF's extract built from the messy sample itself, so only file findings differ."""
    with open(samples / MESSY, "rb") as stream:
        reader = X12Reader(stream)
        families = list(iter_families(reader.members(), []))
        as_of = reader.headers[0].as_of
    assert as_of is not None
    path = tmp_path_factory.mktemp("ig") / "etf.jsonl"
    with path.open("wb") as out:
        write_sor_jsonl(sor_from_834(families, as_of), out)
    return path


def _ffc(plan_path: Path, sor: Path, **kwargs: object) -> run_module.ExceptionReport:
    with plan_path.open("rb") as plan, sor.open("rb") as extract:
        return run_ffc(plan, extract, "jsonl", {}, **kwargs)  # type: ignore[arg-type]


def test_run_ffc_adds_file_exceptions_only_when_asked(samples: Path, messy_sor: Path) -> None:
    plain = _ffc(samples / MESSY, messy_sor)
    assert not [d for d in plain.discrepancies if d.field.startswith("ig:")]
    assert "ig_findings" not in plain.stats and "ig_validation_seconds" not in plain.stats
    validated = _ffc(samples / MESSY, messy_sor, validate=True)
    ig = [d for d in validated.discrepancies if d.field.startswith("ig:")]
    assert [(d.field, d.line, d.severity) for d in ig] == [
        (f"ig:{code}:{element or segment}", line, severity)
        for _level, code, line, segment, element, severity in MESSY_FINDINGS
    ]
    assert {(d.category, d.correct_side, d.source) for d in ig} == {("file", "plan", "ffc")}
    assert len({d.id for d in ig}) == len(ig)
    assert validated.stats["ig_findings"] == 7
    assert validated.stats["ig_validation_seconds"] >= 0
    # the compare itself is unchanged: the stream was put back for our reader
    others = [d.id for d in validated.discrepancies if not d.field.startswith("ig:")]
    assert others == [d.id for d in plain.discrepancies]
    assert validated.stats["members_in_file"] == plain.stats["members_in_file"] == 1
    report = json.dumps(validated.as_dict())
    for value in MESSY_VALUES[:4]:
        assert value not in report


def test_run_ffc_caps_the_findings(
    samples: Path, messy_sor: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(run_module, "IG_MAX_FINDINGS", 3)
    report = _ffc(samples / MESSY, messy_sor, validate=True)
    ig = [d for d in report.discrepancies if d.field.startswith("ig:")]
    assert [d.field for d in ig][-1] == "ig:more" and len(ig) == 4
    assert "4 more findings not listed (7 in all)" in ig[-1].message
    assert report.stats["ig_findings"] == 7


def test_cli_validate_flag(samples: Path, messy_sor: Path, tmp_path: Path) -> None:
    args = ["ffc", str(samples / MESSY), "--sor", str(messy_sor), "--no-history"]
    out = tmp_path / "r.json"
    plain = CliRunner().invoke(main, [*args, "--json", str(out)])
    assert plain.exit_code == 0, plain.output
    assert "ig findings" not in plain.output
    assert not [e for e in json.loads(out.read_text())["exceptions"] if e["field"][:3] == "ig:"]
    validated = CliRunner().invoke(main, [*args, "--validate", "--json", str(out)])
    assert validated.exit_code == 0, validated.output
    assert "ig findings: 7" in validated.output
    exceptions = json.loads(out.read_text())["exceptions"]
    ig = {(e["field"], e["line"]) for e in exceptions if e["field"].startswith("ig:")}
    assert ig == {("ig:1:GS", 2), ("ig:1:ST", 3), ("ig:1:BGN", 4), ("ig:1:DTP", 5)} | {
        (f"ig:{code}:INS06-01", 8) for code in ("5", "6", "7")
    }
    help_text = CliRunner().invoke(main, ["ffc", "--help"]).output
    assert "--validate" in help_text and "60 s per 22,000 members" in help_text


def test_api_validate_query_parameter(
    samples: Path, messy_sor: Path, tmp_path: Path, registry: Registry
) -> None:
    app = create_app(Settings(data_dir=tmp_path), registry=registry)
    files = {
        "plan_file": ("plan.834", (samples / MESSY).read_bytes()),
        "sor_extract": ("etf.jsonl", messy_sor.read_bytes()),
    }
    with TestClient(app, headers=bearer(app.state.settings.data_dir)) as client:
        plain = client.post("/v1/reconciliation/ffc", files=files, data={"history": "false"})
        assert plain.status_code == 200, plain.text
        assert not [e for e in plain.json()["exceptions"] if e["field"].startswith("ig:")]
        validated = client.post(
            "/v1/reconciliation/ffc?validate=true", files=files, data={"history": "false"}
        )
        assert validated.status_code == 200, validated.text
        data = validated.json()
        ig = [e for e in data["exceptions"] if e["field"].startswith("ig:")]
        assert sorted((e["field"], e["line"]) for e in ig) == sorted(
            (f"ig:{c}:{el or seg}", line) for _lv, c, line, seg, el, _sv in MESSY_FINDINGS
        )
        assert data["stats"]["ig_findings"] == 7
        # the rest of the report is the same: the spooled upload was read twice
        assert data["stats"]["members_in_file"] == plain.json()["stats"]["members_in_file"]
        assert len(data["exceptions"]) == len(plain.json()["exceptions"]) + 7
        bad = client.post("/v1/reconciliation/ffc?validate=maybe", files=files)
        assert bad.status_code == 422
