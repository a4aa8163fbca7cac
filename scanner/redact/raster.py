"""Pixels redacted: what OCR reads in a picture and the policy removes is painted over in
solid black, the picture is written anew from its pixels, and what was written is read again.

Three writers use it: standalone images (``writers/image.py``: PNG, JPEG, TIFF with all its
pages, BMP, WebP, GIF), scanned PDF pages (``writers/pdf_scans.py``: a page that shows no text
becomes its redacted raster) and pictures in Office packages (``writers/rebuild.py``:
``word/media/image3.png`` keeps its name and content type).

For each picture (each page or frame of a file):

1. **Read.** OCR (``scanner/scan/ocr.py``'s engine, reading lines down to
   ``VERIFY_MIN_SCORE``: more than the scan sees; kept in this process and in the ``[ocr]``
   cache under the picture's content hash), laid out as the scan lays it out
   (``ocr.segments``: rows, and tables whose cells carry their header), and every segment
   handed to the rewriter as a text writer hands it a paragraph: the same recognizers,
   context, policy threshold and document names.
2. **Paint.** Every edit the rewriter returns is a value the policy removes. The boxes of its
   characters are painted solid black, each padded (``PAD``) and each joined to the next, so
   that skewed text is covered without covering the lines around it. Nothing is written on
   the box (a label would be more text to read back) and nothing is blurred or pixelated:
   both can be undone or read through by a model.
3. **Write anew.** A new image is built from the pixels alone (``Image.frombytes``): no EXIF
   (GPS, camera owner, thumbnail), ICC profile, XMP, text chunk or comment of the original
   travels with it. An EXIF orientation is applied to the pixels first, so the copy looks as
   the original did. The format stays the file's own; all pages of a TIFF are written.
4. **Verify.** The *written bytes* are decoded and read again, more sensitively than the scan
   reads (lines down to ``VERIFY_MIN_SCORE``; RapidOCR drops lines below 0.5 by default). When
   nothing was painted and the pixels written are those read (a lossless format, a picture
   kept as it was), the first reading is that reading. Then:

   * a value of a removed type found again, anywhere (one the first reading missed, or read
     through the paint), is painted as well;
   * a removed value read back (any the rewriter replaced in this file or knows from the
     document, compared after NFKC and digit-separator folding, as ``leftovers`` compares) is
     painted;
   * near a painted box (``NEAR`` box heights around it), a remnant of the value painted there
     (``remnant_length`` of its characters in a row), or a run of six digits or an @, is
     painted (digits half under the paint read, confidently, as other digits);
   * anywhere else, a line read with confidence below ``UNSURE_BELOW`` whose text looks like
     part of a value (six digits in a row, an @) cannot be told apart from a value OCR
     misread: the picture is refused (``OCR 无法确认：…``), never released unverified.

   Whatever was painted in a round is written and read again, at most ``VERIFY_ROUNDS``
   times; a picture still yielding something after the last reading is refused.

A refused standalone image or PDF is not written (``RedactionError``). A refused picture inside
an Office document is replaced by a grey picture of its size and format, and named in
``WriteContext.drop``: the document stays whole and nothing unverified leaves.

``baomi restore`` passes pictures through: no token of a reversible operator is ever
written into pixels.
"""

from __future__ import annotations

import copy
import hashlib
import io
import math
import re
import struct
import unicodedata
import warnings
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any, cast

from PIL import Image, ImageDraw, ImageOps, JpegImagePlugin, UnidentifiedImageError

from scanner.masking import mask
from scanner.models import Box, Segment, SegmentKind
from scanner.redact.edits import RedactionError, TextRewriter
from scanner.redact.leftovers import DIGIT_SEPARATORS, ZERO_WIDTH, normalise
from scanner.redact.media import sanitize_image
from scanner.redact.rewriters import Restorer
from scanner.scan import ocr
from scanner.scan.ocr import OcrEngine, OcrLine, OcrPage, OcrSettings
from scanner.scan.ocr_cache import OcrCache

__all__ = [
    "Decoded",
    "Picture",
    "decode",
    "encode",
    "redact_image",
    "redact_picture",
    "redact_pictures",
    "redacts",
    "verifying_engine",
]

IMAGE_LABEL = "图像识别"  # where OCR read a standalone image, as the scan names it
# A character box is padded by this share of its height on every side (at least MIN_PAD
# pixels): RapidOCR's character boxes come from the recogniser's time steps and can end a
# few pixels short of the glyph's ink.
PAD = 0.2
MIN_PAD = 2
# Verification reads lines down to this confidence. RapidOCR drops lines below 0.5 by default
# (``RapidOcrEngine.MIN_LINE_SCORE``); a half-legible remnant is exactly such a line.
VERIFY_MIN_SCORE = 0.3
# A line read below this confidence is one OCR is unsure of. On 36 generated pictures
# (bench/ocr_images.py, seed 2: 150-300 dpi, rotation, blur, noise, card photos, JPEG 40-80),
# RapidOCR read all 202 lines holding six digits or an @ at 0.954 or more (every line at 0.60 or
# more): a line of digits below 0.8 is one it half-guessed, and a half-guessed number cannot be
# shown not to be a phone or an ID.
UNSURE_BELOW = 0.8
# Painting, writing and reading again happen at most this many times after the first painting.
VERIFY_ROUNDS = 3
# A line within this many heights of a painted box is in its neighbourhood.
NEAR = 1.0
# What looks like part of a value: six digits in a row (after folding separators), an @.
PARTIAL_VALUE = re.compile(r"\d{6,}|@")
# Larger pictures are refused rather than decoded (Pillow's own decompression-bomb limit).
MAX_PIXELS = Image.MAX_IMAGE_PIXELS or 89_478_485
GREY = 128
# Pillow format → options writing it anew. JPEG keeps the original's quantisation tables when
# it has them (the copy is as large and as sharp as the original), else quality 90.
FORMATS: dict[str, dict[str, Any]] = {
    "PNG": {"compress_level": 6},
    "JPEG": {"quality": 90},
    "TIFF": {"compression": "tiff_deflate"},
    "BMP": {},
    "WEBP": {"quality": 90, "method": 4},
    "GIF": {},
}
# Formats Pillow writes under another name (a camera's multi-picture JPEG is a JPEG)
SAME_AS = {"MPO": "JPEG"}
# The only Pillow plugins that ever parse a picture's bytes here
OPENED = (*FORMATS, *SAME_AS)
PAINTABLE_MODES = frozenset({"1", "L", "RGB", "RGBA"})
BLACK: dict[str, int | tuple[int, ...]] = {"1": 0, "L": 0, "RGB": (0, 0, 0), "RGBA": (0, 0, 0, 255)}
_DECODE_ERRORS = (
    UnidentifiedImageError,
    OSError,
    ValueError,
    EOFError,
    SyntaxError,
    IndexError,
    KeyError,
    TypeError,
    struct.error,
    Image.DecompressionBombError,
)


def redacts(rewriter: TextRewriter) -> bool:
    """Whether pictures are redacted under ``rewriter``: restoration leaves them as they are
    (no operator writes a token into pixels, so there is nothing to put back)."""
    return not isinstance(rewriter, Restorer)


# --- decoding and encoding -------------------------------------------------------------------


@dataclass
class Decoded:
    """A picture file as frames ready to paint, and how to write it back."""

    format: str  # the Pillow format written (JPEG for an MPO)
    frames: list[Image.Image]
    options: dict[str, Any] = field(default_factory=dict)
    left_out: int = 0  # frames not carried (the second picture of an MPO)


def decode(data: bytes, settings: OcrSettings) -> Decoded:
    """``data`` as paintable frames (EXIF orientation applied): every page of a TIFF, every
    frame of an animation, the first picture of an MPO. Raises ``RedactionError`` for what
    cannot be decoded, pictures over ``MAX_PIXELS`` and files of more pages than OCR may
    read (``[ocr] max_pages``): what is not read cannot be verified."""
    try:
        with warnings.catch_warnings():  # over MAX_PIXELS is refused below, with a reason
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=OPENED)
        with image:
            source_format = image.format or ""
            written = SAME_AS.get(source_format, source_format)
            if written not in FORMATS:
                raise RedactionError(f"{source_format or 'this'} images cannot be redacted")
            count = int(getattr(image, "n_frames", 1))
            carried = 1 if source_format == "MPO" else count
            if carried > settings.max_pages:
                raise RedactionError(
                    f"{carried} pages: OCR reads at most [ocr] max_pages = {settings.max_pages}, "
                    "the rest could not be verified"
                )
            frames = []
            for index in range(carried):
                image.seek(index)
                if image.width * image.height > MAX_PIXELS:
                    raise RedactionError(
                        f"image of {image.width} × {image.height} pixels: larger than "
                        f"{MAX_PIXELS} pixels, not decoded"
                    )
                frames.append(_paintable(ImageOps.exif_transpose(image)))
            options = dict(FORMATS[written])
            if written == "JPEG":
                options = _jpeg_options(image) or options
            if written == "TIFF" and all(f.mode == "1" for f in frames):
                options["compression"] = "group4"
            return Decoded(written, frames, options, count - carried)
    except RedactionError:
        raise
    except _DECODE_ERRORS as exc:
        kind = type(exc).__name__  # the type only: a message may quote the file
        raise RedactionError(f"corrupt: the image could not be decoded ({kind})") from None


def _jpeg_options(image: Image.Image) -> dict[str, Any]:
    """The original's quantisation tables and chroma subsampling, so that the copy keeps its
    size and sharpness; none for a JPEG Pillow cannot describe."""
    tables = getattr(image, "quantization", None)
    if not isinstance(image, JpegImagePlugin.JpegImageFile) or not tables:
        return {}
    sampling = JpegImagePlugin.get_sampling(image)
    options: dict[str, Any] = {"qtables": tables}
    if sampling >= 0:
        options["subsampling"] = sampling
    return options


def _paintable(image: Image.Image) -> Image.Image:
    """``image`` in a mode black can be painted in and written back: 1, L, RGB or RGBA."""
    if image.mode in PAINTABLE_MODES:
        return image
    if image.mode in ("P", "PA", "LA"):
        transparent = image.mode != "P" or "transparency" in image.info
        return image.convert("RGBA" if transparent else "RGB")
    if image.mode.startswith("I"):  # 16- and 32-bit grey scans: scaled to 8 bits
        return image.convert("I").point(lambda v: v * (1 / 256)).convert("L")
    return image.convert("RGB")  # CMYK, YCbCr, LAB, HSV, F


def encode(frames: Sequence[Image.Image], decoded: Decoded) -> bytes:
    """The frames written anew in ``decoded``'s format: built from their pixels alone, so no
    metadata of the original (EXIF, ICC, XMP, text chunks, comments) can come along."""
    fresh = [Image.frombytes(f.mode, f.size, f.tobytes()) for f in frames]
    if decoded.format == "JPEG":
        fresh = [f if f.mode in ("L", "RGB") else f.convert("RGB") for f in fresh]
    out = io.BytesIO()
    if len(fresh) > 1:
        fresh[0].save(
            out, format=decoded.format, save_all=True, append_images=fresh[1:], **decoded.options
        )
    else:
        fresh[0].save(out, format=decoded.format, **decoded.options)
    return out.getvalue()


def blank(decoded: Decoded) -> bytes:
    """A grey picture of each frame's size in the same format: what a refused picture inside
    a document becomes, so that the document still opens and its layout holds."""
    options = {k: v for k, v in decoded.options.items() if k not in ("qtables", "subsampling")}
    greys = [Image.new("L", f.size, GREY) for f in decoded.frames]
    return encode(greys, Decoded(decoded.format, greys, options))


# --- the pictures of one file ----------------------------------------------------------------


@dataclass
class Picture:
    """One page or frame being redacted: its pixels (painted in place), where it is, and the
    key its first reading is cached under (the file's hash and the frame)."""

    image: Image.Image
    label: str
    key: str
    painted: list[Box] = field(default_factory=list)  # padded rectangles painted so far
    values: set[str] = field(default_factory=set)  # normalised values painted here


Writer = Callable[[Sequence[Image.Image]], bytes]
Reader = Callable[[bytes], Sequence[Image.Image]]


def redact_image(
    data: bytes,
    rewriter: TextRewriter,
    settings: OcrSettings,
    label: str = IMAGE_LABEL,
    unpainted: bytes | None = None,
    drop: Callable[[str], None] | None = None,
    decoded: Decoded | None = None,
) -> bytes:
    """An image file redacted, written anew and verified; ``RedactionError`` if it cannot
    be. ``unpainted``: what to write when nothing is painted (a document's picture carries
    its original pixels, metadata stripped, when it holds nothing to remove); it is verified
    like any copy. ``drop`` records the pictures of an MPO after its first. ``decoded``:
    ``data`` decoded already."""
    decoded = decoded or decode(data, settings)
    if decoded.left_out and drop is not None:
        drop(f"image: {decoded.left_out} further picture(s) of a multi-picture JPEG")
    digest = hashlib.sha256(data).hexdigest()
    count = len(decoded.frames)
    pictures = [
        Picture(frame, frame_label(label, index, count, decoded.format), f"{digest}:{index}")
        for index, frame in enumerate(decoded.frames)
    ]

    def write(frames: Sequence[Image.Image]) -> bytes:
        if unpainted is not None and not any(p.painted for p in pictures):
            return unpainted
        return encode(frames, decoded)

    return redact_pictures(
        pictures, rewriter, settings, write, lambda copy: decode(copy, settings).frames
    )


def frame_label(label: str, index: int, count: int, image_format: str) -> str:
    """``图像识别`` for a single picture; ``第 2 页（图像识别）`` for a TIFF's page (as the scan
    names it), ``第 2 帧（图像识别）`` for an animation's frame."""
    if count == 1:
        return label
    unit = "页" if image_format == "TIFF" else "帧"
    if label == IMAGE_LABEL:
        return f"第 {index + 1} {unit}（{IMAGE_LABEL}）"
    return f"{label} 第 {index + 1} {unit}"


def redact_picture(
    name: str,
    data: bytes,
    rewriter: TextRewriter,
    settings: OcrSettings,
    drop: Callable[[str], None],
    unread: Callable[[str], None],
) -> bytes | None:
    """A picture of an Office package (``word/media/image3.png``) as the copy carries it, or
    None (recorded with ``drop``) when it is left out.

    Redacted and verified; a picture with nothing to paint keeps its original pixels with
    its metadata stripped (``scanner/redact/media.py``), verified all the same. One that
    cannot be verified becomes a grey blank of its size and format (recorded). Without OCR
    (``[ocr] enabled = false``, restoration) and for icons, rules and blank pictures (``[ocr]
    min_image_px``, as the scan skips them) it is carried metadata-stripped, as before OCR;
    with OCR off, one that may hold text is recorded with ``unread``. One Pillow cannot
    decode is left out."""
    sanitized = sanitize_image(data)
    if not redacts(rewriter):
        if sanitized is None:
            drop(f"image {name} (not a readable PNG, JPEG or GIF)")
        return sanitized
    if not settings.enabled:
        if sanitized is None:
            drop(f"image {name} (not a readable PNG, JPEG or GIF)")
        elif _may_hold_text(data, settings):
            unread(f"image {name} (OCR is off: text in it was neither found nor painted)")
        return sanitized
    try:
        decoded = decode(data, settings)
    except RedactionError as exc:
        drop(f"image {name} ({exc})")
        return None
    if not any(holds_text(frame, settings) for frame in decoded.frames):
        if sanitized is None:
            drop(f"image {name} (not a readable PNG, JPEG or GIF)")
        return sanitized
    try:
        return redact_image(data, rewriter, settings, f"图片 {name}", sanitized, drop, decoded)
    except RedactionError as exc:
        drop(f"image {name}: pixels replaced by a grey blank ({exc})")
        return blank(decoded)


def _may_hold_text(data: bytes, settings: OcrSettings) -> bool:
    """Whether a picture not read by OCR might hold text (undecodable ones are said to)."""
    try:
        decoded = decode(data, settings)
    except RedactionError:
        return True
    return any(holds_text(frame, settings) for frame in decoded.frames)


# A picture whose grey levels all lie within this many of each other is of one colour
BLANK_SPREAD = 24


def holds_text(frame: Image.Image, settings: OcrSettings) -> bool:
    """Whether a picture may hold text worth reading: not an icon, a rule or a logo smaller
    than ``[ocr] min_image_px``, and not of one colour (a blank page's thumbnail)."""
    if not ocr.worth_reading(frame, settings):
        return False
    low, high = cast(tuple[int, int], frame.convert("L").getextrema())  # one band: two ints
    return high - low >= BLANK_SPREAD


def redact_pictures(
    pictures: Sequence[Picture],
    rewriter: TextRewriter,
    settings: OcrSettings,
    write: Writer,
    read_back: Reader,
) -> bytes:
    """Paint, write, read again (module docstring): the bytes ``write`` made of the pictures
    once a reading of them found nothing left, or ``RedactionError`` with the reason."""
    firsts = []
    for picture in pictures:
        # one reading serves the painting, and the verification of what was not painted
        firsts.append((_reading(picture.image, picture.key, settings), _pixels(picture.image)))
        _paint_edits(picture, firsts[-1][0], rewriter, 1.0)
    found: list[str] = []
    for round_number in range(1, VERIFY_ROUNDS + 1):
        data = write([p.image for p in pictures])
        try:
            copies = list(read_back(data))
        except RedactionError as exc:
            raise RedactionError(
                f"verification failed: the copy cannot be read again ({exc})"
            ) from None
        if len(copies) != len(pictures):
            raise RedactionError("verification failed: the copy has lost pages")
        digest = hashlib.sha256(data).hexdigest()
        found = []
        for index, (picture, written) in enumerate(zip(pictures, copies, strict=True)):
            first, pixels = firsts[index]
            if round_number > 1 or picture.painted or _pixels(written) != pixels:
                first = _reading(written, f"{digest}:{index}", settings)
            found += _verify(picture, first, rewriter, 1.0 + round_number)
        if not found:
            return data
    shown = "; ".join(found[:3]) + (f" and {len(found) - 3} more" if len(found) > 3 else "")
    raise RedactionError(
        f"verification failed: OCR still reads {shown} after {VERIFY_ROUNDS} paintings"
    )


# --- reading, painting, verifying ------------------------------------------------------------

_VERIFYING: tuple[OcrEngine, OcrEngine] | None = None
# Readings of this process by (engine, content hash): a document's pictures are read again
# when the engine's extra passes rewrite it, and one picture may stand in many documents.
MEMO_SIZE = 32
_MEMO: OrderedDict[tuple[int, str], OcrPage] = OrderedDict()
_MEMO_ENGINE: list[OcrEngine] = []


def _reading(image: Image.Image, key: str, settings: OcrSettings) -> OcrPage:
    """``image`` read by the verifying engine: from this process's memo, else the on-disk
    cache (``[ocr]`` cache, under ``key`` and the reading's floor), else by the engine."""
    engine = verifying_engine()
    cache = OcrCache.of(settings)
    cache_key = f"{key}:redact:{VERIFY_MIN_SCORE}"

    def read() -> OcrPage:
        page = cache.get(cache_key) if cache is not None else None
        if page is None:
            shown, factor = _for_reading(image)
            page = _scaled(engine.read(shown), factor, image.size)
            if cache is not None:
                cache.put(cache_key, page)
        return page

    return _memo(engine, key, read)


# The longer side of the copy OCR reads (RapidOCR detects text on a copy at most 2,000
# pixels long; this bounds the memory of the conversions before it), as the scan reads
MAX_OCR_SIDE = 4000


def _for_reading(image: Image.Image) -> tuple[Image.Image, float]:
    """What the engine is given, and how much smaller than ``image`` it is: transparency
    laid on white (dark text on a transparent screenshot would read as black on black), the
    longer side at most ``MAX_OCR_SIDE``."""
    if image.mode == "RGBA":
        white = Image.new("RGB", image.size, (255, 255, 255))
        white.paste(image, mask=image.getchannel("A"))
        image = white
    factor = min(1.0, MAX_OCR_SIDE / max(image.size))
    if factor < 1.0:
        size = (max(1, round(image.width * factor)), max(1, round(image.height * factor)))
        image = image.resize(size, Image.Resampling.LANCZOS)
    return image, factor


def _scaled(page: OcrPage, factor: float, size: tuple[int, int]) -> OcrPage:
    """A reading of a copy ``factor`` times the picture's size, in the picture's pixels."""
    if factor >= 1.0:
        return page

    def grown(box: Box) -> Box:
        x0, y0, x1, y1 = (v / factor for v in box)
        return (int(x0), int(y0), math.ceil(x1), math.ceil(y1))

    lines = tuple(
        OcrLine(line.text, tuple(grown(b) for b in line.boxes), line.score) for line in page.lines
    )
    return OcrPage(size[0], size[1], lines)


def _pixels(image: Image.Image) -> tuple[str, tuple[int, int], str]:
    """What identifies a picture's pixels: two equal ones read alike."""
    return image.mode, image.size, hashlib.sha256(image.tobytes()).hexdigest()


def _memo(engine: OcrEngine, key: str, read: Callable[[], OcrPage]) -> OcrPage:
    if not _MEMO_ENGINE or _MEMO_ENGINE[0] is not ocr.engine():  # another engine: forget
        _MEMO.clear()
        _keep(list(_MEMO_ENGINE))
        _MEMO_ENGINE[:] = [ocr.engine()]
    slot = (id(engine), key)
    page = _MEMO.get(slot)
    if page is None:
        page = _MEMO[slot] = read()
        while len(_MEMO) > MEMO_SIZE:
            _MEMO.popitem(last=False)
    else:
        _MEMO.move_to_end(slot)
    return page


def verifying_engine() -> OcrEngine:
    """The process's engine, reading lines down to ``VERIFY_MIN_SCORE`` where it has a floor
    of its own above that (RapidOCR: a copy sharing its loaded models); any other engine (a
    test's) as it is."""
    global _VERIFYING
    base = ocr.engine()
    floor = getattr(base, "MIN_LINE_SCORE", None)
    if not isinstance(floor, float) or floor <= VERIFY_MIN_SCORE:
        return base
    if _VERIFYING is None or _VERIFYING[0] is not base:
        sensitive = copy.copy(base)
        setattr(sensitive, "MIN_LINE_SCORE", VERIFY_MIN_SCORE)  # noqa: B010 - not in the protocol
        _keep(_VERIFYING)
        _VERIFYING = (base, sensitive)
    return _VERIFYING[1]


# Engines this process has let go of, kept: an engine loaded before a fork holds ONNX Runtime
# sessions whose threads the forked child (an isolated redaction) does not have, and freeing
# them there waits for those threads for ever. Only a swap of engines (tests, benchmarks)
# lets one go.
_RETIRED: list[object] = []


def _keep(retired: object) -> None:
    if retired is not None:
        _RETIRED.append(retired)


def _paint_edits(
    picture: Picture, page: OcrPage, rewriter: TextRewriter, scale: float
) -> list[str]:
    """Every value the rewriter removes from the page's segments painted; what was painted,
    masked (``PHONE_NUMBER 138****5678 (图像识别 第 2 行)``)."""
    found = []
    for segment in paragraphs(page, picture.label):
        for edit in rewriter.edits(segment.text, segment.location, segment.context):
            value = segment.text[edit.start : edit.end]
            if _paint(picture, segment.boxes[edit.start : edit.end], scale):
                picture.values.add(normalise(value).strip())
                found.append(_shown(edit.entity_type, value, segment.location))
    return found


def _verify(picture: Picture, page: OcrPage, rewriter: TextRewriter, scale: float) -> list[str]:
    """One reading of the written copy checked (module docstring, step 4): what it still
    finds is painted (with a wider pad) and returned; an unsure line raises."""
    found = _paint_edits(picture, page, rewriter, scale)
    near = [line for line in page.lines if _near_painted(picture, line.box)]
    unsure = [
        line
        for line in page.lines
        if line.score < UNSURE_BELOW and line not in near and _partial_value(line.text)
    ]
    if unsure:
        line = min(unsure, key=lambda ln: ln.score)
        at = "@" in line.text
        raise RedactionError(
            f"OCR 无法确认：{_line_location(page, line, picture.label)} 读出"
            f"{'@' if at else '一串数字'}（置信度 {line.score:.2f} < {UNSURE_BELOW}），无法确认不是"
            f"应删除的信息 / OCR unsure: {'an @' if at else 'a run of digits'} read with "
            f"confidence {line.score:.2f} may be part of a value; not released"
        )
    removed = _removed_values(picture, rewriter)
    for segment in paragraphs(page, picture.label):
        for start, end in _read_back(segment.text, removed):
            if _paint(picture, segment.boxes[start:end], scale):
                found.append(_shown("", segment.text[start:end], f"{segment.location}, read back"))
    for line in near:
        for start, end in _remnants(line, picture.values):
            if _paint(picture, line.boxes[start:end], scale):
                found.append(_shown("", line.text[start:end], "remnant beside a painted box"))
    return found


# Two rows are one paragraph wrapped when the second starts under the first (within
# INDENT heights: a first line may be indented), follows it closely (less than LEADING
# heights between them), is of about its height (HEIGHT_RATIO) and no longer than it.
INDENT = 2.5
LEADING = 0.8
HEIGHT_RATIO = 1.35


def paragraphs(page: OcrPage, label: str) -> list[Segment]:
    """The page's segments (``ocr.segments``) with the rows of a wrapped paragraph joined
    into one, as a text document holds them: a chat bubble or a contract clause breaks an
    address or a name across rows (``浙江省杭州市西湖区东`` / ``风路63号…``), and neither row
    alone is the value. Table cells, rows of several columns and rows that do not read as a
    continuation stay as the scan lays them out. The joined segment keeps every character's
    box and the first row's location."""
    out: list[Segment] = []
    last: Box | None = None  # the box of the last row joined into out[-1]
    left = 0  # where out[-1]'s rows start
    for segment in ocr.segments(page, label):
        box = _row_box(segment)
        if (
            out
            and last is not None
            and box is not None
            and _continues(out[-1], last, left, segment, box)
        ):
            previous = out[-1]
            out[-1] = Segment(
                previous.text + segment.text,
                previous.location,
                previous.kind,
                boxes=previous.boxes + segment.boxes,
            )
            last = box
            continue
        out.append(segment)
        last, left = box, box[0] if box is not None else 0
    return out


def _row_box(segment: Segment) -> Box | None:
    """The box of a one-line prose row, None for anything else."""
    if segment.kind is not SegmentKind.PROSE or ocr.CELL_SEPARATOR in segment.text:
        return None
    if len(segment.boxes) != len(segment.text) or not segment.boxes:
        return None
    return ocr.union(segment.boxes)


def _continues(previous: Segment, last: Box, left: int, segment: Segment, box: Box) -> bool:
    if _row_box(previous) is None:
        return False
    height_a, height_b = last[3] - last[1], box[3] - box[1]
    if min(height_a, height_b) <= 0 or max(height_a, height_b) > HEIGHT_RATIO * min(
        height_a, height_b
    ):
        return False
    height = max(height_a, height_b)
    gap = box[1] - last[3]
    return (
        -0.3 * height < gap < LEADING * height
        and abs(box[0] - left) < INDENT * height
        and last[2] >= box[2] - height  # the row above was full: it wrapped
    )


def _removed_values(picture: Picture, rewriter: TextRewriter) -> set[str]:
    """Normalised values that may not be read anywhere in the copy: painted in this picture,
    replaced anywhere in the file so far, or known names of the document."""
    values = set(picture.values)
    values |= {normalise(v).strip() for _, v in getattr(rewriter, "replaced_values", ())}
    values |= {normalise(v).strip() for v in getattr(rewriter, "known_values", {})}
    return {v for v in values if len(v) >= 2}


def _read_back(text: str, values: set[str]) -> Iterator[tuple[int, int]]:
    """Spans of ``text`` where one of ``values`` stands (compared normalised)."""
    folded, where = _folded(text)
    for value in values:
        start = folded.find(value)
        while start != -1:
            end = start + len(value)
            yield where[start], where[end - 1] + 1
            start = folded.find(value, end)


def _remnants(line: OcrLine, values: set[str]) -> Iterator[tuple[int, int]]:
    """Spans of a line beside a painted box that still show part of a value painted in the
    picture (``remnant_length`` characters of it in a row), or that look like part of a value
    (six digits, an @): the lower half of a painted phone number's digits reads, confidently,
    as another number."""
    folded, where = _folded(line.text)
    for value in values:
        size = remnant_length(value)
        for offset in range(len(value) - size + 1):
            piece = value[offset : offset + size]
            start = folded.find(piece)
            while start != -1:
                yield where[start], where[start + size - 1] + 1
                start = folded.find(piece, start + size)
    for match in PARTIAL_VALUE.finditer(folded):  # however sure OCR is: half-painted
        yield where[match.start()], where[match.end() - 1] + 1  # digits read as others


def remnant_length(value: str) -> int:
    """How many characters of a painted value in a row, read beside its box, make a remnant:
    both of a two-character name, all but one of a short value, six of a longer one (a phone
    number's mask shows seven of its digits; a shorter remnant of a long value is mostly a
    common word such as 有限公司)."""
    return min(6, max(2, len(value) - 1))


def _partial_value(text: str) -> bool:
    return PARTIAL_VALUE.search(_folded(text)[0]) is not None


def _folded(text: str) -> tuple[str, list[int]]:
    """``text`` folded as ``leftovers.normalise`` folds it (NFKC, invisible characters out,
    separators between digits out), with the index in ``text`` of every folded character."""
    chars: list[str] = []
    where: list[int] = []
    for index, char in enumerate(text):
        for folded in unicodedata.normalize("NFKC", char).translate(ZERO_WIDTH):
            chars.append(folded)
            where.append(index)
    joined = "".join(chars)
    kept = [True] * len(joined)
    for match in DIGIT_SEPARATORS.finditer(joined):
        for position in range(match.start(), match.end()):
            kept[position] = False
    return (
        "".join(c for c, k in zip(joined, kept, strict=True) if k),
        [w for w, k in zip(where, kept, strict=True) if k],
    )


def _paint(picture: Picture, boxes: Sequence[Box], scale: float) -> bool:
    """Solid black over each character box and the gap to the next one on its line, padded
    by ``PAD × scale`` of its height; False when there was nothing to paint."""
    boxes = [b for b in boxes if b[2] > b[0] and b[3] > b[1]]
    if not boxes:
        return False
    width, height = picture.image.size
    rects = [_padded(b, scale, width, height) for b in boxes]
    rects += [
        _padded(ocr.union([a, b]), scale, width, height)
        for a, b in pairwise(boxes)
        if _same_line(a, b)
    ]
    draw = ImageDraw.Draw(picture.image)
    fill = BLACK[picture.image.mode]
    for x0, y0, x1, y1 in rects:
        if x1 > x0 and y1 > y0:
            draw.rectangle((x0, y0, x1 - 1, y1 - 1), fill=fill)
    picture.painted.extend(rects)
    return True


def _same_line(a: Box, b: Box) -> bool:
    """Two characters side by side on one line (not the end of one row and the start of
    the next, which a wrapped value joins: the space between them is not to be painted)."""
    overlap = min(a[3], b[3]) - max(a[1], b[1])
    return overlap > 0.5 * min(a[3] - a[1], b[3] - b[1]) and b[0] >= a[0]


def _padded(box: Box, scale: float, width: int, height: int) -> Box:
    pad = max(MIN_PAD, round(PAD * scale * (box[3] - box[1])))
    return (
        max(0, box[0] - pad),
        max(0, box[1] - pad),
        min(width, box[2] + pad),
        min(height, box[3] + pad),
    )


def _near_painted(picture: Picture, box: Box) -> bool:
    for x0, y0, x1, y1 in picture.painted:
        margin = NEAR * (y1 - y0)
        across = box[0] < x1 + margin and x0 - margin < box[2]
        if across and box[1] < y1 + margin and y0 - margin < box[3]:
            return True
    return False


def _line_location(page: OcrPage, line: OcrLine, label: str) -> str:
    """``label 第 N 行`` of ``line``, numbered as ``ocr.segments`` numbers rows."""
    for number, row in enumerate(ocr.rows_of(page), start=1):
        if any(candidate is line for candidate in row):
            return f"{label} 第 {number} 行"
    return label


def _shown(entity_type: str, value: str, where: str) -> str:
    """A finding as messages show it: its type and masked value, and where."""
    return f"{entity_type or '值'} {mask(entity_type, value)} ({where})"
