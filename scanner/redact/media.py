"""Images carried into a redacted copy keep their pixels and lose everything else.

PNG text chunks (``tEXt``, ``zTXt``, ``iTXt``), EXIF and XMP blocks, JPEG comments and
GIF comment or application extensions hold text no reader of the document sees: a
camera owner's name, a caption with a phone number, a whole XMP packet. A copy made
for sharing carries an image only as the chunks needed to draw it. An image that cannot
be parsed is not carried at all (``None``): a writer then drops it and says so.

Text drawn into the pixels is another matter (a scanned card): that needs OCR.
"""

from __future__ import annotations

import struct

from scanner.scan.extract.imagemeta import (
    JPEG_SOI,
    PNG_SIGNATURE,
    ImageError,
    jpeg_segments,
    png_chunks,
)

# What a PNG needs to be drawn as it was: header, palette, transparency, data, colour.
PNG_KEEP = frozenset(
    {b"IHDR", b"PLTE", b"tRNS", b"IDAT", b"IEND", b"gAMA", b"cHRM", b"sRGB", b"sBIT", b"pHYs",
     b"bKGD", b"acTL", b"fcTL", b"fdAT"}
)
# JPEG markers kept before the image data: JFIF (APP0) and Adobe's colour transform (APP14).
JPEG_KEEP_APP = frozenset({0xE0, 0xEE})
GIF_SIGNATURES = (b"GIF87a", b"GIF89a")


def sanitize_image(data: bytes) -> bytes | None:
    """``data`` with every metadata block removed, or None when it is no image this
    module can parse (the caller drops it)."""
    try:
        if data.startswith(PNG_SIGNATURE):
            return _png(data)
        if data.startswith(JPEG_SOI):
            return _jpeg(data)
        if data[:6] in GIF_SIGNATURES:
            return _gif(data)
    except (ImageError, struct.error, IndexError):
        return None
    return None


def _png(data: bytes) -> bytes:
    kept = [c.raw for c in png_chunks(data) if c.kind in PNG_KEEP]
    if not kept or not kept[-1].startswith(b"\x00\x00\x00\x00IEND"):
        raise ImageError("no end chunk")
    return PNG_SIGNATURE + b"".join(kept)  # whatever follows IEND is not carried


def _jpeg(data: bytes) -> bytes:
    kept = [c.raw for c in jpeg_segments(data) if _carried(c.kind[0])]
    if not kept or not kept[-1].endswith(b"\xff\xd9"):
        raise ImageError("no image data")
    return JPEG_SOI + b"".join(kept)  # trailing bytes after the end marker are not carried


def _carried(marker: int) -> bool:
    """Tables, frame and scan segments are; comments and application blocks (EXIF, XMP,
    IPTC, ICC) are not, except JFIF and Adobe's colour transform."""
    if marker == 0xFE:
        return False
    return not 0xE0 <= marker <= 0xEF or marker in JPEG_KEEP_APP


def _gif(data: bytes) -> bytes:
    """Header, colour tables, graphic control and image blocks; comment, plain-text and
    application extensions (XMP lives in one) are left out."""
    flags = data[10]
    position = 13 + (3 * 2 ** ((flags & 7) + 1) if flags & 0x80 else 0)
    out = [data[:position]]
    while position < len(data):
        block = data[position]
        if block == 0x3B:  # trailer
            out.append(b"\x3b")
            return b"".join(out)
        if block == 0x21:  # extension: label, then sub-blocks
            label = data[position + 1]
            end = _sub_blocks_end(data, position + 2)
            if label == 0xF9:  # graphic control (delay, transparency): keep
                out.append(data[position:end])
            position = end
        elif block == 0x2C:  # image descriptor, optional local table, LZW size, sub-blocks
            local = data[position + 9]
            start = position + 10 + (3 * 2 ** ((local & 7) + 1) if local & 0x80 else 0)
            end = _sub_blocks_end(data, start + 1)
            out.append(data[position:end])
            position = end
        else:
            raise ImageError("unknown GIF block")
    raise ImageError("no GIF trailer")


def _sub_blocks_end(data: bytes, position: int) -> int:
    while True:
        size = data[position]
        position += 1 + size
        if size == 0:
            return position
        if position > len(data):
            raise ImageError("truncated sub-block")
