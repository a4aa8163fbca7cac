"""Scanned PDF pages: a page that shows no text becomes its redacted raster.

A scan is a picture of a page, so its text is redacted as a picture's is
(``scanner/redact/raster.py``): the page is rendered (its annotations left out: they are
rewritten as annotations by the PDF writer), read by OCR, every value the policy removes
painted solid black, the raster encoded anew and read again until nothing is left, else the
PDF is refused. A page with something painted then holds that raster and nothing else: its
content streams, images, form XObjects, fonts and thumbnail (``/Thumb``) are gone from the
copy (nothing refers to them any more, and the PDF writer's save collects what nothing
refers to), so the original scan cannot be recovered from under the black boxes. The page
object itself stays, with its size, boxes, rotation, annotations and links. A page OCR finds
nothing to remove on stays as it is (that reading verified it), its text, if any, left to the
text redaction.

Which pages: at least those the scan reads by OCR (``scanner/scan/extract/pdf_ocr.py``), so
that what the verification's rescan reads by OCR is what was painted:

* a page that shows no text — a scan, a fax, text turned into outlines; invisible text (an
  OCR layer a scanner laid over its picture, rendering mode 3) does not count, and goes with
  the page;
* a page with a little text (fewer than ``FEW_CHARACTERS``) over one image covering more than
  ``IMAGE_SHARE`` of it: a scan with a page number or a fax header stamped on it; that text
  is in the raster too, and read by OCR.

A blank page (one colour) is left as it is.

Resolution: the finest of the page's images, else ``DEFAULT_DPI`` (at least ``MIN_DPI``, at
most ``MAX_DPI``, and no more than ``MAX_RASTER_PIXELS`` in all). Encoding: JPEG when one of
the page's images was lossy (a scan stored as JPEG or JPEG 2000), else PNG; grey when all of
them were grey.

Not done with ``[ocr] enabled = false`` (pages stay as they are, as before OCR, and are
recorded as carried unread) nor by
``baomi restore``. A PDF with more scanned pages than ``[ocr] max_pages`` is refused: the
pages beyond could not be verified.
"""

from __future__ import annotations

import hashlib
import io
import math
from collections.abc import Sequence
from typing import Any, cast

import pymupdf
from PIL import Image

from scanner.redact import raster
from scanner.redact.edits import RedactionError, TextRewriter
from scanner.redact.writers import WriteContext
from scanner.scan.extract.pdf_ocr import FEW_CHARACTERS, IMAGE_SHARE

MIN_DPI = 150
MAX_DPI = 300
DEFAULT_DPI = 200
MAX_RASTER_PIXELS = 40_000_000  # an A4 page at 300 dpi is 8.7 million
JPEG_QUALITY = 90
LOSSY_FILTERS = frozenset({"DCTDecode", "JPXDecode"})
INVISIBLE_TEXT = 3  # get_texttrace's span type for rendering mode 3


class ScannedPages:
    """The scanned pages of one PDF being redacted."""

    def __init__(self, rewriter: TextRewriter, ctx: WriteContext) -> None:
        self.rewriter = rewriter
        self.ctx = ctx
        self.settings = ctx.limits.ocr
        self.count = 0

    def redact(self, page: pymupdf.Page, layout: pymupdf.Page, number: int) -> bool:
        """True when ``page`` (``layout``: the same page without annotations) was a scan and
        now holds its redacted raster; False when it is left to the text redaction."""
        if not raster.redacts(self.rewriter):
            return False
        images = layout.get_image_info()
        shown = _visible_characters(layout)
        if shown and not (shown < FEW_CHARACTERS and _mostly_image(layout, images)):
            return False
        if not self.settings.enabled:
            if images:
                self.ctx.carried_unread(
                    f"pdf: scanned page {number} (OCR is off: text in it was neither found "
                    "nor painted)"
                )
            return False
        lossy = any(f in LOSSY_FILTERS for f in _filters(layout))
        grey = bool(images) and all(i.get("colorspace") == 1 for i in images)
        pixmap = layout.get_pixmap(
            dpi=_dpi(layout, images),
            annots=False,
            alpha=False,
            colorspace=pymupdf.csGRAY if grey else pymupdf.csRGB,
        )
        mode = "L" if pixmap.n == 1 else "RGB"
        image = Image.frombytes(mode, (pixmap.w, pixmap.h), pixmap.samples)
        if _blank(image):
            return False
        self.count += 1
        if self.count > self.settings.max_pages:
            raise RedactionError(
                f"more than [ocr] max_pages = {self.settings.max_pages} scanned pages: the "
                "others could not be read by OCR, nor verified"
            )
        picture = raster.Picture(
            image,
            f"第 {number} 页（{raster.IMAGE_LABEL}）",
            "pdf-page:" + hashlib.sha256(pixmap.samples).hexdigest(),
        )
        # unpainted, the raster is written losslessly: the pixels read are the pixels
        # verified, and one reading does for both
        written = raster.redact_pictures(
            [picture],
            self.rewriter,
            self.settings,
            lambda f: _encode(f[0], lossy and bool(picture.painted)),
            _decode,
        )
        if not picture.painted:
            return False  # OCR finds nothing to remove: the page stays as it is
        replace_with_raster(page, written)
        self.ctx.drop(f"pdf: content of scanned page {number} (replaced by its redacted raster)")
        return True


def _visible_characters(page: pymupdf.Page) -> int:
    """How many characters of text the page shows (an invisible OCR layer does not count)."""
    return sum(
        sum(not chr(char[0]).isspace() for char in span.get("chars", ()) if char[0] >= 0)
        for span in page.get_texttrace()
        if span.get("type") != INVISIBLE_TEXT and float(span.get("opacity", 1)) > 0
    )


def _mostly_image(page: pymupdf.Page, images: Sequence[dict[str, Any]]) -> bool:
    """One image covers more than ``IMAGE_SHARE`` of the page (as the scan decides)."""
    rect = page.rect
    area = rect.width * rect.height
    for info in images:
        shown = pymupdf.Rect(info["bbox"]) & rect
        if area > 0 and shown.width * shown.height > IMAGE_SHARE * area:
            return True
    return False


def _blank(image: Image.Image) -> bool:
    bands = cast(tuple[tuple[int, int], ...], image.getextrema())
    if image.mode == "L":
        bands = (cast(tuple[int, int], image.getextrema()),)
    return all(low == high for low, high in bands)


def _filters(page: pymupdf.Page) -> list[str]:
    return [str(entry[8]) for entry in page.get_images(full=True)]


def _dpi(page: pymupdf.Page, images: Sequence[dict[str, Any]]) -> int:
    """The finest resolution of the page's images, within MIN_DPI..MAX_DPI and the pixel cap."""
    found = []
    for info in images:
        x0, y0, x1, y1 = info["bbox"]
        extent = max(abs(x1 - x0), abs(y1 - y0))  # points; the image may be turned
        if extent > 1:
            found.append(max(info["width"], info["height"]) / extent * 72)
    dpi = min(max(max(found, default=DEFAULT_DPI), MIN_DPI), MAX_DPI)
    pixels = (page.rect.width * dpi / 72) * (page.rect.height * dpi / 72)
    if pixels > MAX_RASTER_PIXELS:
        dpi *= math.sqrt(MAX_RASTER_PIXELS / pixels)
    return max(1, int(dpi))


def _encode(image: Image.Image, lossy: bool) -> bytes:
    fresh = Image.frombytes(image.mode, image.size, image.tobytes())
    out = io.BytesIO()
    if lossy:
        fresh.save(out, format="JPEG", quality=JPEG_QUALITY)
    else:
        fresh.save(out, format="PNG", compress_level=6)
    return out.getvalue()


def _decode(data: bytes) -> list[Image.Image]:
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            return [image.copy()]
    except (OSError, ValueError) as exc:
        raise RedactionError(
            f"the page's raster cannot be decoded ({type(exc).__name__})"
        ) from None


def replace_with_raster(page: pymupdf.Page, image: bytes) -> None:
    """``page``'s content becomes ``image`` (as displayed: rotation applied) over its crop
    box, and nothing else: its resources are replaced, its content streams rewritten, its
    thumbnail dropped. The image is placed by a matrix of our own: it is drawn upright in
    the page's unrotated space turned back by the page's rotation, so the page shows it as
    it showed the scan."""
    doc = page.parent
    xref = page.xref
    rotation = page.rotation % 360
    crop, media = page.cropbox, page.mediabox
    # the crop box in PDF user space (PyMuPDF gives it with y measured from the top of the
    # media box)
    x0, x1 = crop.x0, crop.x1
    y0, y1 = media.y1 - crop.y1, media.y1 - crop.y0
    width, height = x1 - x0, y1 - y0
    for key in ("Resources", "Contents", "Thumb", "PieceInfo"):
        doc.xref_set_key(xref, key, "null")
    doc.xref_set_key(xref, "Resources", "<<>>")
    image_xref = page.insert_image(pymupdf.Rect(0, 0, 1, 1), stream=image)
    name = next(str(e[7]) for e in page.get_images(full=True) if e[0] == image_xref)
    matrix = {
        0: (width, 0, 0, height, x0, y0),
        90: (0, height, -width, 0, x1, y0),
        180: (-width, 0, 0, -height, x1, y1),
        270: (0, -height, width, 0, x0, y1),
    }[rotation]
    numbers = " ".join(f"{v:.4f}".rstrip("0").rstrip(".") for v in matrix)
    contents = page.get_contents()
    doc.update_stream(contents[0], f"q {numbers} cm /{name} Do Q".encode("ascii"))
    for extra in contents[1:]:
        doc.update_stream(extra, b"")
