"""Text images carry besides their pixels: PNG text chunks, JPEG comments, EXIF and XMP.

A caption, an author's name or a phone number typed into a photo's properties travels
with the image into every document it is pasted into. The scan reads it here (images
inside Office packages); a redacted copy carries images without it
(``scanner/redact/media.py``, which walks the same chunks and segments).

Pixel text (a scanned business card) is OCR's job, not this module's.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
JPEG_SOI = b"\xff\xd8"
PNG_TEXT_CHUNKS = frozenset({b"tEXt", b"zTXt", b"iTXt", b"eXIf"})
MAX_TEXT = 256 * 1024  # what one image may contribute (an inflated zTXt is bounded too)
# EXIF (a TIFF structure): the string tags people fill in
EXIF_ASCII = 2
EXIF_POINTERS = frozenset({0x8769, 0x8825})  # the Exif and GPS sub-directories
EXIF_XP_TAGS = frozenset({0x9C9B, 0x9C9C, 0x9C9D, 0x9C9E, 0x9C9F})  # Windows' UTF-16 fields
EXIF_USER_COMMENT = 0x9286
EXIF_TYPE_SIZES = {1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8}
MAX_IFD_ENTRIES = 512


class ImageError(ValueError):
    """The image's structure could not be followed."""


@dataclass(frozen=True, slots=True)
class Chunk:
    """A PNG chunk or a JPEG segment: its type, its body, and its bytes as stored."""

    kind: bytes  # b"tEXt" …, or for JPEG the marker byte (b"\xfe" for a comment)
    body: bytes
    raw: bytes


def png_chunks(data: bytes) -> Iterator[Chunk]:
    """Every chunk after the signature, checksums verified, up to IEND."""
    position = len(PNG_SIGNATURE)
    while position < len(data):
        if position + 8 > len(data):
            raise ImageError("truncated chunk header")
        (length,) = struct.unpack(">I", data[position : position + 4])
        kind = data[position + 4 : position + 8]
        end = position + 12 + length
        if end > len(data):
            raise ImageError("truncated chunk")
        body = data[position + 8 : position + 8 + length]
        if struct.unpack(">I", data[end - 4 : end])[0] != zlib.crc32(kind + body):
            raise ImageError("bad chunk checksum")
        yield Chunk(kind, body, data[position:end])
        position = end
        if kind == b"IEND":
            return


def jpeg_segments(data: bytes) -> Iterator[Chunk]:
    """Every marker segment before the image data; the last one yielded is the start of
    scan with the entropy-coded data up to the end-of-image marker (kind ``b"\\xda"``)."""
    position = 2
    while position < len(data):
        if data[position] != 0xFF:
            raise ImageError("marker expected")
        marker = data[position + 1 : position + 2]
        if marker == b"\xff":  # fill byte
            position += 1
            continue
        if marker == b"\xd9":
            return
        (length,) = struct.unpack(">H", data[position + 2 : position + 4])
        end = position + 2 + length
        if end > len(data):
            raise ImageError("truncated segment")
        if marker == b"\xda":
            image_end = data.rfind(b"\xff\xd9")
            if image_end < end:
                raise ImageError("no end of image")
            yield Chunk(marker, data[end:image_end], data[position : image_end + 2])
            return
        yield Chunk(marker, data[position + 4 : end], data[position:end])
        position = end


def metadata_text(data: bytes) -> str:
    """The text of an image's metadata blocks, one per line ("" for none or no image)."""
    try:
        if data.startswith(PNG_SIGNATURE):
            pieces = [_png_text(c) for c in png_chunks(data) if c.kind in PNG_TEXT_CHUNKS]
        elif data.startswith(JPEG_SOI):
            pieces = [_jpeg_text(c) for c in jpeg_segments(data) if _is_jpeg_text(c.kind)]
        else:
            return ""
    except (ImageError, struct.error, IndexError, zlib.error):
        return ""
    return "\n".join(p for p in pieces if p.strip())[:MAX_TEXT]


def _png_text(chunk: Chunk) -> str:
    keyword, _, rest = chunk.body.partition(b"\x00")
    if chunk.kind == b"zTXt":  # compression method byte, then deflated Latin-1
        rest = zlib.decompressobj().decompress(rest[1:], MAX_TEXT)
    elif chunk.kind == b"iTXt":  # flag, method, language\0, translated keyword\0, text
        compressed, rest = rest[:1] == b"\x01", rest[2:]
        _language, _, rest = rest.partition(b"\x00")
        _translated, _, rest = rest.partition(b"\x00")
        if compressed:
            rest = zlib.decompressobj().decompress(rest, MAX_TEXT)
    elif chunk.kind == b"eXIf":
        return exif_text(chunk.body)
    return f"{keyword.decode('latin-1')}: {_decode(rest)}"


def _is_jpeg_text(kind: bytes) -> bool:
    return kind == b"\xfe" or kind == b"\xe1" or kind == b"\xed"  # COM, EXIF/XMP, IPTC


def _jpeg_text(chunk: Chunk) -> str:
    if chunk.kind == b"\xfe" or chunk.body.startswith(b"http://ns.adobe.com/xap/"):
        return _decode(chunk.body)
    if chunk.body.startswith(b"Exif\x00\x00"):
        return exif_text(chunk.body[6:])
    return ""  # IPTC and other application blocks: stripped from copies, not read


def _decode(data: bytes) -> str:
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def exif_text(tiff: bytes) -> str:
    """The string fields of an EXIF block (a TIFF header and its directories): ASCII
    tags (artist, description, copyright, camera owner …), Windows' UTF-16 XP* fields
    and the user comment, one per line."""
    order = {b"II": "<", b"MM": ">"}.get(tiff[:2])
    if order is None:
        return ""
    (first,) = struct.unpack(order + "I", tiff[4:8])
    texts: list[str] = []
    pending, seen = [first], set[int]()
    while pending and len(seen) < 8:  # IFD0, Exif, GPS, next IFDs: a loop is not followed
        offset = pending.pop()
        if offset in seen or offset + 2 > len(tiff):
            continue
        seen.add(offset)
        for tag, kind, value in _ifd_entries(tiff, offset, order):
            if tag in EXIF_POINTERS and len(value) == 4:
                pending.append(struct.unpack(order + "I", value)[0])
            elif kind == EXIF_ASCII:
                texts.append(_decode(value.split(b"\x00", 1)[0]))
            elif tag in EXIF_XP_TAGS:
                texts.append(value.decode("utf-16-le", "ignore").rstrip("\x00"))
            elif tag == EXIF_USER_COMMENT and len(value) > 8:
                codec = "utf-16-le" if value.startswith(b"UNICODE") else "utf-8"
                texts.append(value[8:].decode(codec, "ignore").rstrip("\x00 "))
    return "\n".join(t.strip() for t in texts if t.strip())


def _ifd_entries(tiff: bytes, offset: int, order: str) -> Iterator[tuple[int, int, bytes]]:
    """(tag, type, value bytes) of one TIFF directory; values stored elsewhere fetched."""
    (count,) = struct.unpack(order + "H", tiff[offset : offset + 2])
    for index in range(min(count, MAX_IFD_ENTRIES)):
        start = offset + 2 + 12 * index
        entry = tiff[start : start + 12]
        if len(entry) < 12:
            return
        tag, kind, number = struct.unpack(order + "HHI", entry[:8])
        size = EXIF_TYPE_SIZES.get(kind, 1) * number
        if size <= 4:
            yield tag, kind, entry[8 : 8 + size]
        else:
            (where,) = struct.unpack(order + "I", entry[8:12])
            yield tag, kind, tiff[where : where + min(size, MAX_TEXT)]
