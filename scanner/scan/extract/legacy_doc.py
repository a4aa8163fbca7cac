"""Word 97-2003 (.doc, .dot) and WPS Writer (.wps): text by the documented binary format.

A parser of [MS-DOC] on olefile (no maintained pure-Python reader exists; README). The
``WordDocument`` stream starts with the FIB, which says which table stream holds the
piece table (``fWhichTblStm``: ``0Table``/``1Table``), where it is (``fcClx``/``lcbClx``)
and how many characters each story has (``ccpText``, ``ccpFtn``, ``ccpHdd``, ``ccpAtn``,
``ccpEdn``, ``ccpTxbx``, ``ccpHdrTxbx``). The piece table (``Pcdt`` → ``PlcPcd``) maps
character positions to bytes of the ``WordDocument`` stream, each piece either 8-bit
(``fCompressed``: cp1252 at ``fc/2``) or UTF-16LE; together they give the document's
whole text in CP order, which the ccp counts cut into stories. Covered:

* the main body — ``段落 N``, N counting every paragraph outside tables, empty ones
  included (as the docx extractor counts);
* tables — ``表格 T 行 R 列 C``, row 1 as the header row (``ooxml.RowOneHeader``). Rows
  are told by the paragraph properties (the ``fTtp`` row-end mark, read from the PAPX
  FKPs through ``PlcBtePapx``); without them, an empty cell mark after a cell mark ends
  a row. Nested tables are read as text of their outer cell;
* footnotes ``脚注 N`` and endnotes ``尾注 N`` (numbered by their PLCs), headers and
  footers by section and kind (``页眉``, ``首页页脚``, ``第 2 节 偶数页页眉``, from
  ``PlcfHdd``; ``页眉页脚`` if that cannot be read), comments ``批注 N`` and their
  authors' names (``批注作者``), text boxes ``文本框`` and ``页眉页脚 文本框``;
* fields: the displayed result is kept, the instruction dropped (``\\x13 code \\x14
  result \\x15``); a ``HYPERLINK`` target is yielded as ``<location> 链接``;
* document properties (``ole.Compound.properties``).

Paragraph marks end paragraphs, vertical tabs and page breaks are line breaks, special
characters (picture and object anchors, footnote and comment references) are removed.

Hostile input: every offset and length read from the file is checked against its stream
(``corrupt: …`` otherwise); the piece count, field nesting and the whole text are capped
(the text at the size of the ``WordDocument`` stream, since each character takes at
least a byte of it); nothing loops on a value from the file without a bound.

Encrypted (``fEncrypted``, XOR-obfuscated or RC4) documents are reported encrypted.
Not covered: Word 6.0/95 files (``unsupported``), tracked deletions (read as text, like
the rest), formatting, pictures, embedded objects.
"""

from __future__ import annotations

import bisect
import itertools
import re
import struct
from collections.abc import Iterator
from dataclasses import dataclass, field

from scanner.models import Segment, SegmentKind
from scanner.scan.extract import CorruptError, EncryptedError, Item, Source, UnsupportedError
from scanner.scan.extract.ole import Compound, read_compound
from scanner.scan.extract.ooxml import RowOneHeader

WHAT = "Word 97-2003 document"
WORD97_IDENT = 0xA5EC
F_ENCRYPTED, F_WHICH_TABLE, F_OBFUSCATED = 0x0100, 0x0200, 0x8000
MAX_PIECES = 100_000  # a real document has a few hundred at most
MAX_FIELD_DEPTH = 64
FKP_SIZE = 512
# FibRgFcLcb97 pairs (fc, lcb) by index
FC_PLCFFND_TXT, FC_PLCFAND_TXT, FC_PLCFHDD = 3, 5, 11
FC_PLCFBTE_PAPX, FC_CLX, FC_GRPXST_ATN_OWNERS = 13, 33, 36
FC_PLCFEND_TXT = 47
# FibRgLw97 counts by index: ccpText, ccpFtn, ccpHdd, ccpMcr, ccpAtn, ccpEdn, ccpTxbx, …
STORIES = (
    (3, "main"),
    (4, "脚注"),
    (5, "页眉页脚"),
    (6, "宏"),
    (7, "批注"),
    (8, "尾注"),
    (9, "文本框"),
    (10, "页眉页脚 文本框"),
)
# sprms of paragraph properties that say a paragraph is in a table and ends a row
SPRM_P_IN_TABLE, SPRM_P_TTP, SPRM_P_ITAP = 0x2416, 0x2417, 0x6649
SPRM_P_INNER_TTP = 0x244C
# PlcfHdd stories after the six separator stories, per section
HEADER_KINDS = ("偶数页页眉", "页眉", "偶数页页脚", "页脚", "首页页眉", "首页页脚")
# characters removed from the text: object and picture anchors, auto-numbered references,
# separators; \x1f an optional hyphen
REMOVED = dict.fromkeys(map(ord, "\x00\x01\x02\x03\x04\x05\x06\x08\x1f\ufeff"), None)
LINE_BREAKS = {0x0B: "\n", 0x0C: "\n", 0x0E: "\n", 0x1E: "-"}


def extract(source: Source) -> Iterator[Item]:
    """Read ``source`` as a Word 97-2003 file (``ole.extract_ole`` calls ``read``)."""
    return read_compound(source, read)


def read(compound: Compound) -> Iterator[Item]:
    document = compound.read("WordDocument")
    fib = Fib.parse(document)
    table = compound.read("1Table" if fib.flags & F_WHICH_TABLE else "0Table")
    text = PieceTable.parse(fib.blob(table, FC_CLX)).read(document, fib.total)
    paragraphs = Paragraphs.read(fib, table, document)
    start = 0
    for count, story in zip(fib.ccp, (name for _, name in STORIES), strict=True):
        end = min(start + count, len(text.chars))
        if count and story != "宏":
            yield from _story(story, text, start, end, fib, table, paragraphs)
        start = end
    yield from _comment_authors(fib.blob(table, FC_GRPXST_ATN_OWNERS))
    yield from compound.properties()


# --- the FIB ------------------------------------------------------------------------------


@dataclass
class Fib:
    flags: int
    ccp: list[int]  # the story lengths, in STORIES order
    fc_lcb: list[tuple[int, int]]

    @classmethod
    def parse(cls, data: bytes) -> Fib:
        if len(data) < 34:
            raise CorruptError(f"not a valid {WHAT}: the FIB is truncated")
        ident, nfib = struct.unpack_from("<HH", data, 0)
        flags = struct.unpack_from("<H", data, 0x0A)[0]
        if ident != WORD97_IDENT:
            raise CorruptError(f"not a valid {WHAT}: no Word signature in the FIB")
        if flags & (F_ENCRYPTED | F_OBFUSCATED):
            raise EncryptedError(f"password-protected {WHAT}")
        if nfib < 0x00C1 and nfib not in (0x0065, 0x0067, 0x0068):  # below Word 97
            raise UnsupportedError("Word 6.0/95 document (older than Word 97; save as .docx)")
        at = 32
        csw = _u16(data, at, "FIB")
        at += 2 + 2 * csw
        cslw = _u16(data, at, "FIB")
        at += 2
        lw = [_u32(data, at + 4 * i, "FIB") for i in range(min(cslw, 22))]
        if len(lw) < 11:
            raise CorruptError(f"not a valid {WHAT}: the FIB has {cslw} of 22 counts")
        at += 4 * cslw
        pairs = _u16(data, at, "FIB")
        at += 2
        fc_lcb = [
            (_u32(data, at + 8 * i, "FIB"), _u32(data, at + 8 * i + 4, "FIB"))
            for i in range(min(pairs, 93))
        ]
        if len(fc_lcb) <= FC_CLX:
            raise CorruptError(f"not a valid {WHAT}: the FIB has no piece table entry")
        return cls(flags, [lw[i] for i, _ in STORIES], fc_lcb)

    @property
    def total(self) -> int:
        """Characters of all stories (with the closing paragraph mark of the subdocuments)."""
        return sum(self.ccp) + (1 if any(self.ccp[1:]) else 0)

    def blob(self, table: bytes, index: int) -> bytes:
        """The table-stream structure at FibRgFcLcb97 pair ``index`` (b"" if none)."""
        if index >= len(self.fc_lcb):
            return b""
        fc, lcb = self.fc_lcb[index]
        if lcb == 0:
            return b""
        if fc + lcb > len(table):
            raise CorruptError(
                f"not a valid {WHAT}: a structure at {fc}+{lcb} past the table stream "
                f"({len(table)} bytes)"
            )
        return table[fc : fc + lcb]

    def plc(self, table: bytes, index: int, data_size: int = 0) -> list[int]:
        """The CPs of a PLC (n+1 CPs, n data elements of ``data_size``); [] when absent
        or malformed (what they give is only a number in a location)."""
        try:
            blob = self.blob(table, index)
        except CorruptError:
            return []
        if len(blob) < 4 or (len(blob) - 4) % (4 + data_size):
            return []
        count = (len(blob) - 4) // (4 + data_size) + 1
        return list(struct.unpack_from(f"<{count}I", blob, 0))


# --- the piece table ----------------------------------------------------------------------


@dataclass
class Text:
    chars: str
    fcs: list[tuple[int, int, int, int]]  # (cp start, cp end, fc, bytes per char) per piece

    def fc_of(self, cp: int) -> int | None:
        """The stream offset of the character at ``cp`` (for its paragraph properties)."""
        index = bisect.bisect_right(self.fcs, (cp, 1 << 62)) - 1
        if index < 0:
            return None
        start, end, fc, width = self.fcs[index]
        return fc + (cp - start) * width if start <= cp < end else None


@dataclass
class PieceTable:
    cps: list[int]
    pcds: list[tuple[int, bool]]  # (fc, compressed)

    @classmethod
    def parse(cls, clx: bytes) -> PieceTable:
        if not clx:
            raise CorruptError(f"not a valid {WHAT}: no piece table")
        at = 0
        while at < len(clx) and clx[at] == 0x01:  # Prc: formatting, skipped
            size = _i16(clx, at + 1, "piece table")
            if size < 0:  # would step back (or stand still) for ever
                raise CorruptError(f"not a valid {WHAT}: formatting of {size} bytes in the CLX")
            at += 3 + size
        if at + 5 > len(clx) or clx[at] != 0x02:
            raise CorruptError(f"not a valid {WHAT}: no piece table in the CLX")
        lcb = _u32(clx, at + 1, "piece table")
        plc = clx[at + 5 : at + 5 + lcb]
        if len(plc) < lcb or lcb < 16 or (lcb - 4) % 12:
            raise CorruptError(f"not a valid {WHAT}: piece table of {lcb} bytes")
        count = (lcb - 4) // 12
        if count > MAX_PIECES:
            raise CorruptError(f"not a valid {WHAT}: {count} pieces (at most {MAX_PIECES})")
        cps = list(struct.unpack_from(f"<{count + 1}I", plc, 0))
        if cps[0] != 0 or any(b <= a for a, b in itertools.pairwise(cps)):
            raise CorruptError(f"not a valid {WHAT}: piece table positions out of order")
        pcds = []
        for index in range(count):
            fc = _u32(plc, 4 * (count + 1) + 8 * index + 2, "piece table")
            compressed = bool(fc & 0x40000000)
            pcds.append(((fc & 0x3FFFFFFF) // 2 if compressed else fc, compressed))
        return cls(cps, pcds)

    def read(self, document: bytes, total: int) -> Text:
        """The first ``total`` characters, in CP order. Each character takes at least a
        byte of the WordDocument stream: more declared than that is corrupt (and bounds
        the text however the pieces overlap)."""
        declared = max(total, self.cps[-1])
        if declared > len(document):
            raise CorruptError(
                f"not a valid {WHAT}: {declared} characters declared, more than the "
                f"{len(document)}-byte WordDocument stream can hold"
            )
        parts: list[str] = []
        fcs: list[tuple[int, int, int, int]] = []
        for (start, end), (fc, compressed) in zip(
            zip(self.cps, self.cps[1:], strict=False), self.pcds, strict=True
        ):
            if start >= total:
                break
            end = min(end, total)
            width = 1 if compressed else 2
            raw = document[fc : fc + (end - start) * width]
            if fc + (end - start) * width > len(document):
                raise CorruptError(
                    f"not a valid {WHAT}: a piece at {fc}+{(end - start) * width} past the "
                    f"WordDocument stream ({len(document)} bytes)"
                )
            parts.append(raw.decode("cp1252" if compressed else "utf-16-le", "replace"))
            fcs.append((start, end, fc, width))
        return Text("".join(parts), fcs)


# --- paragraph properties: which paragraph marks end a table row --------------------------


@dataclass
class Paragraphs:
    """The table properties of paragraph marks, by stream offset (from the PAPX FKPs)."""

    starts: list[int] = field(default_factory=list)
    ends: list[int] = field(default_factory=list)
    props: list[tuple[bool, bool]] = field(default_factory=list)  # (in table, row end)
    known: bool = False

    @classmethod
    def read(cls, fib: Fib, table: bytes, document: bytes) -> Paragraphs:
        """Nothing known (``known`` False) when the PAPX cannot be read: tables are then
        told by their cell marks alone."""
        try:
            return cls._read(fib, table, document)
        except (CorruptError, struct.error, IndexError):
            return cls()

    @classmethod
    def _read(cls, fib: Fib, table: bytes, document: bytes) -> Paragraphs:
        blob = fib.blob(table, FC_PLCFBTE_PAPX)
        if len(blob) < 12 or (len(blob) - 4) % 8:
            return cls()
        count = (len(blob) - 4) // 8
        if count > len(document) // FKP_SIZE + 1:
            return cls()
        pns = struct.unpack_from(f"<{count}I", blob, 4 * (count + 1))
        runs: list[tuple[int, int, tuple[bool, bool]]] = []
        for pn in pns:
            page = document[(pn & 0x3FFFFF) * FKP_SIZE :][:FKP_SIZE]
            if len(page) < FKP_SIZE:
                return cls()
            runs.extend(_fkp_runs(page))
        runs.sort()
        result = cls(known=True)
        for start, end, props in runs:
            result.starts.append(start)
            result.ends.append(end)
            result.props.append(props)
        return result

    def at(self, fc: int | None) -> tuple[bool, bool] | None:
        if not self.known or fc is None:
            return None
        index = bisect.bisect_right(self.starts, fc) - 1
        if index < 0 or fc >= self.ends[index]:
            return None
        return self.props[index]


def _fkp_runs(page: bytes) -> Iterator[tuple[int, int, tuple[bool, bool]]]:
    crun = page[511]
    if 4 * (crun + 1) + 13 * crun > 511:
        raise CorruptError("PAPX FKP overflows its page")
    fcs = struct.unpack_from(f"<{crun + 1}I", page, 0)
    for index in range(crun):
        offset = page[4 * (crun + 1) + 13 * index] * 2
        props = (False, False)
        if offset:
            cb = page[offset]
            if cb == 0:
                grpprl = page[offset + 2 : offset + 2 + 2 * page[offset + 1]]
            else:
                grpprl = page[offset + 1 : offset + 2 * cb]
            props = _table_props(grpprl[2:])  # after the style index
        yield fcs[index], fcs[index + 1], props


def _table_props(grpprl: bytes) -> tuple[bool, bool]:
    """(in a table, ends a row) from a paragraph's sprms; unknown sprms are skipped by
    their operand size, a malformed list ends the reading."""
    in_table = row_end = False
    at = 0
    while at + 2 <= len(grpprl):
        sprm = struct.unpack_from("<H", grpprl, at)[0]
        operand = _operand(sprm, grpprl, at + 2)
        if operand is None:
            break
        start, size = operand
        value = grpprl[start : start + size]
        if sprm in (SPRM_P_IN_TABLE, SPRM_P_TTP) and value[:1] not in (b"", b"\0"):
            in_table = True
            row_end = row_end or sprm == SPRM_P_TTP
        elif sprm == SPRM_P_ITAP and size == 4 and struct.unpack("<i", value)[0] > 0:
            in_table = True
        at = start + size
    return in_table, row_end


def _operand(sprm: int, grpprl: bytes, at: int) -> tuple[int, int] | None:
    """Where the operand of ``sprm`` at ``at`` starts and its size; None past the end."""
    fixed = {0: 1, 1: 1, 2: 2, 3: 4, 4: 2, 5: 2, 7: 3}.get(sprm >> 13)
    if fixed is not None:
        start, size = at, fixed
    elif sprm == 0xD608:  # sprmTDefTable: a 2-byte size, one more than what follows it
        if at + 2 > len(grpprl):
            return None
        start, size = at + 2, struct.unpack_from("<H", grpprl, at)[0] - 1
    elif sprm == 0xC615 and grpprl[at : at + 1] == b"\xff":  # sprmPChgTabs' long form
        return None
    elif at < len(grpprl):
        start, size = at + 1, grpprl[at]
    else:
        return None
    return (start, size) if size >= 0 and start + size <= len(grpprl) else None


# --- stories ------------------------------------------------------------------------------


def _story(
    name: str, text: Text, start: int, end: int, fib: Fib, table: bytes, paras: Paragraphs
) -> Iterator[Segment]:
    labels = _labels(name, fib, table, end - start)
    cps = [cp for cp, _ in labels]

    def label(cp: int) -> str:
        index = bisect.bisect_right(cps, cp - start) - 1
        return labels[index][1] if index >= 0 else name

    prefix = "" if name == "main" else f"{name} "
    tables = 0
    paragraph = 0
    cells: list[str] = []
    rows: list[list[str]] = []
    cell: list[str] = []
    last_cell_end = False
    at = table_at = start
    for mark in _marks(text.chars, start, end):
        raw = text.chars[at:mark]
        terminator = text.chars[mark] if mark < end else "\r"
        content, links = _clean(raw)
        props = paras.at(text.fc_of(mark))
        in_table = terminator == "\x07" if props is None else props[0] or terminator == "\x07"
        row_end = False
        if terminator == "\x07":
            row_end = props[1] if props is not None else (last_cell_end and not raw)
        if in_table:
            if not (rows or cells or cell):
                table_at = at
            if row_end:
                rows.append(cells)
                cells = []
            else:
                cell.append(content)
                if terminator == "\x07":
                    cells.append("\n".join(c for c in cell if c))
                    cell = []
            last_cell_end = terminator == "\x07" and not row_end
        else:
            if rows or cells or cell:
                tables += 1
                yield from _table(_prefix(name, label(table_at)), tables, rows, cells, cell)
                rows, cells, cell = [], [], []
            paragraph += 1
            where = f"段落 {paragraph}" if name == "main" else label(at)
            if content.strip():
                yield Segment(content, where)
            for link in links:
                yield Segment(link, f"{where} 链接", SegmentKind.METADATA)
            last_cell_end = False
        if in_table:
            for link in links:
                yield Segment(link, f"{prefix}表格 {tables + 1} 链接", SegmentKind.METADATA)
        at = mark + 1
    if rows or cells or cell:
        yield from _table(_prefix(name, label(table_at)), tables + 1, rows, cells, cell)


def _prefix(name: str, label: str) -> str:
    return "" if name == "main" else f"{label} "


MARKS = re.compile("[\r\x07]")


def _marks(chars: str, start: int, end: int) -> Iterator[int]:
    """The positions of paragraph and cell marks in [start, end), and ``end`` if the
    story does not end with one (one pass over the text)."""
    last = start - 1
    for match in MARKS.finditer(chars, start, end):
        last = match.start()
        yield last
    if last < end - 1:
        yield end


def _table(
    prefix: str, number: int, rows: list[list[str]], cells: list[str], cell: list[str]
) -> Iterator[Segment]:
    if cell:
        cells.append("\n".join(c for c in cell if c))
    if cells:
        rows.append(cells)
    header = RowOneHeader()
    for r, row in enumerate(rows, 1):
        for c, content in enumerate(row, 1):
            kind, context = header.cell(r, c, 1, content)
            if content.strip():
                yield Segment(
                    content, f"{prefix}表格 {number} 行 {r} 列 {c}", kind, context=context
                )


def _labels(name: str, fib: Fib, table: bytes, length: int) -> list[tuple[int, str]]:
    """Where each numbered part of a story starts (footnote 2, the first-page header …)."""
    if name in ("脚注", "尾注", "批注"):
        index = {"脚注": FC_PLCFFND_TXT, "尾注": FC_PLCFEND_TXT, "批注": FC_PLCFAND_TXT}[name]
        cps = fib.plc(table, index)
        return [(cp, f"{name} {n}") for n, cp in enumerate(cps[:-1], 1) if cp < length]
    if name == "页眉页脚":
        cps = fib.plc(table, FC_PLCFHDD)
        labels = []
        for index, cp in enumerate(cps[:-1]):
            if index < 6:
                labels.append((cp, "脚注分隔符"))
                continue
            section, kind = divmod(index - 6, 6)
            where = (
                HEADER_KINDS[kind] if not section else f"第 {section + 1} 节 {HEADER_KINDS[kind]}"
            )
            labels.append((cp, where))
        return labels
    return []


def _clean(raw: str) -> tuple[str, list[str]]:
    """A paragraph's text as shown: field results kept, instructions dropped, special
    characters removed; and the targets of its HYPERLINK fields."""
    out: list[str] = []
    links: list[str] = []
    stack: list[list[str]] = []  # per open field: its instruction so far, or None once shown
    showing: list[bool] = []
    for char in raw:
        if char == "\x13":
            if len(stack) >= MAX_FIELD_DEPTH:
                continue
            stack.append([])
            showing.append(False)
        elif char == "\x14" and stack:
            showing[-1] = True
            link = _hyperlink("".join(stack[-1]))
            if link:
                links.append(link)
        elif char == "\x15" and stack:
            stack.pop()
            showing.pop()
        elif char in "\x13\x14\x15":
            continue  # a field mark with no field open: nothing a reader sees
        elif stack and not showing[-1]:
            stack[-1].append(char)
        elif all(showing):
            out.append(char)
    text = "".join(out).translate(REMOVED).translate(LINE_BREAKS)
    return text, links


def _hyperlink(code: str) -> str:
    parts = code.strip().split(None, 1)
    if len(parts) < 2 or parts[0].upper() != "HYPERLINK":
        return ""
    rest = parts[1]
    if rest.startswith("\\l"):  # a bookmark in this document
        return ""
    if '"' in rest:
        quoted = rest.split('"')
        return quoted[1] if len(quoted) > 2 else ""
    return rest.split()[0]


def _comment_authors(blob: bytes) -> Iterator[Segment]:
    """The comment authors' names (GrpXstAtnOwners: length-prefixed UTF-16 strings)."""
    at, seen = 0, set()
    while at + 2 <= len(blob):
        length = struct.unpack_from("<H", blob, at)[0]
        name = blob[at + 2 : at + 2 + 2 * length].decode("utf-16-le", "replace")
        at += 2 + 2 * length
        if name.strip() and name not in seen:
            seen.add(name)
            yield Segment(name, "批注作者", SegmentKind.METADATA, context=("author",))


# --- bounded reads ------------------------------------------------------------------------


def _u16(data: bytes, at: int, what: str) -> int:
    if at < 0 or at + 2 > len(data):
        raise CorruptError(f"not a valid {WHAT}: the {what} is truncated")
    return int(struct.unpack_from("<H", data, at)[0])


def _i16(data: bytes, at: int, what: str) -> int:
    if at < 0 or at + 2 > len(data):
        raise CorruptError(f"not a valid {WHAT}: the {what} is truncated")
    return int(struct.unpack_from("<h", data, at)[0])


def _u32(data: bytes, at: int, what: str) -> int:
    if at < 0 or at + 4 > len(data):
        raise CorruptError(f"not a valid {WHAT}: the {what} is truncated")
    return int(struct.unpack_from("<I", data, at)[0])
