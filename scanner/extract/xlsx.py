"""Excel 2007+ workbooks (.xlsx, .xlsm): every cell of every sheet, comments, names, properties.

Covered, because client information hides there as much as in the visible cells:

* every worksheet, hidden and very hidden ones included (a ``Notice`` says which
  were hidden, so the inventory shows where the finding is not on screen);
* cell values as the user sees them: a phone number typed into a cell is stored
  as the number ``13812345678`` (often as the float ``13812345678.0``) and must
  be written ``13812345678``, never ``1.38e10``; dates as ISO dates; the cached
  result of a formula, not the formula (``data_only``); booleans and error
  values (``#N/A``) carry no text and are skipped;
* the first row with two or more cells is the sheet's header row, as in the
  CSV extractor (a title row above it does not hide it); header and title
  cells are ``HEADER`` segments, every other cell is a ``TABLE_CELL`` with its
  column's header as context, the way a person reads a contact list;
* cell comments (``sheet 媒体名单 cell C7 批注``) and their author
  (``… 批注 作者``), sheet names (``sheet 媒体名单 名称``) and the document
  properties, named as the Word and PowerPoint extractors name them
  (``属性 author``, ``属性 last_modified_by``, ``属性 title``, ``属性 company`` …).

Memory: the file is already in memory (up to the 200 MB file limit) and a
workbook unpacks to about ten times that. openpyxl's normal mode builds an
object per cell (several times the unpacked size), so the workbook is always
opened ``read_only``: sheets are streamed row by row from the zip and only the
shared strings, styles and workbook parts are held whole. ``read_only`` does
not load comments, so they are read here from each sheet's comments part, one
sheet at a time. Measured: 2 million cells (124 MB of sheet XML) took 18 MB
more than the file itself, at about 50,000 cells a second (openpyxl's XML
parsing dominates). Before anything is parsed, the zip's declared sizes are
checked (``ooxml.open_package``): every part against the compression-ratio limit,
the parts held whole against the part-size limit and the file's uncompressed
budget; a zip bomb dressed as a workbook is refused with ``limit exceeded``.
A lying ``<dimension ref="A1:XFD1048576"/>`` is ignored (``reset_dimensions``),
so empty rows cost nothing; each row is padded to its own last cell only.

Not covered: number formats other than dates (a value formatted ``000-0000``
or as a percentage is written as its plain number), text in shapes, charts
and pivot caches, defined names, and the ``.xlsb`` binary format.

A password-protected workbook is not a zip but an OLE compound file holding an
``EncryptionInfo`` stream (libmagic calls it ``application/encrypted``); it is
reported as encrypted. Sheet and workbook protection are not encryption: such
sheets are read like any other.

The helpers for sheets (``Headers``, ``Cell``, ``cell_text``, ``number_text``,
``cell_ref``) are shared with the xls and OpenDocument extractors; those for
the package (its checks, its properties) with all the OOXML extractors
(``scanner.extract.ooxml``).
"""

from __future__ import annotations

import datetime as dt
import math
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import defusedxml.ElementTree as SafeET
import openpyxl
from openpyxl.comments.comment_sheet import CommentSheet
from openpyxl.packaging.relationship import get_dependents, get_rels_path
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.xml.constants import COMMENTS_NS

from scanner.extract import CorruptError, Item, Notice, Source
from scanner.extract.archive import read_declared
from scanner.extract.ooxml import DAMAGED, archive_properties, open_package
from scanner.models import Segment, SegmentKind

MAX_COLUMNS = 16_384  # Excel's and LibreOffice's widest sheet (XFD)
_WORKSHEET = re.compile(r"(?:^|/)worksheets/[^/]+\.xml")
_INVALID = "not a valid Excel workbook"
# What a damaged package makes openpyxl raise: XML errors, truncated or corrupt zip
# members, and missing parts or shared strings.
_BROKEN = (*DAMAGED, ValueError, IndexError, KeyError)


# --- the extractor ------------------------------------------------------------------------


def extract(source: Source) -> Iterator[Item]:
    with open_package(source, "Excel workbook", _is_worksheet) as archive:
        workbook = _load(source)
        try:
            for sheet in workbook.worksheets:
                try:
                    yield from _sheet(sheet, archive)
                except _BROKEN as exc:
                    raise CorruptError(f"{_INVALID}: sheet {sheet.title}: {exc}") from exc
        finally:
            workbook.close()
        yield from archive_properties(archive)


def _is_worksheet(part: str) -> bool:
    """Worksheets are the parts openpyxl's read_only mode streams instead of loading."""
    return _WORKSHEET.search(part) is not None


def _load(source: Source) -> openpyxl.Workbook:
    try:
        return openpyxl.load_workbook(
            source.stream(), read_only=True, data_only=True, keep_links=False
        )
    except (*_BROKEN, InvalidFileException, TypeError) as exc:
        raise CorruptError(f"{_INVALID}: {exc}") from exc


def _sheet(sheet: object, archive: zipfile.ZipFile) -> Iterator[Item]:
    title: str = sheet.title  # type: ignore[attr-defined]
    state = getattr(sheet, "sheet_state", "visible")
    yield Segment(title, f"sheet {title} 名称", SegmentKind.METADATA)
    if state in ("hidden", "veryHidden"):
        kind = "very hidden" if state == "veryHidden" else "hidden"
        yield Notice(f"sheet {title}: {kind} sheet (scanned)")
    # The declared dimension of a sheet is often wrong (or hostile: A1:XFD1048576);
    # without it openpyxl only pads each row up to its own last cell.
    sheet.reset_dimensions()  # type: ignore[attr-defined]
    headers = Headers()
    for row in sheet.iter_rows():  # type: ignore[attr-defined]
        yield from headers.row(list(_cells(title, row)))
    yield from headers.end()
    yield from _comments(title, getattr(sheet, "_worksheet_path", None), archive)


def _cells(title: str, row: Iterable[Any]) -> Iterator[Cell]:
    for cell in row:
        if cell.value is None or cell.data_type == "e":  # empty, or #N/A and co.
            continue
        text = cell_text(cell.value)
        if text is not None:
            yield Cell(cell.column, text, f"sheet {title} cell {cell.coordinate}")


def _comments(title: str, sheet_path: str | None, archive: zipfile.ZipFile) -> Iterator[Item]:
    """The sheet's comments part(s), found the way openpyxl finds them in normal mode."""
    if sheet_path is None:  # an openpyxl without the attribute: say so, never skip silently
        yield Notice(f"sheet {title}: comments not read")
        return
    rels_path = get_rels_path(sheet_path)
    if rels_path not in archive.NameToInfo:
        return
    for rel in get_dependents(archive, rels_path).find(COMMENTS_NS):
        if rel.target not in archive.NameToInfo:
            continue
        comments = CommentSheet.from_tree(SafeET.fromstring(read_declared(archive, rel.target)))
        authors = list(comments.authors.author) if comments.authors else []
        for record in comments.commentList:
            where = f"sheet {title} cell {record.ref} 批注"
            text = record.content
            if text and text.strip():
                yield Segment(text, where, SegmentKind.METADATA)
            author = authors[record.authorId] if 0 <= record.authorId < len(authors) else ""
            # A threaded comment's legacy copy names its author by an opaque id (tc={…}).
            if author and author.strip() and not author.startswith("tc="):
                yield Segment(author, f"{where} 作者", SegmentKind.METADATA, context=("author",))


# --- shared by the sheet extractors (xlsx, xls, ods) ---------------------------------------


@dataclass(frozen=True, slots=True)
class Cell:
    """A non-empty cell of a table row, located; ``last_col`` > ``col`` for a cell
    repeated over several columns (OpenDocument)."""

    col: int
    text: str
    location: str
    last_col: int = 0

    @property
    def width(self) -> int:
        return max(self.last_col, self.col) - self.col + 1


class Headers:
    """Turns the rows of one table into segments, with each column's header as context.

    The header row is the first row with two or more labels, as in the CSV
    extractor: a title row above it (``2025年媒体邀请名单`` in a merged A1) has
    one, and is a ``HEADER`` without context like the header row itself. The
    cells below are ``TABLE_CELL``s whose context is the header of their column,
    so that the recognizers read ``13812345678`` under ``手机`` the way a person
    does. A table whose first rows all have one cell is a one-column table: its
    first row is the header. Rows with one cell are held back (a few, never more
    than ``LOOKAHEAD``) until it is known which it is. (Word and PowerPoint
    tables take row 1 whatever it holds: ``ooxml.RowOneHeader``.)
    """

    LOOKAHEAD = 5

    def __init__(self) -> None:
        self.labels: dict[int, str] | None = None
        self.held: list[list[Cell]] = []

    def row(self, cells: list[Cell]) -> list[Segment]:
        """The segments of a row (in reading order), and of rows held back before it."""
        if not cells:
            return []
        if self.labels is not None:
            return self._data(cells)
        if sum(cell.width for cell in cells) >= 2:
            titles, self.held = self.held, []
            return [*self._header(titles, []), *self._header([cells], cells)]
        self.held.append(cells)
        return self._one_column() if len(self.held) > self.LOOKAHEAD else []

    def end(self) -> list[Segment]:
        """The rows still held back when the table ends: a one-column table."""
        return self._one_column() if self.held else []

    def _one_column(self) -> list[Segment]:
        (first, *rest), self.held = self.held, []
        return [*self._header([first], first), *(s for r in rest for s in self._data(r))]

    def _header(self, rows: list[list[Cell]], header: list[Cell]) -> list[Segment]:
        if header:
            self.labels = {}
            for cell in header:
                # a cell repeated over several columns heads each of them
                for col in range(cell.col, min(cell.col + cell.width - 1, MAX_COLUMNS) + 1):
                    self.labels[col] = cell.text.strip()
        return [Segment(c.text, c.location, SegmentKind.HEADER) for r in rows for c in r]

    def _data(self, cells: list[Cell]) -> list[Segment]:
        labels = self.labels or {}
        return [
            Segment(
                c.text,
                c.location,
                SegmentKind.TABLE_CELL,
                context=(labels[c.col],) if labels.get(c.col) else (),
            )
            for c in cells
        ]


def cell_text(value: object) -> str | None:
    """A cell value as the user sees it in a General-formatted cell; None for no text."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return number_text(value)
    if isinstance(value, dt.datetime):
        return datetime_text(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.isoformat(timespec="seconds")
    if isinstance(value, str):
        return value if value.strip() else None
    return str(value)


def number_text(value: float) -> str | None:
    """Integer-valued floats in full (a phone, an ID stored as a number), others to 15
    significant digits like Excel's General format; NaN and infinities have no text."""
    if not math.isfinite(value):
        return None
    if value.is_integer():
        return str(int(value))
    return format(value, ".15g")


def datetime_text(value: dt.datetime) -> str:
    if value.time() == dt.time(0, 0):
        return value.date().isoformat()
    return value.isoformat(sep=" ", timespec="seconds")


def cell_ref(row: int, col: int) -> str:
    """``C7`` for row 7, column 3 (no upper bound, unlike openpyxl's helper)."""
    letters = ""
    while col > 0:
        col, rest = divmod(col - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return f"{letters}{row}"
