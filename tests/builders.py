"""Fixture builders shared by the tests: one small function per format, in memory.

Each returns the file's bytes. The richer fixtures stay in their test modules, written
with the library objects and turned into bytes by ``saved`` (Word, PowerPoint, Excel),
``pdf_bytes`` (PDF drawn on a reportlab canvas) or ``zip_bytes`` (ZIP archives).
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from reportlab.pdfgen.canvas import Canvas

FONT = "STSong-Light"
"""reportlab's built-in CID font: pypdf reads the Chinese back without a system font."""


class Savable(Protocol):
    def save(self, file: io.BytesIO, /) -> object: ...


def saved(document: Savable) -> bytes:
    """The bytes of a python-docx Document, python-pptx Presentation or openpyxl Workbook."""
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def docx_bytes(*paragraphs: str, title: str | None = None) -> bytes:
    """A Word document of body paragraphs, with a ``title`` document property if given."""
    import docx

    document = docx.Document()
    if title is not None:
        document.core_properties.title = title
    for text in paragraphs:
        document.add_paragraph(text)
    return saved(document)


def pptx_bytes(title: str, body: str | None = None) -> bytes:
    """A presentation of one slide: ``title`` and ``body`` on the title-and-content layout,
    or ``title`` alone on the title-only layout when there is no body."""
    import pptx

    presentation = pptx.Presentation()
    slide = presentation.slides.add_slide(presentation.slide_layouts[5 if body is None else 1])
    slide.shapes.title.text = title
    if body is not None:
        slide.placeholders[1].text = body
    return saved(presentation)


def xlsx_bytes(*rows: Sequence[object]) -> bytes:
    """A workbook whose one sheet holds ``rows`` from A1 down."""
    import openpyxl

    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(list(row))
    return saved(workbook)


def pdf_bytes(
    draw: Callable[[Canvas], None], *, encrypt: object = None, invariant: bool = False
) -> bytes:
    """A PDF drawn by ``draw`` on a reportlab canvas (which ends its pages with
    ``showPage``); ``FONT`` is registered. ``invariant`` leaves out the timestamp and
    random ID, for the same bytes every time."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    buffer = io.BytesIO()
    c = canvas.Canvas(buffer, encrypt=encrypt, invariant=int(invariant))
    draw(c)
    c.save()
    return buffer.getvalue()


def zip_bytes(
    members: Mapping[str, bytes], *, comment: bytes = b"", encrypted: Iterable[str] = ()
) -> bytes:
    """A deflated ZIP archive of ``members`` in order. Members named in ``encrypted`` get
    the flag bit a password-protected member has (their data stays plain)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
        archive.comment = comment
    data = bytearray(buffer.getvalue())
    for name in encrypted:
        encoded = name.encode()
        for signature, flag_at, name_at in ((b"PK\x03\x04", 6, 30), (b"PK\x01\x02", 8, 46)):
            at = data.find(signature)
            while at >= 0:
                if data[at + name_at : at + name_at + len(encoded)] == encoded:
                    data[at + flag_at] |= 0x1
                at = data.find(signature, at + 4)
    return bytes(data)


def _vint(n: int) -> bytes:
    """RAR 5's variable-length integer: 7 bits a byte, least significant first."""
    out = bytearray()
    while True:
        low, n = n & 0x7F, n >> 7
        out.append(low | (0x80 if n else 0))
        if not n:
            return bytes(out)


def _rar5_block(fields: bytes, data: bytes = b"") -> bytes:
    header = _vint(len(fields)) + fields
    return struct.pack("<I", zlib.crc32(header)) + header + data


def rar5_bytes(
    members: Mapping[str, bytes], *, encrypted: Iterable[str] = (), headers_encrypted: bool = False
) -> bytes:
    """A RAR 5 archive of ``members`` stored (method 0), as the format's technical note
    describes it: signature, main archive header, one file header per member with its
    CRC-32, end of archive. Members named in ``encrypted`` carry an encryption record in
    their extra area (their data stays plain); ``headers_encrypted`` puts an archive
    encryption header first, as ``rar -hp`` does (then nothing else is readable)."""
    out = b"Rar!\x1a\x07\x01\x00"
    if headers_encrypted:  # type 4: version 0, flags 0, KDF count, salt
        return out + _rar5_block(_vint(4) + _vint(0) + _vint(0) + _vint(0) + b"\x0f" + b"s" * 16)
    out += _rar5_block(_vint(1) + _vint(0) + _vint(0))  # main header: no flags
    locked = set(encrypted)
    for name, data in members.items():
        raw = name.encode("utf-8")
        extra = b""
        if name in locked:  # record type 1: version 0, flags 0, KDF count, salt, IV
            record = _vint(1) + _vint(0) + _vint(0) + b"\x0f" + b"s" * 16 + b"i" * 16
            extra = _vint(len(record)) + record
        fields = _vint(2) + _vint(0x2 | (0x1 if extra else 0))  # file header, data follows
        if extra:
            fields += _vint(len(extra))
        fields += _vint(len(data))  # data size
        fields += _vint(0x4) + _vint(len(data)) + _vint(0x20)  # CRC present, size, attributes
        fields += struct.pack("<I", zlib.crc32(data))
        fields += _vint(0) + _vint(0) + _vint(len(raw)) + raw + extra  # store, Windows, name
        out += _rar5_block(fields, data)
    return out + _rar5_block(_vint(5) + _vint(0) + _vint(0))  # end of archive


def rar4_bytes(
    members: Mapping[str, bytes], *, encrypted: Iterable[str] = (), headers_encrypted: bool = False
) -> bytes:
    """A RAR 4 (1.5–4.x) archive of ``members`` stored (method 0x30), as WinRAR 4 wrote
    it: marker block, archive header, one file header per member (UTF-8 names with the
    Unicode flag), end of archive. ``encrypted`` members get the password flag (0x04);
    ``headers_encrypted`` sets the archive header's password flag (0x80, ``rar -hp``)."""

    def block(kind: int, flags: int, fields: bytes, data: bytes = b"") -> bytes:
        body = struct.pack("<BHH", kind, flags, 7 + len(fields)) + fields
        return struct.pack("<H", zlib.crc32(body) & 0xFFFF) + body + data

    out = b"Rar!\x1a\x07\x00"
    out += block(0x73, 0x80 if headers_encrypted else 0, b"\x00" * 6)
    locked = set(encrypted)
    for name, data in members.items():
        raw = name.encode("utf-8")
        flags = 0x8000 | 0x200 | (0x04 if name in locked else 0)  # data follows, Unicode name
        fields = struct.pack(
            "<IIBIIBBHI", len(data), len(data), 2, zlib.crc32(data), 0, 29, 0x30, len(raw), 0x20
        )
        out += block(0x74, flags, fields + raw, data)
    return out + block(0x7B, 0x4000, b"")
