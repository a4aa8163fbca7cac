"""OpenDocument text (.odt) and spreadsheets (.ods): the XML parts of the zip, streamed.

Covered:

* ODT: paragraphs and headings (``段落 N``, counting every paragraph of the body,
  text boxes and footnotes included), table cells (``表格 T 行 R 列 C``, the
  header row heading its columns as context, chosen as in the xlsx and CSV
  extractors: the first row with two or more cells), comments
  (``批注 N`` and ``批注 N 作者``), tracked deletions (``修订 N``, text that is
  no longer visible but still in the file), headers and footers (``页眉``,
  ``页脚``, from styles.xml);
* ODS: every sheet, hidden ones included (with a ``Notice``), as
  ``sheet 媒体名单 cell C7`` with the xlsx rules: numbers as the user sees them
  (``13812345678``, from ``office:value``, never the scientific form),
  dates as ISO dates, booleans skipped, header row and column context; cell
  comments (``sheet 媒体名单 cell C7 批注``, ``… 批注 作者``); sheet names;
  text boxes on a sheet (``sheet 媒体名单 图形``); headers and footers;
* both: the properties in meta.xml, named as the OOXML extractors name their
  counterparts (``属性 author`` for meta:initial-creator,
  ``属性 last_modified_by`` for dc:creator, ``属性 title``, ``属性 keywords`` …),
  user-defined ones by their own name.

Why streamed: content.xml of a big spreadsheet unpacks to hundreds of MB, and
a spreadsheet application writes the unused rest of every row and sheet as one
cell or row repeated thousands to a million times
(``table:number-columns-repeated``, ``table:number-rows-repeated``). The parts
are read with ``iterparse`` and every element is dropped once read, so memory
stays bounded by one paragraph or one row (measured: 300,000 cells, 34 MB of
XML, in 3 s with no growth of the process); repeated cells only move the row
and column counters: an empty run costs nothing, and a non-empty cell repeated
over a block is reported once, located by its range (``sheet 名单 cell B2:D2``).

Safety: all XML goes through defusedxml (no DTD, no entity expansion); the
zip's declared sizes are checked against the limits first (see
``ooxml.open_package``). A package whose manifest lists encryption data
(a password-protected document) is reported as encrypted.

Not covered: flat XML OpenDocument (.fodt, .fods), drawings and presentations
(.odg, .odp), embedded objects (charts, nested documents), text in form controls.
"""

from __future__ import annotations

import re
import zipfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from xml.etree.ElementTree import Element

import defusedxml.ElementTree as SafeET

from scanner.models import Segment, SegmentKind
from scanner.scan.extract import CorruptError, EncryptedError, Item, Notice, Source
from scanner.scan.extract.ooxml import DAMAGED, open_package, property_segment, small_part
from scanner.scan.extract.pictures import package_pictures
from scanner.scan.extract.xlsx import Cell, Headers, cell_ref, number_text

_NS = {
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "style": "urn:oasis:names:tc:opendocument:xmlns:style:1.0",
    "meta": "urn:oasis:names:tc:opendocument:xmlns:meta:1.0",
    "dc": "http://purl.org/dc/elements/1.1/",
    "manifest": "urn:oasis:names:tc:opendocument:xmlns:manifest:1.0",
}


def _q(prefix: str, name: str) -> str:
    return f"{{{_NS[prefix]}}}{name}"


_PARAGRAPHS = {_q("text", "p"), _q("text", "h")}
_TABLE = _q("table", "table")
_ROW = _q("table", "table-row")
_CELLS = {_q("table", "table-cell"), _q("table", "covered-table-cell")}
_ANNOTATION = _q("office", "annotation")
_CHANGED_REGION = _q("text", "changed-region")
_NOTE_CITATION = _q("text", "note-citation")
_DC_CREATOR = _q("dc", "creator")
_TABLE_PROPERTIES = _q("style", "table-properties")
_PAGE_PARTS = {
    **{_q("style", n): "页眉" for n in ("header", "header-left", "header-first")},
    **{_q("style", n): "页脚" for n in ("footer", "footer-left", "footer-first")},
}
# Elements whose text is taken by their own segment: once read, they are emptied
# so that the paragraph around them (a comment sits inside a paragraph) does not
# repeat their text.
_CONSUMED = {*_PARAGRAPHS, *_CELLS, _ANNOTATION, _CHANGED_REGION, _NOTE_CITATION, *_PAGE_PARTS}
_SPACE, _TAB, _BREAK = _q("text", "s"), _q("text", "tab"), _q("text", "line-break")

_REPEATED_ROWS = _q("table", "number-rows-repeated")
_REPEATED_COLS = _q("table", "number-columns-repeated")
_VALUE_TYPE = _q("office", "value-type")
_VALUE = _q("office", "value")
_DATE_VALUE = _q("office", "date-value")
_TABLE_NAME = _q("table", "name")
_TABLE_STYLE = _q("table", "style-name")
_STYLE_NAME = _q("style", "name")
_DISPLAY = _q("table", "display")
_SPACE_COUNT = _q("text", "c")
_MAX_SPACES = 100  # <text:s text:c="…"/> is layout; a hostile count must not allocate GBs
_STREAMED = frozenset({"content.xml", "styles.xml"})  # never held whole

# meta.xml properties worth reading, with the name shown after 属性: the names
# the Word extractor gives their OOXML counterparts (in ODF, meta:initial-creator
# made the document and dc:creator last saved it).
_META_PROPERTIES = {
    _q("meta", "initial-creator"): "author",
    _q("dc", "creator"): "last_modified_by",
    _q("dc", "title"): "title",
    _q("dc", "subject"): "subject",
    _q("meta", "keyword"): "keywords",
    _q("dc", "description"): "comments",
    _q("meta", "printed-by"): "printed_by",
}
_USER_DEFINED = _q("meta", "user-defined")
_META_NAME = _q("meta", "name")
_ENCRYPTION_DATA = _q("manifest", "encryption-data")
_INTEGER = re.compile(r"[+-]?\d+")


def extract_odt(source: Source) -> Iterator[Item]:
    yield from _extract(source, spreadsheet=False)


def extract_ods(source: Source) -> Iterator[Item]:
    yield from _extract(source, spreadsheet=True)


def _extract(source: Source, spreadsheet: bool) -> Iterator[Item]:
    what = "OpenDocument spreadsheet" if spreadsheet else "OpenDocument text"
    with open_package(source, what, _STREAMED.__contains__) as archive:
        _refuse_encrypted(archive, what)
        if "content.xml" not in archive.NameToInfo:
            raise CorruptError(f"not a valid {what}: no content.xml")
        yield from _walk(archive, "content.xml", _Walker(spreadsheet, body=True), what)
        if "styles.xml" in archive.NameToInfo:  # headers and footers live there
            yield from _walk(archive, "styles.xml", _Walker(spreadsheet, body=False), what)
        yield from _properties(archive)
    yield from package_pictures(source)  # OCR of Pictures/*


def _refuse_encrypted(archive: zipfile.ZipFile, what: str) -> None:
    root = small_part(archive, "META-INF/manifest.xml", forbid_dtd=True)
    if root is not None and any(e.tag == _ENCRYPTION_DATA for e in root.iter()):
        raise EncryptedError(f"password-protected {what}")


def _walk(archive: zipfile.ZipFile, part: str, walker: _Walker, what: str) -> Iterator[Item]:
    try:
        with archive.open(part) as stream:
            events = SafeET.iterparse(stream, events=("start", "end"), forbid_dtd=True)
            for event, element in events:
                if event == "start":
                    walker.start(element)
                else:
                    walker.end(element)
                if walker.items:
                    yield from walker.items
                    walker.items.clear()
    except DAMAGED as exc:  # malformed XML, or a truncated member or a bad CRC
        raise CorruptError(f"not a valid {what}: {part}: {exc}") from exc


@dataclass
class _Scope:
    """Where the paragraphs being read belong: the body, a cell, a comment, …"""

    kind: str  # body | ignore | cell | annotation | change | 页眉 | 页脚
    parts: list[str] = field(default_factory=list)
    author: str = ""

    def text(self) -> str:
        return "\n".join(p for p in self.parts if p.strip())


@dataclass
class _Table:
    number: int
    name: str
    headers: Headers = field(default_factory=Headers)
    cells: list[Cell] = field(default_factory=list)  # the current row's non-empty cells
    row: int = 1  # first row of the current table:table-row element
    rows: int = 1  # how many rows it stands for (number-rows-repeated)
    next_row: int = 1
    col: int = 1
    cols: int = 1
    next_col: int = 1


class _Walker:
    """Turns the start/end events of one XML part into segments, in document order.

    Every element is dropped once its end has been handled (outside paragraphs,
    where the paragraph still needs its children), so the tree never grows.
    The handlers put what they find in ``items`` (a list, not nested generators:
    this runs for every element of a sheet of millions of cells).
    """

    def __init__(self, spreadsheet: bool, body: bool) -> None:
        self.spreadsheet = spreadsheet
        self.body = body
        self.open: list[Element] = []
        self.scopes = [_Scope("body" if body else "ignore")]
        self.tables: list[_Table] = []
        self.para_depth = 0
        self.numbers: list[int | None] = []  # the number of each open paragraph
        self.counts: Counter[str] = Counter()
        self.hidden_styles: set[str] = set()
        self.items: list[Item] = []

    # --- events -------------------------------------------------------------------------

    def start(self, element: Element) -> None:
        self.open.append(element)
        tag = element.tag
        if tag in _PARAGRAPHS:
            self.para_depth += 1
            self._number_paragraph()
        elif tag == _TABLE and self.body:  # a table in a page header is just its text
            self._table_start(element)
        elif tag == _ROW and self.tables:
            table = self.tables[-1]
            table.row, table.rows = table.next_row, _repeat(element, _REPEATED_ROWS)
            table.next_col = 1
        elif tag in _CELLS and self.tables:
            table = self.tables[-1]
            table.col, table.cols = table.next_col, _repeat(element, _REPEATED_COLS)
            self.scopes.append(_Scope("cell"))
        elif tag == _ANNOTATION:
            self.scopes.append(_Scope("annotation"))
        elif tag == _CHANGED_REGION:
            self.scopes.append(_Scope("change"))
        elif tag in _PAGE_PARTS:
            self.scopes.append(_Scope(_PAGE_PARTS[tag]))

    def end(self, element: Element) -> None:
        self.open.pop()
        tag = element.tag
        if tag in _PARAGRAPHS:
            self.para_depth -= 1
            self._paragraph(element)
        elif tag in _CELLS and self.tables:
            self._cell(element, self.scopes.pop())
            self.tables[-1].next_col += self.tables[-1].cols
        elif tag == _ROW and self.tables:
            table = self.tables[-1]
            self.items.extend(table.headers.row(table.cells))
            table.cells = []
            table.next_row += table.rows
        elif tag == _TABLE and self.tables:
            self.items.extend(self.tables.pop().headers.end())
        elif tag == _ANNOTATION:
            self._annotation(self.scopes.pop())
        elif tag == _DC_CREATOR and self.scopes[-1].kind == "annotation":
            self.scopes[-1].author = element.text or ""
        elif tag == _CHANGED_REGION:
            self._change(self.scopes.pop())
        elif tag in _PAGE_PARTS:
            scope = self.scopes.pop()
            if scope.text():
                self.items.append(Segment(scope.text(), scope.kind))
        elif tag == _NOTE_CITATION:
            element.text = None  # the footnote's number would glue onto the text before it
        elif tag == _TABLE_PROPERTIES and element.get(_DISPLAY) == "false" and self.open:
            self.hidden_styles.add(self.open[-1].get(_STYLE_NAME, ""))
        self._drop(element)

    def _drop(self, element: Element) -> None:
        if self.para_depth == 0:
            element.clear()
            if self.open:
                self.open[-1].remove(element)
        elif element.tag in _CONSUMED:
            tail = element.tail  # the text after it still belongs to the paragraph
            element.clear()
            element.tail = tail

    # --- segments -----------------------------------------------------------------------

    def _table_start(self, element: Element) -> None:
        self.counts["表格"] += 1
        name = element.get(_TABLE_NAME, "")
        self.tables.append(_Table(self.counts["表格"], name))
        if self.spreadsheet and self.body:
            if name.strip():
                self.items.append(Segment(name, f"sheet {name} 名称", SegmentKind.METADATA))
            if element.get(_TABLE_STYLE) in self.hidden_styles:
                self.items.append(Notice(f"sheet {name}: hidden sheet (scanned)"))

    def _number_paragraph(self) -> None:
        """Body paragraphs are numbered in reading order, at their start: a footnote
        or a text box inside paragraph 2 is paragraph 3, although it ends first."""
        number = None
        if self.scopes[-1].kind == "body" and not self.spreadsheet:
            self.counts["段落"] += 1
            number = self.counts["段落"]
        self.numbers.append(number)

    def _paragraph(self, element: Element) -> None:
        text = inline_text(element)
        number = self.numbers.pop()
        scope = self.scopes[-1]
        if scope.kind == "body":
            if not text.strip():
                return
            if number is not None:
                self.items.append(Segment(text, f"段落 {number}"))
            else:  # a text box on a sheet
                where = f"sheet {self.tables[-1].name} 图形" if self.tables else "图形"
                self.items.append(Segment(text, where))
        elif scope.kind != "ignore":
            scope.parts.append(text)

    def _cell(self, element: Element, scope: _Scope) -> None:
        text = _cell_text(element, scope)
        if text is None:
            return
        table = self.tables[-1]
        last_row, last_col = table.row + table.rows - 1, table.col + table.cols - 1
        if self.spreadsheet:
            location = f"sheet {table.name} cell {cell_ref(table.row, table.col)}"
            if (last_row, last_col) != (table.row, table.col):
                location += f":{cell_ref(last_row, last_col)}"
        else:
            location = f"表格 {table.number} 行 {table.row} 列 {table.col}"
        table.cells.append(Cell(table.col, text, location, last_col))

    def _annotation(self, scope: _Scope) -> None:
        if self.spreadsheet and self.tables and self.scopes[-1].kind == "cell":
            table = self.tables[-1]
            where = f"sheet {table.name} cell {cell_ref(table.row, table.col)} 批注"
        else:
            self.counts["批注"] += 1
            where = f"批注 {self.counts['批注']}"
        if scope.text():
            self.items.append(Segment(scope.text(), where, SegmentKind.METADATA))
        if scope.author.strip():
            author = Segment(
                scope.author, f"{where} 作者", SegmentKind.METADATA, context=("author",)
            )
            self.items.append(author)

    def _change(self, scope: _Scope) -> None:
        self.counts["修订"] += 1
        if scope.text():
            self.items.append(Segment(scope.text(), f"修订 {self.counts['修订']}"))


def inline_text(element: Element) -> str:
    """A paragraph's text, spans and links included, ``<text:s/>`` as spaces.

    Iterative (an explicit stack) so that deeply nested spans cannot exhaust
    Python's recursion limit.
    """
    parts: list[str] = []
    todo: list[Element | str] = [element]
    while todo:
        item = todo.pop()
        if isinstance(item, str):
            parts.append(item)
            continue
        if item is not element and item.tag in (_SPACE, _TAB, _BREAK):
            parts.append(_layout_char(item))
            continue
        if item.text:
            parts.append(item.text)
        for child in reversed(item):
            if child.tail:
                todo.append(child.tail)
            todo.append(child)
    return "".join(parts)


def _layout_char(element: Element) -> str:
    if element.tag == _TAB:
        return "\t"
    if element.tag == _BREAK:
        return "\n"
    return " " * min(_repeat(element, _SPACE_COUNT), _MAX_SPACES)


def _repeat(element: Element, attribute: str) -> int:
    value = element.get(attribute, "1")
    return max(int(value), 1) if value.isdigit() else 1


def _cell_text(element: Element, scope: _Scope) -> str | None:
    """A cell as the user sees it; None for no text.

    A number is taken from ``office:value`` (the displayed text may be rounded
    or scientific: ``1.38E+10``), a date from ``office:date-value``; other
    types (percentages, currencies, times, strings) read as displayed; a
    boolean has no text.
    """
    kind = element.get(_VALUE_TYPE)
    value = None
    if kind == "boolean":
        return None
    if kind == "float":
        value = _number(element.get(_VALUE, "").strip())
    elif kind == "date":
        value = _date(element.get(_DATE_VALUE, "").strip())
    text = value or scope.text()
    return text if text.strip() else None


def _number(value: str) -> str | None:
    if _INTEGER.fullmatch(value):  # exact, however long (an ID stored as a number)
        return str(int(value))
    try:
        return number_text(float(value))
    except ValueError:
        return None  # not a number after all: the displayed text is used


def _date(value: str) -> str | None:
    date, _, time = value.partition("T")
    if not date:
        return None
    return date if not time.strip("0:.") else f"{date} {time}"


def _properties(archive: zipfile.ZipFile) -> Iterator[Segment]:
    root = small_part(archive, "meta.xml", forbid_dtd=True)
    if root is None:
        return
    for element in root.iter():
        name = _META_PROPERTIES.get(element.tag)
        if element.tag == _USER_DEFINED:
            name = element.get(_META_NAME)
        if name:
            yield from property_segment(name, element.text)
