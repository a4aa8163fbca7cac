"""Excel 2007+ workbooks (.xlsx, .xlsm): every text the extractor reads, rewritten in the package.

The package is edited part by part with lxml, never loaded and re-saved with
openpyxl: openpyxl drops what it does not model (charts, images, pivot caches,
VBA projects are kept only in part), and a redacted copy must look like the
original. A part the rewriter leaves alone is copied unchanged (same bytes, same
order, same compression); a changed part is re-serialised.

Rewritten, because the verification step re-extracts the output with
``scanner.extract.xlsx`` and everything that extractor reads must be clean:

* cells of every worksheet, hidden and very hidden ones included, with the text
  and the context (column header) the extractor gives them (its own ``Headers``
  class decides the header row, so a name under 姓名 is judged the same way).
  Shared strings are rewritten in place, rich-text runs through
  ``apply_to_runs`` (a value split over two runs is still replaced, the first
  run's format kept); when one shared string is edited differently in two
  cells (different column contexts), the odd cell becomes an inline string.
  Numbers are rendered as the extractor renders them (``13812345678``, dates
  as ISO dates); an edited number becomes an inline string, an edited cached
  formula result becomes a string result and the workbook is marked for
  recalculation on load;
* comments and their authors, threaded comments and the persons part;
* sheet names, sanitised to Excel's rules (≤ 31 characters, none of
  ``[]:*?/\\``, unique); every reference to a renamed sheet is rewritten in
  cell formulas, defined names, validation and conditional-format formulas,
  internal hyperlinks, chart series, pivot cache sources and the
  ``TitlesOfParts`` list of ``docProps/app.xml``, so formulas keep working;
* string literals inside formulas (``="张伟"``, validation lists);
* the document properties the extractor reads (core, Company, Manager, custom);
* beyond what the extractor reads, cheap places where the same text hides:
  header/footer text, validation prompts, hyperlink texts and external targets
  (``mailto:``), text boxes and shape descriptions in drawings, chart titles and
  cached chart labels, the workbook's ``fileSharing`` user name.

Not covered: the names of defined names and of custom properties (renaming them
would break what refers to them), pivot cache items and records and pivot
tables, external-link caches, numbers in chart caches, VML form controls,
percent-encoded text in hyperlink targets, the offsets of @mentions in threaded
comments, and ``.xlsb``. Sheets are parsed whole (not streamed as the extractor
does), so a very large sheet costs several times its XML in memory.

Encrypted workbooks (an OLE container), non-zip input and damaged packages or
parts raise ``RedactionError``; the zip is checked against the limits first,
with the extractor's own checks.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import posixpath
import re
import zipfile
import zlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

import defusedxml.ElementTree as SafeET
from lxml import etree
from openpyxl.styles.stylesheet import Stylesheet
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel
from openpyxl.utils.datetime import from_ISO8601 as from_iso8601

from scanner.extract import EncryptedError, ExtractionError, Source
from scanner.extract.ooxml import PROPERTY_PARTS, TEXT_VARIANTS, open_package, reason
from scanner.extract.xlsx import Cell, Headers, cell_ref, cell_text
from scanner.redact.edits import Edit, RedactionError, TextRewriter, apply_edits, apply_to_runs
from scanner.redact.writers import WriteContext

Element = etree._Element

# --- namespaces, tags, types ---------------------------------------------------------------

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
C_NS = "http://schemas.openxmlformats.org/drawingml/2006/chart"
TC_NS = "http://schemas.microsoft.com/office/spreadsheetml/2018/threadedcomments"
EP_NS = "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"
VT_NS = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


def _m(tag: str) -> str:
    return f"{{{MAIN}}}{tag}"


T, R, RPH, SI, IS, V, F, C = (_m(t) for t in ("t", "r", "rPh", "si", "is", "v", "f", "c"))
R_ID = f"{{{R_NS}}}id"

RT_OFFICE_DOCUMENT = f"{R_NS}/officeDocument"
RT_WORKSHEET = f"{R_NS}/worksheet"
RT_SHARED_STRINGS = f"{R_NS}/sharedStrings"
RT_STYLES = f"{R_NS}/styles"
RT_COMMENTS = f"{R_NS}/comments"
RT_HYPERLINK = f"{R_NS}/hyperlink"
RT_THREADED = "http://schemas.microsoft.com/office/2017/10/relationships/threadedComment"

_CT = "application/vnd.openxmlformats-officedocument."
CT_COMMENTS = _CT + "spreadsheetml.comments+xml"
CT_CHART = _CT + "drawingml.chart+xml"
CT_DRAWING = _CT + "drawing+xml"
CT_PIVOT_CACHE = _CT + "spreadsheetml.pivotCacheDefinition+xml"
CT_THREADED = "application/vnd.ms-excel.threadedcomments+xml"
CT_PERSON = "application/vnd.ms-excel.person+xml"

_WORKSHEET_PART = re.compile(r"(?:^|/)worksheets/[^/]+\.xml")
_INVALID = "not a valid Excel workbook"
# what reading a damaged member or parsing a malformed part raises
_DAMAGED = (zipfile.BadZipFile, zlib.error, EOFError, etree.XMLSyntaxError, NotImplementedError)

# Excel's rules for a sheet name
SHEET_NAME_MAX = 31
_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\\x00-\x1f]")

# A formula's tokens that name text: a string literal, or the sheet(s) before a ``!``
# (quoted with '' escapes, or bare; a ``]`` before a bare name means another workbook).
_FORMULA_TOKEN = re.compile(
    r'"(?:[^"]|"")*"'
    r"|'(?:[^']|'')+'(?=!)"
    r"|(?<![\w.#\]'\"])[\w.]+(?::[\w.]+)?(?=!)"
)
_FORMULA_TAGS = frozenset({"f", "formula", "formula1", "formula2"})  # any namespace (xm:f)


# --- the writer ------------------------------------------------------------------------------


def rewrite(data: bytes, rewriter: TextRewriter, ctx: WriteContext) -> bytes:
    archive = _open(data, ctx)
    with archive:
        try:
            package = _Package(archive)
            _Workbook(package, _Texts(rewriter)).rewrite()
            return package.output()
        except _DAMAGED as exc:
            raise RedactionError(f"{_INVALID}: {reason(exc)}") from None


def _open(data: bytes, ctx: WriteContext) -> zipfile.ZipFile:
    """The package, refused before anything is parsed if it is encrypted, not a zip, or
    over the limits: the same checks (``ooxml.open_package``) as the extractor's."""
    source = Source(ctx.path, data, "application/zip", ctx.limits, ctx.depth)
    try:
        return open_package(source, "Excel workbook", _is_worksheet)
    except EncryptedError as exc:
        raise RedactionError(f"{exc}: cannot be rewritten without its password") from None
    except ExtractionError as exc:
        raise RedactionError(str(exc)) from None


def _is_worksheet(part: str) -> bool:
    return _WORKSHEET_PART.search(part) is not None


# --- the package -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Rel:
    type: str
    target: str  # a part name for internal targets, the target as written otherwise
    external: bool
    element: Element


class _Package:
    """The zip's parts, parsed on demand once; the changed ones are re-serialised."""

    def __init__(self, archive: zipfile.ZipFile) -> None:
        self.archive = archive
        self.trees: dict[str, Element] = {}
        self.changed: set[str] = set()
        self.types = self._content_types()

    def has(self, name: str) -> bool:
        return name in self.archive.NameToInfo

    def tree(self, name: str) -> Element:
        if name not in self.trees:
            # one parser per call: lxml parsers must not be shared between threads
            parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
            self.trees[name] = etree.fromstring(self.archive.read(name), parser)
        return self.trees[name]

    def touch(self, name: str, changed: bool = True) -> None:
        if changed:
            self.changed.add(name)

    def content_type(self, name: str) -> str:
        overrides, defaults = self.types
        extension = posixpath.splitext(name)[1].lstrip(".").lower()
        return overrides.get(name, defaults.get(extension, ""))

    def parts_of_type(self, content_type: str) -> list[str]:
        return [n for n in self.archive.NameToInfo if self.content_type(n) == content_type]

    def rels(self, part: str) -> list[_Rel]:
        """The relationships of ``part`` (``""``: of the package), targets resolved."""
        name = rels_name(part)
        if not self.has(name):
            return []
        out = []
        for element in self.tree(name):
            if element.tag != f"{{{PKG_REL}}}Relationship":
                continue
            target = element.get("Target", "")
            external = element.get("TargetMode") == "External"
            if not external:
                target = _resolve(part, target)
            out.append(_Rel(element.get("Type", ""), target, external, element))
        return out

    def output(self) -> bytes:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as out:
            for info in self.archive.infolist():
                if info.filename in self.changed:
                    body = _serialise(self.trees[info.filename])
                else:
                    body = self.archive.read(info)
                out.writestr(_copy_info(info), body)
            out.comment = self.archive.comment
        return buffer.getvalue()

    def _content_types(self) -> tuple[dict[str, str], dict[str, str]]:
        if not self.has("[Content_Types].xml"):
            return {}, {}
        root = self.tree("[Content_Types].xml")
        overrides = {
            e.get("PartName", "").lstrip("/"): e.get("ContentType", "")
            for e in root.iter(f"{{{CT_NS}}}Override")
        }
        defaults = {
            e.get("Extension", "").lower(): e.get("ContentType", "")
            for e in root.iter(f"{{{CT_NS}}}Default")
        }
        return overrides, defaults


def rels_name(part: str) -> str:
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", f"{name}.rels")


def _resolve(source: str, target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(source), target))


def _serialise(root: Element) -> bytes:
    tree = root.getroottree()
    return etree.tostring(
        tree, xml_declaration=True, encoding="UTF-8", standalone=tree.docinfo.standalone
    )


def _copy_info(info: zipfile.ZipInfo) -> zipfile.ZipInfo:
    """A fresh header for the member (same name, date, compression, attributes): writing
    with the source's own ``ZipInfo`` would overwrite its offsets."""
    copy = zipfile.ZipInfo(info.filename, info.date_time)
    copy.compress_type = info.compress_type
    copy.external_attr = info.external_attr
    copy.create_system = info.create_system
    copy.comment = info.comment
    return copy


# --- text, runs, formulas ------------------------------------------------------------------


def _set_text(element: Element, text: str) -> None:
    """Set the text; a SpreadsheetML ``t`` keeps leading/trailing spaces only if told so."""
    element.text = text
    if element.tag == T and text != text.strip():
        element.set(XML_SPACE, "preserve")


def run_elements(container: Element) -> list[Element]:
    """The ``t`` elements whose texts openpyxl joins into the value: the plain ``t``,
    then each rich-text run's (phonetic ``rPh`` runs are not part of it)."""
    plain = [e for e in container if e.tag == T]
    return plain + [t for run in container if run.tag == R for t in run if t.tag == T]


def run_text(container: Element) -> str:
    return "".join(t.text or "" for t in run_elements(container))


class _Texts:
    """The rewriter, applied to the shapes text takes in a workbook: a value, runs of one
    value, an attribute, a formula. Each returns whether anything changed."""

    def __init__(self, rewriter: TextRewriter) -> None:
        self.rewriter = rewriter

    def edits(self, text: str, location: str, context: Sequence[str] = ()) -> list[Edit]:
        if not text.strip():  # the extractor skips blank values: nothing to find there
            return []
        return self.rewriter.edits(text, location, context)

    def value(self, text: str, location: str, context: Sequence[str] = ()) -> str | None:
        """``text`` rewritten, None when the rewriter leaves it alone."""
        edits = self.edits(text, location, context)
        return apply_edits(text, edits) if edits else None

    def element(self, element: Element, location: str, context: Sequence[str] = ()) -> bool:
        new = self.value(element.text or "", location, context)
        if new is None:
            return False
        _set_text(element, new)
        return True

    def attribute(self, element: Element, name: str, location: str) -> bool:
        new = self.value(element.get(name) or "", location)
        if new is None:
            return False
        element.set(name, new)
        return True

    def runs(
        self,
        elements: Sequence[Element],
        location: str,
        context: Sequence[str] = (),
        edits: Sequence[Edit] | None = None,
    ) -> bool:
        """Edits made on the joined text of ``elements`` (or ``edits`` already made on it),
        landed on the runs: a value split over two runs is replaced in the first."""
        texts = [e.text or "" for e in elements]
        if edits is None:
            edits = self.edits("".join(texts), location, context)
        if not edits:
            return False
        for element, new in zip(elements, apply_to_runs(texts, edits), strict=True):
            if new != (element.text or ""):
                _set_text(element, new)
        return True

    def rich(self, container: Element, location: str, context: Sequence[str] = ()) -> bool:
        """A rich-text value (``si``, ``is``, a comment's ``text``) and its phonetic runs."""
        changed = self.runs(run_elements(container), location, context)
        for phonetic in container.iterfind(f"{RPH}/{T}"):
            changed |= self.element(phonetic, f"{location} 注音")
        return changed

    def formula(self, formula: str, renames: dict[str, str], location: str) -> str | None:
        """The formula with renamed sheets' references and string literals rewritten."""
        new = rewrite_formula(formula, renames, lambda s: self.value(s, f"{location} 公式") or s)
        return new if new != formula else None

    def formula_element(self, element: Element, renames: dict[str, str], location: str) -> bool:
        new = self.formula(element.text or "", renames, location) if element.text else None
        if new is None:
            return False
        element.text = new
        return True


def rewrite_formula(formula: str, renames: dict[str, str], literal: Callable[[str], str]) -> str:
    """``formula`` with references to the sheets in ``renames`` (old name casefolded →
    new name) pointing at their new names and each string literal passed to ``literal``."""

    def replace(match: re.Match[str]) -> str:
        token = match.group()
        if token.startswith('"'):
            text = token[1:-1].replace('""', '"')
            return '"' + literal(text).replace('"', '""') + '"'
        return rename_reference(token, renames)

    return _FORMULA_TOKEN.sub(replace, formula)


def rename_reference(token: str, renames: dict[str, str]) -> str:
    """A sheet prefix (``'旧名'``, ``旧名``, ``Sheet1:Sheet3``) with renamed sheets replaced;
    the new prefix is always quoted, which Excel accepts for any name."""
    quoted = token.startswith("'")
    names = token[1:-1].replace("''", "'") if quoted else token
    if not renames or "]" in names:  # another workbook's sheet, not ours
        return token
    parts = names.split(":")
    new = [renames.get(part.casefold(), part) for part in parts]
    if new == parts:
        return token
    return "'" + ":".join(new).replace("'", "''") + "'"


# --- sheet names -----------------------------------------------------------------------------


def legal_sheet_name(name: str) -> str:
    """``name`` made acceptable to Excel: forbidden characters become ``_``, at most 31
    characters, no apostrophe at either end, not empty, not the reserved ``History``."""
    name = _SHEET_NAME_FORBIDDEN.sub("_", name)[:SHEET_NAME_MAX]
    name = re.sub(r"^'|'$", "_", name)
    if not name.strip() or name.casefold() == "history":
        name = f"_{name}"[:SHEET_NAME_MAX]
    return name


def unique_sheet_name(name: str, taken: set[str]) -> str:
    """``name``, or ``name (2)``, ``name (3)`` … so that no two sheets share a name
    (Excel compares them case-insensitively)."""
    candidate, number = name, 2
    while candidate.casefold() in taken:
        suffix = f" ({number})"
        candidate = legal_sheet_name(name[: SHEET_NAME_MAX - len(suffix)] + suffix)
        number += 1
    return candidate


# --- cell values as the extractor reads them ----------------------------------------------------


@dataclass(frozen=True)
class _Numbers:
    """How openpyxl turns a number cell into a value: dates by the cell's number format."""

    dates: frozenset[int] = frozenset()
    timedeltas: frozenset[int] = frozenset()
    epoch: dt.datetime = CALENDAR_WINDOWS_1900

    @classmethod
    def read(cls, package: _Package, styles: str | None, date1904: bool) -> _Numbers:
        epoch = CALENDAR_MAC_1904 if date1904 else CALENDAR_WINDOWS_1900
        if styles is None or not package.has(styles):
            return cls(epoch=epoch)
        try:
            sheet = Stylesheet.from_tree(SafeET.fromstring(package.archive.read(styles)))
        except Exception:  # a stylesheet openpyxl cannot read: no dates, as openpyxl would fail
            return cls(epoch=epoch)
        return cls(frozenset(sheet.date_formats), frozenset(sheet.timedelta_formats), epoch)

    def text(self, raw: str, style: int) -> str | None:
        try:
            value: object = float(raw) if any(c in raw for c in ".Ee") else int(raw)
        except ValueError:
            return None
        if style in self.dates:
            try:
                value = from_excel(value, self.epoch, timedelta=style in self.timedeltas)
            except (OverflowError, ValueError, TypeError):
                return None
        return cell_text(value)


@dataclass
class _Record:
    """A cell with text: what it is (``s`` shared, ``inline``, ``str`` formula string,
    ``num`` number or date), its text as the extractor sees it, and where it is."""

    element: Element
    kind: str
    text: str
    col: int
    location: str
    index: int = -1  # the shared string's index


@dataclass
class _Use:
    part: str
    cell: Element
    edits: list[Edit]


@dataclass
class _SharedStrings:
    """The shared strings part: rewritten once every cell using a string has asked for
    its edits, in that cell's context."""

    part: str | None
    items: list[Element] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    uses: dict[int, list[_Use]] = field(default_factory=dict)

    @classmethod
    def read(cls, package: _Package, part: str | None) -> _SharedStrings:
        if part is None or not package.has(part):
            return cls(None)
        items = [e for e in package.tree(part) if e.tag == SI]
        return cls(part, items, [run_text(si) for si in items])

    def text(self, raw: str) -> tuple[int, str]:
        try:
            index = int(raw)
            return index, self.texts[index]
        except (ValueError, IndexError):
            raise RedactionError(f"{_INVALID}: shared string {raw!r} does not exist") from None

    def finish(self, package: _Package, texts: _Texts) -> None:
        """Each string gets the edits of its first cell; a cell that wants other edits
        (another column context) gets its own inline copy of the string."""
        changed = False
        for index, si in enumerate(self.items):
            uses = self.uses.get(index, [])
            if uses:
                chosen = uses[0].edits
                for use in uses[1:]:
                    if use.edits != chosen:
                        _make_inline(use.cell, _inline_copy(si, use.edits, texts))
                        package.touch(use.part)
            else:  # no cell shows it, but its bytes are in the file
                chosen = texts.edits(self.texts[index], f"共享字符串 {index + 1}")
            changed |= texts.runs(run_elements(si), "", edits=chosen)
            for phonetic in si.iterfind(f"{RPH}/{T}"):
                changed |= texts.element(phonetic, f"共享字符串 {index + 1} 注音")
        if self.part:
            package.touch(self.part, changed)


def _inline_copy(si: Element, edits: list[Edit], texts: _Texts) -> Element:
    copy = etree.Element(IS)
    copy.extend(etree.fromstring(etree.tostring(si)))  # the runs, with their formats
    texts.runs(run_elements(copy), "", edits=edits)
    return copy


def _inline_string(text: str) -> Element:
    inline = etree.Element(IS)
    _set_text(etree.SubElement(inline, T), text)
    return inline


def _make_inline(cell: Element, inline: Element) -> None:
    """The cell as an inline string in place of its value (the address and style stay)."""
    position = len(cell)
    for old in [e for e in cell if e.tag in (V, IS)]:
        position = min(position, cell.index(old))
        cell.remove(old)
    cell.set("t", "inlineStr")
    cell.insert(position, inline)


# --- the workbook ----------------------------------------------------------------------------


@dataclass
class _Sheet:
    element: Element
    title: str
    part: str | None  # the worksheet part; None for chart and dialog sheets


class _Workbook:
    """The workbook part and everything it leads to, rewritten in an order that lets each
    step use what the previous ones decided (new sheet names, shared-string uses)."""

    def __init__(self, package: _Package, texts: _Texts) -> None:
        self.package = package
        self.texts = texts
        self.part = self._main_part()
        self.root = package.tree(self.part)
        self.rels = package.rels(self.part)
        self.renames: dict[str, str] = {}
        self.recalculate = False
        self.owners: dict[str, str] = {}  # comments part → its sheet's title

    def rewrite(self) -> None:
        sheets = self._sheets()
        changed = self._rename(sheets)
        shared = _SharedStrings.read(self.package, self._related(RT_SHARED_STRINGS))
        numbers = _Numbers.read(self.package, self._related(RT_STYLES), self._date1904())
        for sheet in sheets:
            if sheet.part is not None:
                _Worksheet(self, sheet, shared, numbers).rewrite()
        shared.finish(self.package, self.texts)
        changed |= self._names()
        changed |= self._recalculate_on_load()
        self.package.touch(self.part, changed)
        self._other_parts()
        _Properties(self.package, self.texts, self.renames).rewrite()

    def _main_part(self) -> str:
        for rel in self.package.rels(""):
            if rel.type == RT_OFFICE_DOCUMENT and not rel.external and self.package.has(rel.target):
                return rel.target
        if self.package.has("xl/workbook.xml"):
            return "xl/workbook.xml"
        raise RedactionError(f"{_INVALID}: no workbook part")

    def _related(self, reltype: str) -> str | None:
        return next((r.target for r in self.rels if r.type == reltype and not r.external), None)

    def _date1904(self) -> bool:
        properties = self.root.find(_m("workbookPr"))
        flag = properties.get("date1904", "") if properties is not None else ""
        return flag.lower() in ("1", "true")

    def _sheets(self) -> list[_Sheet]:
        targets = {
            r.element.get("Id"): r.target
            for r in self.rels
            if r.type == RT_WORKSHEET and not r.external
        }
        sheets = []
        for element in self.root.iterfind(f"{_m('sheets')}/{_m('sheet')}"):
            part = targets.get(element.get(R_ID))
            present = part is not None and self.package.has(part)
            sheets.append(_Sheet(element, element.get("name", ""), part if present else None))
        return sheets

    def _rename(self, sheets: list[_Sheet]) -> bool:
        """New names for the sheets whose names the rewriter edits, legal and unique."""
        wanted = [(s, self.texts.value(s.title, f"sheet {s.title} 名称")) for s in sheets]
        taken = {s.title.casefold() for s, new in wanted if new is None}
        for sheet, new in wanted:
            if new is None:
                continue
            name = unique_sheet_name(legal_sheet_name(new), taken)
            taken.add(name.casefold())
            if name != sheet.title:
                self.renames[sheet.title.casefold()] = name
                sheet.element.set("name", name)
        return bool(self.renames)

    def _names(self) -> bool:
        changed = False
        for name in self.root.iterfind(f"{_m('definedNames')}/{_m('definedName')}"):
            where = f"名称 {name.get('name', '')}"
            changed |= self.texts.formula_element(name, self.renames, where)
        sharing = self.root.find(_m("fileSharing"))
        if sharing is not None:
            changed |= self.texts.attribute(sharing, "userName", "属性 file_sharing_user")
        return changed

    def _recalculate_on_load(self) -> bool:
        """A cached formula result was replaced: Excel recomputes everything on open."""
        if not self.recalculate:
            return False
        calc = self.root.find(_m("calcPr"))
        if calc is None:
            calc = etree.Element(_m("calcPr"))
            before = ("sheets", "functionGroups", "externalReferences", "definedNames")
            anchors = [e for e in self.root if e.tag in {_m(t) for t in before}]
            if anchors:
                anchors[-1].addnext(calc)
            else:
                self.root.append(calc)
        calc.set("fullCalcOnLoad", "1")
        return True

    def _other_parts(self) -> None:
        """Parts found by their content type, wherever they are: comments, persons,
        drawings, charts, pivot caches."""
        handlers: dict[str, Callable[[Element, str], bool]] = {
            CT_COMMENTS: self._comments,
            CT_THREADED: self._threaded_comments,
            CT_PERSON: self._persons,
            CT_DRAWING: self._drawing,
            CT_CHART: self._chart,
            CT_PIVOT_CACHE: self._pivot_cache,
        }
        for content_type, handler in handlers.items():
            for part in self.package.parts_of_type(content_type):
                self.package.touch(part, handler(self.package.tree(part), part))

    def _comments(self, root: Element, part: str) -> bool:
        title = self.owners.get(part, "?")
        changed = False
        comments = list(root.iterfind(f"{_m('commentList')}/{_m('comment')}"))
        for comment in comments:
            text = comment.find(_m("text"))
            if text is not None:
                where = f"sheet {title} cell {comment.get('ref', '')} 批注"
                changed |= self.texts.rich(text, where)
        # an author is named, as by the extractor, after the first comment they wrote
        first = {}
        for comment in reversed(comments):
            first[comment.get("authorId", "")] = comment.get("ref", "")
        for number, author in enumerate(root.iterfind(f"{_m('authors')}/{_m('author')}")):
            if (author.text or "").startswith("tc="):  # a threaded comment's opaque id
                continue
            ref = first.get(str(number))
            where = f"sheet {title} cell {ref} 批注 作者" if ref else f"sheet {title} 批注 作者"
            changed |= self.texts.element(author, where, ("author",))
        return changed

    def _threaded_comments(self, root: Element, part: str) -> bool:
        title = self.owners.get(part, "?")
        changed = False
        for comment in root.iter(f"{{{TC_NS}}}threadedComment"):
            for text in comment.iterfind(f"{{{TC_NS}}}text"):
                where = f"sheet {title} cell {comment.get('ref', '')} 批注"
                changed |= self.texts.element(text, where)
        return changed

    def _persons(self, root: Element, part: str) -> bool:
        changed = False
        for person in root.iter(f"{{{TC_NS}}}person"):
            changed |= self.texts.attribute(person, "displayName", "批注 作者")
            changed |= self.texts.attribute(person, "userId", "批注 作者")
        return changed

    def _drawing(self, root: Element, part: str) -> bool:
        """Text boxes and shapes (paragraph by paragraph), shape titles and alt texts."""
        where = f"图形 {part}"
        changed = False
        for paragraph in root.iter(f"{{{A_NS}}}p"):
            changed |= self.texts.runs(list(paragraph.iter(f"{{{A_NS}}}t")), where)
        for element in root.iter():
            if isinstance(element.tag, str) and etree.QName(element).localname == "cNvPr":
                for attribute in ("title", "descr"):
                    changed |= self.texts.attribute(element, attribute, where)
        return changed

    def _chart(self, root: Element, part: str) -> bool:
        """Series references (renamed sheets), titles and cached text labels."""
        where = f"图表 {part}"
        changed = self._drawing(root, part)
        for formula in root.iter(f"{{{C_NS}}}f"):
            changed |= self.texts.formula_element(formula, self.renames, where)
        numeric = {f"{{{C_NS}}}numCache", f"{{{C_NS}}}numLit"}
        for value in root.iter(f"{{{C_NS}}}v"):
            if not any(a.tag in numeric for a in value.iterancestors()):
                changed |= self.texts.element(value, where)
        return changed

    def _pivot_cache(self, root: Element, part: str) -> bool:
        changed = False
        for source in root.iter(_m("worksheetSource")):
            new = self.renames.get((source.get("sheet") or "").casefold())
            if new is not None:
                source.set("sheet", new)
                changed = True
        return changed


class _Worksheet:
    """One worksheet: its cells (with the extractor's header contexts), formulas, and the
    smaller places text hides in a sheet."""

    def __init__(
        self, book: _Workbook, sheet: _Sheet, shared: _SharedStrings, numbers: _Numbers
    ) -> None:
        assert sheet.part is not None
        self.book, self.texts, self.part = book, book.texts, sheet.part
        self.title = sheet.title
        self.shared, self.numbers = shared, numbers
        self.root = book.package.tree(self.part)

    def rewrite(self) -> None:
        changed = self._cells()
        changed |= self._formulas()
        changed |= self._extras()
        self.book.package.touch(self.part, changed)
        self._relations()

    # cells

    def _cells(self) -> bool:
        headers = Headers()
        contexts: dict[str, tuple[str, ...]] = {}
        records: list[_Record] = []
        for row in self._rows():
            records += row
            for segment in headers.row([Cell(r.col, r.text, r.location) for r in row]):
                contexts[segment.location] = segment.context
        for segment in headers.end():
            contexts[segment.location] = segment.context
        changed = False
        for record in records:
            changed |= self._cell(record, contexts.get(record.location, ()))
        return changed

    def _rows(self) -> Iterator[list[_Record]]:
        """The cells with text, row by row, addressed as openpyxl addresses them (by ``r``,
        or counting when a row or cell has none)."""
        sheet_data = self.root.find(_m("sheetData"))
        if sheet_data is None:
            return
        row_number = 0
        for row in sheet_data.iterfind(_m("row")):
            row_number = _number(row.get("r"), row_number + 1)
            column = 0
            records = []
            for cell in row.iterfind(C):
                row_at, column = _address(cell.get("r"), row_number, column + 1)
                record = self._record(cell, row_at, column)
                if record is not None:
                    records.append(record)
            yield records

    def _record(self, cell: Element, row: int, column: int) -> _Record | None:
        kind = cell.get("t", "n")
        where = f"sheet {self.title} cell {cell_ref(row, column)}"
        index = -1
        if kind == "inlineStr":
            inline = cell.find(IS)
            text = run_text(inline) if inline is not None else None
            kind = "inline"
        else:
            raw = cell.findtext(V) or None
            if raw is None:
                return None
            if kind == "s":
                index, text = self.shared.text(raw)
            elif kind == "n":
                text, kind = self.numbers.text(raw, _style(cell)), "num"
            elif kind == "d":
                text, kind = _iso_date_text(raw), "num"
            elif kind == "str":
                text = raw
            else:  # booleans and error values: no text
                return None
        if text is None or not text.strip():
            return None
        return _Record(cell, kind, text, column, where, index)

    def _cell(self, record: _Record, context: tuple[str, ...]) -> bool:
        cell, where = record.element, record.location
        if record.kind == "s":
            edits = self.texts.edits(record.text, where, context)
            self.shared.uses.setdefault(record.index, []).append(_Use(self.part, cell, edits))
            return False  # written when the shared strings are
        if record.kind == "inline":
            return self.texts.rich(cell.find(IS), where, context)
        if record.kind == "str":
            return self.texts.element(cell.find(V), where, context)
        new = self.texts.value(record.text, where, context)
        if new is None:
            return False
        if cell.find(F) is not None:  # a formula's cached number: now a string result
            cell.set("t", "str")
            _set_text(cell.find(V), new)
            self.book.recalculate = True
        else:  # a typed number (a phone): now the masked text
            _make_inline(cell, _inline_string(new))
        return True

    # formulas and the rest

    def _formulas(self) -> bool:
        """Cell formulas, validation and conditional-format formulas (``xm:f`` included)."""
        changed = False
        for element in self.root.iter():
            if isinstance(element.tag, str) and etree.QName(element).localname in _FORMULA_TAGS:
                parent = element.getparent()
                where = f"sheet {self.title}"
                if parent is not None and parent.tag == C:
                    where += f" cell {parent.get('r', '')}"
                changed |= self.texts.formula_element(element, self.book.renames, where)
        return changed

    def _extras(self) -> bool:
        where = f"sheet {self.title}"
        changed = False
        for link in self.root.iterfind(f"{_m('hyperlinks')}/{_m('hyperlink')}"):
            location = link.get("location")
            if location:
                new = self.texts.formula(location, self.book.renames, f"{where} 超链接")
                if new is not None:
                    link.set("location", new)
                    changed = True
            for attribute in ("display", "tooltip"):
                changed |= self.texts.attribute(link, attribute, f"{where} 超链接")
        header_footer = self.root.find(_m("headerFooter"))
        for element in header_footer if header_footer is not None else ():
            changed |= self.texts.element(element, f"{where} 页眉页脚")
        for rule in self.root.iter(_m("dataValidation")):
            for attribute in ("promptTitle", "prompt", "errorTitle", "error"):
                changed |= self.texts.attribute(rule, attribute, f"{where} 数据验证")
        return changed

    def _relations(self) -> None:
        """External hyperlink targets (``mailto:`` addresses) and the comments parts' owner."""
        changed = False
        for rel in self.book.package.rels(self.part):
            if rel.type == RT_HYPERLINK and rel.external:
                changed |= self.texts.attribute(rel.element, "Target", f"sheet {self.title} 超链接")
            elif rel.type in (RT_COMMENTS, RT_THREADED):
                self.book.owners[rel.target] = self.title
        self.book.package.touch(rels_name(self.part), changed)


def _number(raw: str | None, default: int) -> int:
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError:
        pass
    try:
        value = float(raw)  # openpyxl accepts "3.0"
    except ValueError:
        value = math.nan
    if not value.is_integer():
        raise RedactionError(f"{_INVALID}: row number {raw!r}")
    return int(value)


_CELL_REF = re.compile(r"\$?([A-Za-z]{1,3})\$?(\d+)$")


def _address(ref: str | None, row: int, column: int) -> tuple[int, int]:
    """(row, column) of a cell: its ``r`` attribute, else the next column of the row."""
    match = _CELL_REF.match(ref or "")
    if match is None:
        return row, column
    letters, digits = match.groups()
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - ord("A") + 1
    return int(digits), number


def _style(cell: Element) -> int:
    try:
        return int(cell.get("s") or 0)
    except ValueError:
        return 0


def _iso_date_text(raw: str) -> str | None:
    try:
        return cell_text(from_iso8601(raw))
    except (ValueError, TypeError):
        return None


# --- document properties -----------------------------------------------------------------------


class _Properties:
    """``docProps``: the properties the extractor reads, and the sheet names listed in
    ``TitlesOfParts`` kept in step with the renamed sheets."""

    def __init__(self, package: _Package, texts: _Texts, renames: dict[str, str]) -> None:
        self.package, self.texts, self.renames = package, texts, renames

    def rewrite(self) -> None:
        package_rels = self.package.rels("")
        for spec in PROPERTY_PARTS:
            parts = {spec.name} | {
                r.target for r in package_rels if r.type == spec.reltype and not r.external
            }
            for part in sorted(p for p in parts if self.package.has(p)):
                root = self.package.tree(part)
                if spec.names is None:
                    changed = self._custom(root)
                else:
                    changed = self._named(root, spec.names)
                    changed |= self._titles_of_parts(root)
                self.package.touch(part, changed)

    def _named(self, root: Element, names: Mapping[str, str]) -> bool:
        changed = False
        for element in root:
            name = names.get(element.tag) if isinstance(element.tag, str) else None
            if name:
                changed |= self.texts.element(element, f"属性 {name}", (name,))
        return changed

    def _custom(self, root: Element) -> bool:
        changed = False
        for prop in root:
            name = prop.get("name", "")
            for value in prop:
                if value.tag in TEXT_VARIANTS:
                    changed |= self.texts.element(value, f"属性 {name}", (name,))
        return changed

    def _titles_of_parts(self, root: Element) -> bool:
        if not self.renames:
            return False
        changed = False
        for title in root.iterfind(f"{{{EP_NS}}}TitlesOfParts/{{{VT_NS}}}vector/{{{VT_NS}}}*"):
            text = title.text or ""
            new = self.renames.get(text.casefold())
            if new is None and "!" in text:  # a named range: 'Sheet'!Print_Area
                new = rewrite_formula(text, self.renames, lambda s: s)
            if new is not None and new != text:
                title.text = new
                changed = True
        return changed
