"""Legacy Excel 97-2003 workbooks (.xls, BIFF): every cell of every sheet, via xlrd.

Covered, with the same locations and header rule as the xlsx extractor
(``sheet 媒体名单 cell C7``; the first row with two or more cells is the
header row and gives each cell of its column its context):

* every sheet, hidden and very hidden ones included (xlrd reads them all; a
  ``Notice`` says which were hidden);
* cell values as the user sees them: xlrd returns every number as a float, so
  an integer-valued float is written in full (``13812345678``, not
  ``1.3812345678e10``); date cells (xlrd tells them by their format) as ISO
  dates; booleans, error values and blanks are skipped;
* cell comments (notes) with their author, sheet names, and the name of the
  user who last saved the workbook (``属性 last_modified_by``).

Memory: xlrd keeps a loaded sheet's cells in memory; the workbook is opened
``on_demand`` and each sheet is released once it has been read, so only one
sheet is held at a time (a BIFF8 sheet has at most 65,536 rows by 256 columns).

Not covered: the OLE summary properties (author, title, company; xlrd does not
read them), text in shapes and charts, number formats other than dates, BIFF
versions xlrd rejects (Excel 2.x-4.x charts, .xlsb). A workbook saved with a
password is reported as encrypted (xlrd sees its FILEPASS record); any other
file xlrd cannot read is reported as corrupt.
"""

from __future__ import annotations

import io
import struct
from collections.abc import Iterator

import xlrd
from xlrd.biffh import XLRDError
from xlrd.compdoc import CompDocError
from xlrd.sheet import Sheet
from xlrd.xldate import XLDateError, xldate_as_tuple

from scanner.models import Segment, SegmentKind
from scanner.scan.extract import CorruptError, EncryptedError, Item, Notice, Source
from scanner.scan.extract.ooxml import property_segment
from scanner.scan.extract.xlsx import Cell, Headers, cell_ref, number_text

_WHAT = "Excel 97-2003 workbook"
# What xlrd raises, besides its own errors, on a damaged file: it unpacks records
# with struct and asserts on their layout.
_BROKEN = (
    XLRDError,
    CompDocError,
    struct.error,
    AssertionError,
    IndexError,
    KeyError,
    ValueError,
    UnicodeDecodeError,
    EOFError,
)
_HIDDEN = {1: "hidden", 2: "very hidden"}


def extract(source: Source) -> Iterator[Item]:
    book = _open(source.data)
    try:
        for index in range(book.nsheets):
            try:
                sheet = book.sheet_by_index(index)
            except _BROKEN as exc:
                raise CorruptError(f"not a valid {_WHAT}: sheet {index + 1}: {exc}") from exc
            yield from _sheet(sheet, book.datemode)
            book.unload_sheet(index)
        yield from property_segment("last_modified_by", book.user_name)
    finally:
        book.release_resources()


def _open(data: bytes) -> xlrd.Book:
    try:
        return xlrd.open_workbook(
            file_contents=data,
            on_demand=True,
            # xlrd writes its warnings to stdout by default, where the JSONL goes.
            logfile=io.StringIO(),
            # Files written by other tools often fail xlrd's strict check of the OLE
            # sector chain although Excel opens them; damage still raises later.
            ignore_workbook_corruption=True,
        )
    except XLRDError as exc:
        if "encrypted" in str(exc).lower():
            raise EncryptedError(f"password-protected {_WHAT}") from exc
        raise CorruptError(f"not a valid {_WHAT}: {exc}") from exc
    except _BROKEN as exc:
        raise CorruptError(f"not a valid {_WHAT}: {exc}") from exc


def _sheet(sheet: Sheet, datemode: int) -> Iterator[Item]:
    title = sheet.name
    yield Segment(title, f"sheet {title} 名称", SegmentKind.METADATA)
    if sheet.visibility in _HIDDEN:
        yield Notice(f"sheet {title}: {_HIDDEN[sheet.visibility]} sheet (scanned)")
    headers = Headers()
    for r in range(sheet.nrows):
        yield from headers.row(list(_cells(title, sheet, r, datemode)))
    yield from headers.end()
    yield from _notes(title, sheet)


def _cells(title: str, sheet: Sheet, r: int, datemode: int) -> Iterator[Cell]:
    types, values = sheet.row_types(r), sheet.row_values(r)
    for c, (kind, value) in enumerate(zip(types, values, strict=True)):
        text = _cell_text(kind, value, datemode)
        if text is not None:
            yield Cell(c + 1, text, f"sheet {title} cell {cell_ref(r + 1, c + 1)}")


def _cell_text(kind: int, value: object, datemode: int) -> str | None:
    if kind == xlrd.XL_CELL_TEXT:
        return value if isinstance(value, str) and value.strip() else None
    if kind == xlrd.XL_CELL_NUMBER:
        return number_text(float(value))  # type: ignore[arg-type]
    if kind == xlrd.XL_CELL_DATE:
        return _date_text(float(value), datemode)  # type: ignore[arg-type]
    return None  # empty, blank, boolean, error


def _date_text(value: float, datemode: int) -> str | None:
    """An Excel serial date as an ISO date (and time, if it has one)."""
    try:
        year, month, day, hour, minute, second = xldate_as_tuple(value, datemode)
    except XLDateError:  # out of range for a date: show the number, as Excel would
        return number_text(value)
    time = f"{hour:02d}:{minute:02d}:{second:02d}"
    if (year, month, day) == (0, 0, 0):  # a time of day only
        return time
    date = f"{year:04d}-{month:02d}-{day:02d}"
    return date if (hour, minute, second) == (0, 0, 0) else f"{date} {time}"


def _notes(title: str, sheet: Sheet) -> Iterator[Segment]:
    for (r, c), note in sorted(sheet.cell_note_map.items()):
        where = f"sheet {title} cell {cell_ref(r + 1, c + 1)} 批注"
        if note.text and note.text.strip():
            yield Segment(note.text, where, SegmentKind.METADATA)
        if note.author and note.author.strip():
            yield Segment(note.author, f"{where} 作者", SegmentKind.METADATA, context=("author",))
