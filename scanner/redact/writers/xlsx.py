"""Excel 2007+ workbooks (.xlsx, .xlsm): every text the extractor reads, rewritten in the package.

The package is edited part by part with lxml, never loaded and re-saved with
openpyxl: openpyxl drops what it does not model (charts, images, pivot caches,
VBA projects are kept only in part), and a redacted copy must look like the
original. The copy is then built from an allow list by ``rebuild``: the parts
handled here are kept (re-serialised where they changed), and of the rest only
what ``rebuild`` checks is carried: other reachable XML parts (external-link
caches, pivot tables, slicers …) with every text and attribute passed through
the rewriter, images without metadata; orphan parts, binary parts and the zip
comment are dropped. Everything left out is named in ``WriteContext.dropped``.

Rewritten, because the verification step re-extracts the output with
``scanner.scan.extract.xlsx`` and everything that extractor reads must be clean:

* cells of every worksheet, hidden and very hidden ones included, with the text
  and the context (column header) the extractor gives them (its own ``Headers``
  class decides the header row, so a name under 姓名 is judged the same way).
  Shared strings are rewritten in place, rich-text runs through
  ``apply_to_runs`` (a value split over two runs is still replaced, the first
  run's format kept); when one shared string is edited differently in two
  cells (different column contexts), the odd cell becomes an inline string.
  Numbers are rendered as the extractor renders them (``13812345678``, dates
  as ISO dates); an edited number becomes an inline string;
* formulas: Excel recalculates on open (openpyxl's files even ask it to), so a
  cell whose cached value was edited, or whose formula's literals hold a value
  alone or joined (``="138"&"1234"&"5678"``, ``CONCATENATE("1381","234","5678")``,
  numbers included), keeps its redacted value and loses its formula (a shared
  formula's master takes its group along; the calculation chain is dropped, Excel
  rebuilds it). Other formulas keep working: they follow renamed sheets and names;
  literals of validation, conditional-format, table and defined-name formulas are
  rewritten alone and joined, the joined edits landing on the literals;
* comments and their authors, threaded comments and the persons part;
* sheet names, sanitised to Excel's rules (≤ 31 characters, none of
  ``[]:*?/\\``, unique), and defined names (letters, digits, ``_`` and ``.``,
  unique); every reference to a renamed sheet or name is rewritten in cell
  formulas, defined names, validation and conditional-format formulas, internal
  hyperlinks, chart series, pivot cache sources and the ``TitlesOfParts`` list
  of ``docProps/app.xml``, so formulas keep working;
* pivot caches: field names and shared items with the field name as context (an
  edited number item becomes a string item); the **records are dropped** and the
  cache marked ``refreshOnLoad`` (Excel rebuilds them from the redacted source);
* tables: column names, column formulas, filter values; autoFilter values of
  sheets; every other attribute outside a sheet's cells (scenarios, protected
  ranges, custom views), in one rewriter call per sheet — a cell's attributes are
  its address and style, and ``rebuild`` is told not to pass them (``checked``);
* charts: titles, cached labels, and cached numbers (a point whose number holds a
  value is dropped from the cache: a numeric cache cannot hold text); drawings
  and charts also get ``rebuild``'s text pass;
* worksheets the workbook does not list (no tab shows them) are dropped;
* the document properties the extractor reads (core, Company, Manager, custom)
  and ``TitlesOfParts``;
* beyond what the extractor reads, cheap places where the same text hides:
  header/footer text, validation prompts, hyperlink texts and external targets
  (``mailto:``), text boxes and shape descriptions in drawings, the workbook's
  ``fileSharing`` user name.

Not covered: table names (a renamed table would break structured references; the
attribute pass of ``rebuild`` may still rewrite one, and Excel then repairs the
table), the names of custom properties, VML form controls, percent-encoded text
in hyperlink targets, the offsets of @mentions in threaded comments, and
``.xlsb``. Sheets are parsed whole (not streamed as the extractor does), so a very
large sheet costs several times its XML in memory.

Encrypted workbooks (an OLE container), non-zip input and damaged packages or
parts raise ``RedactionError``; the zip is checked against the limits first,
with the extractor's own checks.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import posixpath
import re
import zipfile
import zlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import defusedxml.ElementTree as SafeET
from lxml import etree
from openpyxl.styles.stylesheet import Stylesheet
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel
from openpyxl.utils.datetime import from_ISO8601 as from_iso8601

from scanner.redact.edits import Edit, RedactionError, TextRewriter, apply_edits, apply_to_runs
from scanner.redact.writers import WriteContext, rebuild
from scanner.scan.extract import EncryptedError, ExtractionError, Source
from scanner.scan.extract.archive import read_declared
from scanner.scan.extract.ooxml import PROPERTY_PARTS, TEXT_VARIANTS, open_package, reason
from scanner.scan.extract.xlsx import (
    CT_PIVOT_CACHE,
    CT_TABLE,
    CT_WORKSHEET,
    RT_PIVOT_RECORDS,
    Cell,
    Headers,
    cell_ref,
    cell_text,
    literal_spans,
    number_text,
)

Element = Any  # an lxml element (lxml ships no type information)

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
RT_CALC_CHAIN = f"{R_NS}/calcChain"

_CT = "application/vnd.openxmlformats-officedocument."
CT_COMMENTS = _CT + "spreadsheetml.comments+xml"
CT_CHART = _CT + "drawingml.chart+xml"
CT_DRAWING = _CT + "drawing+xml"
CT_THREADED = "application/vnd.ms-excel.threadedcomments+xml"
CT_PERSON = "application/vnd.ms-excel.person+xml"

_WORKSHEET_PART = re.compile(r"(?:^|/)worksheets/[^/]+\.xml")
_INVALID = "not a valid Excel workbook"
# what reading a damaged member or parsing a malformed part raises
_DAMAGED = (zipfile.BadZipFile, zlib.error, EOFError, etree.XMLSyntaxError, NotImplementedError)

# Excel's rules for a sheet name
SHEET_NAME_MAX = 31
_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\\x00-\x1f]")

# A defined name in a formula: a word not followed by ``(`` (a function), ``!`` (a sheet)
# or ``[`` (a table), not inside a structured reference or after a sheet's quote.
_NAME_TOKEN = r"(?<![\w.#\]\[\\$'\"])[^\W\d][\w.\\]*(?![\w.(!\[\\])"
# A formula's tokens that name text: a string literal, or the sheet(s) before a ``!``
# (quoted with '' escapes, or bare; a ``]`` before a bare name means another workbook).
_FORMULA_TOKEN = re.compile(
    r'(?P<string>"(?:[^"]|"")*")'
    r"|(?P<sheet>'(?:[^']|'')+'(?=!)"
    r"|(?<![\w.#\]'\"])[\w.]+(?::[\w.]+)?(?=!))"
    rf"|(?P<name>{_NAME_TOKEN})"
)
_FORMULA_TAGS = frozenset({"f", "formula", "formula1", "formula2"})  # any namespace (xm:f)
# What looks like a cell reference cannot be a defined name (A1, XFD7, R1C1, R, C).
_CELL_LIKE = re.compile(r"[A-Za-z]{1,3}\d+|[Rr]\d*[Cc]?\d*|[Cc]\d*")
# Attributes of a sheet the writer rewrites one by one (the general pass leaves them).
_SHEET_ATTRIBUTES = {
    "hyperlink": ("display", "tooltip", "location"),
    "dataValidation": ("promptTitle", "prompt", "errorTitle", "error"),
    "filter": ("val",),
    "customFilter": ("val",),
}


# --- the writer ------------------------------------------------------------------------------


def rewrite(data: bytes, rewriter: TextRewriter, ctx: WriteContext) -> bytes:
    archive = _open(data, ctx)
    with archive:
        try:
            package = _Package(archive)
            _Workbook(package, _Texts(rewriter)).rewrite()
            return package.output(rewriter, ctx)
        except _DAMAGED as exc:
            raise RedactionError(f"{_INVALID}: {reason(exc)}") from None


def _open(data: bytes, ctx: WriteContext) -> zipfile.ZipFile:
    """The package, refused before anything is parsed if it is encrypted, not a zip, or
    over the limits: the same checks (``ooxml.open_package``) as the extractor's."""
    source = Source(ctx.path, data, "application/zip", ctx.limits, ctx.depth, at=ctx.at)
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
    """The zip's parts, parsed on demand once; the changed ones are re-serialised.

    The copy is built by ``rebuild`` from an allow list: the parts parsed here are the
    handled ones (kept, their attributes checked, worksheets' by this writer), parts
    ``discard``ed are left out with their relationships, and of the rest only what
    ``rebuild`` checks is carried."""

    def __init__(self, archive: zipfile.ZipFile) -> None:
        self.archive = archive
        self.trees: dict[str, Element] = {}
        self.changed: set[str] = set()
        self.types = self._content_types()
        self.discarded: dict[str, str] = {}  # part → what the drop record says
        self.notes: list[str] = []  # other things the copy leaves out
        self.checked: set[str] = set()  # handled parts whose attributes were checked here

    def read(self, member: str | zipfile.ZipInfo) -> bytes:
        """A part's bytes, no more than its declared size (held to the limits on open)."""
        return read_declared(self.archive, member)

    def has(self, name: str) -> bool:
        return name in self.archive.NameToInfo and name not in self.discarded

    def tree(self, name: str) -> Element:
        if name not in self.trees:
            # one parser per call: lxml parsers must not be shared between threads
            parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
            self.trees[name] = etree.fromstring(self.read(name), parser)
        return self.trees[name]

    def touch(self, name: str, changed: bool = True) -> None:
        if changed:
            self.changed.add(name)

    def discard(self, name: str, why: str) -> None:
        """Leave part ``name`` out of the copy, with the relationships to it."""
        if self.has(name):
            self.discarded[name] = why

    def content_type(self, name: str) -> str:
        overrides, defaults = self.types
        extension = posixpath.splitext(name)[1].lstrip(".").lower()
        return overrides.get(name, defaults.get(extension, ""))

    def parts_of_type(self, content_type: str) -> list[str]:
        """The parts of ``content_type`` a relationship reaches (an orphan is not carried)."""
        reachable = self.reachable()
        names = self.archive.NameToInfo
        return [n for n in names if n in reachable and self.content_type(n) == content_type]

    def reachable(self) -> set[str]:
        """The parts reached from the package relationships, not through a discarded part."""
        seen: set[str] = set()
        queue = [""]
        while queue:
            for rel in self.rels(queue.pop()):
                if not rel.external and self.has(rel.target) and rel.target not in seen:
                    seen.add(rel.target)
                    queue.append(rel.target)
        return seen

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
                target = rebuild.resolve(part, target)
            out.append(_Rel(element.get("Type", ""), target, external, element))
        return out

    def output(self, rewriter: TextRewriter, ctx: WriteContext) -> bytes:
        """The copy, rebuilt (``rebuild``) from the handled parts; what was discarded
        or dropped is recorded in ``ctx``."""
        for why in [*self.discarded.values(), *self.notes]:
            ctx.drop(why)
        self._unlink()
        reachable = self.reachable()
        handled: dict[str, bytes] = {}
        for name, root in self.trees.items():
            kept = name == "[Content_Types].xml" or name.endswith(".rels") or name in reachable
            if kept and name not in self.discarded:
                handled[name] = self._body(name, root, rewriter)
        members = [
            rebuild.Member(info, functools.partial(self.read, info))
            for info in self.archive.infolist()
            if info.filename not in self.discarded
        ]
        checked = self.checked & handled.keys()
        return rebuild.rebuild(members, handled, rewriter, ctx, self.archive.comment, checked)

    def _body(self, name: str, root: Element, rewriter: TextRewriter) -> bytes:
        body = _serialise(root) if name in self.changed else self.read(name)
        if self.content_type(name) in (CT_CHART, CT_DRAWING):
            # beyond the titles and labels rewritten here: numbers in chart caches, any
            # other text of the drawing
            body = rebuild.rewrite_xml(body, rewriter, name, text=True) or body
        return body

    def _unlink(self) -> None:
        """Relationships to discarded parts removed from every relationships part."""
        if not self.discarded:
            return
        for name in [n for n in self.archive.NameToInfo if n.endswith(".rels")]:
            if not self.has(name):
                continue
            source = _rels_source(name)
            for rel in self.rels(source):
                if not rel.external and rel.target in self.discarded:
                    rel.element.getparent().remove(rel.element)
                    self.touch(name)

    def _content_types(self) -> tuple[dict[str, str], dict[str, str]]:
        if "[Content_Types].xml" not in self.archive.NameToInfo:
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


def _rels_source(rels: str) -> str:
    """The part whose relationships ``rels`` holds ('' for the package)."""
    folder = posixpath.dirname(posixpath.dirname(rels))
    return posixpath.join(folder, posixpath.basename(rels).removesuffix(".rels"))


def _serialise(root: Element) -> bytes:
    tree = root.getroottree()
    return etree.tostring(
        tree, xml_declaration=True, encoding="UTF-8", standalone=tree.docinfo.standalone
    )


def _stem(part: str) -> str:
    """A part's file name without its extension, as the extractor names the part."""
    return posixpath.splitext(posixpath.basename(part))[0]


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
    value, an attribute, a formula. Each returns whether anything changed.

    ``sheets`` and ``names`` map renamed sheets and defined names (old name casefolded →
    new name): formulas follow them."""

    def __init__(self, rewriter: TextRewriter) -> None:
        self.rewriter = rewriter
        self.sheets: dict[str, str] = {}
        self.names: dict[str, str] = {}

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

    def attribute(
        self, element: Element, name: str, location: str, context: Sequence[str] = ()
    ) -> bool:
        new = self.value(element.get(name) or "", location, context)
        if new is None:
            return False
        element.set(name, new)
        return True

    def attributes(self, slots: Sequence[tuple[Element, str]], location: str) -> bool:
        """Attribute values asked about in one call, joined by line breaks (a value never
        spans two of them), the edits written back value by value."""
        runs: list[str] = []
        for element, name in slots:
            runs += [element.get(name) or "", "\n"]
        edits = self.edits("".join(runs), location)
        if not edits:
            return False
        changed = False
        new_values = apply_to_runs(runs, edits)[0::2]
        for (element, name), old, new in zip(slots, runs[0::2], new_values, strict=True):
            if new != old:
                element.set(name, new)
                changed = True
        return changed

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

    def formula(self, formula: str, location: str) -> str | None:
        """The formula with renamed sheets and names followed and its literals rewritten:
        each string literal on its own, then all of them joined as ``&`` joins them
        (``="138"&"1234"&"5678"`` is a phone once Excel calculates), the edits of the
        joined text landing on the literals (the first keeps the replacement)."""
        where = f"{location} 公式"
        new = rewrite_formula(
            formula, self.sheets, lambda s: self.value(s, where) or s, self.names
        )
        spans = literal_spans(new)
        pieces = [text for _, _, text in spans]
        edits = self._joined_edits(pieces, where)
        if edits:
            for (start, end, old), text in reversed(
                list(zip(spans, apply_to_runs(pieces, edits), strict=True))
            ):
                if text != old:
                    new = new[:start] + '"' + text.replace('"', '""') + '"' + new[end:]
        return new if new != formula else None

    def formula_element(self, element: Element, location: str) -> bool:
        new = self.formula(element.text, location) if element.text else None
        if new is None:
            return False
        element.text = new
        return True

    def literals_flagged(self, formula: str, location: str) -> bool:
        """Whether a literal of ``formula``, or all of them joined, holds something the
        rewriter replaces."""
        where = f"{location} 公式"
        pieces = [text for _, _, text in literal_spans(formula)]
        strings = [p for p in pieces if not _is_number(p) or rebuild.may_hold_value(p)]
        return any(self.edits(p, where) for p in strings) or bool(
            self._joined_edits(pieces, where)
        )

    def _joined_edits(self, pieces: Sequence[str], where: str) -> list[Edit]:
        """The edits of two or more literals joined, if the joined text may hold a value."""
        joined = "".join(pieces)
        if len(pieces) < 2 or not rebuild.may_hold_value(joined):
            return []
        return self.edits(joined, where)


def _is_number(text: str) -> bool:
    return bool(text) and text[0].isdigit()


def rewrite_formula(
    formula: str,
    renames: Mapping[str, str],
    literal: Callable[[str], str],
    names: Mapping[str, str] | None = None,
) -> str:
    """``formula`` with references to the sheets in ``renames`` (old name casefolded →
    new name) pointing at their new names, each string literal passed to ``literal``, and
    the defined names in ``names`` (old name casefolded → new name) renamed."""

    def replace(match: re.Match[str]) -> str:
        token = match.group()
        if match.group("string") is not None:
            text = token[1:-1].replace('""', '"')
            return '"' + literal(text).replace('"', '""') + '"'
        if match.group("sheet") is not None:
            return rename_reference(token, renames)
        return names.get(token.casefold(), token) if names else token

    return _FORMULA_TOKEN.sub(replace, formula)


def rename_reference(token: str, renames: Mapping[str, str]) -> str:
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


def legal_defined_name(name: str, taken: set[str]) -> str:
    """``name`` made a valid, unused defined name: letters, digits, ``_``, ``.`` and ``\\``
    only, a letter, ``_`` or ``\\`` first, nothing that reads as a cell reference, at most
    255 characters; ``name_2``, ``name_3`` … if it is taken (compared casefolded)."""
    name = re.sub(r"[^\w.\\]", "_", name)[:250]
    if not re.match(r"[^\W\d]|\\", name) or _CELL_LIKE.fullmatch(name):
        name = f"_{name}"
    candidate, number = name, 2
    while candidate.casefold() in taken:
        candidate, number = f"{name}_{number}", number + 1
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
            sheet = Stylesheet.from_tree(SafeET.fromstring(package.read(styles)))
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
        self.renames: dict[str, str] = texts.sheets  # sheets: old name casefolded → new
        self.frozen = False  # a formula was replaced by its value somewhere
        self.owners: dict[str, str] = {}  # comments part → its sheet's title

    def rewrite(self) -> None:
        sheets = self._sheets()
        changed = self._rename(sheets)
        changed |= self._rename_names()
        self._discard_unlisted(sheets)
        shared = _SharedStrings.read(self.package, self._related(RT_SHARED_STRINGS))
        numbers = _Numbers.read(self.package, self._related(RT_STYLES), self._date1904())
        for sheet in sheets:
            if sheet.part is not None:
                _Worksheet(self, sheet, shared, numbers).rewrite()
        shared.finish(self.package, self.texts)
        changed |= self._names()
        self.package.touch(self.part, changed)
        if self.frozen:  # it lists cells by their formulas: Excel would repair the copy
            for part in self._all_related(RT_CALC_CHAIN):
                self.package.discard(part, f"calculation chain {part} (Excel rebuilds it)")
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
        return next(iter(self._all_related(reltype)), None)

    def _all_related(self, reltype: str) -> list[str]:
        return [r.target for r in self.rels if r.type == reltype and not r.external]

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

    def _defined_names(self) -> list[Element]:
        return list(self.root.iterfind(f"{_m('definedNames')}/{_m('definedName')}"))

    def _rename_names(self) -> bool:
        """New names for the defined names the rewriter edits (``客户_13812345678``),
        valid and unique, decided before any formula is rewritten so that every formula
        follows them; Excel's own names (``_xlnm.Print_Area``) are left alone."""
        elements = self._defined_names()
        names = {e.get("name", "") for e in elements if e.get("name")}
        wanted = {
            old.casefold(): new
            for old in sorted(names)
            if not old.startswith("_xlnm.")
            and (new := self.texts.value(old, "定义名称")) is not None
        }
        taken = {n.casefold() for n in names if n.casefold() not in wanted}
        for old, new in wanted.items():
            name = legal_defined_name(new, taken)
            taken.add(name.casefold())
            self.texts.names[old] = name
        for element in elements:
            new = self.texts.names.get(element.get("name", "").casefold())
            if new is not None:
                element.set("name", new)
        return bool(self.texts.names)

    def _discard_unlisted(self, sheets: list[_Sheet]) -> None:
        """Worksheet parts no sheet of the workbook lists: no tab shows them, so nothing
        is lost by leaving them out, and nothing checks them if they are carried."""
        listed = {s.part for s in sheets if s.part is not None}
        for name in list(self.package.archive.NameToInfo):
            worksheet = self.package.content_type(name) == CT_WORKSHEET or _is_worksheet(name)
            if worksheet and name.endswith(".xml") and name not in listed:
                self.package.discard(name, f"worksheet not listed in the workbook {name}")

    def _names(self) -> bool:
        changed = False
        for name in self._defined_names():
            where = f"定义名称 {name.get('name', '')}"
            changed |= self.texts.formula_element(name, where)
        sharing = self.root.find(_m("fileSharing"))
        if sharing is not None:
            changed |= self.texts.attribute(sharing, "userName", "属性 file_sharing_user")
        return changed

    def _other_parts(self) -> None:
        """Parts found by their content type, wherever a relationship reaches them:
        comments, persons, drawings, charts, pivot caches, tables."""
        handlers: dict[str, Callable[[Element, str], bool]] = {
            CT_COMMENTS: self._comments,
            CT_THREADED: self._threaded_comments,
            CT_PERSON: self._persons,
            CT_DRAWING: self._drawing,
            CT_CHART: self._chart,
            CT_PIVOT_CACHE: self._pivot_cache,
            CT_TABLE: self._table,
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
        """Series references (renamed sheets and names), titles, cached text labels, and
        cached numbers: a number that holds a value (a phone) cannot become text in a
        numeric cache, so its point is left out (Excel reads the cells again)."""
        where = f"图表 {part}"
        changed = self._drawing(root, part)
        for formula in root.iter(f"{{{C_NS}}}f"):
            changed |= self.texts.formula_element(formula, where)
        numeric = {f"{{{C_NS}}}numCache", f"{{{C_NS}}}numLit"}
        dropped = 0
        for value in list(root.iter(f"{{{C_NS}}}v")):
            if not any(a.tag in numeric for a in value.iterancestors()):
                changed |= self.texts.element(value, where)
            elif self.texts.value(_number_text(value.text or ""), f"图表 {_stem(part)} 缓存"):
                point = value.getparent()
                point.getparent().remove(point)
                dropped += 1
        if dropped:
            self.package.notes.append(
                f"cached values of {dropped} chart points in {part} (Excel reads the cells again)"
            )
        return changed or bool(dropped)

    def _pivot_cache(self, root: Element, part: str) -> bool:
        """The source (renamed sheet or name), field names and shared items, each field's
        items with its name as context; the records are left out (``_drop_records``)."""
        changed = False
        for source in root.iter(_m("worksheetSource")):
            for attribute, renames in (("sheet", self.renames), ("name", self.texts.names)):
                new = renames.get((source.get(attribute) or "").casefold())
                if new is not None:
                    source.set(attribute, new)
                    changed = True
        stem = _stem(part)
        for cache_field in root.iter(_m("cacheField")):
            name = (cache_field.get("name") or "").strip()
            changed |= self.texts.attribute(cache_field, "name", f"数据透视表缓存 {stem} 字段名")
            where = f"数据透视表缓存 {stem} 字段 {name}"
            for item in list(cache_field.iter(_m("s"), _m("n"))):
                changed |= _cache_item(item, self.texts, where, (name,) if name else ())
        return self._drop_records(root, part) or changed

    def _drop_records(self, root: Element, part: str) -> bool:
        """A pivot cache's records (a copy of every source row, values inline) are left
        out rather than rewritten value by value: Excel rebuilds them from the (redacted)
        source when the copy is opened (``refreshOnLoad``)."""
        records = [r.target for r in self.package.rels(part) if r.type == RT_PIVOT_RECORDS]
        present = [r for r in records if self.package.has(r) and not r.endswith(".rels")]
        for name in present:
            why = f"pivot cache records {name} (Excel rebuilds them from the source on open)"
            self.package.discard(name, why)
        if not present:
            return False
        root.attrib.pop(R_ID, None)
        root.set("saveData", "0")
        root.set("refreshOnLoad", "1")
        return True

    def _table(self, root: Element, part: str) -> bool:
        """A table's column names (the header cells' text, kept apart from the sheet),
        its column formulas and its filter values."""
        stem = _stem(part)
        changed = False
        for column in root.iter(_m("tableColumn")):
            changed |= self.texts.attribute(column, "name", f"表格列名 {stem}")
            for tag in ("calculatedColumnFormula", "totalsRowFormula"):
                for formula in column.iterfind(_m(tag)):
                    changed |= self.texts.formula_element(formula, f"表格 {stem}")
        for element in root.iter(_m("filter"), _m("customFilter")):
            changed |= self.texts.attribute(element, "val", f"筛选条件 {stem}")
        return changed


def _number_text(raw: str) -> str:
    """A cached number as a cell shows it (``1.3812345678E10`` is a phone)."""
    try:
        return number_text(float(raw)) or raw
    except ValueError:
        return raw


def _cache_item(item: Element, texts: _Texts, where: str, context: tuple[str, ...]) -> bool:
    """A pivot cache item (``<s v="…"/>``, ``<n v="…"/>``) rewritten as the extractor reads
    it; an edited number becomes a string item."""
    raw = item.get("v")
    if raw is None:
        return False
    text = _number_text(raw) if item.tag == _m("n") else raw
    new = texts.value(text, where, context)
    if new is None:
        return False
    item.tag = _m("s")
    item.set("v", new)
    return True


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
        # cells whose formula goes (their cached value stays): an element's proxy is
        # kept alive by the dict, so identity holds
        self.frozen: dict[Element, None] = {}

    def rewrite(self) -> None:
        changed = self._cells()
        changed |= self._cell_formulas()
        changed |= self._formulas()
        changed |= self._extras()
        changed |= self._attributes()
        package = self.book.package
        package.touch(self.part, changed)
        package.checked.add(self.part)
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
        if record.kind == "str":  # a formula's cached text
            changed = self.texts.element(cell.find(V), where, context)
            if changed:  # the formula would compute the value again
                self.frozen[cell] = None
            return changed
        new = self.texts.value(record.text, where, context)
        if new is None:
            return False
        if cell.find(F) is not None:  # a formula's cached number: its value, as text, stays
            cell.set("t", "str")
            _set_text(cell.find(V), new)
            self.frozen[cell] = None
        else:  # a typed number (a phone): now the masked text
            _make_inline(cell, _inline_string(new))
        return True

    # formulas and the rest

    def _cell_formulas(self) -> bool:
        """A cell whose cached value was edited, or whose formula's literals (alone or
        joined: ``="138"&"1234"&"5678"``) hold a value, keeps its redacted value and loses
        its formula: Excel recalculates on open, and would compute the value again. A
        shared formula's master takes its whole group with it (they read its text).
        The other formulas follow renamed sheets and names."""
        sheet_data = self.root.find(_m("sheetData"))
        if sheet_data is None:
            return False
        formulas = [(f.getparent(), f) for f in sheet_data.iter(F) if f.getparent().tag == C]
        for cell, formula in formulas:
            where = f"sheet {self.title} cell {cell.get('r', '')}"
            if cell not in self.frozen and self.texts.literals_flagged(formula.text or "", where):
                self.frozen[cell] = None
        groups = {
            f.get("si")
            for cell, f in formulas
            if cell in self.frozen and f.get("t") == "shared" and f.get("ref")
        }
        changed = False
        for cell, formula in formulas:
            if formula.get("t") == "shared" and formula.get("si") in groups:
                self.frozen[cell] = None
            if cell in self.frozen or not formula.text:
                continue
            text = rewrite_formula(formula.text, self.book.renames, str, self.texts.names)
            if text != formula.text:
                formula.text = text
                changed = True
        for cell in self.frozen:
            _freeze(cell)
        if self.frozen:
            self.book.frozen = True
            self.book.package.notes.append(
                f"formulas of {len(self.frozen)} cells in {self.part} "
                "(replaced by their redacted values)"
            )
        return changed or bool(self.frozen)

    def _outside_cells(self) -> Iterator[Element]:
        """Every element of the sheet but the cells (``sheetData``), in document order."""
        for child in self.root:
            if child.tag != _m("sheetData"):
                yield from child.iter()

    def _formulas(self) -> bool:
        """Validation and conditional-format formulas (``xm:f`` included)."""
        changed = False
        for element in list(self._outside_cells()):
            if isinstance(element.tag, str) and etree.QName(element).localname in _FORMULA_TAGS:
                changed |= self.texts.formula_element(element, f"sheet {self.title}")
        return changed

    def _extras(self) -> bool:
        where = f"sheet {self.title}"
        changed = False
        for link in self.root.iterfind(f"{_m('hyperlinks')}/{_m('hyperlink')}"):
            location = link.get("location")
            if location:
                new = self.texts.formula(location, f"{where} 超链接")
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
        for element in self.root.iter(_m("filter"), _m("customFilter")):
            changed |= self.texts.attribute(element, "val", f"筛选条件 {where}")
        return changed

    def _attributes(self) -> bool:
        """Every other attribute outside the cells that may hold a value (scenario
        names and comments, protected ranges, custom views …), in one rewriter call; a
        cell's attributes are its address, style and type, never text."""
        slots = []
        for element in self._outside_cells():
            if not isinstance(element.tag, str):
                continue
            own = _SHEET_ATTRIBUTES.get(etree.QName(element).localname, ())
            for name, value in element.attrib.items():
                if name not in own and rebuild.may_hold_value(value):
                    slots.append((element, name))
        return bool(slots) and self.texts.attributes(slots, f"sheet {self.title} 其他")

    def _relations(self) -> None:
        """External hyperlink targets (``mailto:`` addresses) and the comments parts' owner."""
        changed = False
        for rel in self.book.package.rels(self.part):
            if rel.type == RT_HYPERLINK and rel.external:
                changed |= self.texts.attribute(rel.element, "Target", f"sheet {self.title} 超链接")
            elif rel.type in (RT_COMMENTS, RT_THREADED):
                self.book.owners[rel.target] = self.title
        self.book.package.touch(rels_name(self.part), changed)


def _freeze(cell: Element) -> None:
    """The cell without its formula: a text result becomes an inline string, a number
    or a boolean stays as cached, a cell without a cached value becomes empty."""
    for formula in cell.findall(F):
        cell.remove(formula)
    cell.attrib.pop("cm", None)  # dynamic-array metadata of the formula
    value = cell.find(V)
    if value is None or not value.text:
        if value is not None:
            cell.remove(value)
        cell.attrib.pop("t", None)
    elif cell.get("t") == "str":
        _make_inline(cell, _inline_string(value.text))


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
        """Sheet and defined names as listed in ``TitlesOfParts``, following their
        renames; any other title that holds a value rewritten on its own."""
        names = self.texts.names
        changed = False
        for title in root.iterfind(f"{{{EP_NS}}}TitlesOfParts/{{{VT_NS}}}vector/{{{VT_NS}}}*"):
            text = title.text or ""
            new = self.renames.get(text.casefold()) or names.get(text.casefold())
            if new is None and "!" in text:  # a named range: 'Sheet'!Print_Area
                new = rewrite_formula(text, self.renames, lambda s: s, names)
            if new is None or new == text:
                changed |= self.texts.element(title, "属性 titles")
            else:
                title.text = new
                changed = True
        return changed
