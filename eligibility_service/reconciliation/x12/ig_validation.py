"""Optional implementation-guide validation of a plan's 834 with pyx12 (slower, on request).

Our streaming reader (:mod:`.reader`) is what the Full File Compare reads: it is fast and
tolerant, and it checks only what the compare needs (envelope, counts, the fields it uses).
A plan sometimes wants to know whether its file is right by the 005010X220A1 implementation
guide as a whole: element lengths, code lists, required and unexpected segments, loop
counts. `pyx12 <https://pypi.org/project/pyx12/>`_ knows the guide (its maps) and does
that, at roughly 60 seconds per 22,000 members, so it runs only when asked
(``eligibility ffc --validate``, ``POST /v1/reconciliation/ffc?validate=true``).

We drive pyx12's reader, map walker and segment validator ourselves (the loop of
``pyx12.x12n_document.x12n_document``, without its 997/HTML/XML outputs and its error tree)
because:

- **PHI.** pyx12's messages quote the values they complain about (``len("C   ")``, a
  name that is too long, an SSN that is not numeric) and its error handler logs each of them
  through the ``pyx12`` logger. Findings here are built from the error *code* and where it
  is (segment id, element reference and the guide's name for it, which come from pyx12's
  maps, never from the file); pyx12's own message is read only to choose between fixed
  phrases, never copied. The ``pyx12`` logger is silenced for good when this module is
  imported: this module is its only user in the service.
- **Errors pyx12 would drop.** Its error tree has no place for a segment error on a GS or
  ST segment (it logs "No current segment in error_handler" and forgets it); we keep them.
- **Streams.** The API has the upload as a spooled temporary file; we read it through a
  small text adapter from wherever it stands and put it back there, so our reader can read
  it again.

``line`` in a finding is pyx12's line: the segment's number counting the ISA as 1, which is
what our reader calls ``segment_number`` (the physical line when each segment has its own).
"""

from __future__ import annotations

import logging
import os
import re
import time
from dataclasses import dataclass, field
from typing import Any, BinaryIO, Literal

import pyx12.errors
import pyx12.map_if
import pyx12.map_index
import pyx12.params
import pyx12.segment
import pyx12.x12file
from pyx12.map_walker import walk_tree

__all__ = ["IgFinding", "IgValidation", "validate_834"]

Level = Literal["interchange", "group", "transaction", "segment", "element", "file"]
FindingSeverity = Literal["error", "warning"]


def _silence_pyx12_logging() -> None:
    """pyx12 logs every error with the offending value (PHI) at ERROR level; with no handler
    configured Python's last-resort handler would print them on stderr. No handler, no
    propagation, nothing at or below CRITICAL: its records never reach ours."""
    logger = logging.getLogger("pyx12")
    logger.handlers[:] = [logging.NullHandler()]
    logger.propagate = False
    logger.setLevel(logging.CRITICAL + 1)


_silence_pyx12_logging()


@dataclass(frozen=True, slots=True)
class IgFinding:
    """One implementation-guide error. ``message`` is ours, never pyx12's text: no values."""

    level: Level
    code: str  # pyx12's code: X12 TA1 (ISA), 999 AK9/IK5 (GS/ST), IK3 (segment), IK4 (element)
    line: int  # segment number counting the ISA as 1 (0: the file as a whole)
    segment_id: str  # ISA, GS, ST or the segment's id ("" when unknown)
    element: str  # element reference, e.g. INS06-01 ("" when not about one element)
    message: str
    severity: FindingSeverity = "error"

    @property
    def kind(self) -> str:
        """A stable name for what it is and where in the guide: ``<code>:<element or seg>``."""
        return f"{self.code}:{self.element or self.segment_id or '-'}"


@dataclass(slots=True)
class IgValidation:
    """What pyx12 found: the first ``max_findings`` findings and how many there were."""

    findings: list[IgFinding] = field(default_factory=list)
    total: int = 0  # findings found, including those over the cap
    segments: int = 0  # segments read
    seconds: float = 0.0
    max_findings: int | None = None

    @property
    def valid(self) -> bool:
        return self.total == 0

    def add(self, finding: IgFinding) -> None:
        self.total += 1
        if self.max_findings is None or len(self.findings) < self.max_findings:
            self.findings.append(finding)


# -- messages: fixed phrases chosen by code (and, where pyx12 reuses a code, by which of its
# fixed phrases it used); pyx12's text itself is never copied.

_INTERCHANGE = {
    "001": "IEA02 control number does not match ISA13",
    "021": "IEA01 does not count the functional groups in the interchange",
    "023": "interchange trailer (IEA) missing",
    "024": "interchange content is invalid: a functional group is not closed",
    "025": "ISA13 control number is repeated from an earlier interchange",
}
_GROUP = {
    "3": "functional group trailer (GE) missing",
    "4": "GE02 control number does not match GS06",
    "5": "GE01 does not count the transaction sets in the group",
    "6": "GS06 control number is repeated from an earlier group",
}
_TRANSACTION = {
    "2": "transaction set trailer (SE) missing",
    "3": "SE02 control number does not match ST02",
    "4": "SE01 does not count the segments in the transaction set",
    "23": "ST02 control number is repeated in the group",
}
_SEGMENT = {  # X12 999 IK3 codes, plus pyx12's own
    "1": "unrecognized segment ID or segment not expected here by the implementation guide",
    "2": "unexpected segment: the implementation guide marks it not used",
    "3": "required segment missing",
    "4": "loop occurs over its maximum times",
    "5": "segment exceeds its maximum use",
    "6": "segment not in the defined transaction set",
    "7": "segment not in proper sequence",
    "8": "segment has data element errors",
    "SEG1": "segment ends with an element separator (trailing empty elements)",
    "HL1": "HL01 is not the next hierarchical id in sequence",
    "HL2": "HL02 does not name an earlier HL as its parent",
    "LX": "LX01 is not the next assigned number in sequence",
}
_ELEMENT = {  # X12 999 IK4 codes
    "1": "required data element missing",
    "2": "conditional required data element missing",
    "3": "too many data elements",
    "4": "data element too short",
    "5": "data element too long",
    "6": "invalid character in data element",
    "7": "invalid code value",
    "8": "invalid date",
    "9": "invalid time",
    "10": "exclusion condition violated",
}
# (level, code, a fixed phrase pyx12 uses) -> (our phrase, severity): where one code covers
# several things. Formatting faults our reader tolerates are warnings.
_REFINED: tuple[tuple[Level, str, str, str, FindingSeverity], ...] = (
    ("segment", "1", "leading space", "segment begins with a space", "warning"),
    ("segment", "1", "identifier", "segment identifier is invalid", "error"),
    ("segment", "1", "not found", "segment not expected here by the implementation guide", "error"),
    ("segment", "3", "loop", "required loop missing", "error"),
    ("segment", "4", "loop", "loop occurs over its maximum times", "error"),
    ("segment", "8", "is empty", "segment is empty", "error"),
    ("element", "6", "trailing spaces", "data element has trailing spaces", "warning"),
    ("element", "6", "control character", "control character in data element", "error"),
    ("element", "6", "composite", "data element is a composite where the guide has none", "error"),
    ("element", "7", "regular expression", "data element does not match its pattern", "error"),
    ("element", "3", "sub-elements", "too many components in composite", "error"),
    ("element", "5", "not used", "composite is present but the guide marks it not used", "error"),
    ("element", "1", "composite", "required composite missing", "error"),
    ("element", "10", "not used", "data element present but the guide marks it not used", "error"),
    ("group", "3", "unterminated", "functional group not closed before its trailer", "error"),
)  # fmt: skip
_WARNING_CODES = {("segment", "SEG1")}
_TABLES: dict[Level, dict[str, str]] = {
    "interchange": _INTERCHANGE,
    "group": _GROUP,
    "transaction": _TRANSACTION,
    "segment": _SEGMENT,
    "element": _ELEMENT,
}
_SEGMENT_ID = re.compile(r"[A-Z][A-Z0-9]{1,2}")
_ELEMENT_REF = re.compile(r"[A-Z][A-Z0-9]{1,2}\d{2}(?:-\d{1,2})?")
_GUIDE_NAME = re.compile(r"[A-Za-z0-9 ,.'/()&-]{1,80}")


def _describe(level: Level, code: str, pyx12_text: str) -> tuple[str, FindingSeverity]:
    """Our phrase for a pyx12 error: by code, refined by which fixed phrase pyx12 used."""
    text = pyx12_text.lower()
    for lvl, cde, phrase, ours, severity in _REFINED:
        if lvl == level and cde == code and phrase in text:
            return ours, severity
    phrase = _TABLES.get(level, {}).get(code, "implementation guide error")
    return phrase, "warning" if (level, code) in _WARNING_CODES else "error"


def _segment_id(value: object) -> str:
    text = str(value or "")
    return text if _SEGMENT_ID.fullmatch(text) else ""


def _element_ref(segment_id: str, refdes: object) -> str:
    """``INS06-01`` from pyx12's refdes (``INS06-01``, or a bare position ``06``)."""
    text = str(refdes or "")
    if text.isdigit() and segment_id:
        text = f"{segment_id}{int(text):02d}"
    return text if _ELEMENT_REF.fullmatch(text) else ""


def _guide_name(node: Any) -> str:
    """The guide's name for a segment, loop or element (from pyx12's map, not the file)."""
    name = str(getattr(node, "name", "") or "")
    return name if _GUIDE_NAME.fullmatch(name) else ""


class _Collector:
    def __init__(self, result: IgValidation) -> None:
        self.result = result

    def add(
        self,
        level: Level,
        code: str,
        pyx12_text: str,
        line: int,
        segment_id: str = "",
        element: str = "",
        name: str = "",
    ) -> None:
        phrase, severity = _describe(level, code, pyx12_text)
        where = element or segment_id or level
        about = f"{where} ({name})" if name else where
        code_name = {
            "interchange": "TA1",
            "group": "AK9",
            "transaction": "IK5",
            "segment": "IK3",
            "element": "IK4",
        }.get(level, "")
        message = f"implementation guide: {about}: {phrase}"
        if code_name:
            message += f" ({code_name} {code})" if code.isdigit() else f" (pyx12 {code})"
        if line:
            message += f", segment {line}"
        self.result.add(IgFinding(level, code, line, segment_id, element, message, severity))

    def reader_errors(self, src: pyx12.x12file.X12Reader, segment_id: str) -> None:
        """Errors pyx12's reader queued: envelope, counts, formatting, HL sequence."""
        line = src.get_cur_line()
        for err_type, code, text, _value, src_line in src.pop_errors():
            if err_type == "isa":  # found at the ISA or IEA (or the end of the file)
                self.add("interchange", code, text, line, segment_id or "ISA")
            elif err_type == "gs":
                self.add("group", code, text, line, segment_id or "GS")
            elif err_type == "st":
                self.add("transaction", code, text, line, segment_id or "ST")
            else:
                self.add("segment", code, text, src_line or line, segment_id)

    def walk_errors(self, errors: list[Any], segment_id: str) -> None:
        """Errors the map walker found getting to this segment: missing, unexpected, counts."""
        for e in errors:
            node = e.map_node
            code = str(e.err_cde)
            # a missing segment or loop is named by the guide's node, the rest by the segment
            missing = code == "3" and node is not None
            seg = _segment_id(getattr(node, "id", "")) if missing else segment_id
            if missing and not seg:  # a loop: name its first segment
                seg = _segment_id(getattr(getattr(node, "children", [None])[0], "id", ""))
            # "not found" names the node the search started from: not this segment's name
            name = _guide_name(node) if node is not None and code != "1" else ""
            self.add("segment", code, str(e.err_str), int(e.src_line or 0), seg, name=name)

    def segment_errors(self, node: Any, seg: pyx12.segment.Segment, line: int) -> None:
        """Element errors of one segment against its node in the guide."""
        segment_id = _segment_id(seg.get_seg_id())
        _ok, errors = node.is_valid_errors(seg)
        for e in errors:
            element = _element_ref(segment_id, e.refdes)
            name = _guide_name(e.map_node) if e.map_node is not None else ""
            self.add("element", str(e.err_cde), str(e.err_str), line, segment_id, element, name)


class _TextSource:
    """What pyx12's reader asks of a text file (``read`` and ``closed``), over our binary
    stream. Latin-1 maps every byte to a character, so a stray byte becomes an invalid
    character pyx12 reports, not a decoding crash. A UTF-8 byte order mark and whitespace
    before the ISA are skipped (our reader accepts them; pyx12 needs ``ISA`` first)."""

    closed = False

    def __init__(self, stream: BinaryIO) -> None:
        self._stream = stream
        self._started = False

    def read(self, size: int = -1) -> str:
        data = self._stream.read(size)
        if not self._started:
            self._started = True
            data = data.lstrip(b"\xef\xbb\xbf \t\r\n")
            while size > 0 and 0 < len(data) < size:  # pyx12 needs the ISA's 106 characters
                more = self._stream.read(size - len(data))
                if not more:
                    break
                data += more
        return data.decode("latin-1")


def _run(result: IgValidation, text: _TextSource) -> None:
    """The loop of ``pyx12.x12n_document.x12n_document``, collecting findings as we go."""
    out = _Collector(result)
    params = pyx12.params.ParamsBase()  # defaults only: no ~/.pyx12.conf.xml
    try:
        src = pyx12.x12file.X12Reader(text)
    except (pyx12.errors.X12Error, ValueError, IndexError):
        result.add(
            IgFinding(
                "file",
                "ISA",
                0,
                "ISA",
                "",
                "implementation guide: the file does not begin with a 106-character ISA "
                "segment of version 00401 or 00501; not validated",
            )
        )
        return
    map_file = "x12.control.00501.xml" if src.icvn == "00501" else "x12.control.00401.xml"
    control_map = pyx12.map_if.load_map_file(map_file, params)
    map_index = pyx12.map_index.map_index()
    node: Any = control_map.getnodebypath("/ISA_LOOP/ISA")
    walker = walk_tree()
    icvn: str | None = None
    segments = 0
    try:
        for seg in src:
            segments += 1
            seg_id = _segment_id(seg.get_seg_id())
            line = src.get_cur_line()
            found: Any
            if seg_id == "ISA":
                found = control_map.getnodebypath("/ISA_LOOP/ISA")
                walker.forceWalkCounterToLoopStart("/ISA_LOOP", "/ISA_LOOP/ISA")
                icvn = seg.get_value("ISA12")
            elif seg_id == "GS":
                map_name = map_index.get_filename(
                    icvn, seg.get_value("GS08"), seg.get_value("GS01")
                )
                if map_name is None:
                    result.add(
                        IgFinding(
                            "group",
                            "map",
                            line,
                            "GS",
                            "GS08",
                            "implementation guide: pyx12 has no guide for this group's "
                            f"GS01/GS08; not validated, segment {line}",
                        )
                    )
                    return
                if map_name != map_file:
                    map_file = map_name
                    control_map = pyx12.map_if.load_map_file(map_file, params)
                found = control_map.getnodebypath("/ISA_LOOP/GS_LOOP/GS")
                walker.forceWalkCounterToLoopStart("/ISA_LOOP/GS_LOOP", "/ISA_LOOP/GS_LOOP/GS")
            else:
                found, _pop, _push, walk = walker.walk_errors(
                    node, seg, src.get_seg_count(), line, src.get_ls_id()
                )
                out.walk_errors(walk, seg_id)
            out.reader_errors(src, seg_id)
            if found is not None:
                node = found
                if isinstance(node, pyx12.map_if.segment_if):
                    out.segment_errors(node, seg, line)
        src.cleanup()  # trailers missing at the end of the file
        out.reader_errors(src, "")
    except Exception as exc:  # pyx12 cannot go on (EngineError, or input it trips over):
        # the step is advisory, so say where it stopped and keep the compare going
        _stopped(result, src.get_cur_line(), exc)
    finally:
        result.segments = segments
        src.close()


def _stopped(result: IgValidation, line: int, exc: Exception) -> None:
    result.add(
        IgFinding(
            "file",
            "stopped",
            line,
            "",
            "",
            f"implementation guide: validation stopped ({type(exc).__name__}), segment {line}",
        )
    )


def validate_834(
    source: str | os.PathLike[str] | BinaryIO, *, max_findings: int | None = None
) -> IgValidation:
    """Validate an 834 against the implementation guide with pyx12.

    ``source`` is a path or a binary stream; a stream is read from where it stands and put
    back there afterwards (it must be seekable), so the caller can read it again.
    ``max_findings`` caps the findings kept (``total`` still counts them all).
    """
    result = IgValidation(max_findings=max_findings)
    started = time.perf_counter()
    if isinstance(source, (str, os.PathLike)):
        with open(source, "rb") as stream:
            _run(result, _TextSource(stream))
    else:
        start = source.tell()
        try:
            _run(result, _TextSource(source))
        finally:
            source.seek(start)
    result.seconds = time.perf_counter() - started
    return result
