"""Streaming 834 reader: segments in, one :class:`Member` at a time out, plus file findings.

The 834 has no HL hierarchy, so loops are told apart by the segment that opens them:

- INS opens a member (2000);
- ``NM1*IL``/``NM1*74`` its name (2100A); any other NM1 before the first HD a 2100B to 2100H
  loop, whose N3/N4/DMG are *not* the member's;
- HD a coverage (2300); LX, NM1 or COB after an HD a provider or COB loop (2310 to 2330);
- DSB the disability loop (2200); ``LS*2700`` … ``LE*2700`` the reporting categories.

Segments the reader does not use are skipped.

Envelope problems never stop the read: control numbers (ISA13/IEA02, GS06/GE02, ST02/SE02),
counts (SE01 segments, GE01 sets, IEA01 groups), missing trailers, QTY totals and bad dates
are reported in :attr:`X12Reader.findings` with the segment number (and the line when it is
cheap to know). Only input that is not X12 at all raises :class:`X12ReadError`.

The hot loop is one generator over the tokenizer's per-chunk batches: the segment id is
compared against string constants, elements are kept as the ``split`` lists until the member
is complete, and dates go through a small cache (a full file repeats the same few hundred
coverage dates and a few tens of thousands of birth dates).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import BinaryIO

from .guide import IMPLEMENTATION, ISA_VERSION, bad_codes, is_ssn
from .models import (
    Address,
    Coverage,
    FileFinding,
    FileHeader,
    Interchange,
    Member,
    Party,
    Severity,
)
from .tokens import DEFAULT_CHUNK_SIZE, Delimiters, SegmentTokenizer

# Loop states of the member being read.
_HEADER = 0  # between ST and the first INS
_L2000 = 1  # INS and its REF/DTP
_L2100A = 2  # the member's own name loop (NM1*IL or NM1*74)
_L2100_OTHER = 3  # 2100B-2100H: prior name, mailing address, employer, school, ...
_L2300 = 4  # HD and its DTP/REF
_SKIP = 5  # 2200, 2310, 2320, 2330, after LE: nothing the reader keeps
_L2700 = 6  # LS*2700 ... LE*2700

_PAD = [""] * 18


class _DateCache(dict[str, "date | None"]):
    """CCYYMMDD → date, ``None`` for an invalid value (remembered too)."""

    def __missing__(self, key: str) -> date | None:
        value: date | None
        if len(key) == 8 and key.isdigit():
            try:
                value = date(int(key[:4]), int(key[4:6]), int(key[6:]))
            except ValueError:
                value = None
        else:
            value = None
        if len(self) < 200_000:
            self[key] = value
        return value


class X12Reader:
    """Reads one 834 interchange from a binary stream.

    ``members()`` yields the members in file order; it can be iterated once. ``interchange``
    is known as soon as the reader is built; ``headers`` grows by one :class:`FileHeader` per
    ST set as the read reaches that set's first INS (or its SE); ``findings`` is complete
    once ``members()`` is exhausted.
    """

    def __init__(self, stream: BinaryIO, chunk_size: int = DEFAULT_CHUNK_SIZE) -> None:
        self._tokenizer = SegmentTokenizer(stream, chunk_size)
        self.delimiters: Delimiters = self._tokenizer.delimiters
        isa = [v.strip() for v in self._tokenizer.isa] + _PAD
        self.interchange = Interchange(
            sender_qualifier=isa[5],
            sender_id=isa[6],
            receiver_qualifier=isa[7],
            receiver_id=isa[8],
            date=isa[9],
            time=isa[10],
            version=isa[12],
            control_number=isa[13],
            usage=isa[15],
        )
        self.headers: list[FileHeader] = []
        self.findings: list[FileFinding] = []
        self.segment_count = 1  # the ISA
        self.member_count = 0
        self._dates = _DateCache()
        self._sub = self.delimiters.sub_element
        self._started = False

    # -- findings ---------------------------------------------------------------------------

    def _finding(
        self, code: str, message: str, segment_number: int, severity: Severity = "error"
    ) -> None:
        tok = self._tokenizer
        index = segment_number - tok.segments_before_batch - 1
        line = tok.line_of(index) if index >= 0 else (1 if segment_number == 1 else None)
        self.findings.append(FileFinding(code, message, segment_number, line, severity))

    def _date(self, value: str, segment_number: int, what: str) -> date | None:
        parsed = self._dates[value]
        if parsed is None and value:
            # The value is not quoted: it may be (part of) a birth date.
            self._finding(
                "bad-date",
                f"{what} is not a CCYYMMDD date ({len(value)} characters)",
                segment_number,
                "warning",
            )
        return parsed

    def _dtp_date(
        self, e: list[str], segment_number: int, member_bad: list[str] | None
    ) -> date | None:
        """DTP03 when it missed the cache: a new D8 date, an RD8 range (its start) or junk.

        In a member's loops (``member_bad`` given) a format that is not D8/RD8 or a date that
        is not a date is named on the member (``DTP*348.DTP02``/``.DTP03``), not read; in
        the header it is a file finding."""
        fmt = e[2]
        if fmt not in ("D8", "RD8"):
            if member_bad is not None:
                member_bad.append(f"DTP*{e[1]}.DTP02")
                return None
            self._finding("bad-date", f"DTP*{e[1]} DTP02 is not D8 or RD8", segment_number,
                          "warning")  # fmt: skip
            return None
        value = e[3][:8] if fmt == "RD8" else e[3]
        if fmt == "RD8" and (len(e[3]) != 17 or e[3][8] != "-"):
            parsed = None
        else:
            parsed = self._dates[value]
        if parsed is None:
            if member_bad is not None:
                member_bad.append(f"DTP*{e[1]}.DTP03")
            else:
                self._date(value, segment_number, f"DTP*{e[1]}")
        return parsed

    # -- the read ---------------------------------------------------------------------------

    def members(self) -> Iterator[Member]:
        if self._started:
            raise RuntimeError("X12Reader.members() can be iterated only once")
        self._started = True
        tok = self._tokenizer
        sep = self.delimiters.element
        dget = self._dates.get
        finding = self._finding
        pad = _PAD
        # Loop states as locals: a module constant costs a global lookup per comparison.
        HEADER, L2000, L2100A, L2100_OTHER, L2300, SKIP, L2700 = (
            _HEADER,
            _L2000,
            _L2100A,
            _L2100_OTHER,
            _L2300,
            _SKIP,
            _L2700,
        )

        n = 1  # segments so far, the ISA included
        isa13 = self.interchange.control_number
        groups = 0
        in_group = False
        gs: list[str] = []
        gs_n = 0
        sets_in_group = 0
        in_set = False
        st: list[str] = []
        st_n = 0
        set_index = -1
        header: FileHeader | None = None
        iea_n = 0
        outside_reported = False
        # header fields of the current set
        bgn: list[str] = []
        h_refs: dict[str, str] = {}
        h_dates: dict[str, date] = {}
        h_qty: dict[str, str] = {}
        parties: list[Party] = []
        set_members = 0
        set_subscribers = 0

        # the member being read
        loop = _HEADER
        ins: list[str] | None = None
        ins_n = 0
        m_refs: dict[str, str] = {}
        m_dates: dict[str, date] = {}
        nm1: list[str] | None = None
        n3: list[str] | None = None
        n4: list[str] | None = None
        dmg: list[str] | None = None
        phones: dict[str, str] = {}
        coverages: list[Coverage] = []
        hd: list[str] | None = None
        c_dates: dict[str, date] = {}
        c_refs: dict[str, str] = {}
        categories: dict[str, str] = {}
        category: str | None = None
        m_bad: list[str] = []  # elements of the member that cannot be what the guide says

        if self.interchange.version != ISA_VERSION:
            finding(
                "version-isa12",
                f"ISA12 (interchange version) is not {ISA_VERSION}: not a 5010 interchange",
                1,
            )

        for batch in tok.batches():
            for raw in batch:
                n += 1
                e = raw.split(sep)
                sid = e[0]
                if sid == "REF":
                    if len(e) < 3:
                        e += pad
                    if loop == L2000:
                        m_refs.setdefault(e[1], e[2])
                    elif loop == L2300:
                        c_refs.setdefault(e[1], e[2])
                    elif loop == HEADER:
                        h_refs.setdefault(e[1], e[2])
                    elif loop == L2700 and category is not None:
                        categories.setdefault(category, e[2])
                elif sid == "DTP":
                    if len(e) < 4:
                        e += pad
                    if loop == L2000:
                        target = m_dates
                    elif loop == L2300:
                        target = c_dates
                    elif loop == HEADER:
                        target = h_dates
                    else:
                        if loop == L2700 and category is not None:
                            categories.setdefault(category, e[3])
                        continue
                    d = dget(e[3]) if e[2] == "D8" else None
                    if d is None:
                        d = self._dtp_date(e, n, None if loop == HEADER else m_bad)
                        if d is None:
                            continue
                    target.setdefault(e[1], d)
                elif sid == "INS":
                    if ins is not None:
                        if hd is not None:
                            coverages.append(Coverage(hd[1], hd[3], hd[4], hd[5], c_dates, c_refs))
                            hd = None
                        yield self._member(
                            set_index,
                            ins,
                            ins_n,
                            m_refs,
                            m_dates,
                            nm1,
                            n3,
                            n4,
                            dmg,
                            phones,
                            coverages,
                            categories,
                            m_bad,
                        )
                    elif in_set and header is None:
                        header = self._header(
                            set_index, gs, st, st_n, bgn, h_refs, h_dates, h_qty, parties
                        )
                        self.headers.append(header)
                    if not in_set and not outside_reported:
                        outside_reported = True
                        finding("outside-set", "INS outside an ST/SE transaction set", n)
                    ins = e
                    ins_n = n
                    set_members += 1
                    if len(e) > 1 and e[1] == "Y":
                        set_subscribers += 1
                    loop = L2000
                    m_refs = {}
                    m_dates = {}
                    nm1 = n3 = n4 = dmg = None
                    phones = {}
                    coverages = []
                    categories = {}
                    category = None
                    m_bad = []
                elif sid == "HD":
                    if ins is not None and loop != L2700:
                        if hd is not None:
                            coverages.append(Coverage(hd[1], hd[3], hd[4], hd[5], c_dates, c_refs))
                        hd = e if len(e) > 5 else e + pad[: 6 - len(e)]
                        bad_codes(hd, m_bad)
                        c_dates = {}
                        c_refs = {}
                        loop = L2300
                elif sid == "NM1":
                    if L2000 <= loop <= L2100_OTHER:
                        if nm1 is None and len(e) > 1 and (e[1] == "IL" or e[1] == "74"):
                            nm1 = e
                            loop = L2100A
                        else:
                            loop = L2100_OTHER
                    elif loop == L2300:
                        loop = SKIP
                elif sid == "DMG":
                    if loop == L2100A and dmg is None:
                        dmg = e
                elif sid == "N3":
                    if loop == L2100A and n3 is None:
                        n3 = e
                elif sid == "N4":
                    if loop == L2100A and n4 is None:
                        n4 = e
                elif sid == "PER":
                    if loop == L2100A:
                        p = e + pad
                        for k in (3, 5, 7):
                            if p[k]:
                                phones.setdefault(p[k], p[k + 1])
                elif sid == "LX":
                    if loop == L2700:
                        category = None
                    elif loop == L2300:
                        loop = SKIP
                elif sid == "N1":
                    if loop == L2700:
                        category = e[2] if len(e) > 2 and e[1] == "75" else None
                    elif loop == HEADER and in_set:
                        p = e + pad
                        parties.append(Party(p[1], p[2], p[3], p[4]))
                elif sid == "LS":
                    if ins is not None:
                        if hd is not None:
                            coverages.append(Coverage(hd[1], hd[3], hd[4], hd[5], c_dates, c_refs))
                            hd = None
                        loop = L2700
                        category = None
                elif sid == "LE":
                    if loop == L2700:
                        loop = SKIP
                elif sid == "COB" or sid == "DSB":
                    # 2320 (COB, under a coverage) and 2200 (DSB): nothing in them is kept.
                    if ins is not None and loop != L2700:
                        loop = SKIP
                elif sid == "BGN":
                    if loop == HEADER and in_set:
                        bgn = e
                elif sid == "QTY":
                    if loop == HEADER and len(e) > 2:
                        h_qty.setdefault(e[1], e[2])
                elif sid == "SE" or sid == "ST" or sid == "GS" or sid == "GE" or sid == "IEA":
                    # Envelope: close the member and the set first.
                    if (sid != "ST" or in_set) and ins is not None:
                        if hd is not None:
                            coverages.append(Coverage(hd[1], hd[3], hd[4], hd[5], c_dates, c_refs))
                            hd = None
                        yield self._member(
                            set_index,
                            ins,
                            ins_n,
                            m_refs,
                            m_dates,
                            nm1,
                            n3,
                            n4,
                            dmg,
                            phones,
                            coverages,
                            categories,
                            m_bad,
                        )
                        ins = None
                    if in_set and header is None:
                        header = self._header(
                            set_index, gs, st, st_n, bgn, h_refs, h_dates, h_qty, parties
                        )
                        self.headers.append(header)
                    if sid == "SE":
                        if not in_set:
                            finding("unexpected-se", "SE segment without a matching ST", n)
                        else:
                            e += pad
                            count = n - st_n + 1
                            if e[1] != str(count):
                                finding(
                                    "se-count",
                                    f"SE01 says {e[1] or 'nothing'} segments, the set has "
                                    f"{count} (ST to SE)",
                                    n,
                                )
                            if e[2] != st[2]:
                                finding(
                                    "se-control",
                                    f"SE02 {e[2]!r} does not match ST02 {st[2]!r}",
                                    n,
                                )
                            self._check_quantities(h_qty, set_members, set_subscribers, n)
                        in_set = False
                        loop = HEADER
                    elif sid == "ST":
                        if in_set:
                            finding("missing-se", f"{_se_missing(st)} (a new ST begins)", n)
                        if not in_group:
                            finding("outside-group", "ST outside a GS/GE group", n)
                        e += pad
                        if e[1] != "834":
                            finding("not-834", "ST01 is not 834", n)
                        if e[3] != IMPLEMENTATION:
                            finding(
                                "implementation",
                                f"ST03 (implementation guide) is not {IMPLEMENTATION}",
                                n,
                            )
                        in_set = True
                        st = e
                        st_n = n
                        sets_in_group += 1
                        set_index += 1
                        header = None
                        bgn = []
                        h_refs = {}
                        h_dates = {}
                        h_qty = {}
                        parties = []
                        set_members = set_subscribers = 0
                        loop = HEADER
                    elif sid == "GS":
                        if in_set:
                            finding("missing-se", f"{_se_missing(st)} (a new GS begins)", n)
                            in_set = False
                        if in_group:
                            finding("missing-ge", f"{_ge_missing(gs)} (a new GS begins)", n)
                        e += pad
                        if e[1] != "BE":
                            finding("functional-id", "GS01 is not BE", n, "warning")
                        if e[8] != IMPLEMENTATION:
                            finding(
                                "version-gs08",
                                f"GS08 (version) is not {IMPLEMENTATION}: not the 834 5010 guide",
                                n,
                            )
                        in_group = True
                        gs = e
                        gs_n = n
                        groups += 1
                        sets_in_group = 0
                    elif sid == "GE":
                        if in_set:
                            finding("missing-se", f"{_se_missing(st)} (GE comes first)", n)
                            in_set = False
                        if not in_group:
                            finding("unexpected-ge", "GE without a matching GS", n)
                        else:
                            e += pad
                            if e[1] != str(sets_in_group):
                                finding(
                                    "ge-count",
                                    f"GE01 says {e[1] or 'nothing'} transaction sets, the group "
                                    f"has {sets_in_group}",
                                    n,
                                )
                            if e[2] != gs[6]:
                                finding(
                                    "ge-control",
                                    f"GE02 {e[2]!r} does not match GS06 {gs[6]!r} (segment {gs_n})",
                                    n,
                                )
                        in_group = False
                    else:  # IEA
                        if in_set:
                            finding("missing-se", f"{_se_missing(st)} (IEA comes first)", n)
                            in_set = False
                        if in_group:
                            finding("missing-ge", f"{_ge_missing(gs)} (IEA comes first)", n)
                            in_group = False
                        e += pad
                        if e[1] != str(groups):
                            finding(
                                "iea-count",
                                f"IEA01 says {e[1] or 'nothing'} functional groups, the "
                                f"interchange has {groups}",
                                n,
                            )
                        if e[2] != isa13:
                            finding(
                                "iea-control",
                                f"IEA02 {e[2]!r} does not match ISA13 {isa13!r}",
                                n,
                            )
                        if not iea_n:
                            iea_n = n
                # Anything else (unknown or unused segments) is skipped.
            for note in tok.notes:
                self.findings.append(
                    FileFinding(
                        note.code,
                        note.message,
                        note.segment_number,
                        1 if note.segment_number == 1 else None,
                        "warning",
                    )
                )
            tok.notes.clear()

        # End of input.
        cut_member = ins is not None and in_set
        if ins is not None:
            if hd is not None:
                coverages.append(Coverage(hd[1], hd[3], hd[4], hd[5], c_dates, c_refs))
            yield self._member(
                set_index,
                ins,
                ins_n,
                m_refs,
                m_dates,
                nm1,
                n3,
                n4,
                dmg,
                phones,
                coverages,
                categories,
                m_bad,
            )
        if in_set and header is None:
            self.headers.append(
                self._header(set_index, gs, st, st_n, bgn, h_refs, h_dates, h_qty, parties)
            )
        self.segment_count = n
        if in_set:
            where = " inside a member loop" if cut_member else ""
            self.findings.append(
                FileFinding("missing-se", f"{_se_missing(st)} (the file ends{where} in the set)", n)
            )
        if in_group:
            self.findings.append(
                FileFinding("missing-ge", f"{_ge_missing(gs)} (the file ends in the group)", n)
            )
        if not iea_n:
            self.findings.append(
                FileFinding("missing-iea", "IEA segment missing (the file ends without it)", n)
            )
        elif n > iea_n:
            self.findings.append(
                FileFinding(
                    "after-iea", f"{n - iea_n} segment(s) after the IEA", iea_n + 1, None, "warning"
                )
            )
        if set_index < 0:
            self.findings.append(FileFinding("no-set", "the file has no ST transaction set", n))

    def _header(
        self,
        set_index: int,
        gs: list[str],
        st: list[str],
        st_n: int,
        bgn: list[str],
        h_refs: dict[str, str],
        h_dates: dict[str, date],
        h_qty: dict[str, str],
        parties: list[Party],
    ) -> FileHeader:
        b = bgn + _PAD
        g = gs + _PAD
        t = st + _PAD
        return FileHeader(
            set_index=set_index,
            group_control_number=g[6],
            application_sender=g[2],
            application_receiver=g[3],
            group_version=g[8],
            control_number=t[2],
            implementation=t[3],
            purpose=b[1],
            reference=b[2],
            created=self._date(b[3], st_n, "BGN03") if b[3] else None,
            created_time=b[4],
            action=b[8],
            master_policy=h_refs.get("38", ""),
            dates=h_dates,
            quantities=h_qty,
            parties=tuple(parties),
            segment_number=st_n,
        )

    def _member(
        self,
        set_index: int,
        ins: list[str],
        ins_n: int,
        m_refs: dict[str, str],
        m_dates: dict[str, date],
        nm1: list[str] | None,
        n3: list[str] | None,
        n4: list[str] | None,
        dmg: list[str] | None,
        phones: dict[str, str],
        coverages: list[Coverage],
        categories: dict[str, str],
        bad: list[str],
    ) -> Member:
        self.member_count += 1
        bad_codes(ins, bad)
        # Elements are read in place; short segments (trailing empty elements are left out,
        # so most are short) get the missing ones from slices of _PAD, not by copying.
        i = ins if len(ins) > 10 else ins + _PAD[: 11 - len(ins)]
        medicare = i[6]
        if self._sub in medicare:
            parts = [*medicare.split(self._sub), ""]
            medicare_plan, medicare_reason = parts[0].strip(), parts[1].strip()
        else:
            medicare_plan, medicare_reason = medicare, ""
        death: date | None = None
        if len(ins) > 12 and ins[12]:
            death = self._dates[ins[12]] if ins[11] == "D8" else None
            if death is None:
                bad.append("INS12" if ins[11] == "D8" else "INS11")
        subscriber_id = m_refs.get("0F")
        if subscriber_id is None:
            subscriber_id = m_refs.get("OF")  # letter O for zero: seen in the wild
            if subscriber_id is None:
                subscriber_id = ""
                self._finding("missing-ref-0f", "member has no REF*0F", ins_n, "warning")
            else:
                self._finding("ref-of", "REF*OF (letter O) read as REF*0F", ins_n, "warning")
        if nm1 is not None:
            nm = nm1 if len(nm1) > 9 else nm1 + _PAD[: 10 - len(nm1)]
            id_q = nm[8]
            ssn, other_id = (nm[9], "") if id_q == "34" else ("", nm[9])
            if id_q and id_q not in ("34", "ZZ"):
                bad.append("NM108")
                other_id = ""
            elif ssn and not is_ssn(ssn):
                bad.append("NM109")
                ssn = ""
            entity, last, first, middle, prefix, suffix = nm[1], nm[3], nm[4], nm[5], nm[6], nm[7]
        else:
            self._finding("missing-name", "member has no NM1*IL (loop 2100A)", ins_n, "warning")
            id_q = ssn = other_id = entity = last = first = middle = prefix = suffix = ""
        address: Address | None = None
        if n3 is not None or n4 is not None:
            a3 = (n3 or []) + _PAD[:3]
            a4 = (n4 or []) + _PAD[:7]
            address = Address(
                a3[1], a3[2], a4[1], a4[2], a4[3], a4[4], a4[6] if a4[5] == "CY" else ""
            )
        birth: date | None = None
        gender = marital = ""
        if dmg is not None:
            d = dmg if len(dmg) > 4 else dmg + _PAD[: 5 - len(dmg)]
            if d[2]:
                if d[1] != "D8":
                    bad.append("DMG01")
                else:
                    birth = self._dates[d[2]]
                    if birth is None:
                        bad.append("DMG02")
            gender = d[3]
            if gender not in ("F", "M", "U"):
                bad.append("DMG03")
                gender = ""
            marital = d[4]
        return Member(
            set_index,
            ins_n,
            i[1],
            i[2],
            i[3],
            i[4],
            i[5],
            medicare_plan,
            medicare_reason,
            i[7],
            i[8],
            i[9],
            i[10],
            death,
            subscriber_id,
            m_refs.get("1L", ""),
            m_refs,
            m_dates,
            entity,
            last,
            first,
            middle,
            prefix,
            suffix,
            id_q,
            ssn,
            other_id,
            address,
            birth,
            gender,
            marital,
            phones,
            tuple(coverages),
            categories,
            tuple(bad),
        )

    def _check_quantities(
        self, qty: dict[str, str], members: int, subscribers: int, segment_number: int
    ) -> None:
        """Header QTY totals (TO all members, ET subscribers, DT dependents) against the set."""
        for code, counted in (
            ("TO", members),
            ("ET", subscribers),
            ("DT", members - subscribers),
        ):
            sent = qty.get(code)
            if sent is None:
                continue
            try:
                ok = float(sent) == counted
            except ValueError:
                ok = False
            if not ok:
                self._finding(
                    "qty",
                    f"QTY*{code} says {sent!r}, the set has {counted}",
                    segment_number,
                )


def _se_missing(st: list[str]) -> str:
    return f"SE segment missing for ST {_control(st, 2)}"


def _ge_missing(gs: list[str]) -> str:
    return f"GE segment missing for GS {_control(gs, 6)}"


def _control(segment: list[str], position: int) -> str:
    """A control number for a message: ST02 is 4-9 characters and GS06 1-9 digits by the
    standard; anything else is not quoted (it is not a control number, and could be data)."""
    value = segment[position] if len(segment) > position else ""
    if 1 <= len(value) <= 9 and value.isalnum() and value.isascii():
        return value
    return "(unreadable control number)"


@dataclass(frozen=True, slots=True)
class Loaded834:
    """A whole (small) 834 in memory: for tests and tools, not for full files."""

    interchange: Interchange
    headers: tuple[FileHeader, ...]
    members: tuple[Member, ...]
    findings: tuple[FileFinding, ...]
    delimiters: Delimiters


def load_834(source: Path | str | BinaryIO, chunk_size: int = DEFAULT_CHUNK_SIZE) -> Loaded834:
    """Read a whole 834 into memory (tests, tools). Full files should stream with
    :class:`X12Reader`."""
    if isinstance(source, (str, Path)):
        with open(source, "rb") as stream:
            return load_834(stream, chunk_size)
    reader = X12Reader(source, chunk_size)
    members = tuple(reader.members())
    return Loaded834(
        reader.interchange,
        tuple(reader.headers),
        members,
        tuple(reader.findings),
        reader.delimiters,
    )
