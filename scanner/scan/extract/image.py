"""Images: scans, photos and screenshots, read by OCR (``scanner/scan/ocr.py``).

Formats: PNG, JPEG (and the MPO variant phones write), TIFF (every page, up to
``[ocr] max_pages``), BMP, WebP and GIF (the first frame of an animation), and HEIC/HEIF
when the optional ``pillow-heif`` is installed (``pip install 'baomi[heic]'``; without it a
HEIC photo is reported unsupported, saying so).

What a finding in an image carries:

* its location: ``图像识别 第 N 行`` for a picture file (``第 N 行`` counts the rows OCR
  laid out, top to bottom), ``第 P 页（图像识别） 第 N 行`` for page P of a multi-page
  TIFF; a cell of a scanned table adds its column (``图像识别 第 3 行 第 2 列``);
* its box (``Finding.box``), in the pixels of the picture *as displayed*: EXIF orientation
  applied (``ImageOps.exif_transpose``) and at full size — OCR reads a copy downscaled to
  ``MAX_OCR_SIDE``, and its boxes are scaled back;
* the text of the picture's metadata (PNG text chunks, EXIF, XMP, JPEG comments) is read as
  ``图片元数据``, as for pictures inside documents.

Hostile pictures end with a reason, before anything big is decoded: a picture over Pillow's
decompression-bomb limit (``Image.MAX_IMAGE_PIXELS``, 89.5 million pixels: a 600-dpi A3
scan is 70 million) is ``limit exceeded``; a truncated or damaged one ``corrupt``. Only
the formats above are tried (``Image.open(formats=…)``), so no other Pillow plugin ever
parses a share's bytes.

When OCR is off (``[ocr] enabled = false``, ``--no-ocr``) a picture is not decoded and the
inventory notes ``image not read (OCR off)``: a blind spot is shown, not hidden. A picture
file narrower or lower than ``[ocr] min_image_px`` (an icon, a 1-pixel spacer) is noted
too, with the size, for the same reason; pictures inside documents that small (bullets,
logos) are passed over without a note, or every document would carry a dozen.

OCR is costly: each file has one ``OcrBudget`` (``Source.budget.ocr``), shared with the
archives and mails it sits in, and what the budget leaves unread is noted. A result is
cached under the SHA-256 of the bytes the picture was decoded from and its frame
(``<sha256>#<frame>``), so an unchanged picture is read once, also when the same picture
stands alone and inside a document.

Other extractors use ``picture_items`` (a picture's bytes, ``scanner/scan/extract/
pictures.py``) and ``ocr_items`` (an image already decoded, a PDF page's raster).
"""

from __future__ import annotations

import hashlib
import io
import math
import struct
import warnings
from collections import OrderedDict
from collections.abc import Iterator
from typing import TYPE_CHECKING

from PIL import ExifTags, Image, ImageOps, UnidentifiedImageError

from scanner.models import Box, Segment, SegmentKind
from scanner.scan.extract import (
    HEIC_MIMES,
    CorruptError,
    ExtractionError,
    Item,
    LimitExceeded,
    Notice,
    Source,
    UnsupportedError,
)
from scanner.scan.extract.imagemeta import metadata_text
from scanner.scan.ocr import (
    OcrLine,
    OcrPage,
    OcrSettings,
    OcrUnavailable,
    recognise,
    segments,
    worth_reading,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

LABEL = "图像识别"
METADATA_LABEL = "图片元数据"
OCR_OFF = "image not read (OCR off)"
HEIC_MISSING = "HEIC/HEIF needs the optional pillow-heif (pip install 'baomi[heic]')"

# The longer side of the copy OCR reads. RapidOCR itself detects text on a copy at most
# 2,000 pixels long; this bounds the memory of the conversions before it.
MAX_OCR_SIDE = 4000
# Pillow's decompression-bomb limit when it has none set (Image.MAX_IMAGE_PIXELS = None)
DEFAULT_MAX_PIXELS = 89_478_485

# The Pillow plugins that may open a share's bytes (JPEG's opens phones' MPO too; HEIF is
# registered by pillow-heif, when installed).
FORMATS = ("PNG", "JPEG", "TIFF", "BMP", "DIB", "WEBP", "GIF", "HEIF")
MULTI_PAGE = frozenset({"TIFF"})  # formats whose frames are pages, each read

# What Pillow raises on damaged image data, besides its own UnidentifiedImageError.
DECODE_ERRORS: tuple[type[BaseException], ...] = (
    OSError,  # "image file is truncated", "broken data stream", a bad decoder state
    ValueError,
    SyntaxError,  # Pillow's plugins raise it for malformed headers
    EOFError,
    struct.error,
    IndexError,
    KeyError,
    TypeError,
    ZeroDivisionError,
    RuntimeError,
)
_ORIENTATION = ExifTags.Base.Orientation.value
_TURNED = frozenset({5, 6, 7, 8})  # EXIF orientations that swap width and height


# --- the extractor ----------------------------------------------------------------------


def extract(source: Source) -> Iterator[Item]:
    if source.mime in HEIC_MIMES and not heif_available():
        raise UnsupportedError(HEIC_MISSING)
    text = metadata_text(source.data)
    if text:
        yield Segment(text, METADATA_LABEL, SegmentKind.METADATA)
    if not source.limits.ocr.enabled:
        yield Notice(OCR_OFF)
        return
    digest = hashlib.sha256(source.data).hexdigest()
    with open_image(source.data) as image:
        pages = image.format in MULTI_PAGE and _seek(image, 1) and _seek(image, 0)
        for index in _frames(image, pages):
            label = f"第 {index + 1} 页（{LABEL}）" if pages else LABEL
            budget = source.budget.ocr
            if not budget.allows():
                yield Notice(f"{label}{'及以后各页' if pages else ''}: {budget.refusal}")
                return
            yield from ocr_items(image, f"{digest}#{index}", label, source, note_small=True)


def _frames(image: Image.Image, pages: bool) -> Iterator[int]:
    """The frames read: the first only, or each page in turn (the picture left at it).
    Pages are found one at a time, never counted first (``n_frames`` would follow every
    directory of a TIFF that declares a million pages)."""
    index = 0
    while index == 0 or (pages and _seek(image, index)):
        yield index
        index += 1


def _seek(image: Image.Image, index: int) -> bool:
    """The picture at frame ``index``; False when it has no such frame."""
    try:
        image.seek(index)
    except EOFError:
        return False
    except DECODE_ERRORS as exc:
        raise CorruptError(f"image page {index + 1} unreadable ({_reason(exc)})") from exc
    return True


# --- decoding safely -------------------------------------------------------------------


def heif_available() -> bool:
    """Whether HEIC/HEIF can be read (the optional pillow-heif, its opener registered)."""
    global _HEIF
    if _HEIF is None:
        try:
            from pillow_heif import register_heif_opener
        except ImportError:
            _HEIF = False
        else:
            register_heif_opener()
            _HEIF = True
    return _HEIF


_HEIF: bool | None = None


def max_pixels() -> int:
    """Pillow's decompression-bomb limit in force."""
    return Image.MAX_IMAGE_PIXELS or DEFAULT_MAX_PIXELS


def open_image(data: bytes) -> Image.Image:
    """``data`` opened (its header read, nothing decoded yet) by one of ``FORMATS``, within
    the pixel limit; ``LimitExceeded`` or ``CorruptError`` otherwise."""
    heif_available()
    try:
        with warnings.catch_warnings():
            # between the limit and twice it Pillow only warns: checked below, as an error
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=_formats())
    except Image.DecompressionBombError:
        raise LimitExceeded(
            f"image of more than {2 * max_pixels():,} pixels (a decompression bomb?)"
        ) from None
    except UnidentifiedImageError:
        raise CorruptError("not a readable image") from None
    except DECODE_ERRORS as exc:
        raise CorruptError(f"image header unreadable ({_reason(exc)})") from None
    check_pixels(image)
    return image


def _formats() -> tuple[str, ...]:
    Image.init()
    return tuple(f for f in FORMATS if f in Image.OPEN)


def check_pixels(image: Image.Image) -> None:
    """Refuse a picture (or a page of one) over the pixel limit before it is decoded."""
    width, height = image.size
    if width * height > max_pixels():
        raise LimitExceeded(
            f"image of {width:,} × {height:,} pixels, more than {max_pixels():,} "
            "(Pillow's decompression-bomb limit)"
        )


def _reason(exc: BaseException) -> str:
    detail = " ".join(str(exc).split())[:80]
    return f"{type(exc).__name__}: {detail}" if detail else type(exc).__name__


# --- reading pictures by OCR ---------------------------------------------------------------


def picture_items(data: bytes, label: str, source: Source) -> Iterator[Segment | Notice]:
    """A picture inside a document (a package's media part), located ``label``: its first
    frame read by OCR (``<label> 第 N 行``); a picture too small to hold text is passed
    over, one that cannot be decoded or is over the limits is noted (the caller offers
    raster pictures only: vector drawings, EMF, WMF and SVG, are no business of OCR)."""
    key = f"{hashlib.sha256(data).hexdigest()}#0"
    try:
        with open_image(data) as image:
            yield from ocr_items(image, key, label, source, note_small=False)
    except ExtractionError as exc:
        yield Notice(f"{label}: {exc}, not read")


def ocr_items(
    image: Image.Image, key: str, label: str, source: Source, note_small: bool
) -> Iterator[Segment | Notice]:
    """``image`` (its current frame) read by OCR as segments located ``<label> 第 N 行``,
    within the file's OCR budget; ``key`` names the result in the cache. A picture smaller
    than ``[ocr] min_image_px`` is noted (``note_small``) or passed over; one over the budget
    is noted. Raises ``LimitExceeded`` or ``CorruptError`` for a picture that cannot be
    decoded."""
    settings = source.limits.ocr
    check_pixels(image)
    if not worth_reading(image, settings):
        if note_small:
            width, height = image.size
            yield Notice(
                f"{label}: image too small to hold text ({width} × {height} pixels, "
                f"[ocr] min_image_px = {settings.min_image_px}), not read"
            )
        return
    budget = source.budget.ocr
    if not budget.allows():
        yield Notice(f"{label}: {budget.refusal}")
        return
    try:
        page = read(image, key, settings)
    except OcrUnavailable as exc:
        yield Notice(f"{label}: not read by OCR ({exc})")
        return
    finally:
        budget.spend_page()
    yield from segments(page, label)


# The pages read lately in this process, by key: a scanned agreement is read by the scan
# and again by its seven-clause check in the same worker, with or without a cache folder.
_RECENT: OrderedDict[str, OcrPage] = OrderedDict()
RECENT_PAGES = 32


def read(image: Image.Image, key: str, settings: OcrSettings) -> OcrPage:
    """``image`` read by OCR (or from the cache): the page in the pixels of the picture as
    displayed, full size. Raises ``CorruptError`` when its pixels cannot be decoded."""
    if key in _RECENT:
        _RECENT.move_to_end(key)
        return _RECENT[key]
    upright, size = prepared(image)
    page = scaled(recognise(upright, key, settings), size)
    _RECENT[key] = page
    while len(_RECENT) > RECENT_PAGES:
        _RECENT.popitem(last=False)
    return page


def prepared(image: Image.Image) -> tuple[Image.Image, tuple[int, int]]:
    """The copy OCR reads — upright (EXIF orientation), its longer side at most
    ``MAX_OCR_SIDE``, RGB on white — and the size of the picture as displayed, which
    boxes are given in."""
    width, height = image.size
    ratio = MAX_OCR_SIDE / max(width, height)
    try:
        orientation = image.getexif().get(_ORIENTATION, 1)
        shown = (height, width) if orientation in _TURNED else (width, height)
        if ratio < 1 and image.format == "JPEG":  # decoded at 1/2, 1/4 or 1/8 size: cheaper
            image.draft("RGB", (math.ceil(width * ratio), math.ceil(height * ratio)))
        image.load()
        upright = ImageOps.exif_transpose(image) if orientation != 1 else image
        if max(upright.size) > MAX_OCR_SIDE:
            upright = upright.copy() if upright is image else upright
            upright.thumbnail((MAX_OCR_SIDE, MAX_OCR_SIDE))
        return _rgb(upright), shown
    except DECODE_ERRORS as exc:
        raise CorruptError(f"truncated or damaged image ({_reason(exc)})") from None


def _rgb(image: Image.Image) -> Image.Image:
    """RGB for the engine: transparency laid on white (dark text on a transparent screenshot
    would be black on black), 16-bit and float grey stretched to 8 bits."""
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(white, rgba).convert("RGB")
    if image.mode.startswith("I") or image.mode == "F":
        import numpy as np

        values = np.asarray(image, dtype=np.float64)
        low, high = float(values.min()), float(values.max())
        grey = (values - low) * (255 / ((high - low) or 1))
        return Image.fromarray(grey.astype(np.uint8)).convert("RGB")
    return image.convert("RGB")


def scaled(page: OcrPage, size: tuple[int, int]) -> OcrPage:
    """``page`` (read from a downscaled copy) in the pixels of a picture of ``size``."""
    width, height = size
    if (page.width, page.height) == size or not page.width or not page.height:
        return page
    sx, sy = width / page.width, height / page.height
    lines = tuple(
        OcrLine(line.text, _boxes(line.boxes, sx, sy, size), line.score) for line in page.lines
    )
    return OcrPage(width, height, lines)


def _boxes(boxes: Sequence[Box], sx: float, sy: float, size: tuple[int, int]) -> tuple[Box, ...]:
    """Boxes scaled outwards (a box must still cover its character), within the picture."""
    width, height = size
    return tuple(
        (
            max(0, math.floor(x0 * sx)),
            max(0, math.floor(y0 * sy)),
            min(width, math.ceil(x1 * sx)),
            min(height, math.ceil(y1 * sy)),
        )
        for x0, y0, x1, y1 in boxes
    )
