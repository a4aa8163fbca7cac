"""Outlook .msg (an OLE compound file, MS-OXMSG): headers, bodies, attachments.

Read with olefile (BSD; the GPL ``extract-msg`` is deliberately not used).
A message is a storage of MAPI property streams ``__substg1.0_IIIITTTT``
(property id, property type) plus ``__properties_version1.0``, which holds the
fixed-size properties. What is covered, located as in ``mail.py``:

* From (sender name 0C1A, SMTP address 5D01 or address 0C1F), To/Cc/Bcc from
  the recipient storages (display name 3001, SMTP address 39FE or address
  3003, type 0C15) — or, without recipient storages, the display lists 0E04,
  0E03, 0E02 —, Reply-To (0050) and Subject (0037), as ``邮件头 From`` …;
* the plain body (1000) as ``邮件正文`` and the HTML body (1013) through the
  HTML extractor as ``邮件正文 (HTML)``, with line numbers. The compressed
  RTF body (1009) is not read; a message that has only that gets a notice;
* attachments by value (file name 3707, 3704 or display name 3001; data
  3701) as ``Member``; embedded messages (attach method 5) are read in place,
  their locations prefixed ``附件 <name>`` and their own attachments named
  ``<name>/<file>``, down to the configured nesting depth.

Strings of type 001F are UTF-16LE; 8-bit strings (001E) use the message code
page (3FFD, then 3FDE), by default 936, which Chinese Outlook writes — read as
GB18030, its superset. Encrypted S/MIME, Exchange-secured and rights-managed
(IRM) messages raise ``EncryptedError``; a clear-signed S/MIME message carries
its whole MIME text in ``smime.p7m``, which is handed back as ``smime.p7m.eml``
for the mail extractor.
"""

from __future__ import annotations

import codecs
import struct
from collections.abc import Iterator
from dataclasses import dataclass

import olefile

from scanner.models import Segment, SegmentKind
from scanner.scan.extract import (
    CorruptError,
    EncryptedError,
    Item,
    LimitExceeded,
    Member,
    Notice,
    Source,
    UnsupportedError,
)
from scanner.scan.extract.mail import BODY, decode_body, html_segments, text_segments

PROPERTIES = "__properties_version1.0"
# Bytes before the property entries in __properties_version1.0 (MS-OXMSG 2.4).
TOP_HEADER, EMBEDDED_HEADER, CHILD_HEADER = 32, 24, 8
RECIPIENT_PREFIX = "__recip_version1.0_#"
ATTACHMENT_PREFIX = "__attach_version1.0_#"
EMBEDDED_MESSAGE = "__substg1.0_3701000D"

PT_LONG, PT_STRING8, PT_UNICODE, PT_BINARY = 0x0003, 0x001E, 0x001F, 0x0102
SUBJECT, MESSAGE_CLASS, REPLY_TO_NAMES = 0x0037, 0x001A, 0x0050
SENDER_NAME, SENDER_ADDRESS, SENDER_SMTP = 0x0C1A, 0x0C1F, 0x5D01
DISPLAY_TO, DISPLAY_CC, DISPLAY_BCC = 0x0E04, 0x0E03, 0x0E02
BODY_TEXT, BODY_HTML, BODY_RTF = 0x1000, 0x1013, 0x1009
MESSAGE_CODEPAGE, INTERNET_CODEPAGE = 0x3FFD, 0x3FDE
DISPLAY_NAME, EMAIL_ADDRESS, SMTP_ADDRESS, RECIPIENT_TYPE = 0x3001, 0x3003, 0x39FE, 0x0C15
ATTACH_DATA, ATTACH_FILENAME, ATTACH_LONG_FILENAME, ATTACH_METHOD = 0x3701, 0x3704, 0x3707, 0x3705
BY_VALUE, BY_REFERENCE, EMBEDDED, OLE_OBJECT = 1, (2, 3, 4), 5, 6
RECIPIENT_HEADERS = {1: "To", 2: "Cc", 3: "Bcc"}
DEFAULT_CODEPAGE = 936
# Windows code pages whose Python codec is not simply "cp<N>".
CODEPAGES = {
    936: "gb18030",  # GBK as Outlook writes it; GB18030 reads it and more
    54936: "gb18030",
    20936: "gb18030",
    950: "big5hkscs",
    65001: "utf-8",
    1200: "utf-16-le",
    20127: "ascii",
    28591: "latin-1",
    52936: "hz",
    50220: "iso2022_jp",
    51932: "euc_jp",
}
ENCRYPTED_CLASSES = ("ipm.note.smime", "ipm.note.secure")
CLEAR_SIGNED_CLASS = "ipm.note.smime.multipartsigned"


@dataclass(frozen=True)
class _Storage:
    """One message inside the file: the top level, or an embedded one."""

    path: tuple[str, ...]  # storage path in the compound file, () for the root
    label: str  # location prefix: "" or "附件 会议纪要 "
    member_prefix: str  # attachment name prefix: "" or "会议纪要/"
    header: int  # TOP_HEADER or EMBEDDED_HEADER
    level: int  # embedded messages above this one


def extract(source: Source) -> Iterator[Item]:
    ole = _open(source)
    try:
        reader = _Reader(ole, source)
        root = _Storage((), "", "", TOP_HEADER, 0)
        if not (reader.exists((PROPERTIES,)) or reader.has_properties(())):
            raise UnsupportedError("OLE file is not an Outlook message")
        _refuse_protected(reader, root)
        yield from _message(reader, root)
        if ole.parsing_issues:  # olefile skips what it cannot follow: say so
            issue = ole.parsing_issues[0][1]
            yield Notice(f"damaged compound file ({issue}): parts may be missing")
    finally:
        ole.close()


def _open(source: Source) -> olefile.OleFileIO:
    if not olefile.isOleFile(data=source.data):
        raise CorruptError("not an OLE compound file")
    try:
        return olefile.OleFileIO(source.stream())
    except Exception as exc:  # olefile raises many kinds on a broken header: all mean corrupt
        raise CorruptError(f"unreadable OLE compound file ({type(exc).__name__})") from exc


def _refuse_protected(reader: _Reader, root: _Storage) -> None:
    kind = reader.string(root, MESSAGE_CLASS).strip().lower()
    if kind.startswith(CLEAR_SIGNED_CLASS):
        return
    if kind.startswith(ENCRYPTED_CLASSES):
        raise EncryptedError("S/MIME" if "smime" in kind else "Exchange")
    if "rpmsg" in kind:
        raise EncryptedError("rights-managed")


class _Reader:
    """Property access on an open compound file, bounded by the scan's limits."""

    def __init__(self, ole: olefile.OleFileIO, source: Source) -> None:
        self.ole = ole
        self.source = source
        try:
            listing = ole.listdir(streams=True, storages=True)
        except (OSError, ValueError, IndexError, RecursionError) as exc:
            raise CorruptError(f"unreadable OLE directory ({type(exc).__name__})") from exc
        # olefile matches names case-insensitively; so do writers of .msg files
        self.paths = {tuple(p.lower() for p in path): tuple(path) for path in listing}

    def exists(self, path: tuple[str, ...]) -> bool:
        return tuple(p.lower() for p in path) in self.paths

    def has_properties(self, storage: tuple[str, ...]) -> bool:
        depth = len(storage) + 1
        return any(len(p) == depth and p[-1].startswith("__substg1.0_") for p in self.paths)

    def children(self, storage: tuple[str, ...], prefix: str) -> list[tuple[str, ...]]:
        """Storages directly under ``storage`` named ``prefix…``, in name order."""
        base = tuple(p.lower() for p in storage)
        found = [
            original
            for lowered, original in self.paths.items()
            if len(lowered) == len(base) + 1
            and lowered[:-1] == base
            and lowered[-1].startswith(prefix.lower())
        ]
        return sorted(found, key=lambda p: p[-1].lower())

    def read(self, path: tuple[str, ...]) -> bytes | None:
        """A stream's bytes; None if absent. Over the member limit: LimitExceeded."""
        key = tuple(p.lower() for p in path)
        if key not in self.paths:
            return None
        name = "/".join(self.paths[key])
        if self.ole.get_type(name) != olefile.STGTY_STREAM:
            return None
        size = self.ole.get_size(name)
        if size > self.source.limits.max_member_bytes:
            limit = self.source.limits.max_member_mb
            raise LimitExceeded(f"stream {path[-1]} larger than {limit:g} MB")
        try:
            with self.ole.openstream(name) as stream:
                data: bytes = stream.read()
        except (OSError, ValueError, IndexError, struct.error) as exc:
            raise CorruptError(f"unreadable stream {path[-1]} ({type(exc).__name__})") from exc
        if len(data) < size:  # olefile returns what it finds: a truncated file reads short
            raise CorruptError(f"truncated: stream {path[-1]} has {len(data)} of {size} bytes")
        return data

    def raw(self, storage: _Storage | tuple[str, ...], prop: int, kind: int) -> bytes | None:
        path = storage.path if isinstance(storage, _Storage) else storage
        return self.read((*path, f"__substg1.0_{prop:04X}{kind:04X}"))

    def longs(self, path: tuple[str, ...], header: int) -> dict[int, int]:
        """The 32-bit integer properties of a storage, from its fixed-size property stream."""
        data = self.read((*path, PROPERTIES)) or b""
        values: dict[int, int] = {}
        for offset in range(header, len(data) - 15, 16):
            tag = struct.unpack_from("<I", data, offset)[0]
            if tag & 0xFFFF == PT_LONG:
                values[tag >> 16] = struct.unpack_from("<i", data, offset + 8)[0]
        return values

    def codec(self, storage: _Storage) -> str:
        longs = self.longs(storage.path, storage.header)
        for prop in (MESSAGE_CODEPAGE, INTERNET_CODEPAGE):
            codec = codepage_codec(longs.get(prop))
            if codec:
                return codec
        return CODEPAGES[DEFAULT_CODEPAGE]

    def string(self, storage: _Storage | tuple[str, ...], prop: int, codec: str = "") -> str:
        """A string property, Unicode (001F) or 8-bit (001E) in ``codec``; not stripped,
        so that a body's line numbers stay right."""
        unicode = self.raw(storage, prop, PT_UNICODE)
        if unicode is not None:
            return unicode.decode("utf-16-le", "replace").rstrip("\x00")
        eight_bit = self.raw(storage, prop, PT_STRING8)
        if eight_bit is not None:
            codec = codec or CODEPAGES[DEFAULT_CODEPAGE]
            return eight_bit.decode(codec, "replace").rstrip("\x00")
        return ""


def codepage_codec(codepage: int | None) -> str | None:
    """The Python codec for a Windows code page number, None if unknown."""
    if not codepage or codepage < 0:
        return None
    name = CODEPAGES.get(codepage, f"cp{codepage}")
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


# --- one message --------------------------------------------------------------------


def _message(reader: _Reader, storage: _Storage) -> Iterator[Item]:
    codec = reader.codec(storage)
    yield from _headers(reader, storage, codec)
    yield from _bodies(reader, storage, codec)
    yield from _attachments(reader, storage, codec)


def _headers(reader: _Reader, storage: _Storage, codec: str) -> Iterator[Segment]:
    sender = _address(
        reader.string(storage, SENDER_NAME, codec),
        reader.string(storage, SENDER_SMTP, codec) or reader.string(storage, SENDER_ADDRESS, codec),
    )
    fields = {"From": sender, **_recipients(reader, storage, codec)}
    fields["Reply-To"] = reader.string(storage, REPLY_TO_NAMES, codec)
    fields["Subject"] = reader.string(storage, SUBJECT, codec)
    for name, value in fields.items():
        text = value.strip()
        if text:
            location = f"{storage.label}邮件头 {name}"
            yield Segment(text, location, SegmentKind.METADATA, context=(name,))


def _recipients(reader: _Reader, storage: _Storage, codec: str) -> dict[str, str]:
    """To/Cc/Bcc as ``name <address>, …`` from the recipient storages, else display lists."""
    grouped: dict[str, list[str]] = {"To": [], "Cc": [], "Bcc": []}
    recipients = reader.children(storage.path, RECIPIENT_PREFIX)
    for path in recipients:
        # the low byte is To/Cc/Bcc; high bits flag resent or already-sent recipients
        kind = reader.longs(path, CHILD_HEADER).get(RECIPIENT_TYPE, 1) & 0xFF
        address = _address(
            reader.string(path, DISPLAY_NAME, codec),
            reader.string(path, SMTP_ADDRESS, codec) or reader.string(path, EMAIL_ADDRESS, codec),
        )
        if address:
            grouped[RECIPIENT_HEADERS.get(kind, "To")].append(address)
    if recipients:
        return {name: ", ".join(values) for name, values in grouped.items()}
    displays = {"To": DISPLAY_TO, "Cc": DISPLAY_CC, "Bcc": DISPLAY_BCC}
    return {name: reader.string(storage, prop, codec) for name, prop in displays.items()}


def _address(name: str, address: str) -> str:
    name, address = name.strip(), address.strip()
    if name and address and name != address:
        return f"{name} <{address}>"
    return name or address


def _bodies(reader: _Reader, storage: _Storage, codec: str) -> Iterator[Item]:
    location = f"{storage.label}{BODY}"
    body, notice = _text_body(reader, storage, codec, location)
    if notice:
        yield notice
    if body.strip():
        yield from text_segments(body, location)
    html = _html_body(reader, storage, codec, f"{location} (HTML)")
    if html is not None:
        yield from html
    elif not body.strip() and reader.raw(storage, BODY_RTF, PT_BINARY) is not None:
        yield Notice(f"{location}: RTF only, not scanned")


def _text_body(
    reader: _Reader, storage: _Storage, codec: str, location: str
) -> tuple[str, Notice | None]:
    """The plain body; an 8-bit one read like a mail body (code page, detection, notice)."""
    unicode = reader.raw(storage, BODY_TEXT, PT_UNICODE)
    if unicode is not None:
        return unicode.decode("utf-16-le", "replace").rstrip("\x00"), None
    eight_bit = reader.raw(storage, BODY_TEXT, PT_STRING8)
    if eight_bit is None:
        return "", None
    return decode_body(eight_bit.rstrip(b"\x00"), codec, location)


def _html_body(reader: _Reader, storage: _Storage, codec: str, location: str) -> list[Item] | None:
    """The HTML body's items; None when the message has none."""
    unicode = reader.raw(storage, BODY_HTML, PT_UNICODE)
    if unicode is not None:
        html, notice = unicode.decode("utf-16-le", "replace").rstrip("\x00"), None
    else:
        data = reader.raw(storage, BODY_HTML, PT_BINARY)
        if data is None:
            return None
        # the HTML bytes are in the internet code page, which is usually the message's
        longs = reader.longs(storage.path, storage.header)
        declared = codepage_codec(longs.get(INTERNET_CODEPAGE)) or codec
        html, notice = decode_body(data.rstrip(b"\x00"), declared, location)
    items: list[Item] = [notice] if notice else []
    items.extend(html_segments(html, location))
    return items


# --- attachments ------------------------------------------------------------------------


def _attachments(reader: _Reader, storage: _Storage, codec: str) -> Iterator[Item]:
    attachments = reader.children(storage.path, ATTACHMENT_PREFIX)
    if len(attachments) > reader.source.limits.max_members:
        raise LimitExceeded(f"more than {reader.source.limits.max_members} attachments")
    for number, path in enumerate(attachments, 1):
        yield from _attachment(reader, storage, path, number, codec)


def _attachment(
    reader: _Reader, storage: _Storage, path: tuple[str, ...], number: int, codec: str
) -> Iterator[Item]:
    longs = reader.longs(path, CHILD_HEADER)
    method = longs.get(ATTACH_METHOD, BY_VALUE)
    name = _attachment_name(reader, path, number, codec)
    full = f"{storage.member_prefix}{name}"
    if method == EMBEDDED or (method != OLE_OBJECT and reader.exists((*path, EMBEDDED_MESSAGE))):
        yield from _embedded(reader, storage, path, name, full)
    elif method == OLE_OBJECT:
        yield Notice(f"{storage.label}附件 {name}: embedded OLE object, not scanned")
    elif method in BY_REFERENCE:
        yield Notice(f"{storage.label}附件 {name}: linked file, not part of the message")
    else:
        yield from _by_value(reader, path, full)


def _by_value(reader: _Reader, path: tuple[str, ...], name: str) -> Iterator[Member]:
    try:
        data = reader.raw(path, ATTACH_DATA, PT_BINARY)
    except LimitExceeded:  # skipped, reported; the rest of the message is still scanned
        limit = reader.source.limits.max_member_mb
        error = LimitExceeded(f"attachment larger than {limit:g} MB")
        yield Member(name, b"", in_path=False, error=str(error), skipped=True)
        return
    except CorruptError as exc:  # a truncated attachment: report it, keep the rest
        yield Member(name, b"", in_path=False, error=str(exc))
        return
    if data is None:
        return
    if name.lower().endswith(".p7m") and _is_mime(data):
        name += ".eml"  # a clear-signed message's MIME text: let the mail extractor read it
    yield Member(name, data, in_path=False)


def _embedded(
    reader: _Reader, storage: _Storage, path: tuple[str, ...], name: str, full: str
) -> Iterator[Item]:
    level = storage.level + 1
    if reader.source.depth + level > reader.source.limits.max_depth:
        error = LimitExceeded(f"nested deeper than {reader.source.limits.max_depth} containers")
        yield Member(full, b"", in_path=False, error=str(error), skipped=True)
        return
    inner = _Storage(
        (*path, EMBEDDED_MESSAGE),
        f"{storage.label}附件 {name} ",
        f"{full}/",
        EMBEDDED_HEADER,
        level,
    )
    yield from _message(reader, inner)


def _attachment_name(reader: _Reader, path: tuple[str, ...], number: int, codec: str) -> str:
    for prop in (ATTACH_LONG_FILENAME, ATTACH_FILENAME, DISPLAY_NAME):
        name = reader.string(path, prop, codec).replace("\\", "/").split("/")[-1].strip()
        if name:
            return name
    return f"未命名附件 {number}"


def _is_mime(data: bytes) -> bool:
    head = data[:2048].lower()
    return b"content-type:" in head and b"\n" in head
