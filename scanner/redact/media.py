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
import zlib

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# What a PNG needs to be drawn as it was: header, palette, transparency, data, colour.
PNG_KEEP = frozenset(
    {b"IHDR", b"PLTE", b"tRNS", b"IDAT", b"IEND", b"gAMA", b"cHRM", b"sRGB", b"sBIT", b"pHYs",
     b"bKGD", b"acTL", b"fcTL", b"fdAT"}
)
JPEG_SOI = b"\xff\xd8"
# JPEG markers kept before the image data: JFIF (APP0) and Adobe's colour transform (APP14).
JPEG_KEEP_APP = frozenset({0xE0, 0xEE})
GIF_SIGNATURES = (b"GIF87a", b"GIF89a")


class ImageError(ValueError):
    """The image could not be parsed: it is not carried into the copy."""


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
    out = [PNG_SIGNATURE]
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
        if kind in PNG_KEEP:
            out.append(data[position:end])
        position = end
        if kind == b"IEND":
            break  # whatever is appended after the image is not carried
    return b"".join(out)


def _jpeg(data: bytes) -> bytes:
    out = [JPEG_SOI]
    position = 2
    while position < len(data):
        if data[position] != 0xFF:
            raise ImageError("marker expected")
        marker = data[position + 1]
        if marker == 0xFF:  # fill byte
            position += 1
            continue
        if marker == 0xD9:  # end of image before any scan
            out.append(data[position : position + 2])
            break
        (length,) = struct.unpack(">H", data[position + 2 : position + 4])
        segment_end = position + 2 + length
        if segment_end > len(data):
            raise ImageError("truncated segment")
        if marker == 0xDA:  # start of scan: the entropy-coded data runs to the end marker
            end = data.rfind(b"\xff\xd9")
            if end < segment_end:
                raise ImageError("no end of image")
            out.append(data[position : end + 2])  # trailing bytes after EOI are not carried
            break
        is_app = 0xE0 <= marker <= 0xEF
        if marker != 0xFE and (not is_app or marker in JPEG_KEEP_APP):
            out.append(data[position:segment_end])
        position = segment_end
    return b"".join(out)


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
