"""Excel 2007+ workbooks (.xlsx, .xlsm): every cell of every sheet, comments, names, properties.

Covered, because client information hides there as much as in the visible cells:

* every worksheet, hidden and very hidden ones included (a ``Notice`` says which
  were hidden, so the inventory shows where the finding is not on screen);
* cell values as the user sees them: a phone number typed into a cell is stored
  as the number ``13812345678`` (often as the float ``13812345678.0``) and must
  be written ``13812345678``, never ``1.38e10``; dates as ISO dates; the cached
  result of a formula, not the formula (``data_only``); booleans and error
  values (``#N/A``) carry no text and are skipped;
* the first non-empty row of a sheet is its header row (``HEADER`` segments);
  every other cell is a ``TABLE_CELL`` with its column's header as context, the
  way a person reads a contact list (the same idea as the CSV extractor);
* cell comments (``sheet 媒体名单 cell C7 批注``) and their author
  (``… 批注作者``), sheet names (``sheet 媒体名单 名称``) and the document
  properties (``属性 creator``, ``属性 lastModifiedBy``, ``属性 company`` …).

Memory: the file is already in memory (up to the 200 MB file limit) and a
workbook can unpack to many times that. openpyxl's normal mode builds an
object per cell (roughly 50 times the unpacked size), so the workbook is
opened ``read_only``: sheets are streamed row by row from the zip and only the
shared-strings table is held whole. ``read_only`` does not load comments, so
they are read here from each sheet's comments part, one sheet at a time.
Before anything is parsed, the zip's declared unpacked sizes are checked
against the configured limits (total size, compression ratio, member count):
a zip bomb dressed as a workbook is refused with ``limit exceeded``.

Not covered: number formats other than dates (a value formatted ``000-0000``
or as a percentage is written as its plain number), text in shapes, charts
and pivot caches, defined names, and the ``.xlsb`` binary format.

A password-protected workbook is not a zip but an OLE compound file holding an
``EncryptedPackage`` stream; it is reported as encrypted. Sheet protection is
not encryption and such sheets are read like any other.

The helpers for sheets (``Headers``, ``cell_text``, ``cell_ref``) and for zip
packages (``open_package``) are shared with the xls and OpenDocument extractors.
"""

from __future__ import annotations

import datetime as dt
import math
import zipfile
from collections.abc import Iterator
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as SafeET
import openpyxl
from defusedxml import DefusedXmlException
from openpyxl.comments.comment_sheet import CommentSheet
from openpyxl.packaging.relationship import get_dependents, get_rels_path
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.xml.constants import COMMENTS_NS

from scanner.extract import (
    CorruptError,
    EncryptedError,
    Item,
    LimitExceeded,
    Notice,
    Source,
)
from scanner.limits import MB, Limits
from scanner.models import Segment, SegmentKind

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# The stream name that only an encrypted OOXML package has, as it is stored in
# the compound file's directory (UTF-16LE).
_ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")
# Members smaller than this are not held to the compression-ratio limit: a tiny
# XML part of repeated tags compresses far beyond any sane ratio and is harmless.
_RATIO_FLOOR = 1 * MB
MAX_COLUMNS = 16_384  # Excel's and LibreOffice's widest sheet (XFD)
_MAX_PROPERTY_PART = 4 * MB  # docProps parts are a few KB; a bigger one is not read

# Core properties (docProps/core.xml) worth reading, by their element's local name.
_CORE_PROPERTIES = (
    "creator",
    "lastModifiedBy",
    "title",
    "subject",
    "description",
    "keywords",
    "category",
    "contentStatus",
)
# Extended properties (docProps/app.xml): who the file was made for, by whom.
_APP_PROPERTIES = {"Company": "company", "Manager": "manager"}


# --- the extractor ------------------------------------------------------------------------


def extract(source: Source) -> Iterator[Item]:
    archive = open_package(source, "Excel workbook")
    with archive:
        workbook = _load(source)
        try:
            for sheet in workbook.worksheets:
                yield from _sheet(sheet, archive)
        except (ParseError, DefusedXmlException, ValueError, IndexError, KeyError) as exc:
            raise CorruptError(f"not a valid Excel workbook: {exc}") from exc
        except (zipfile.BadZipFile, EOFError, OSError) as exc:  # truncated or bad CRC
            raise CorruptError(f"not a valid Excel workbook: {exc}") from exc
        finally:
            workbook.close()
        yield from package_properties(archive)


def _load(source: Source) -> openpyxl.Workbook:
    try:
        return openpyxl.load_workbook(
            source.stream(), read_only=True, data_only=True, keep_links=False
        )
    except (
        zipfile.BadZipFile,
        InvalidFileException,
        ParseError,
        DefusedXmlException,
        KeyError,
        ValueError,
        TypeError,
        OSError,
        EOFError,
    ) as exc:
        raise CorruptError(f"not a valid Excel workbook: {exc}") from exc


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
        for cell in row:
            if cell.value is None or cell.data_type == "e":  # empty, or #N/A and co.
                continue
            text = cell_text(cell.value)
            if text is None:
                continue
            kind, context = headers.classify(cell.row, cell.column, text)
            yield Segment(text, f"sheet {title} cell {cell.coordinate}", kind, context=context)
    yield from _comments(title, getattr(sheet, "_worksheet_path", None), archive)


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
        comments = CommentSheet.from_tree(SafeET.fromstring(archive.read(rel.target)))
        authors = list(comments.authors.author) if comments.authors else []
        for record in comments.commentList:
            where = f"sheet {title} cell {record.ref} 批注"
            text = record.content
            if text and text.strip():
                yield Segment(text, where, SegmentKind.METADATA)
            author = authors[record.authorId] if 0 <= record.authorId < len(authors) else ""
            # A threaded comment's legacy copy names its author by an opaque id (tc={…}).
            if author and author.strip() and not author.startswith("tc="):
                yield Segment(author, f"{where}作者", SegmentKind.METADATA)


# --- shared by the sheet extractors (xlsx, xls, ods) ---------------------------------------


class Headers:
    """The header row of one table: its first row with a non-empty cell.

    Cells must be classified in reading order (row by row). A cell of the header
    row is a ``HEADER``; any other cell is a ``TABLE_CELL`` whose context is the
    header of its column, so that the recognizers read ``13812345678`` under
    ``手机`` the way a person does.
    """

    def __init__(self) -> None:
        self.row: int | None = None
        self.labels: dict[int, str] = {}

    def classify(
        self, row: int, col: int, text: str, last_col: int | None = None
    ) -> tuple[SegmentKind, tuple[str, ...]]:
        if self.row is None:
            self.row = row
        if row == self.row:
            label = text.strip()
            # A cell repeated over several columns (OpenDocument) heads each of them.
            for c in range(col, min(last_col or col, MAX_COLUMNS) + 1):
                self.labels[c] = label
            return SegmentKind.HEADER, ()
        label = self.labels.get(col, "")
        return SegmentKind.TABLE_CELL, (label,) if label else ()


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
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
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


# --- shared by the zip-based office extractors (xlsx, odt, ods) -----------------------------


def open_package(source: Source, what: str) -> zipfile.ZipFile:
    """The file as a zip package, checked against the limits before anything unpacks.

    An OOXML file saved with a password is an OLE compound file holding the
    encrypted package: that is reported as encrypted, any other non-zip as corrupt.
    """
    data = source.data
    if data.startswith(OLE_MAGIC):
        if _ENCRYPTED_PACKAGE in data:
            raise EncryptedError()
        raise CorruptError(f"not a valid {what}: an OLE compound file, not a zip package")
    try:
        archive = zipfile.ZipFile(source.stream())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise CorruptError(f"not a valid {what}: {exc}") from exc
    try:
        check_expansion(archive, source.limits)
    except LimitExceeded:
        archive.close()
        raise
    return archive


def check_expansion(archive: zipfile.ZipFile, limits: Limits) -> None:
    """Refuse a package whose parts unpack beyond the configured limits (zip bombs).

    The sizes are the ones the zip declares; ``zipfile`` never returns more bytes
    than declared for a member, so the check bounds what the parsers can read.
    """
    infos = archive.infolist()
    if len(infos) > limits.max_members:
        raise LimitExceeded(f"{len(infos)} parts (limit {limits.max_members})")
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > _RATIO_FLOOR:
            ratio = info.file_size / max(info.compress_size, 1)
            if ratio > limits.max_ratio:
                raise LimitExceeded(
                    f"{info.filename} expands {ratio:.0f}-fold (limit {limits.max_ratio:g})"
                )
    if total > limits.max_archive_total_bytes:
        raise LimitExceeded(
            f"unpacks to {total / MB:.0f} MB (limit {limits.max_archive_total_mb:g} MB)"
        )


def package_properties(archive: zipfile.ZipFile) -> Iterator[Segment]:
    """OOXML document properties: core (author, last modified by, title …), company,
    manager, and custom properties, as ``属性 <name>`` segments."""
    core = _property_root(archive, "docProps/core.xml")
    if core is not None:
        found = {_local(e.tag): (e.text or "") for e in core}
        for name in _CORE_PROPERTIES:
            yield from _property(name, found.get(name, ""))
    app = _property_root(archive, "docProps/app.xml")
    if app is not None:
        for element in app:
            name = _APP_PROPERTIES.get(_local(element.tag))
            if name:
                yield from _property(name, element.text or "")
    custom = _property_root(archive, "docProps/custom.xml")
    if custom is not None:
        for element in custom:
            name = element.get("name", "")
            if name and len(element):
                yield from _property(name, element[0].text or "")


def _property(name: str, value: str) -> Iterator[Segment]:
    if value.strip():
        yield Segment(value, f"属性 {name}", SegmentKind.METADATA)


def _property_root(archive: zipfile.ZipFile, part: str) -> Element | None:
    info = archive.NameToInfo.get(part)
    if info is None or info.file_size > _MAX_PROPERTY_PART:
        return None
    try:
        return SafeET.fromstring(archive.read(info))
    except (ParseError, DefusedXmlException, zipfile.BadZipFile, EOFError, OSError, ValueError):
        return None  # broken properties do not make the sheets unreadable


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]
