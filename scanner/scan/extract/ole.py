"""OLE compound files (legacy binary Office): told apart by the streams they hold.

libmagic names a compound file ``application/msword``, ``application/vnd.ms-powerpoint``,
or only ``application/CDFV2`` / ``application/x-ole-storage`` when it does not recognise
the writer (WPS Office, older converters). Whatever it said, the streams decide:

* ``EncryptedPackage`` / ``EncryptionInfo`` — a password-protected OOXML document (Word,
  Excel and PowerPoint 2007+ wrap the encrypted package in a compound file)
  → ``encrypted: not scanned``;
* ``WordDocument`` — Word 97-2003 (.doc, .dot) and WPS Writer (.wps), read by
  ``legacy_doc``;
* ``PowerPoint Document`` — PowerPoint 97-2003 (.ppt, .pps, .pot) and WPS Presentation
  (.dps), read by ``legacy_ppt``;
* ``Workbook`` / ``Book`` — Excel (.xls) and WPS Spreadsheets (.et), read by the ``xls``
  extractor (xlrd);
* anything else → ``unsupported: …``.

Also here, for both legacy readers: opening the compound file (any failure is ``corrupt``),
reading a stream within ``[limits] max_member_mb`` (a stream shorter than its directory
entry says is ``corrupt: truncated``), and the document properties of the
``SummaryInformation`` and ``DocumentSummaryInformation`` streams ([MS-OLEPS]) as
``属性 <name>`` METADATA segments, named as the OOXML extractors name them (``属性 author``,
``属性 last_modified_by``, ``属性 company`` …), user-defined properties by their own name.

Not read: a thumbnail, embedded OLE objects (an Excel sheet pasted into a .doc lives in
its ``ObjectPool`` storage) and VBA projects.
"""

from __future__ import annotations

import codecs
import struct
from collections.abc import Callable, Iterator

import olefile

from scanner.models import Segment
from scanner.scan.extract import (
    CorruptError,
    EncryptedError,
    Item,
    LimitExceeded,
    Notice,
    Source,
    UnsupportedError,
)
from scanner.scan.extract.ooxml import property_segment


def extract_encrypted(source: Source) -> Iterator[Item]:
    raise EncryptedError("password-protected file")
    yield  # pragma: no cover - makes this a generator like every extractor


def extract_ole(source: Source) -> Iterator[Item]:
    compound = Compound(source)
    try:
        kind = compound.kind()
        if kind == "encrypted":
            raise EncryptedError("password-protected Office document")
        if kind == "doc":
            from scanner.scan.extract import legacy_doc

            yield from legacy_doc.read(compound)
        elif kind == "ppt":
            from scanner.scan.extract import legacy_ppt

            yield from legacy_ppt.read(compound)
        elif kind == "xls":
            compound.close()  # xlrd reads the bytes itself
            from scanner.scan.extract import xls

            yield from xls.extract(source)
            return
        else:
            raise UnsupportedError(f"OLE compound file with no Office document ({source.mime})")
        yield from compound.notices()
    finally:
        compound.close()


def read_compound(source: Source, read: Callable[[Compound], Iterator[Item]]) -> Iterator[Item]:
    """``read`` over ``source`` opened as a compound file, then what olefile could not
    follow; the file closed however it ends (a format's ``extract``: legacy .doc, .ppt)."""
    compound = Compound(source)
    try:
        yield from read(compound)
        yield from compound.notices()
    finally:
        compound.close()


# --- the compound file ------------------------------------------------------------------


class Compound:
    """An open compound file, its streams read within the scan's limits."""

    def __init__(self, source: Source) -> None:
        self.source = source
        if not olefile.isOleFile(data=source.data):
            raise CorruptError("not an OLE compound file")
        try:
            self.ole = olefile.OleFileIO(source.stream())
            listing = self.ole.listdir(streams=True, storages=False)
        except Exception as exc:  # olefile raises many kinds on a broken header: all corrupt
            raise CorruptError(f"unreadable OLE compound file ({type(exc).__name__})") from exc
        # top-level streams by lower-cased name (olefile matches names case-insensitively)
        self.streams = {path[0].lower(): path[0] for path in listing if len(path) == 1}

    def close(self) -> None:
        self.ole.close()

    def kind(self) -> str:
        names = self.streams
        if "encryptedpackage" in names or "encryptioninfo" in names:
            return "encrypted"
        if "worddocument" in names:
            return "doc"
        if "powerpoint document" in names:
            return "ppt"
        if "workbook" in names or "book" in names:
            return "xls"
        return ""

    def has(self, name: str) -> bool:
        return name.lower() in self.streams

    def read(self, name: str, required: bool = True) -> bytes:
        """A top-level stream's bytes (b"" when absent and not ``required``)."""
        real = self.streams.get(name.lower())
        if real is None:
            if required:
                raise CorruptError(f"no {name} stream")
            return b""
        size = self.ole.get_size(real)
        if size > self.source.limits.max_member_bytes:
            limit = self.source.limits.max_member_mb
            raise LimitExceeded(f"stream {name} larger than {limit:g} MB")
        try:
            with self.ole.openstream(real) as stream:
                data: bytes = stream.read()
        except Exception as exc:  # a broken sector chain: olefile raises several kinds
            raise CorruptError(f"unreadable stream {name} ({type(exc).__name__})") from exc
        if len(data) < size:  # olefile returns what it finds: a truncated file reads short
            raise CorruptError(f"truncated: stream {name} has {len(data)} of {size} bytes")
        return data

    def properties(self) -> Iterator[Segment]:
        """The document properties as ``属性 <name>`` METADATA segments."""
        summary = property_sets(self.read(SUMMARY, required=False))
        for prop_id, name in SUMMARY_NAMES:
            yield from property_segment(name, summary.get((SUMMARY_FMTID, prop_id)))
        document = self.read(DOCUMENT_SUMMARY, required=False)
        values = property_sets(document)
        for prop_id, name in DOCUMENT_SUMMARY_NAMES:
            yield from property_segment(name, values.get((DOCUMENT_SUMMARY_FMTID, prop_id)))
        for name, value in user_defined_properties(document):
            yield from property_segment(name, value)

    def notices(self) -> Iterator[Notice]:
        if self.ole.parsing_issues:  # olefile skips what it cannot follow: say so
            issue = self.ole.parsing_issues[0][1]
            yield Notice(f"damaged compound file ({issue}): parts may be missing")


# --- document properties [MS-OLEPS] ---------------------------------------------------------

# Read here rather than with olefile's ``get_metadata``: olefile loops over a vector's
# element count as the file states it (a DocumentSummaryInformation saying 0xFFFFFFFF
# elements kept a scan busy for minutes in the fuzz test); this reads text properties only,
# every count bounded by the bytes that hold it.
SUMMARY, DOCUMENT_SUMMARY = "\x05SummaryInformation", "\x05DocumentSummaryInformation"
SUMMARY_FMTID = bytes.fromhex("e0859ff2f94f6810ab9108002b27b3d9")
DOCUMENT_SUMMARY_FMTID = bytes.fromhex("02d5cdd59c2e1b10939708002b2cf9ae")
USER_DEFINED_FMTID = bytes.fromhex("05d5cdd59c2e1b10939708002b2cf9ae")
# property id → the name the OOXML extractors give the same property
SUMMARY_NAMES = (
    (2, "title"),
    (3, "subject"),
    (4, "author"),
    (5, "keywords"),
    (6, "comments"),
    (8, "last_modified_by"),
    (7, "template"),
)
DOCUMENT_SUMMARY_NAMES = ((2, "category"), (0x0E, "manager"), (0x0F, "company"))
VT_I2, VT_LPSTR, VT_LPWSTR = 0x0002, 0x001E, 0x001F
MAX_PROPERTIES = 1000  # properties read from one section
MAX_SECTIONS = 4


def _codec(codepage: object) -> str:
    """The Python codec of a property set's code page (936 → GB18030, its superset)."""
    if not isinstance(codepage, int):
        return "gb18030"
    page = codepage & 0xFFFF  # a signed 16-bit value in the file: 65001 reads as -535
    if page == 936:
        return "gb18030"
    try:
        return codecs.lookup(f"cp{page}" if page != 65001 else "utf-8").name
    except LookupError:
        return "gb18030"


def property_sets(data: bytes) -> dict[tuple[bytes, int], str]:
    """The text properties of every section of a property set stream, by (section
    FMTID, property id); what cannot be read is left out."""
    values: dict[tuple[bytes, int], str] = {}
    try:
        count = struct.unpack_from("<I", data, 24)[0]
        for index in range(min(count, MAX_SECTIONS)):
            fmtid, offset = struct.unpack_from("<16sI", data, 28 + index * 20)
            section, offsets = _section_offsets(data, offset)
            codec = _section_codec(section, offsets)
            for prop_id, at in offsets.items():
                if prop_id > 1:
                    value = _string_value(section, at, codec)
                    if value:
                        values[(fmtid, prop_id)] = value
    except (struct.error, IndexError, ValueError):
        pass
    return values


def _section_offsets(data: bytes, start: int) -> tuple[bytes, dict[int, int]]:
    size, count = struct.unpack_from("<II", data, start)
    section = data[start : start + min(size, len(data) - start)]
    offsets = {}
    for index in range(min(count, MAX_PROPERTIES)):
        prop_id, offset = struct.unpack_from("<II", section, 8 + index * 8)
        offsets[prop_id] = offset
    return section, offsets


def _section_codec(section: bytes, offsets: dict[int, int]) -> str:
    if 1 in offsets and struct.unpack_from("<I", section, offsets[1])[0] == VT_I2:
        return _codec(struct.unpack_from("<h", section, offsets[1] + 4)[0])
    return "gb18030"


def user_defined_properties(data: bytes) -> Iterator[tuple[str, str]]:
    """The text properties of the user-defined section of a DocumentSummaryInformation
    stream (custom properties: ``Company`` as LibreOffice writes it, a client code …), as
    (name, value); nothing when the section is absent or damaged."""
    try:
        yield from _user_defined(data)
    except (struct.error, IndexError, ValueError, UnicodeDecodeError):
        return


def _user_defined(data: bytes) -> Iterator[tuple[str, str]]:
    count = struct.unpack_from("<I", data, 24)[0]
    for index in range(min(count, MAX_SECTIONS)):
        fmtid, offset = struct.unpack_from("<16sI", data, 28 + index * 20)
        if fmtid == USER_DEFINED_FMTID:
            yield from _section(data, offset)


def _section(data: bytes, start: int) -> Iterator[tuple[str, str]]:
    section, offsets = _section_offsets(data, start)
    codec = _section_codec(section, offsets)
    if 0 not in offsets:  # no dictionary: no names
        return
    names = _dictionary(section, offsets[0], codec == "utf_16")
    for prop_id, name in names.items():
        offset = offsets.get(prop_id)
        if offset is not None:
            value = _string_value(section, offset, codec)
            if value:
                yield name, value


def _dictionary(section: bytes, offset: int, wide: bool) -> dict[int, str]:
    count = struct.unpack_from("<I", section, offset)[0]
    names: dict[int, str] = {}
    at = offset + 4
    for _ in range(min(count, MAX_PROPERTIES)):
        prop_id, length = struct.unpack_from("<II", section, at)
        at += 8
        if wide:
            raw = section[at : at + 2 * length]
            at += 2 * length + (-2 * length) % 4
            name = raw.decode("utf-16-le", "replace")
        else:
            raw = section[at : at + length]
            at += length
            name = raw.decode("gb18030", "replace")
        if at > len(section):
            raise ValueError("dictionary past the section")
        names[prop_id] = name.split("\0", 1)[0]
    return names


def _string_value(section: bytes, offset: int, codec: str) -> str:
    kind, length = struct.unpack_from("<II", section, offset)
    start = offset + 8
    if kind == VT_LPWSTR:
        return section[start : start + 2 * length].decode("utf-16-le", "replace").split("\0")[0]
    if kind == VT_LPSTR:
        raw = section[start : start + length]
        if codec == "utf_16":
            return raw.decode("utf-16-le", "replace").split("\0")[0]
        return raw.split(b"\0", 1)[0].decode(codec, "replace")
    return ""
