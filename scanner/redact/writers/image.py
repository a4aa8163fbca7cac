"""Images: PNG, JPEG, TIFF (every page), BMP, WebP and GIF, redacted in their pixels.

The text OCR reads is analysed as any text is; every value the policy removes is painted
over in solid black, the image is written anew from its pixels in its own format (no EXIF,
GPS, thumbnail, ICC profile, XMP, text chunk or comment of the original), and the bytes
written are read by OCR again: an image that still yields a removed value, or holds a line
OCR is unsure of and that looks like part of one, is refused with the reason and not
written (``scanner/redact/raster.py`` has the details and the thresholds).

Locations are the scan's: ``图像识别 第 N 行``, ``第 2 页（图像识别） 第 N 行`` for a TIFF's page.
Values of types the policy keeps stay (a venue address for an event supplier).

Refused: ``[ocr] enabled = false`` (nothing can be found or verified), files of more pages
than ``[ocr] max_pages``, pictures over Pillow's decompression-bomb limit, and anything that
does not decode. A camera's MPO keeps its first picture (the others are recorded as left out).
``baomi restore`` passes an image through: its pixels hold no token to decrypt.
"""

from __future__ import annotations

from scanner.redact import raster
from scanner.redact.edits import RedactionError, TextRewriter
from scanner.redact.writers import WriteContext


def rewrite(data: bytes, rewriter: TextRewriter, ctx: WriteContext) -> bytes:
    if not raster.redacts(rewriter):
        return data
    settings = ctx.limits.ocr
    if not settings.enabled:
        raise RedactionError(
            "OCR is off ([ocr] enabled = false): the text of an image can be neither found "
            "nor verified, not redacted"
        )
    return raster.redact_image(data, rewriter, settings, drop=ctx.drop)
