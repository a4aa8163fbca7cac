"""PowerPoint 97-2003 (.ppt, .pps, .pot) and WPS Presentation (.dps): text by [MS-PPT].

A parser of the documented binary format on olefile (no maintained pure-Python reader
exists; README). The ``PowerPoint Document`` stream is a sequence of records, each with
an 8-byte header (recVer/recInstance in 2 bytes, recType in 2, recLen in 4); a record
whose recVer is 0xF is a container of further records. Text lives in ``TextCharsAtom``
(0x0FA0, UTF-16LE), ``TextBytesAtom`` (0x0FA8, 8-bit) and ``CString`` (0x0FBA, UTF-16LE:
comments and their authors, hyperlinks, header and footer text).

Which slide a record belongs to is read as PowerPoint reads it: the ``Current User``
stream points at the last ``UserEditAtom``, whose chain of ``PersistDirectoryAtom``\\ s maps
persist ids to stream offsets; the document's ``SlideListWithText`` (0x0FF0) lists the
slides in presentation order (``SlidePersistAtom`` 0x03F3: persist id and slide id), and
a notes page names its slide in its ``NotesAtom``. Covered, with locations as the pptx
extractor gives them:

* slide text (shapes, text boxes, grouped shapes; the outline text PowerPoint keeps in
  ``SlideListWithText``) — ``幻灯片 3``;
* tables (a group shape marked with the ``tableProperties`` option): cells ordered by
  their anchors into rows and columns — ``幻灯片 2 表格 1 行 2 列 3``, row 1 the header;
* speaker notes — ``幻灯片 3 备注``; comments — ``幻灯片 3 批注 1`` and ``… 作者``;
* masters and layouts (``母版``), header and footer text (``页眉页脚``), hyperlink
  targets (``超链接``), the last user's name (``属性 current_user``) and the document
  properties (``ole.Compound.properties``);
* a slide record the current persist directory no longer lists (an earlier version kept
  by a fast save) — ``早期版本 幻灯片``.

Without a readable persist directory, slides are numbered in stream order.

Hostile input: a record longer than its container, records nested deeper than
``MAX_DEPTH`` and a persist directory pointing outside the stream are ``corrupt: …``; the
user-edit chain is followed at most ``MAX_EDITS`` times, never in a loop; every record
advances the walk by at least its header, so the work is bounded by the stream's size.
Encrypted presentations (the ``Current User`` token, an ``encryptSessionPersistIdRef``, a
``CryptSession10Container``, an ``EncryptedSummary`` stream) are reported encrypted.
Not covered: text in embedded objects and charts (OLE objects in ``ExOleObjStg``), VBA.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from dataclasses import dataclass, field

from scanner.models import Segment, SegmentKind
from scanner.scan.extract import CorruptError, EncryptedError, Item, Source
from scanner.scan.extract.ole import Compound, read_compound
from scanner.scan.extract.ooxml import RowOneHeader

WHAT = "PowerPoint 97-2003 presentation"
MAX_DEPTH = 32  # containers within containers (real files: about 8)
MAX_EDITS = 1000  # user edits followed back through offsetLastEdit
MAX_PERSIST_ENTRIES = 1_000_000  # over all edits (a real file: a few per slide per edit)
HEADER = 8

DOCUMENT, SLIDE, NOTES, MAIN_MASTER = 0x03E8, 0x03EE, 0x03F0, 0x03F8
NOTES_ATOM, SLIDE_PERSIST = 0x03F1, 0x03F3
SLIDE_LIST, TEXT_CHARS, TEXT_BYTES, CSTRING = 0x0FF0, 0x0FA0, 0x0FA8, 0x0FBA
HEADERS_FOOTERS, EX_HYPERLINK, COMMENT = 0x0FD9, 0x0FD7, 0x2EE0
USER_EDIT, PERSIST_DIRECTORY, CRYPT_SESSION = 0x0FF5, 0x1772, 0x2F14
GROUP, SHAPE, FOPT, TERTIARY_FOPT = 0xF003, 0xF004, 0xF00B, 0xF122
CHILD_ANCHOR, CLIENT_ANCHOR = 0xF00F, 0xF010
PROGRAMMABLE_TAGS = 0x1388
TABLE_PROPERTIES = 0x039F  # the shape option that makes a group shape a table
ENCRYPTED_TOKEN, PLAIN_TOKEN = 0xF3D1C4DF, 0xE391C05F


def extract(source: Source) -> Iterator[Item]:
    """Read ``source`` as a PowerPoint 97-2003 file (``ole.extract_ole`` calls ``read``)."""
    return read_compound(source, read)


def read(compound: Compound) -> Iterator[Item]:
    if compound.has("EncryptedSummary"):
        raise EncryptedError(f"password-protected {WHAT}")
    stream = compound.read("PowerPoint Document")
    current_user = compound.read("Current User", required=False)
    user, edit = _current_user(current_user)
    persist, document = _persist_directory(stream, edit)
    deck = _Deck.read(stream, persist, document)
    yield from deck.items()
    if user.strip():
        yield Segment(user, "属性 current_user", SegmentKind.METADATA, context=("current_user",))
    yield from compound.properties()


# --- records ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Record:
    offset: int  # of its header
    version: int
    instance: int
    kind: int
    length: int

    @property
    def body(self) -> int:
        return self.offset + HEADER

    @property
    def end(self) -> int:
        return self.offset + HEADER + self.length

    @property
    def container(self) -> bool:
        return self.version == 0xF


def record_at(stream: bytes, at: int, end: int) -> Record:
    if at < 0 or at + HEADER > end:
        raise CorruptError(f"not a valid {WHAT}: a record header at {at} past its container")
    head, kind, length = struct.unpack_from("<HHI", stream, at)
    record = Record(at, head & 0xF, head >> 4, kind, length)
    if record.end > end:
        raise CorruptError(
            f"not a valid {WHAT}: record 0x{kind:04X} at {at} is {length} bytes long, "
            f"past the end of its container at {end}"
        )
    return record


def children(stream: bytes, parent: Record | None) -> Iterator[Record]:
    """The records directly inside ``parent`` (the whole stream's top level: None)."""
    at, end = (0, len(stream)) if parent is None else (parent.body, parent.end)
    while end - at >= HEADER:
        record = record_at(stream, at, end)
        yield record
        at = record.end


# --- the current user and the persist directory ---------------------------------------------


def _current_user(data: bytes) -> tuple[str, int | None]:
    """The last user's name and the offset of the current UserEditAtom (None: unknown)."""
    if len(data) < HEADER + 20:
        return "", None
    size, token, offset, name_length = struct.unpack_from("<IIIH", data, HEADER)
    if token == ENCRYPTED_TOKEN:
        raise EncryptedError(f"password-protected {WHAT}")
    # the ANSI name (the system code page: GBK on a Chinese Windows), then relVersion and,
    # in files PowerPoint 2000 and later wrote, the same name in UTF-16
    name = data[HEADER + 20 : HEADER + 20 + name_length].decode("gb18030", "replace")
    at = HEADER + size + name_length
    wide = data[at + 4 : at + 4 + 2 * name_length]
    if len(wide) == 2 * name_length and name_length:
        name = wide.decode("utf-16-le", "replace")
    return name.split("\0", 1)[0], (offset if token == PLAIN_TOKEN else None)


def _persist_directory(stream: bytes, edit: int | None) -> tuple[dict[int, int], int | None]:
    """Persist id → stream offset (newest edit first), and the document's persist id.

    Empty when the chain cannot be followed: slides are then numbered in stream order.
    An edit that names an encryption session makes the file encrypted."""
    persist: dict[int, int] = {}
    document: int | None = None
    seen: set[int] = set()
    budget = [MAX_PERSIST_ENTRIES]  # entries read over all edits
    while edit and edit not in seen and len(seen) < MAX_EDITS:
        seen.add(edit)
        try:
            atom = record_at(stream, edit, len(stream))
        except CorruptError:
            return {}, None
        if atom.kind != USER_EDIT or atom.length < 0x1C:
            return {}, None
        last_edit, directory, doc_ref = struct.unpack_from("<III", stream, atom.body + 8)
        if atom.length >= 0x20 and struct.unpack_from("<I", stream, atom.body + 0x1C)[0]:
            raise EncryptedError(f"password-protected {WHAT}")
        document = doc_ref if document is None else document
        for persist_id, offset in _directory_entries(stream, directory, budget):
            persist.setdefault(persist_id, offset)
        edit = last_edit
    return persist, document


def _directory_entries(stream: bytes, at: int, budget: list[int]) -> Iterator[tuple[int, int]]:
    atom = record_at(stream, at, len(stream))
    if atom.kind != PERSIST_DIRECTORY:
        raise CorruptError(f"not a valid {WHAT}: no persist directory at {at}")
    pos, end = atom.body, atom.end
    while pos + 4 <= end:
        entry = struct.unpack_from("<I", stream, pos)[0]
        first, count = entry & 0xFFFFF, entry >> 20
        pos += 4
        if pos + 4 * count > end:
            raise CorruptError(f"not a valid {WHAT}: persist directory entry past its atom")
        budget[0] -= count
        if budget[0] < 0:
            raise CorruptError(
                f"not a valid {WHAT}: more than {MAX_PERSIST_ENTRIES} persist directory entries"
            )
        for index in range(count):
            offset = struct.unpack_from("<I", stream, pos + 4 * index)[0]
            if offset + HEADER > len(stream):
                raise CorruptError(
                    f"not a valid {WHAT}: persist object at {offset} past the stream "
                    f"({len(stream)} bytes)"
                )
            yield first + index, offset
        pos += 4 * count


# --- the presentation -------------------------------------------------------------------------


@dataclass
class _Deck:
    stream: bytes
    slide_at: dict[int, int] = field(default_factory=dict)  # slide offset → number
    slide_of_id: dict[int, int] = field(default_factory=dict)  # slide id → number
    outline: dict[int, list[str]] = field(default_factory=dict)  # number → outline texts
    document_at: int | None = None

    @classmethod
    def read(cls, stream: bytes, persist: dict[int, int], document: int | None) -> _Deck:
        deck = cls(stream)
        if document is not None and document in persist:
            deck.document_at = persist[document]
        else:  # no usable directory: the first document container, slides in stream order
            deck.document_at = next(
                (r.offset for r in children(stream, None) if r.kind == DOCUMENT), None
            )
            number = 0
            for record in children(stream, None):
                if record.kind == SLIDE:
                    number += 1
                    deck.slide_at[record.offset] = number
        if deck.document_at is not None:
            deck._slide_list(record_at(stream, deck.document_at, len(stream)), persist)
        return deck

    def _slide_list(self, document: Record, persist: dict[int, int]) -> None:
        """Slides in presentation order from the SlideListWithText of the slides
        (instance 0), and the outline text each carries."""
        if document.kind != DOCUMENT or not document.container:
            raise CorruptError(f"not a valid {WHAT}: no document container where listed")
        for record in children(self.stream, document):
            if record.kind != SLIDE_LIST or record.instance != 0 or not record.container:
                continue
            number = 0
            for atom in children(self.stream, record):
                if atom.kind == SLIDE_PERSIST and atom.length >= 16:
                    number += 1
                    persist_id, _, _, slide_id = struct.unpack_from("<IIII", self.stream, atom.body)
                    self.slide_of_id[slide_id] = number
                    if persist_id in persist:
                        self.slide_at[persist[persist_id]] = number
                elif atom.kind in (TEXT_CHARS, TEXT_BYTES) and number:
                    self.outline.setdefault(number, []).append(self._text(atom))

    def items(self) -> Iterator[Segment]:
        for record in children(self.stream, None):
            if record.kind == DOCUMENT and record.container:
                yield from self._document(record)
            elif record.kind == SLIDE and record.container:
                number = self.slide_at.get(record.offset)
                where = f"幻灯片 {number}" if number else "早期版本 幻灯片"
                for text in self.outline.pop(number, []) if number else []:
                    yield from _segment(text, where)
                yield from self._walk(record, where, 1)
            elif record.kind == NOTES and record.container:
                yield from self._walk(record, self._notes_location(record), 1)
            elif record.kind == CRYPT_SESSION:
                raise EncryptedError(f"password-protected {WHAT}")
            elif record.container and record.kind != PROGRAMMABLE_TAGS:
                where = "母版" if record.kind == MAIN_MASTER or record.kind == 0x0FC9 else "其他"
                yield from self._walk(record, where, 1)
        for number, texts in sorted(self.outline.items()):  # slides with no slide record
            for text in texts:
                yield from _segment(text, f"幻灯片 {number}")

    def _document(self, document: Record) -> Iterator[Segment]:
        for record in children(self.stream, document):
            if record.kind == SLIDE_LIST:
                continue  # its text went with its slide
            if record.kind == HEADERS_FOOTERS:
                yield from self._walk(record, "页眉页脚", 2)
            elif record.container:
                yield from self._walk(record, "文档", 2)

    def _notes_location(self, notes: Record) -> str:
        for atom in children(self.stream, notes):
            if atom.kind == NOTES_ATOM and atom.length >= 4:
                slide_id = struct.unpack_from("<I", self.stream, atom.body)[0]
                number = self.slide_of_id.get(slide_id)
                if number:
                    return f"幻灯片 {number} 备注"
                return "备注母版" if slide_id & 0x80000000 else "早期版本 备注"
        return "备注"

    def _walk(self, parent: Record, where: str, depth: int) -> Iterator[Segment]:
        if depth > MAX_DEPTH:
            raise CorruptError(f"not a valid {WHAT}: records nested deeper than {MAX_DEPTH}")
        tables = 0
        comments = 0
        for record in children(self.stream, parent):
            if record.kind in (TEXT_CHARS, TEXT_BYTES):
                yield from _segment(self._text(record), where)
            elif record.kind == CSTRING:
                text = self._text(record)
                if not text.startswith("___PPT"):  # the names of PowerPoint's own tags
                    label = "超链接" if parent.kind == EX_HYPERLINK else where
                    yield from _segment(text, label, SegmentKind.METADATA)
            elif record.kind == PROGRAMMABLE_TAGS:
                continue  # PowerPoint's own binary tags: no text
            elif record.kind == COMMENT and record.container:
                comments += 1
                yield from self._comment(record, f"{where} 批注 {comments}")
            elif record.kind == GROUP and record.container and self._is_table(record):
                tables += 1
                yield from self._table(record, f"{where} 表格 {tables}", depth + 1)
            elif record.container:
                if record.kind == EX_HYPERLINK:
                    yield from self._walk(record, "超链接", depth + 1)
                else:
                    yield from self._walk(record, where, depth + 1)

    def _comment(self, comment: Record, where: str) -> Iterator[Segment]:
        for atom in children(self.stream, comment):
            if atom.kind == CSTRING:
                text = self._text(atom)
                if atom.instance == 0:
                    yield from _segment(text, f"{where} 作者", SegmentKind.METADATA, ("author",))
                elif atom.instance == 1:
                    yield from _segment(text, where)

    def _is_table(self, group: Record) -> bool:
        """A group shape whose own shape (its first) has the tableProperties option."""
        first = next(children(self.stream, group), None)
        if first is None or first.kind != SHAPE or not first.container:
            return False
        for option_table in children(self.stream, first):
            if option_table.kind in (FOPT, TERTIARY_FOPT):
                for index in range(min(option_table.instance, option_table.length // 6)):
                    option = struct.unpack_from("<H", self.stream, option_table.body + 6 * index)
                    if option[0] & 0x3FFF == TABLE_PROPERTIES:
                        return True
        return False

    def _table(self, group: Record, where: str, depth: int) -> Iterator[Segment]:
        cells: list[tuple[int, int, str]] = []  # (top, left, text)
        for shape in list(children(self.stream, group))[1:]:
            if not shape.container:
                continue
            top = left = 0
            for record in children(self.stream, shape):
                if record.kind == CHILD_ANCHOR and record.length >= 16:
                    left, top = struct.unpack_from("<ii", self.stream, record.body)
                elif record.kind == CLIENT_ANCHOR and record.length >= 8:
                    top, left = struct.unpack_from("<hh", self.stream, record.body)
            texts = [s.text for s in self._walk(shape, where, depth + 1) if s.kind is not None]
            cells.append((top, left, "\n".join(texts)))
        rows = {top: n for n, top in enumerate(sorted({top for top, _, _ in cells}), 1)}
        columns = {left: n for n, left in enumerate(sorted({left for _, left, _ in cells}), 1)}
        header = RowOneHeader()
        for top, left, text in sorted(cells):
            row, column = rows[top], columns[left]
            kind, context = header.cell(row, column, 1, text)
            if text.strip():
                yield Segment(text, f"{where} 行 {row} 列 {column}", kind, context=context)

    def _text(self, atom: Record) -> str:
        raw = self.stream[atom.body : atom.end]
        if atom.kind == TEXT_BYTES:
            return raw.decode("latin-1")
        return raw.decode("utf-16-le", "replace")


def _segment(
    text: str, where: str, kind: SegmentKind = SegmentKind.PROSE, context: tuple[str, ...] = ()
) -> Iterator[Segment]:
    """A text atom as a segment: paragraph marks and vertical tabs as line breaks; the
    ``*`` PowerPoint stands in place of a date, a slide number or a footer is left out."""
    text = text.replace("\r", "\n").replace("\x0b", "\n").replace("\0", "")
    if text.strip() and text.strip() != "*":
        yield Segment(text, where, kind, context=context)
