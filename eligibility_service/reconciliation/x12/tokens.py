"""Tolerant, streaming tokenizer for X12 interchanges: bytes in, segment strings out.

The separators are whatever the ISA declares: the element separator is the character right
after ``ISA``, the sub-element separator is ISA16 and the segment terminator is the character
right after ISA16. ISA16 is found by counting 16 element separators, not by assuming the
106-character fixed width, because hand-edited files are not always padded (a short ISA is
reported as a finding, not refused).

What real files do and what is done about it:

- a UTF-8 BOM before the ISA: skipped;
- CR/LF, LF or nothing after each terminator, and blanks before segment ids: line breaks are
  dropped (unless a line break is itself a separator) and blanks next to a separator are
  removed, so every element comes out stripped;
- bytes that are not UTF-8: decoded with U+FFFD and reported once per chunk.

The file is read in chunks and handed on as one batch of segment strings per chunk, so memory
stays at a few chunks whatever the file size, and the reader's hot loop runs over plain lists.
The chunk-level clean-up (``str.replace``, one regular expression only when a chunk has blanks
next to a separator) keeps per-segment work out of Python.

Line numbers are not tracked per segment (that would cost a ``count`` per segment); they are
worked out on demand, for findings only, from the original text of the current chunk.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

DEFAULT_CHUNK_SIZE = 1 << 20
ISA_LENGTH = 106  # the fixed width of the ISA, terminator included
_BOM = "\ufeff"
_LINE_BREAKS = "\r\n"


class X12ReadError(ValueError):
    """The input cannot be read as X12 at all (no ISA, unusable separators, truncated ISA).

    Problems inside a readable interchange are findings, not this error.
    """

    def __init__(self, message: str, *, byte_offset: int | None = None) -> None:
        where = f" (at byte {byte_offset})" if byte_offset is not None else ""
        super().__init__(f"{message}{where}")
        self.byte_offset = byte_offset


@dataclass(frozen=True, slots=True)
class Delimiters:
    """The four separators of one interchange, as declared by its ISA."""

    element: str = "*"
    sub_element: str = ":"
    segment: str = "~"
    # ISA11 in 5010 and later; ``None`` before 5010, where ISA11 is a standards identifier.
    repetition: str | None = "^"


@dataclass(frozen=True, slots=True)
class TokenizerNote:
    """Something the tokenizer noticed but could work around; the reader turns it into a
    file-level finding at the given segment (1-based, the ISA is segment 1)."""

    code: str
    message: str
    segment_number: int


def _parse_isa(text: str, byte_offset: int) -> tuple[Delimiters, list[str], int, bool]:
    """Separators and elements of the ISA at the start of ``text``, the index just past its
    terminator, and whether it has the standard fixed width."""
    if not text.startswith("ISA"):
        raise X12ReadError(f"expected an ISA segment, found {text[:3]!r}", byte_offset=byte_offset)
    if len(text) < 4:
        raise X12ReadError("the file ends inside the ISA segment", byte_offset=byte_offset)
    element = text[3]
    if element.isalnum() or element.isspace():
        raise X12ReadError(
            f"ISA element separator {element!r} is a letter, digit or blank",
            byte_offset=byte_offset + 3,
        )
    pos = 3
    for _ in range(15):  # the separator at index 3 is the first of 16
        pos = text.find(element, pos + 1)
        if pos < 0:
            raise X12ReadError(
                "the ISA segment has fewer than 16 elements (or the file ends inside it)",
                byte_offset=byte_offset,
            )
    if pos + 2 >= len(text):
        raise X12ReadError("the file ends inside the ISA segment", byte_offset=byte_offset)
    sub_element = text[pos + 1]
    segment = text[pos + 2]
    if len({element, sub_element, segment}) < 3 or sub_element.isalnum() or segment.isalnum():
        raise X12ReadError(
            f"unusable ISA separators: element {element!r}, sub-element {sub_element!r}, "
            f"segment {segment!r}",
            byte_offset=byte_offset + pos + 1,
        )
    elements = text[: pos + 2].split(element)
    repetition: str | None = None
    isa11 = elements[11] if len(elements) > 11 else ""
    version = elements[12].strip() if len(elements) > 12 else ""
    if (
        len(isa11) == 1
        and not isa11.isalnum()
        and not isa11.isspace()
        and version >= "00501"
        and isa11 not in (element, sub_element, segment)
    ):
        repetition = isa11
    delimiters = Delimiters(element, sub_element, segment, repetition)
    return delimiters, elements, pos + 3, pos + 3 == ISA_LENGTH


class SegmentTokenizer:
    """Reads an interchange from a binary stream and yields batches of segment strings.

    ``delimiters`` and ``isa`` (the ISA's elements, unstripped) are known once the object is
    built; building it raises :class:`X12ReadError` when the start of the file is not an ISA.
    ``batches()`` yields one list of segment strings (terminator removed, elements stripped)
    per chunk, ISA excluded, empty segments dropped. ``notes`` collects what was worked around.
    """

    def __init__(self, stream: BinaryIO, chunk_size: int = DEFAULT_CHUNK_SIZE) -> None:
        self._stream = stream
        self._chunk_size = chunk_size
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self.notes: list[TokenizerNote] = []
        self.bytes_read = 0
        self._eof = False
        head = self._read()
        # A BOM and blank lines may precede the ISA; read on until there is a full ISA.
        while True:
            stripped = head.lstrip(_BOM + " \t\r\n")
            if len(stripped) >= ISA_LENGTH + 2 or self._eof:
                break
            head += self._read()
        skipped = len(head) - len(stripped)
        if not stripped:
            raise X12ReadError("the file is empty (no ISA segment)", byte_offset=0)
        # Offsets in errors are in bytes of the file (the BOM is three).
        skipped_bytes = len(head[:skipped].encode())
        self.delimiters, self.isa, end, fixed_width = _parse_isa(stripped, skipped_bytes)
        if not fixed_width:
            self.notes.append(
                TokenizerNote(
                    "isa-width",
                    f"the ISA is {end} characters long, not the fixed {ISA_LENGTH}",
                    1,
                )
            )
        self._pending = stripped[end:]
        self._line_at_pending = 1 + head[: skipped + end].count("\n")
        d = self.delimiters
        seps = d.element + d.segment + d.sub_element + (d.repetition or "")
        self._drop = [c for c in _LINE_BREAKS if c not in seps]
        # Blanks (space or tab, unless one is a separator) next to an element or segment
        # separator: padding to strip.
        blanks = "".join(c for c in " \t" if c not in seps)
        e, s = re.escape(d.element), re.escape(d.segment)
        b = re.escape(blanks)
        self._pad_re = re.compile(f"[{b}]*([{e}{s}])[{b}]*" if blanks else f"([{e}{s}])")
        self._blanks = blanks
        # Finding out whether a chunk has any padding at all must be cheap, since most files
        # have none: four ``in`` probes cost ~5 ms per MB (separators are frequent, so the
        # substring search keeps stopping), one regular expression anchored on a literal
        # blank ~1 ms. Tabs are rare enough to be found with a plain ``in`` first.
        self._pad_probe: re.Pattern[str] | None = None
        if " " in blanks:
            self._pad_probe = re.compile(f" (?:(?=[{e}{s}])|(?<=[{e}{s}] ))")
        self._pad_probes = tuple(
            p for c in blanks for p in (c + d.element, d.element + c, c + d.segment, d.segment + c)
        )
        # For positions: the segments yielded so far and the current chunk's original text.
        self.segments_before_batch = 1  # the ISA
        self._batch_text = ""
        self._batch_first_line = self._line_at_pending
        self._line_cache: tuple[int, int, int] = (0, 0, self._line_at_pending)
        self._batch_kept: list[int] | None = None

    def _read(self) -> str:
        data = self._stream.read(self._chunk_size)
        if not data:
            self._eof = True
            return self._decoder.decode(b"", final=True)
        self.bytes_read += len(data)
        return self._decoder.decode(data)

    def batches(self) -> Iterator[list[str]]:
        term = self.delimiters.segment
        drop = self._drop
        probes = self._pad_probes
        probe = self._pad_probe
        pad_re = self._pad_re
        blanks = self._blanks
        pending = self._pending
        self._pending = ""
        line = self._line_at_pending
        while True:
            more = "" if self._eof else self._read()
            text = pending + more
            if not text:
                return
            cut = text.rfind(term) + 1 if not self._eof else len(text)
            if cut == 0:
                if self._eof:
                    cut = len(text)
                else:
                    pending = text
                    continue
            original = text[:cut]
            pending = text[cut:]
            if "\ufffd" in original:
                self.notes.append(
                    TokenizerNote(
                        "encoding",
                        "bytes that are not UTF-8 were replaced with U+FFFD in this part "
                        "of the file",
                        self.segments_before_batch + 1,
                    )
                )
            clean = original
            for c in drop:
                clean = clean.replace(c, "")
            if (
                probe.search(clean) is not None
                or ("\t" in clean and any(p in clean for p in probes))
                if probe is not None
                else any(p in clean for p in probes)
            ):
                clean = pad_re.sub(r"\1", clean)
            if blanks and clean[:1] in blanks:
                clean = clean.lstrip(blanks)
            segments = clean.split(term)
            if segments[-1] == "":
                segments.pop()
            kept: list[int] | None = None
            if term + term in clean or clean[:1] == term:
                # Empty segments (two terminators in a row): dropped, with their positions
                # remembered so that line numbers still line up with the original text.
                kept = [i for i, s in enumerate(segments) if s]
                segments = [s for s in segments if s]
            self._batch_text = original
            self._batch_first_line = line
            self._batch_kept = kept
            self._line_cache = (0, 0, line)
            yield segments
            self.segments_before_batch += len(segments)
            line += original.count("\n")
            if self._eof and not pending:
                return

    def line_of(self, index: int) -> int:
        """The 1-based line on which segment ``index`` of the current batch starts.

        Walks from the last answer, forward or back, so findings asked for in (roughly) file
        order cost a pass over the chunk at most, however many there are.
        """
        term = self.delimiters.segment
        if self._batch_kept is not None and index < len(self._batch_kept):
            index = self._batch_kept[index]
        at, pos, line = self._line_cache
        text = self._batch_text
        while at < index:
            nxt = text.find(term, pos)
            if nxt < 0:
                break
            line += text.count("\n", pos, nxt + 1)
            pos = nxt + 1
            at += 1
        while at > index:
            start = text.rfind(term, 0, pos - 1) + 1
            line -= text.count("\n", start, pos)
            pos = start
            at -= 1
        self._line_cache = (at, pos, line)
        # Line breaks between the previous terminator and the segment id belong to it.
        end = pos
        while end < len(text) and text[end] in " \t\r\n":
            end += 1
        return line + text.count("\n", pos, end)


def iter_segments(stream: BinaryIO, chunk_size: int = DEFAULT_CHUNK_SIZE) -> Iterator[list[str]]:
    """Every segment of the interchange as its list of elements (``[id, e1, e2, ...]``),
    ISA included. A convenience for tests and tools; the reader uses the batches directly."""
    tokenizer = SegmentTokenizer(stream, chunk_size)
    yield tokenizer.isa
    sep = tokenizer.delimiters.element
    for batch in tokenizer.batches():
        for segment in batch:
            yield segment.split(sep)
