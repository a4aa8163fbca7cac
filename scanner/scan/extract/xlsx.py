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
parsing dominates; its parser is driven directly so that the same pass leaves the
sheet's autoFilter and its formulas' literals). Before anything is parsed, the
zip's declared sizes are checked (``ooxml.open_package``): every part against the
compression-ratio limit, the parts held whole against the part-size limit and the
file's uncompressed budget; a zip bomb dressed as a workbook is refused with
``limit exceeded``. A lying ``<dimension ref="A1:XFD1048576"/>`` is never read:
only the cells present cost anything, and no row is padded.

Also read, because security testers found values there in "redacted" copies
(``hidden_places``), each part once and whole (within the part-size limit) unless
said otherwise:

* the literals of each cell formula with a string literal, joined as ``&`` joins
  them (``sheet 名单 cell C2 公式``): ``="138"&"1234"&"5678"`` shows a phone once
  Excel recalculates; read in the same streamed pass as the cells;
* autoFilter values (``筛选条件 sheet 名单``, ``筛选条件 table1``);
* worksheets the workbook does not list (``未列出的工作表 <part> cell A1``, streamed);
* defined names and their formulas' literals (``定义名称``, ``定义名称 <name> 公式``);
* table column names (``表格列名 table1``);
* pivot cache field names and shared items (``数据透视表缓存 <part> 字段 <name>``, the
  field name as context) and the values stored in its records, streamed, each
  distinct value once;
* external-link caches: sheet names, names, cell values
  (``外部链接缓存 externalLink1 sheet <name> cell B2``) and the linked path
  (``外部链接 externalLink1 路径``);
* chart titles and cached values (``图表 chart1 标题``, ``图表 chart1 缓存``);
* XML parts no relationship reaches (``孤立部件 <part>``, text and the attribute
  values that may hold a value) and the zip's comments (``压缩包注释``).

Not covered: number formats other than dates (a value formatted ``000-0000``
or as a percentage is written as its plain number), text in shapes and text
boxes, and the ``.xlsb`` binary format.

A password-protected workbook is not a zip but an OLE compound file holding an
``EncryptionInfo`` stream (libmagic calls it ``application/encrypted``); it is
reported as encrypted. Sheet and workbook protection are not encryption: such
sheets are read like any other.

The helpers for sheets (``Headers``, ``Cell``, ``cell_text``, ``number_text``,
``cell_ref``) are shared with the xls and OpenDocument extractors; those for
the package (its checks, its properties) with all the OOXML extractors
(``scanner.scan.extract.ooxml``).
"""

from __future__ import annotations

import datetime as dt
import math
import posixpath
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

import defusedxml.ElementTree as SafeET
import openpyxl
from lxml import etree
from openpyxl.comments.comment_sheet import CommentSheet
from openpyxl.packaging.relationship import get_dependents, get_rels_path
from openpyxl.reader.strings import read_string_table
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet._reader import FORMULA_TAG, WorkSheetParser
from openpyxl.xml.constants import COMMENTS_NS

from scanner.models import Segment, SegmentKind
from scanner.scan.extract import CorruptError, Item, Notice, Source
from scanner.scan.extract.archive import read_declared
from scanner.scan.extract.ooxml import (
    DAMAGED,
    PROPERTY_PARTS,
    archive_properties,
    drawing_text,
    image_metadata,
    open_package,
    small_part,
    zip_comments,
)
from scanner.scan.extract.pictures import package_pictures

MAX_COLUMNS = 16_384  # Excel's and LibreOffice's widest sheet (XFD)
_WORKSHEET = re.compile(r"(?:^|/)worksheets/[^/]+\.xml")
_INVALID = "not a valid Excel workbook"
# What a damaged package makes openpyxl raise: XML errors, truncated or corrupt zip
# members, and missing parts or shared strings.
_BROKEN = (*DAMAGED, ValueError, IndexError, KeyError)
Element = Any  # an lxml element


# --- the extractor ------------------------------------------------------------------------


def extract(source: Source) -> Iterator[Item]:
    with open_package(source, "Excel workbook", _is_worksheet) as archive:
        workbook = _load(source)
        try:
            stream = _SheetStream(workbook, archive)
            for sheet in workbook.worksheets:
                try:
                    yield from _sheet(sheet, stream, archive)
                except _BROKEN as exc:
                    raise CorruptError(f"{_INVALID}: sheet {sheet.title}: {exc}") from exc
            yield from hidden_places(archive, stream)
        finally:
            workbook.close()
        yield from archive_properties(archive)
    yield from package_pictures(source)  # OCR of xl/media/*


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


def _sheet(sheet: object, stream: _SheetStream, archive: zipfile.ZipFile) -> Iterator[Item]:
    title: str = sheet.title  # type: ignore[attr-defined]
    state = getattr(sheet, "sheet_state", "visible")
    yield Segment(title, f"sheet {title} 名称", SegmentKind.METADATA)
    if state in ("hidden", "veryHidden"):
        kind = "very hidden" if state == "veryHidden" else "hidden"
        yield Notice(f"sheet {title}: {kind} sheet (scanned)")
    path = getattr(sheet, "_worksheet_path", None)
    if path is None:  # an openpyxl without the attribute: say so, never skip silently
        yield Notice(f"sheet {title}: not read")
        return
    yield from stream.cells(path, f"sheet {title}")
    yield from _comments(f"sheet {title}", path, archive)


class _SheetStream:
    """Worksheets streamed row by row with openpyxl's own parser (as ``read_only`` does),
    which also leaves behind what follows the cells: the sheet's autoFilter.

    The parser is used directly rather than through ``iter_rows`` so that one pass
    yields the cells, the string literals of their formulas (``data_only`` drops the
    formula, but ``="138"&"1234"&"5678"`` shows a phone when Excel recalculates) and
    the filter values. The declared dimension of a sheet is never read (it is often
    wrong, or hostile: A1:XFD1048576): only the cells present cost anything.
    """

    def __init__(self, workbook: openpyxl.Workbook, archive: zipfile.ZipFile) -> None:
        self.workbook, self.archive = workbook, archive
        self.paths = {
            str(getattr(s, "_worksheet_path", "")).lstrip("/") for s in workbook.worksheets
        }
        self._strings: list[str] | None = None

    def strings(self) -> list[str]:
        """The shared strings openpyxl loaded (read again only for a workbook without a
        listed worksheet)."""
        if self._strings is None:
            loaded = [getattr(s, "_shared_strings", None) for s in self.workbook.worksheets]
            self._strings = next((s for s in loaded if s is not None), None)
            if self._strings is None:
                self._strings = _read_strings(self.archive)
        return self._strings

    def cells(self, path: str, where: str) -> Iterator[Item]:
        headers = Headers()
        with self.archive.open(path.lstrip("/")) as source:
            parser = _Parser(
                source,
                self.strings(),
                data_only=True,
                epoch=self.workbook.epoch,
                date_formats=self.workbook._date_formats,  # as openpyxl's read_only sheets do
                timedelta_formats=self.workbook._timedelta_formats,
            )
            for _row, row in parser.parse():
                yield from headers.row(list(_cells(where, row)))
                yield from _formula_literals(where, row)
            yield from headers.end()
            yield from _filters(getattr(parser, "auto_filter", None), where)


class _Parser(WorkSheetParser):
    """openpyxl's sheet parser, keeping the text of a formula with a string literal."""

    def parse_cell(self, element: Any) -> dict[str, Any]:
        cell = super().parse_cell(element)
        formula = element.findtext(FORMULA_TAG)
        if formula and '"' in formula:
            cell["formula"] = formula
        return cell


def _read_strings(archive: zipfile.ZipFile) -> list[str]:
    name = "xl/sharedStrings.xml"
    if name not in archive.NameToInfo:
        return []
    with archive.open(name) as source:
        return list(read_string_table(source))


def _cells(where: str, row: Iterable[dict[str, Any]]) -> Iterator[Cell]:
    for cell in row:
        if cell["value"] is None or cell["data_type"] == "e":  # empty, or #N/A and co.
            continue
        text = cell_text(cell["value"])
        if text is not None:
            column = cell["column"]
            yield Cell(column, text, f"{where} cell {cell_ref(cell['row'], column)}")


def _formula_literals(where: str, row: Iterable[dict[str, Any]]) -> Iterator[Segment]:
    """The literals of each formula with a string literal, joined as ``&`` joins them."""
    for cell in row:
        formula = cell.get("formula")
        if formula:
            text = _joined_literals(formula)
            if text.strip():
                ref = cell_ref(cell["row"], cell["column"])
                yield Segment(text, f"{where} cell {ref} 公式", SegmentKind.METADATA)


def _filters(auto_filter: Any, where: str) -> Iterator[Segment]:
    """The values an autoFilter selects (``filter``) or compares with (``customFilter``)."""
    if auto_filter is None:
        return
    for column in auto_filter.filterColumn or ():
        values = list(column.filters.filter) if column.filters is not None else []
        if column.customFilters is not None:
            values += [f.val for f in column.customFilters.customFilter]
        for value in values:
            if value and str(value).strip():
                yield Segment(str(value), f"筛选条件 {where}", SegmentKind.METADATA)


def _comments(where: str, sheet_path: str, archive: zipfile.ZipFile) -> Iterator[Item]:
    """The sheet's comments part(s), found the way openpyxl finds them in normal mode."""
    rels_path = get_rels_path(sheet_path)
    if rels_path not in archive.NameToInfo:
        return
    for rel in get_dependents(archive, rels_path).find(COMMENTS_NS):
        if rel.target not in archive.NameToInfo:
            continue
        comments = CommentSheet.from_tree(SafeET.fromstring(read_declared(archive, rel.target)))
        authors = list(comments.authors.author) if comments.authors else []
        for record in comments.commentList:
            located = f"{where} cell {record.ref} 批注"
            text = record.content
            if text and text.strip():
                yield Segment(text, located, SegmentKind.METADATA)
            author = authors[record.authorId] if 0 <= record.authorId < len(authors) else ""
            # A threaded comment's legacy copy names its author by an opaque id (tc={…}).
            if author and author.strip() and not author.startswith("tc="):
                yield Segment(
                    author, f"{located} 作者", SegmentKind.METADATA, context=("author",)
                )


# --- the places no sheet shows -------------------------------------------------------------

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
_C_NS = "http://schemas.openxmlformats.org/drawingml/2006/chart"
_R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
RT_OFFICE_DOCUMENT = f"{_R_NS}/officeDocument"
RT_PIVOT_RECORDS = f"{_R_NS}/pivotCacheRecords"
_SML = "application/vnd.openxmlformats-officedocument.spreadsheetml."
CT_WORKSHEET = _SML + "worksheet+xml"
CT_TABLE = _SML + "table+xml"
CT_PIVOT_CACHE = _SML + "pivotCacheDefinition+xml"
CT_PIVOT_RECORDS = _SML + "pivotCacheRecords+xml"
CT_EXTERNAL_LINK = _SML + "externalLink+xml"
CT_CHART = "application/vnd.openxmlformats-officedocument.drawingml.chart+xml"
# A formula's literals: a quoted sheet name is skipped (no group), a string literal and a
# number (not a cell or row reference, a function name or an external book's index) are
# what ``&`` would join into a value once Excel calculates.
FORMULA_LITERAL = re.compile(
    r"'(?:[^']|'')*'"
    r'|"(?P<string>(?:[^"]|"")*)"'
    r"|(?<![\w.$:\[\]!])(?P<number>\d+(?:\.\d+)?(?:[Ee][+-]?\d+)?)(?![\w.(!:\[])"
)
# Whether an attribute of a part no reader shows may hold a value: a CJK character, five
# digits in a row, an @ or a letter-digit run long enough for an identifier (the rest is
# structure: sizes, colours, ids). Text nodes are always read.
_MAY_HOLD = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]|\d{5}|@|[0-9A-Z]{15}")


def literal_spans(formula: str) -> list[tuple[int, int, str]]:
    """(start, end, text) of each string and number literal of ``formula`` in order: the
    token's span (quotes included) and its text (``""`` unescaped)."""
    spans = []
    for match in FORMULA_LITERAL.finditer(formula):
        if match.group("string") is not None:
            spans.append((match.start(), match.end(), match.group("string").replace('""', '"')))
        elif match.group("number") is not None:
            spans.append((match.start(), match.end(), match.group("number")))
    return spans


def _joined_literals(formula: str) -> str:
    """A formula's literals joined as ``&`` joins them, if it has a string literal ('' if
    not: ``=A1*2`` holds no text)."""
    spans = literal_spans(formula) if '"' in formula else []
    return "".join(text for _, _, text in spans)


@dataclass
class PackageMap:
    """The package's content types and relationships, and the parts they reach from the
    package root: read from the small ``[Content_Types].xml`` and ``.rels`` parts only."""

    types: dict[str, str]
    rels: dict[str, list[tuple[str, str, bool]]]  # source → (type, target, external)
    reachable: set[str]

    @classmethod
    def read(cls, archive: zipfile.ZipFile) -> PackageMap:
        names = [i.filename for i in archive.infolist() if not i.is_dir()]
        rels: dict[str, list[tuple[str, str, bool]]] = {}
        for name in names:
            if name.endswith(".rels"):
                rels[_rels_source(name)] = _relationships(archive, name)
        reachable: set[str] = set()
        queue = [""]
        while queue:
            for _type, target, external in rels.get(queue.pop(), []):
                if not external and target in archive.NameToInfo and target not in reachable:
                    reachable.add(target)
                    queue.append(target)
        return cls(_content_types(archive, names), rels, reachable)

    def parts(self, content_type: str) -> list[str]:
        """The reachable parts of ``content_type``, by name."""
        return sorted(n for n in self.reachable if self.types.get(n) == content_type)

    def related(self, source: str, reltype: str) -> list[str]:
        found = self.rels.get(source, [])
        return [t for kind, t, external in found if kind == reltype and not external]


def _content_types(archive: zipfile.ZipFile, names: list[str]) -> dict[str, str]:
    root = small_part(archive, "[Content_Types].xml")
    if root is None:
        return {}
    overrides = {
        e.get("PartName", "").lstrip("/"): e.get("ContentType", "")
        for e in root.iter(f"{{{_CT_NS}}}Override")
    }
    defaults = {
        e.get("Extension", "").lower(): e.get("ContentType", "")
        for e in root.iter(f"{{{_CT_NS}}}Default")
    }
    return {n: overrides.get(n) or defaults.get(n.rsplit(".", 1)[-1].lower(), "") for n in names}


def _relationships(archive: zipfile.ZipFile, name: str) -> list[tuple[str, str, bool]]:
    root = small_part(archive, name)
    if root is None:
        return []
    source = _rels_source(name)
    found = []
    for element in root.iter(f"{{{_PKG_REL}}}Relationship"):
        target = element.get("Target") or ""
        external = element.get("TargetMode") == "External"
        if not external:
            target = _resolve(source, target)
        found.append((element.get("Type") or "", target, external))
    return found


def _rels_source(rels: str) -> str:
    """The part whose relationships ``rels`` holds ('' for the package)."""
    folder = posixpath.dirname(posixpath.dirname(rels))
    return posixpath.join(folder, posixpath.basename(rels).removesuffix(".rels"))


def _resolve(source: str, target: str) -> str:
    target = unquote(target.split("#", 1)[0])
    if target.startswith("/"):
        return posixpath.normpath(target.lstrip("/"))
    return posixpath.normpath(posixpath.join(posixpath.dirname(source), target))


def _stem(part: str) -> str:
    return posixpath.splitext(posixpath.basename(part))[0]


def hidden_places(archive: zipfile.ZipFile, stream: _SheetStream) -> Iterator[Item]:
    """What no sheet shows: worksheets the workbook does not list, defined names, tables,
    pivot caches, external-link caches, charts, parts no relationship reaches and the
    zip's comments. Each part is read once and whole (they are held to the part-size
    limit), except pivot records and unlisted worksheets, which are streamed."""
    package = PackageMap.read(archive)
    yield from _unlisted_sheets(archive, package, stream)
    workbook = next(iter(package.related("", RT_OFFICE_DOCUMENT)), "xl/workbook.xml")
    yield from _part(archive, workbook, _defined_names)
    for part in package.parts(CT_TABLE):
        yield from _part(archive, part, _table)
    fields: dict[str, list[str]] = {}
    for part in package.parts(CT_PIVOT_CACHE):
        yield from _part(archive, part, lambda root, name: _pivot_cache(root, name, fields))
        for records in package.related(part, RT_PIVOT_RECORDS):
            fields[records] = fields.get(part, [])
    for part in package.parts(CT_PIVOT_RECORDS):
        yield from _pivot_records(archive, part, fields.get(part, []))
    for part in package.parts(CT_EXTERNAL_LINK):
        yield from _part(archive, part, _external_link)
        for _type, target, external in package.rels.get(part, []):
            if external and target.strip():
                yield Segment(target, f"外部链接 {_stem(part)} 路径", SegmentKind.METADATA)
    for part in package.parts(CT_CHART):
        yield from _part(archive, part, _chart)
    yield from _orphans(archive, package)
    yield from _images(archive)
    yield from zip_comments(archive)


IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".jpe")


def _part(
    archive: zipfile.ZipFile, name: str, read: Callable[[Element, str], Iterator[Item]]
) -> Iterator[Item]:
    """``read`` over part ``name`` parsed safely; a part that is absent, over the size of a
    small part or malformed is a notice, never the end of the scan."""
    if name not in archive.NameToInfo:
        return
    root = _parse(archive, name)
    if root is None:
        yield Notice(f"{name}: malformed part, not scanned")
        return
    yield from read(root, name)


def _parse(archive: zipfile.ZipFile, name: str) -> Element | None:
    """A part parsed whole with lxml (its size was held to the limits when the package
    was opened): no entity resolved, no DTD, nothing fetched; None if it is unusable."""
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    try:
        root = etree.fromstring(read_declared(archive, name), parser)
    except (*DAMAGED, etree.LxmlError, ValueError):
        return None
    return None if root.getroottree().docinfo.doctype else root


def _m(tag: str) -> str:
    return f"{{{_MAIN}}}{tag}"


def _unlisted_sheets(
    archive: zipfile.ZipFile, package: PackageMap, stream: _SheetStream
) -> Iterator[Item]:
    """Worksheet parts the workbook does not list (no tab shows them), listed or not in
    the relationships: streamed like the listed ones."""
    names = (i.filename for i in archive.infolist() if not i.is_dir())
    for part in sorted(n for n in names if _is_unlisted_sheet(n, package, stream)):
        where = f"未列出的工作表 {part}"
        yield Notice(f"{part}: worksheet not listed in the workbook (scanned)")
        try:
            yield from stream.cells(part, where)
            yield from _comments(where, part, archive)
        except _BROKEN:
            yield Notice(f"{part}: malformed worksheet, not scanned")


def _is_unlisted_sheet(name: str, package: PackageMap, stream: _SheetStream) -> bool:
    sheet = package.types.get(name) == CT_WORKSHEET or _is_worksheet(name)
    return sheet and name.endswith(".xml") and name not in stream.paths


def _defined_names(root: Element, part: str) -> Iterator[Segment]:
    """Defined names (``客户_13812345678``) and the literals of what they refer to;
    Excel's own (``_xlnm.Print_Area``) are no one's text."""
    for element in root.iter(_m("definedName")):
        name = element.get("name") or ""
        if name.strip() and not name.startswith("_xlnm."):
            yield Segment(name, "定义名称", SegmentKind.METADATA)
        text = _joined_literals(element.text or "")
        if text.strip():
            yield Segment(text, f"定义名称 {name} 公式", SegmentKind.METADATA)


def _table(root: Element, part: str) -> Iterator[Segment]:
    """A table's column names (its header cells' text, kept apart from the sheet), the
    literals of its column formulas, and its filter values."""
    stem = _stem(part)
    for column in root.iter(_m("tableColumn")):
        name = column.get("name") or ""
        if name.strip():
            yield Segment(name, f"表格列名 {stem}", SegmentKind.HEADER)
        for tag in ("calculatedColumnFormula", "totalsRowFormula"):
            text = _joined_literals(column.findtext(_m(tag)) or "")
            if text.strip():
                yield Segment(text, f"表格 {stem} 公式", SegmentKind.METADATA)
    for element in root.iter(_m("filter"), _m("customFilter")):
        value = element.get("val") or ""
        if value.strip():
            yield Segment(value, f"筛选条件 {stem}", SegmentKind.METADATA)


def _pivot_cache(root: Element, part: str, fields: dict[str, list[str]]) -> Iterator[Segment]:
    """A pivot cache's field names and shared items (a copy of the source column's
    distinct values, kept when the source is gone), each field's items with its name
    as context, as a column's cells are read under their header."""
    stem = _stem(part)
    names = []
    for field in root.iter(_m("cacheField")):
        name = field.get("name") or ""
        names.append(name)
        if name.strip():
            yield Segment(name, f"数据透视表缓存 {stem} 字段名", SegmentKind.HEADER)
        context = (name.strip(),) if name.strip() else ()
        for item in field.iter(_m("s"), _m("n")):
            text = _item_text(item)
            if text:
                location = f"数据透视表缓存 {stem} 字段 {name}"
                yield Segment(text, location, SegmentKind.TABLE_CELL, context=context)
    fields[part] = names


def _item_text(item: Element) -> str | None:
    """A cache item's value as a cell shows it (``<n v="13812345678"/>`` in full)."""
    value = item.get("v")
    if value is None or not value.strip():
        return None
    if item.tag == _m("n"):
        try:
            return number_text(float(value))
        except ValueError:
            return value
    return value


def _pivot_records(archive: zipfile.ZipFile, part: str, names: list[str]) -> Iterator[Item]:
    """The values stored in the records themselves (fields without shared items), each
    distinct value once per field, streamed record by record."""
    stem = _stem(part)
    seen: dict[tuple[int, str], None] = {}
    try:
        with archive.open(part) as source:
            for _, record in etree.iterparse(
                source, tag=_m("r"), resolve_entities=False, no_network=True, load_dtd=False
            ):
                for index, item in enumerate(record):
                    if item.tag in (_m("s"), _m("n")):
                        text = _item_text(item)
                        if text:
                            seen.setdefault((index, text), None)
                record.clear()
    except (*DAMAGED, etree.LxmlError):
        yield Notice(f"{part}: malformed pivot cache records, not scanned")
    for index, text in seen:
        name = names[index] if index < len(names) else str(index + 1)
        context = (name.strip(),) if name.strip() else ()
        location = f"数据透视表缓存 {stem} 字段 {name}"
        yield Segment(text, location, SegmentKind.TABLE_CELL, context=context)


def _external_link(root: Element, part: str) -> Iterator[Segment]:
    """Another workbook's sheet names, names and cell values, cached in this one."""
    stem = _stem(part)
    sheets = [e.get("val") or "" for e in root.iter(_m("sheetName"))]
    for name in sheets:
        if name.strip():
            yield Segment(name, f"外部链接缓存 {stem} 工作表名", SegmentKind.METADATA)
    for element in root.iter(_m("definedName")):
        name = element.get("name") or ""
        if name.strip():
            yield Segment(name, f"外部链接缓存 {stem} 定义名称", SegmentKind.METADATA)
    for data in root.iter(_m("sheetData")):
        index = _number_or(data.get("sheetId"), -1)
        title = sheets[index] if 0 <= index < len(sheets) else str(index)
        for cell in data.iter(_m("cell")):
            text = _external_value(cell)
            if text:
                where = f"外部链接缓存 {stem} sheet {title} cell {cell.get('r', '')}"
                yield Segment(text, where, SegmentKind.TABLE_CELL)


def _external_value(cell: Element) -> str | None:
    value = cell.findtext(_m("v"))
    if value is None or not value.strip():
        return None
    if cell.get("t", "n") == "n":
        try:
            return number_text(float(value))
        except ValueError:
            return value
    return value


def _number_or(raw: str | None, default: int) -> int:
    try:
        return int(raw) if raw is not None else default
    except ValueError:
        return default


def _chart(root: Element, part: str) -> Iterator[Segment]:
    """A chart's titles (chart and axes) and the values cached from its source cells
    (series names, categories, numbers), each distinct value once."""
    stem = _stem(part)
    for title in root.iter(f"{{{_C_NS}}}title"):
        text = drawing_text(title)
        if text.strip():
            yield Segment(text, f"图表 {stem} 标题", SegmentKind.METADATA)
    values = dict.fromkeys(
        _chart_value(v.text or "") for v in root.iter(f"{{{_C_NS}}}v") if (v.text or "").strip()
    )
    for value in values:
        yield Segment(value, f"图表 {stem} 缓存", SegmentKind.TABLE_CELL)


def _chart_value(text: str) -> str:
    """A cached number as a cell shows it (``1.3812345678E10`` is a phone)."""
    try:
        return number_text(float(text)) or text
    except ValueError:
        return text


def _orphans(archive: zipfile.ZipFile, package: PackageMap) -> Iterator[Item]:
    """XML parts no relationship reaches: no reader shows them, a hex editor does.
    Their text and the attribute values that may hold a value, each once."""
    skip = {"[Content_Types].xml", *(p.name for p in PROPERTY_PARTS)}
    for info in archive.infolist():
        name = info.filename
        if info.is_dir() or name in package.reachable or name in skip or name.endswith(".rels"):
            continue
        if not name.lower().endswith((".xml", ".vml")) or package.types.get(name) == CT_WORKSHEET:
            continue
        if _is_worksheet(name):  # read as an unlisted worksheet
            continue
        texts = _orphan_texts(archive, name)
        if texts is None:
            yield Notice(f"{name}: malformed part, not scanned")
            continue
        yield Notice(f"{name}: part no relationship reaches (scanned)")
        for text in texts:
            yield Segment(text, f"孤立部件 {name}", SegmentKind.METADATA)


def _orphan_texts(archive: zipfile.ZipFile, name: str) -> list[str] | None:
    """The distinct texts of a part, streamed; None if it is not well-formed XML."""
    found: dict[str, None] = {}
    try:
        with archive.open(name) as source:
            for _, element in etree.iterparse(
                source, resolve_entities=False, no_network=True, load_dtd=False
            ):
                for value in (element.text, element.tail):
                    if value and value.strip():
                        found.setdefault(value.strip(), None)
                for value in element.attrib.values():
                    if _MAY_HOLD.search(value):
                        found.setdefault(value.strip(), None)
                element.clear(keep_tail=True)
    except (*DAMAGED, etree.LxmlError):
        return None
    return list(found)


def _images(archive: zipfile.ZipFile) -> Iterator[Item]:
    """The text pictures carry besides their pixels (PNG text chunks, EXIF, XMP): a
    redacted copy strips it, so the scan reports it. Sizes were held to the limits
    when the package was opened."""
    for info in archive.infolist():
        if info.filename.lower().endswith(IMAGE_SUFFIXES):
            try:
                data = read_declared(archive, info)
            except DAMAGED:
                yield Notice(f"{info.filename}: unreadable picture, not scanned")
                continue
            yield from image_metadata(info.filename, data)


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
