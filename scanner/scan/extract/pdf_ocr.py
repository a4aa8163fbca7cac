"""Scanned PDF pages read by OCR: a page is rendered with PyMuPDF and its raster read like a
picture (``scanner/scan/extract/image.py``).

Which pages (``ScannedPages.items``, called by the PDF extractor for every page of the
latest revision):

* a page without a text layer — a scan, a fax, a photo, text turned into outlines. With OCR
  off or its budget spent, the page is noted as before (``第 N 页: image only, not
  scanned``, with the budget's reason when that stopped it); a blank page (one colour) is
  passed over;
* a page with a little text over a big picture: fewer than ``FEW_CHARACTERS`` non-blank
  characters in its text layer *and* one image covering more than ``IMAGE_SHARE`` of the
  page. That is a scanned page that carries a line of real text — a page header or number
  stamped by the scanning software, a fax header, a signature stamp's caption, a Bates
  number: the text layer is read as usual and the scan is read by OCR too. A page of real
  text has several hundred characters; a page with a photo and a caption, a slide with a
  background picture, is read by OCR only if its text is that short (the file's OCR budget
  bounds the cost of a deck whose every slide is a photo).

Segments are located ``第 N 页（图像识别） 第 R 行`` (a scanned table's cells add
``第 M 列``). Boxes (``Finding.box``) are in the pixels of the page rendered by
``render``: ``RASTER_DPI`` (200 dots per inch), less for a page so large that it would
exceed ``MAX_RASTER_PIXELS`` — ``zoom(page_rect)`` says which, so that redaction can render
the same raster. The result is cached under the SHA-256 of the raster's pixels: a scanned
page is read once, even after pages were added to or taken from its file.

PyMuPDF opens the file once, on the first page that needs it; a file it cannot open, or a
password it wants, leaves the pages noted as unread.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterator
from typing import Any, cast

from scanner.models import Segment
from scanner.scan.extract import ExtractionError, Notice, Source
from scanner.scan.extract.image import LABEL, ocr_items

RASTER_DPI = 200
MAX_RASTER_PIXELS = 16_000_000  # an A4 page at 200 dpi is 3.9 million, A3 7.8 million
MIN_PAGE_POINTS = 8.0  # a page smaller than this (a ninth of an inch) has nothing to read
FEW_CHARACTERS = 100
IMAGE_SHARE = 0.5


def zoom(width: float, height: float) -> float:
    """Pixels per PDF point of a page ``width`` × ``height`` points as ``render`` draws it."""
    scale = RASTER_DPI / 72
    pixels = width * scale * height * scale
    if pixels > MAX_RASTER_PIXELS:
        scale *= math.sqrt(MAX_RASTER_PIXELS / pixels)
    return scale


def render(page: Any) -> Any:
    """A PyMuPDF page as a PIL RGB image at ``zoom``; None when it is blank (one colour)."""
    import pymupdf
    from PIL import Image

    rect = page.rect
    scale = zoom(rect.width, rect.height)
    pixmap = page.get_pixmap(
        matrix=pymupdf.Matrix(scale, scale), colorspace=pymupdf.csRGB, alpha=False
    )
    raster = Image.frombytes("RGB", (pixmap.width, pixmap.height), pixmap.samples)
    # per band (lowest, highest) of an RGB image; PyMuPDF's is_unicolor is pure Python, slow
    bands = cast(tuple[tuple[int, int], ...], raster.getextrema())
    if all(low == high for low, high in bands):
        return None
    return raster


class ScannedPages:
    """The pages of one PDF that OCR reads; ``source`` is the PDF."""

    def __init__(self, source: Source) -> None:
        self.source = source
        self._document: Any = None
        self._failure = ""  # why PyMuPDF cannot open the file, once it tried

    def items(self, number: int, text: str) -> Iterator[Segment | Notice]:
        """What OCR adds to page ``number`` (from 1), whose text layer is ``text``."""
        location = f"第 {number} 页"
        few = sum(not c.isspace() for c in text) < FEW_CHARACTERS
        if text.strip() and not few:
            return
        settings = self.source.limits.ocr
        if not text.strip() and not settings.enabled:
            yield Notice(f"{location}: image only, not scanned")
            return
        if not settings.enabled:
            return
        page = self._page(number)
        if page is None:
            if not text.strip():
                yield Notice(f"{location}: image only, not scanned ({self._failure})")
            return
        if text.strip() and not _mostly_image(page):
            return
        budget = self.source.budget.ocr
        if not budget.allows():
            where = f"{location}: image only," if not text.strip() else f"{location}（{LABEL}）:"
            yield Notice(f"{where} {budget.refusal}")
            return
        yield from self._read(page, location)

    def _read(self, page: Any, location: str) -> Iterator[Segment | Notice]:
        try:
            raster = render(page)
        except Exception as exc:  # MuPDF raises its own errors (FzError…) on a broken page
            yield Notice(f"{location}: not read by OCR (cannot be rendered: {_reason(exc)})")
            return
        if raster is None:
            return  # blank
        key = "pdf-page:" + hashlib.sha256(raster.tobytes()).hexdigest()
        label = f"{location}（{LABEL}）"
        try:
            yield from ocr_items(raster, key, label, self.source, note_small=False)
        except ExtractionError as exc:
            yield Notice(f"{label}: {exc}, not read")

    def _page(self, number: int) -> Any:
        """PyMuPDF's page ``number``; None (and ``_failure`` set) when it has none."""
        document = self._open()
        if document is None:
            return None
        if number > document.page_count:
            self._failure = f"page {number} not found by the renderer"
            return None
        try:
            return document.load_page(number - 1)
        except Exception as exc:  # MuPDF's own errors on a broken page tree
            self._failure = f"cannot be rendered: {_reason(exc)}"
            return None

    def _open(self) -> Any:
        if self._document is None and not self._failure:
            import pymupdf

            try:
                document = pymupdf.open(stream=self.source.data, filetype="pdf")
                if document.needs_pass and not document.authenticate(""):
                    self._failure = "password needed to render it"
                    return None
            except Exception as exc:  # MuPDF's own errors on a damaged file
                self._failure = f"cannot be rendered: {_reason(exc)}"
                return None
            self._document = document
        return self._document


def _mostly_image(page: Any) -> bool:
    """One image covers more than ``IMAGE_SHARE`` of the page."""
    rect = page.rect
    area = rect.width * rect.height
    if area < MIN_PAGE_POINTS**2:
        return False
    try:
        placements = page.get_image_info()
    except Exception:  # a content stream MuPDF cannot parse: no OCR beside the text
        return False
    import pymupdf

    for placement in placements:
        shown = pymupdf.Rect(placement["bbox"]) & rect
        if shown.width * shown.height > IMAGE_SHARE * area:
            return True
    return False


def _reason(exc: BaseException) -> str:
    detail = " ".join(str(exc).split())[:80]
    return f"{type(exc).__name__}: {detail}" if detail else type(exc).__name__
