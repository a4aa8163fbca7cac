"""Reading text in images, offline: scans, photos, pictures inside documents (OCR).

The engine is RapidOCR (``rapidocr-onnxruntime``): PP-OCRv4 Chinese detection and
recognition models inside its wheel, run by ONNX Runtime on the CPU, so nothing is
downloaded at run time (the README says why it was chosen, with figures from
``bench/ocr_eval.py``). It gives a box for every character, which redaction paints over.

What this module does, for every caller (standalone images, PDF pages without a text
layer, pictures embedded in documents):

* ``recognise(image, key, settings)`` reads one image (a PIL image) into an ``OcrPage``:
  lines of text, each character with its box in the image's pixels. Results are cached
  by the image's content hash (``scanner/scan/ocr_cache.py``), encrypted;
* ``segments(page, label)`` lays the lines out as a reader would: lines on one row are
  joined (a gap wide enough to be a column becomes two spaces), and a grid of rows with
  the same columns is a table, whose cells carry their column header as context, as a
  spreadsheet's do. Every segment keeps the characters' boxes (``Segment.boxes``).

OCR is the slowest thing baomi does: ``OcrBudget`` stops reading more images of one file
once its time is spent (the rest is noted), and ``[ocr]`` in ``baomi.toml`` switches it
off or bounds it (``OcrSettings``).
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import TYPE_CHECKING, Any, Protocol

from scanner.models import Box, Segment, SegmentKind

if TYPE_CHECKING:
    from PIL.Image import Image


@dataclass(frozen=True)
class OcrSettings:
    """``[ocr]`` in ``baomi.toml``."""

    enabled: bool = True
    max_pages: int = 50  # pages of one PDF or TIFF read by OCR; later ones are noted unread
    min_image_px: int = 48  # pictures narrower or lower than this are icons, rules, logos
    file_budget_s: float = 60.0  # OCR time for one file; later pictures are noted unread
    # set by the application, never in baomi.toml: where results are cached (beside the
    # inventory) and the key they are encrypted under (derived from the installation's key)
    cache_dir: str = field(default="", compare=False, metadata={"config": False})
    cache_key: bytes = field(default=b"", repr=False, compare=False, metadata={"config": False})


@dataclass(frozen=True, slots=True)
class OcrLine:
    """One line as the engine read it: ``boxes[i]`` is where ``text[i]`` is."""

    text: str
    boxes: tuple[Box, ...]
    score: float

    @property
    def box(self) -> Box:
        return union(self.boxes)


@dataclass(frozen=True, slots=True)
class OcrPage:
    width: int
    height: int
    lines: tuple[OcrLine, ...]
    skew: float = 0.0  # the text's tilt, dy per dx (a scan fed in crooked)

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)


class OcrEngine(Protocol):
    name: str

    def read(self, image: Image) -> OcrPage: ...


class OcrUnavailable(RuntimeError):
    """The OCR engine cannot be loaded (not installed, a broken model file)."""


def union(boxes: Sequence[Box]) -> Box:
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


# --- the engine -----------------------------------------------------------------------


class RapidOcrEngine:
    """PP-OCRv4 through RapidOCR, one thread: baomi runs one worker per core already."""

    name = "rapidocr-onnxruntime"
    # the recogniser's confidence below which a line is dropped (RapidOCR's default 0.5)
    MIN_LINE_SCORE = 0.5

    def __init__(self) -> None:
        self._ocr: Any = None

    def _load(self) -> Any:
        if self._ocr is None:
            try:
                from rapidocr_onnxruntime import RapidOCR
            except ImportError as exc:  # pragma: no cover - a dependency of baomi
                raise OcrUnavailable(f"rapidocr-onnxruntime is not installed: {exc}") from exc
            # the global keys: RapidOCR 1.4 copies them over the per-model ones
            self._ocr = RapidOCR(intra_op_num_threads=1, inter_op_num_threads=1)
        return self._ocr

    def read(self, image: Image) -> OcrPage:
        rgb = image.convert("RGB")
        found, _ = self._load()(rgb, return_word_box=True, text_score=self.MIN_LINE_SCORE)
        entries = list(found or ())
        lines = [line for entry in entries if (line := _rapid_line(entry)) is not None]
        return OcrPage(rgb.width, rgb.height, tuple(lines), _skew([e[0] for e in entries]))


def _skew(quads: Sequence[Sequence[Sequence[float]]]) -> float:
    """The page's tilt as a slope (dy per dx): the median of its long lines' top edges. A
    scan fed in at 2° must not have its rows, and a table's header, read across lines."""
    slopes = []
    for quad in quads:
        (x0, y0), (x1, y1) = quad[0][:2], quad[1][:2]
        height = abs(float(quad[3][1]) - float(y0))
        if x1 - x0 > 2 * max(height, 1):
            slopes.append((float(y1) - float(y0)) / (float(x1) - float(x0)))
    return statistics.median(slopes) if slopes else 0.0


def _rapid_line(entry: Sequence[Any]) -> OcrLine | None:
    """RapidOCR's ``[quad, text, score, char quads, chars, char scores]`` → an OcrLine
    with one box per character (spaces between words restored from the gaps)."""
    quad, text, score = entry[0], str(entry[1]), float(entry[2])
    if not text.strip():
        return None
    line_box = _quad_box(quad)
    chars: list[str] = list(entry[4]) if len(entry) > 4 and entry[4] else []
    quads = list(entry[3]) if len(entry) > 3 and entry[3] else []
    if len(chars) == len(quads) and "".join(chars) == text.replace(" ", ""):
        pieces = [(c, _quad_box(q)) for c, q in zip(chars, quads, strict=True)]
    else:  # no usable character boxes: share the line's width out evenly
        pieces = list(zip(text, _even_boxes(line_box, len(text)), strict=True))
    return _with_spaces(pieces, line_box, score)


def _quad_box(quad: Sequence[Sequence[float]]) -> Box:
    xs = [float(p[0]) for p in quad]
    ys = [float(p[1]) for p in quad]
    return (round(min(xs)), round(min(ys)), round(max(xs)), round(max(ys)))


def _even_boxes(box: Box, count: int) -> list[Box]:
    x0, y0, x1, y1 = box
    step = (x1 - x0) / max(count, 1)
    return [(round(x0 + i * step), y0, round(x0 + (i + 1) * step), y1) for i in range(count)]


# a gap between two characters wider than this share of the line's height is a space
# (the engine drops spaces; "张伟  手机" must not read as one word 张伟手机)
SPACE_GAP = 0.6


def _with_spaces(pieces: Sequence[tuple[str, Box]], line_box: Box, score: float) -> OcrLine:
    height = max(line_box[3] - line_box[1], 1)
    text: list[str] = []
    boxes: list[Box] = []
    for char, box in pieces:
        if char.isspace():
            continue
        if boxes and box[0] - boxes[-1][2] > SPACE_GAP * height and text[-1] != " ":
            text.append(" ")
            boxes.append((boxes[-1][2], line_box[1], box[0], line_box[3]))
        text.append(char)
        boxes.append(box)
    return OcrLine("".join(text), tuple(boxes), score)


_ENGINE: OcrEngine | None = None


def engine() -> OcrEngine:
    """The process's engine, loaded on first use (the models take ~1 s)."""
    global _ENGINE
    if _ENGINE is None:
        _ENGINE = RapidOcrEngine()
    return _ENGINE


def use_engine(replacement: OcrEngine | None) -> None:
    """Tests and benchmarks: read with another engine (None: the default again)."""
    global _ENGINE
    _ENGINE = replacement


# --- reading with a cache and a time budget ------------------------------------------


class OcrBudget:
    """OCR time one file may still spend (``[ocr] file_budget_s``), shared by its pages and
    pictures; and pages it may still read (``max_pages``)."""

    def __init__(self, settings: OcrSettings) -> None:
        self.settings = settings
        self.deadline = time.monotonic() + settings.file_budget_s
        self.pages_left = settings.max_pages

    def allows(self) -> bool:
        return self.pages_left > 0 and time.monotonic() < self.deadline

    def spend_page(self) -> None:
        self.pages_left -= 1

    @property
    def refusal(self) -> str:
        if self.pages_left <= 0:
            return f"not read by OCR ([ocr] max_pages = {self.settings.max_pages} reached)"
        return f"not read by OCR ([ocr] file_budget_s = {self.settings.file_budget_s:g} spent)"


def worth_reading(image: Image, settings: OcrSettings) -> bool:
    """Icons, bullets, rules and logos hold no text worth a second of OCR."""
    return min(image.width, image.height) >= settings.min_image_px


def recognise(image: Image, key: str, settings: OcrSettings) -> OcrPage:
    """``image`` read by the engine, or from the cache under ``key`` (the SHA-256 of the
    bytes it was decoded from, with the frame or page it is)."""
    from scanner.scan.ocr_cache import OcrCache

    cache = OcrCache.of(settings)
    if cache is not None and (page := cache.get(key)) is not None:
        return page
    page = engine().read(image)
    if cache is not None:
        cache.put(key, page)
    return page


# --- layout: lines to segments ---------------------------------------------------------

# two lines belong to one row when their vertical centres are closer than this share of
# the taller line's height
ROW_OVERLAP = 0.5
# a gap between two lines of one row wider than this many line heights separates columns
COLUMN_GAP = 1.5
CELL_SEPARATOR = "  "  # two spaces: a column gap in a row's text


def rows_of(page: OcrPage) -> list[list[OcrLine]]:
    """Lines grouped into rows, top to bottom, each row left to right. Heights are read
    off the lines with the page's tilt taken out, so a crooked scan's rows stay apart."""

    def level(line: OcrLine) -> float:  # the line's centre height on a straightened page
        x0, y0, x1, y1 = line.box
        return (y0 + y1) / 2 - page.skew * (x0 + x1) / 2

    rows: list[list[OcrLine]] = []
    levels: list[float] = []
    for line in sorted(page.lines, key=level):
        if rows:
            height = max(line_height(line), max(line_height(ln) for ln in rows[-1]))
            if abs(level(line) - levels[-1]) < ROW_OVERLAP * height:
                rows[-1].append(line)
                continue
        rows.append([line])
        levels.append(level(line))
    return [sorted(row, key=lambda ln: ln.box[0]) for row in rows]


def line_height(line: OcrLine) -> float:
    """Its characters' median height: a tilted line's own box is taller than its text."""
    return max(statistics.median(b[3] - b[1] for b in line.boxes), 1)


def segments(page: OcrPage, label: str) -> Iterator[Segment]:
    """The page's text as segments located ``{label} 第 N 行``: rows as prose, and a
    table (three rows or more with the same columns) as cells under their header
    (``{label} 第 N 行 第 M 列``, the header as the cell's context)."""
    rows = rows_of(page)
    table = _table_rows(rows)
    for number, row in enumerate(rows, start=1):
        location = f"{label} 第 {number} 行"
        if table is not None and number - 1 in table.body:
            yield from _cells(row, table.body[number - 1], table.headers, location)
        elif table is not None and number - 1 == table.header:
            yield _row_segment(row, location, SegmentKind.HEADER)
        else:
            yield _row_segment(row, location, SegmentKind.PROSE)


def _row_segment(row: Sequence[OcrLine], location: str, kind: SegmentKind) -> Segment:
    text: list[str] = []
    boxes: list[Box] = []
    for line in row:
        if text:
            gap: Box = (boxes[-1][2], line.box[1], line.box[0], line.box[3])
            text.append(CELL_SEPARATOR)
            boxes.extend([gap] * len(CELL_SEPARATOR))
        text.append(line.text)
        boxes.extend(line.boxes)
    return Segment("".join(text), location, kind, boxes=tuple(boxes))


@dataclass(frozen=True)
class _Table:
    header: int | None  # index of the header row; None when no row of labels heads it
    body: dict[int, tuple[int, ...]]  # row index → the column of each of its cells
    headers: tuple[str, ...]  # the header text of each column ("" under none)


# How close the labels of a header row may sit: short labels over wide columns (序号 over
# a one-digit number beside 姓名) are nearer each other than the values under them are
HEADER_GAP = 0.5


def _table_rows(rows: Sequence[Sequence[OcrLine]]) -> _Table | None:
    """The first run of three or more rows whose cells fall into the columns of a row
    with two cells or more set well apart: a scanned contact list, a form. A row OCR
    read a cell short of (a lone ``1`` missed) still has its cells in their columns, and
    a column spans every cell placed in it so far.
    The header is the nearest row of labels above the run (no digits, no ``@``) whose
    cells fall into the same columns; failing that, the run's own first row. None when
    there is no table."""
    for start, row in enumerate(rows):
        if len(row) < 2 or not _is_columned(row, COLUMN_GAP):
            continue
        spans = [(ln.box[0], ln.box[2]) for ln in row]
        body = {start: tuple(range(len(row)))}
        for index in range(start + 1, len(rows)):
            placed = _placed(rows[index], spans)
            if placed is None:
                break
            body[index] = placed
            # a tilted scan's columns drift sideways down the page: follow them
            for line, column in zip(rows[index], placed, strict=True):
                x0, x1 = spans[column]
                spans[column] = (min(x0, line.box[0]), max(x1, line.box[2]))
        header = None if _labels(row) else _header_above(rows, start, spans, body)
        if header is None:
            header = start
            del body[start]
        if len(body) < 2:
            continue
        heads = [""] * len(spans)
        for line, column in zip(rows[header], _placed(rows[header], spans) or (), strict=False):
            heads[column] = line.text
        return _Table(header, body, tuple(heads))
    return None


def _header_above(
    rows: Sequence[Sequence[OcrLine]],
    start: int,
    spans: Sequence[tuple[int, int]],
    body: dict[int, tuple[int, ...]],
) -> int | None:
    """The row of labels heading the run at ``start``, adding to ``body`` the rows of
    values between them; None (``body`` unchanged) when there is none."""
    between: dict[int, tuple[int, ...]] = {}
    for index in range(start - 1, -1, -1):
        placed = _placed(rows[index], spans)
        if placed is None:
            return None
        if _labels(rows[index]) and _is_columned(rows[index], HEADER_GAP):
            body.update(between)
            return index
        between[index] = placed
    return None


def _placed(row: Sequence[OcrLine], spans: Sequence[tuple[int, int]]) -> tuple[int, ...] | None:
    """The column of each cell of ``row``, left to right, or None when the row is not one
    of the table's: fewer than two cells, a cell over no column or over two, or over the
    same one as its neighbour."""
    if len(row) < 2:
        return None
    placed = tuple(_column_of(line, spans) for line in row)
    if any(c is None for c in placed):
        return None
    columns = [c for c in placed if c is not None]
    if any(b <= a for a, b in pairwise(columns)):
        return None
    return tuple(columns)


def _column_of(line: OcrLine, spans: Sequence[tuple[int, int]]) -> int | None:
    """The one column ``line`` overlaps; None when it overlaps none, or two (a footer's
    ``制表人：…`` across the first columns is no cell)."""
    over = [c for c, (x0, x1) in enumerate(spans) if min(line.box[2], x1) > max(line.box[0], x0)]
    return over[0] if len(over) == 1 else None


def _labels(row: Sequence[OcrLine]) -> bool:
    """Whether ``row`` reads as column labels: no digit and no e-mail sign in it."""
    return not any(ch.isdigit() or ch in "@＠" for line in row for ch in line.text)


def _is_columned(row: Sequence[OcrLine], gap: float) -> bool:
    unit = statistics.median(line_height(ln) for ln in row)
    return all(b.box[0] - a.box[2] > gap * unit for a, b in pairwise(row))


def _cells(
    row: Sequence[OcrLine], columns: Sequence[int], headers: Sequence[str], location: str
) -> Iterator[Segment]:
    # the column by its number: a header is text read from the picture and may be a value
    # (a misread header row), which a location, shown in every report, must never carry
    for line, column in zip(row, columns, strict=True):
        yield Segment(
            line.text,
            f"{location} 第 {column + 1} 列",
            SegmentKind.TABLE_CELL,
            context=(headers[column],) if headers[column] else (),
            boxes=line.boxes,
        )
