"""Envelope checks, separators and layouts, several sets and groups, unreadable input, PHI."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest

from eligibility_service.reconciliation.x12 import (
    X12Reader,
    X12ReadError,
    iter_families,
    iter_segments,
    load_834,
)

ISA = "ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *260101*1200*^*00501*000000123*0*T*:~"  # noqa: E501

BODY = [
    "GS*BE*SENDER*RECEIVER*20260101*1200*77*X*005010X220A1",
    "ST*834*0001*005010X220A1",
    "BGN*00*REF1*20260101*1200****4",
    "DTP*007*D8*20260101",
    "QTY*TO*2",
    "N1*P5*SPONSOR*FI*111111111",
    "N1*IN*PLAN*FI*222222222",
    "INS*Y*18*030*XN*A*E**FT",
    "REF*0F*S1",
    "NM1*IL*1*ROE*ANN****34*900000001",
    "DMG*D8*19800115*F",
    "HD*030**HLT*P1*FAM",
    "DTP*348*D8*20250101",
    "INS*N*19*030*XN*A****F*N",
    "REF*0F*S1",
    "NM1*IL*1*ROE*BEN****34*900000002",
    "DMG*D8*20100202*M",
    "HD*030**HLT*P1",
    "DTP*348*D8*20250101",
    "DTP*349*D8*20260131",
    "SE*20*0001",
    "GE*1*77",
    "IEA*1*000000123",
]


def render(body: list[str], newline: str = "\n") -> bytes:
    return "".join(s + "~" + newline for s in [ISA[:-1], *body]).encode()


def codes(data: bytes) -> list[tuple[str, int, int | None]]:
    loaded = load_834(io.BytesIO(data))
    return [(f.code, f.segment_number, f.line) for f in loaded.findings]


def test_clean_file_has_no_findings() -> None:
    loaded = load_834(io.BytesIO(render(BODY)))
    assert loaded.findings == ()
    assert [m.relationship for m in loaded.members] == ["18", "19"]
    assert loaded.headers[0].quantities == {"TO": "2"}
    child = loaded.members[1]
    assert child.coverages[0].benefit_end == date(2026, 1, 31)
    assert (child.student_status, child.handicap) == ("F", "N")


def replace(old: str, new: str) -> list[str]:
    assert old in BODY
    return [new if s == old else s for s in BODY]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("SE*20*0001", "SE*19*0001", ("se-count", 22, 22)),
        ("SE*20*0001", "SE*20*0002", ("se-control", 22, 22)),
        ("GE*1*77", "GE*2*77", ("ge-count", 23, 23)),
        ("GE*1*77", "GE*1*78", ("ge-control", 23, 23)),
        ("IEA*1*000000123", "IEA*2*000000123", ("iea-count", 24, 24)),
        ("IEA*1*000000123", "IEA*1*000000124", ("iea-control", 24, 24)),
        ("QTY*TO*2", "QTY*TO*3", ("qty", 22, 22)),
        ("DTP*007*D8*20260101", "DTP*007*D8*20260231", ("bad-date", 5, 5)),
    ],
)
def test_envelope_errors_are_findings(old: str, new: str, expected: tuple[str, int, int]) -> None:
    assert codes(render(replace(old, new))) == [expected]


def test_findings_do_not_quote_member_data() -> None:
    # A member's bad date is named on the member (test_x12_input.py), not a file finding;
    # nor does a file finding quote a bad header date.
    loaded = load_834(io.BytesIO(render(replace("DMG*D8*20100202*M", "DMG*D8*20100231*M"))))
    assert loaded.findings == ()
    assert loaded.members[1].malformed == ("DMG02",) and loaded.members[1].birth_date is None
    loaded = load_834(io.BytesIO(render(replace("DTP*007*D8*20260101", "DTP*007*D8*20260231"))))
    (finding,) = loaded.findings
    assert "20260231" not in finding.message and "DTP*007" in finding.message


def test_missing_trailers_are_findings() -> None:
    assert codes(render(BODY[:-1])) == [("missing-iea", 23, None)]
    found = codes(render(BODY[:-3]))
    assert [c for c, _, _ in found] == ["missing-se", "missing-ge", "missing-iea"]
    # the members read before the cut are still there
    assert len(load_834(io.BytesIO(render(BODY[:-3]))).members) == 2


def test_line_numbers_when_findings_come_out_of_order() -> None:
    # The BGN03 finding (at the ST) is raised when the header closes, after the DTP*007
    # finding that follows it in the file: both still get their own line.
    body = [s if s != "DTP*007*D8*20260101" else "DTP*007*D8*2026" for s in BODY]
    body = [s if s != "BGN*00*REF1*20260101*1200****4" else "BGN*00*REF1*2026*1200****4"
            for s in body]  # fmt: skip
    found = codes(render(body, newline="\n\n"))
    assert found == [("bad-date", 5, 9), ("bad-date", 3, 5)]


def test_line_numbers_follow_the_original_layout() -> None:
    body = replace("SE*20*0001", "SE*19*0001")
    one_line = render(body, newline="")
    assert codes(one_line) == [("se-count", 22, 1)]
    blank_lines = render(body, newline="\r\n\r\n")
    assert codes(blank_lines) == [("se-count", 22, 43)]


def variants() -> list[bytes]:
    plain = render(BODY)
    out = [
        plain,
        render(BODY, newline=""),
        render(BODY, newline="\r\n"),
        b"\xef\xbb\xbf" + render(BODY, newline="\r\n"),
        b"\n\n  " + render(BODY),
        # blanks around separators and before segment ids, padding in elements
        render([" " + s.replace("*", " * ") for s in BODY], newline=" \n "),
        # tabs as padding
        render(["\t" + s.replace("*", "\t*") for s in BODY], newline="\t\n"),
    ]
    # other separators: element |, sub-element >, segment ', repetition !
    table = str.maketrans({"*": "|", ":": ">", "~": "'", "^": "!"})
    out.append(plain.decode().translate(table).encode())
    return out


@pytest.mark.parametrize("data", variants())
@pytest.mark.parametrize("chunk_size", [1, 7, 64, 1 << 20])
def test_layouts_and_separators_read_alike(data: bytes, chunk_size: int) -> None:
    expected = load_834(io.BytesIO(render(BODY)))
    got = load_834(io.BytesIO(data), chunk_size=chunk_size)
    assert got.members == expected.members
    assert got.headers == expected.headers
    assert [f.code for f in got.findings] == []


def test_custom_separators_are_taken_from_the_isa() -> None:
    table = str.maketrans({"*": "|", ":": ">", "~": "'", "^": "!"})
    loaded = load_834(io.BytesIO(render(BODY).decode().translate(table).encode()))
    d = loaded.delimiters
    assert (d.element, d.sub_element, d.segment, d.repetition) == ("|", ">", "'", "!")


def test_several_sets_and_groups() -> None:
    st_set = BODY[1:21]
    body = [
        BODY[0],
        *st_set,
        *[s.replace("0001", "0002") for s in st_set],
        "GE*2*77",
        "GS*BE*SENDER*RECEIVER*20260101*1200*78*X*005010X220A1",
        *[s.replace("0001", "0003") for s in st_set],
        "GE*1*78",
        "IEA*2*000000123",
    ]
    reader = X12Reader(io.BytesIO(render(body)))
    members = list(reader.members())
    assert reader.findings == []
    assert [m.set_index for m in members] == [0, 0, 1, 1, 2, 2]
    assert [h.control_number for h in reader.headers] == ["0001", "0002", "0003"]
    assert [h.group_control_number for h in reader.headers] == ["77", "77", "78"]
    families = list(iter_families(members, reader.findings))
    assert len(families) == 3 and reader.findings == []


def test_short_isa_is_read_with_a_warning() -> None:
    isa = "ISA*00**00**ZZ*S*ZZ*R*260101*1200*^*00501*000000123*0*T*:"
    loaded = load_834(io.BytesIO("~".join([isa, *BODY, ""]).encode()))
    assert len(loaded.members) == 2
    assert [(f.code, f.severity) for f in loaded.findings] == [("isa-width", "warning")]
    assert loaded.interchange.sender_id == "S"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"GS*BE*X~", "expected an ISA segment, found 'GS*' (at byte 0)"),
        (b"\xef\xbb\xbf\n  NOTX12", "found 'NOT' (at byte 6)"),
        (ISA[:60].encode(), "fewer than 16 elements"),
        (ISA.replace("*:~", "*A~").encode(), "unusable ISA separators"),
    ],
)
def test_unreadable_input_raises_with_position(data: bytes, message: str) -> None:
    with pytest.raises(X12ReadError, match=re.escape(message)):
        X12Reader(io.BytesIO(data))


def test_orphan_dependent_and_other_subscriber_id() -> None:
    header, subscriber, dependent = BODY[:7], BODY[7:13], BODY[13:20]
    other = ["REF*0F*OTHER" if s == "REF*0F*S1" else s for s in dependent]
    members = [*dependent, *subscriber, *other]
    body = [*header[:4], *header[5:], *members]
    body += [f"SE*{len(body)}*0001", "GE*1*77", "IEA*1*000000123"]
    reader = X12Reader(io.BytesIO(render(body)))
    members_read = list(reader.members())
    assert reader.findings == []
    families = list(iter_families(members_read, reader.findings))
    assert [(f.subscriber is None, len(f.dependents)) for f in families] == [
        (True, 1),
        (False, 1),
    ]
    assert [(f.code, f.segment_number) for f in reader.findings] == [
        ("orphan-dependent", 8),
        ("dependent-subscriber-id", 21),
    ]


def test_member_repr_masks_phi() -> None:
    loaded = load_834(io.BytesIO(render(BODY)))
    shown = repr(loaded.members[0]) + str(loaded.members[1]) + repr(loaded.members[0].address)
    for secret in ("900000001", "900000002", "ROE", "ANN", "BEN", "1980", "2010", "19800115"):
        assert secret not in shown
    assert "*****0001" in shown


def test_iter_segments_yields_element_lists() -> None:
    segments = list(iter_segments(io.BytesIO(render(BODY))))
    assert segments[0][0] == "ISA" and segments[0][13] == "000000123"
    assert segments[1][:2] == ["GS", "BE"]
    assert segments[-1] == ["IEA", "1", "000000123"]
    assert len(segments) == 1 + len(BODY)
