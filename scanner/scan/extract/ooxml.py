"""What the Office Open XML extractors (Word, PowerPoint, Excel) share.

An OOXML file is a zip package of XML parts tied together by relationships,
and whatever application wrote it, the package brings the same things:

* the same hostile-file risks, so the same checks, made *before* any part is
  parsed (``open_package``, ``check_package``): the parsing libraries hold whole
  parts in memory, so once they run a zip bomb has already gone off. The zip's
  declared sizes are checked against the configured limits (parts per package,
  bytes per part held whole, compression ratio, and the uncompressed budget
  shared with the containers the file sits in); ``zipfile`` never inflates a
  member beyond its declared size (it stops there and fails the CRC check), so
  the declaration cannot be lied about. The OpenDocument extractor, whose files
  are zip packages too, uses the same checks;
* the same disguise for a password: an encrypted OOXML file is not a zip but an
  OLE compound file holding an ``EncryptionInfo`` stream, reported as encrypted
  rather than corrupt;
* the same document properties (``docProps/core.xml``, ``app.xml``,
  ``custom.xml``), shown as ``属性 author``, ``属性 company``, ``属性 <custom
  name>`` … whichever extractor found them (``property_segments``);
* for the packages python-docx and python-pptx open: the same relationship
  walking, safe parsing of the parts the libraries leave as blobs
  (``part_root``: no entities resolved, no DTD or network access), DrawingML
  text (SmartArt, shapes), embedded packages handed back as ``Member`` items,
  the mapping of a library's exceptions to ``CorruptError`` (``open_main_part``,
  ``open_failure``), and the header rule of their tables (``RowOneHeader``);
* the places no reader looks, read the same way by the scan and rewritten the
  same way by the redaction writers (``scanner.redact.writers.ooxml``): chart
  text piece by piece (``chart_pieces``), attributes such as alt text and shape
  names (``AttributePlace``), tags parts, and whatever the format's reader did
  not read — other XML parts, orphan parts, zip comments (``unread_parts``).
  Strings of parts nobody reads as text are read where they may hold a value
  (``MAY_HOLD_VALUE``, less ``STRUCTURAL_VALUE`` attributes), so that colours,
  sizes and ids do not crowd the scan.
"""

from __future__ import annotations

import hashlib
import re
import zipfile
import zlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import IO, Any, Protocol, TypeVar

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException
from lxml import etree

from scanner.models import Segment, SegmentKind
from scanner.scan.extract import (
    CorruptError,
    EncryptedError,
    LimitExceeded,
    Member,
    Notice,
    Source,
    remember,
)
from scanner.scan.extract.archive import read_declared, read_member
from scanner.scan.extract.imagemeta import metadata_text
from scanner.scan.limits import MB

# --- namespaces, tags and relationship types -----------------------------------------

R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"
A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
R_ID = f"{{{R_NS}}}id"
A_P, A_T, A_BR = f"{{{A_NS}}}p", f"{{{A_NS}}}t", f"{{{A_NS}}}br"
DGM_REL_IDS = "{http://schemas.openxmlformats.org/drawingml/2006/diagram}relIds"
R_DM = f"{{{R_NS}}}dm"  # the relationship to a SmartArt's data part

RT_CORE = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties"
RT_EXTENDED, RT_CUSTOM = f"{R_NS}/extended-properties", f"{R_NS}/custom-properties"
RT_EMBEDDED = frozenset({f"{R_NS}/package", f"{R_NS}/oleObject"})

_CP = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
_DC = "http://purl.org/dc/elements/1.1/"
_EP = "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"
_VT = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"

# --- limits and signatures -------------------------------------------------------------

CFB_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # an OLE compound file
# A stream that only an encrypted OOXML package has, as its name is stored in the
# compound file's directory (UTF-16LE).
ENCRYPTION_INFO = "EncryptionInfo".encode("utf-16-le")
# A part smaller than this may compress as well as it likes: the ratio limit is
# for bombs, and a small part (an XML part of repeated tags) cannot be one.
RATIO_FLOOR_BYTES = 1 * MB
SMALL_PART_BYTES = 4 * MB  # properties and manifests are a few KB; a bigger one is not read
REASON_CHARS = 160
# What reading a damaged zip member or parsing malformed XML with defusedxml raises
# (SyntaxError is the base of ElementTree's ParseError).
DAMAGED = (SyntaxError, DefusedXmlException, zipfile.BadZipFile, zlib.error, EOFError, OSError)

Element = Any  # an lxml or ElementTree element (python-docx's classes included)
MainPart = TypeVar("MainPart")


class Relationship(Protocol):
    reltype: str
    is_external: bool
    target_ref: str

    @property
    def target_part(self) -> Any: ...


class Package(Protocol):
    def iter_rels(self) -> Iterator[Relationship]: ...


# --- checks before parsing ---------------------------------------------------------------


def open_package(
    source: Source,
    what: str,
    streamed: Callable[[str], bool] = lambda name: False,
    expected: str = "a zip package",
) -> zipfile.ZipFile:
    """The file as a zip package, checked against the limits before anything unpacks.

    Parts the caller streams (``streamed(name)``: worksheets, an OpenDocument's
    content.xml) are never held whole, so they are held to the compression-ratio
    limit (a bomb's signature) but not to the size of one part nor to the
    uncompressed budget of the file: a 200 MB workbook honestly unpacks to a few
    GB of sheet XML. ``expected`` names what a non-zip file should have been.
    """
    _refuse_compound_file(source.data, what, expected)
    try:
        archive = zipfile.ZipFile(source.stream())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise CorruptError(f"not a valid {what}: {reason(exc)}") from None
    try:
        _check_sizes(source, archive.infolist(), what, streamed)
    except LimitExceeded:
        archive.close()
        raise
    return archive


def check_package(source: Source, what: str) -> None:
    """Raise unless ``source`` is an OOXML package within the limits, every part held whole.

    For the libraries (python-docx, python-pptx) that open the package themselves.
    """
    with open_package(source, what, expected="an OOXML package"):
        pass


def open_main_part(
    source: Source,
    what: str,
    opener: Callable[[IO[bytes]], Any],
    part_class: type[MainPart],
    content_types: tuple[str, ...],
    errors: tuple[type[Exception], ...] = (),
) -> MainPart:
    """The main part of the package ``opener`` (python-docx's, python-pptx's) opens.

    The package is checked first (``check_package``). The main part must be a
    ``part_class`` with one of ``content_types``; ``errors`` are the library's
    own exceptions for a damaged package. Raises ``CorruptError`` for a damaged
    package or one of another kind.
    """
    check_package(source, what)
    try:
        part = opener(source.stream()).main_document_part
    except Exception as exc:  # narrowed by open_failure; anything else is a bug
        raise open_failure(exc, what, also=errors) from None
    if part.content_type not in content_types or not isinstance(part, part_class):
        raise CorruptError(f"not a valid {what}: main part is {part.content_type}")
    return part


def _refuse_compound_file(data: bytes, what: str, expected: str) -> None:
    """An OLE compound file is a password-protected OOXML file, or no package at all."""
    if data.startswith(CFB_SIGNATURE):
        if ENCRYPTION_INFO in data:
            raise EncryptedError(f"password-protected {what}")
        raise CorruptError(f"not a valid {what}: an OLE compound file, not {expected}")


def _check_sizes(
    source: Source, infos: list[zipfile.ZipInfo], what: str, streamed: Callable[[str], bool]
) -> None:
    limits = source.limits
    if len(infos) > limits.max_members:
        raise LimitExceeded(f"{len(infos)} parts in one {what} (limit {limits.max_members})")
    held = 0
    for info in infos:
        _check_ratio(info, limits.max_ratio)
        if streamed(info.filename):
            continue
        if info.file_size > limits.max_member_bytes:
            raise LimitExceeded(
                f"part {info.filename} is {info.file_size / MB:.1f} MB uncompressed "
                f"(limit {limits.max_member_mb:g} MB)"
            )
        held += info.file_size
    # the budget is shared with the archives (and documents) this file sits in, so
    # nesting cannot multiply what a bomb inflates to
    if not source.budget.take(held):
        raise LimitExceeded(
            f"{what} is {held / MB:.1f} MB uncompressed, more than is left of the "
            f"{limits.max_archive_total_mb:g} MB allowed for one file and its contents"
        )


def _check_ratio(info: zipfile.ZipInfo, max_ratio: float) -> None:
    size, compressed = info.file_size, max(info.compress_size, 1)
    if size > RATIO_FLOOR_BYTES and size > max_ratio * compressed:
        raise LimitExceeded(
            f"part {info.filename} compressed {size / compressed:.0f}:1 (limit {max_ratio:g}:1)"
        )


def small_part(archive: zipfile.ZipFile, name: str, forbid_dtd: bool = False) -> Element | None:
    """A small XML part (properties, a manifest) parsed whole; None if absent or unusable.

    A broken properties part does not make the rest of the file unreadable.
    """
    info = archive.NameToInfo.get(name)
    if info is None or info.file_size > SMALL_PART_BYTES:
        return None
    try:
        return SafeET.fromstring(read_declared(archive, info), forbid_dtd=forbid_dtd)
    except DAMAGED:
        return None


# --- errors ----------------------------------------------------------------------------


def open_failure(exc: Exception, what: str, also: tuple[type[Exception], ...] = ()) -> Exception:
    """The ``CorruptError`` for an exception raised while a library opened a package.

    ``also`` adds the opening library's own errors. Exceptions that cannot come
    from a damaged file are returned unchanged, so that a bug is not reported as
    a corrupt document.
    """
    expected = (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        zlib.error,
        etree.LxmlError,
        KeyError,
        ValueError,
        EOFError,
        OSError,
        NotImplementedError,  # unsupported zip compression method
        RuntimeError,  # zipfile: encrypted member
        *also,
    )
    if isinstance(exc, expected) and not isinstance(exc, RecursionError):
        return CorruptError(f"not a valid {what}: {reason(exc)}")
    return exc  # RecursionError included: the pipeline reports it as nesting too deep


def reason(exc: BaseException) -> str:
    """What went wrong, in a few words, for the corrupt-file message."""
    if isinstance(exc, KeyError):
        detail = f"missing part or relationship: {exc.args[0] if exc.args else ''}"
    elif isinstance(exc, etree.XMLSyntaxError):
        detail = f"malformed XML ({exc.msg})"
    elif isinstance(exc, zlib.error):
        detail = "damaged compressed data"
    elif isinstance(exc, EOFError):
        detail = "truncated file"
    else:
        detail = str(exc) or type(exc).__name__
    detail = " ".join(detail.split())
    return detail if len(detail) <= REASON_CHARS else detail[: REASON_CHARS - 1] + "…"


def malformed(part: Any) -> Notice:
    return Notice(f"{str(part.partname).lstrip('/')}: malformed XML, not scanned")


# --- document properties -----------------------------------------------------------------


@dataclass(frozen=True)
class PropertyPart:
    """One of the three properties parts: how it is found, and what is read from it."""

    reltype: str  # the package relationship to it
    name: str  # where Office puts it
    # element → the name shown after 属性 (the names python-docx and python-pptx
    # give the properties); None for custom properties, shown by their own name
    names: Mapping[str, str] | None


PROPERTY_PARTS = (
    PropertyPart(
        RT_CORE,
        "docProps/core.xml",
        {
            f"{{{_DC}}}creator": "author",
            f"{{{_CP}}}lastModifiedBy": "last_modified_by",
            f"{{{_DC}}}title": "title",
            f"{{{_DC}}}subject": "subject",
            f"{{{_CP}}}keywords": "keywords",
            f"{{{_DC}}}description": "comments",
            f"{{{_CP}}}category": "category",
        },
    ),
    # extended properties: who the file was made for, by whom
    PropertyPart(
        RT_EXTENDED,
        "docProps/app.xml",
        {f"{{{_EP}}}Company": "company", f"{{{_EP}}}Manager": "manager"},
    ),
    PropertyPart(RT_CUSTOM, "docProps/custom.xml", None),
)
TEXT_VARIANTS = frozenset({f"{{{_VT}}}lpwstr", f"{{{_VT}}}lpstr", f"{{{_VT}}}bstr"})


def package_properties(package: Package) -> Iterator[Segment | Notice]:
    """The properties of a package python-docx or python-pptx opened, found by relationship.

    Core, extended, custom, in that order, whatever order the package lists its
    parts in; a malformed part is a ``Notice``.
    """
    property_rels = [r for r in package.iter_rels() if not r.is_external]
    for part in PROPERTY_PARTS:
        for rel in (r for r in property_rels if r.reltype == part.reltype):
            try:
                root = part_root(rel.target_part)
            except etree.XMLSyntaxError:
                yield malformed(rel.target_part)
                continue
            yield from property_segments(part, root)


def archive_properties(archive: zipfile.ZipFile) -> Iterator[Segment]:
    """The properties of a package read as a plain zip, found where Office puts them.

    Core, extended, custom, in that order; an unreadable part is skipped.
    """
    for part in PROPERTY_PARTS:
        root = small_part(archive, part.name)
        if root is not None:
            yield from property_segments(part, root)


def property_segments(part: PropertyPart, root: Element) -> Iterator[Segment]:
    """The ``属性 <name>`` METADATA segments of one properties part, in a fixed order."""
    if part.names is None:
        yield from _custom_properties(root)
        return
    names = part.names
    values = {names[e.tag]: e.text for e in root if e.tag in names}
    for name in names.values():  # in a fixed order, whatever order the file has
        yield from property_segment(name, values.get(name))


def _custom_properties(root: Element) -> Iterator[Segment]:
    for prop in root:
        for value in prop:
            if value.tag in TEXT_VARIANTS:
                yield from property_segment(prop.get("name", ""), value.text)


def property_segment(name: str, value: str | None) -> Iterator[Segment]:
    """A property as ``属性 <name>`` METADATA, if it has both a name and a value."""
    if name and value and value.strip():
        yield Segment(value, f"属性 {name}", SegmentKind.METADATA, context=(name,))


# --- parts of a package python-docx or python-pptx opened ---------------------------


def part_root(part: Any) -> Element:
    """The XML root of a part: the library's tree, or the blob parsed safely.

    Raises ``etree.XMLSyntaxError`` for a malformed part.
    """
    element = getattr(part, "_element", None)
    if element is not None:
        return element
    # one parser per call: lxml parsers must not be shared between threads
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    return etree.fromstring(part.blob, parser)


def related_part(rels: Mapping[str, Relationship], rid: str | None) -> Any | None:
    rel = rels.get(rid) if rid else None
    return rel.target_part if rel is not None and not rel.is_external else None


def parts_related_by(rels: Mapping[str, Relationship], *reltypes: str) -> list[Any]:
    """The internal parts ``rels`` relate by any of ``reltypes``, in relationship order."""
    return [r.target_part for r in rels.values() if r.reltype in reltypes and not r.is_external]


def drawing_text(root: Element) -> str:
    """The DrawingML paragraphs (``a:p``) under ``root``, one line each."""
    lines = []
    for paragraph in root.iter(A_P):
        line = "".join((e.text or "") if e.tag == A_T else "\n" for e in paragraph.iter(A_T, A_BR))
        if line.strip():
            lines.append(line)
    return "\n".join(lines)


def embedded_members(package: Package) -> Iterator[Member]:
    """Embedded packages and OLE objects, once each, named by their part name."""
    seen: set[str] = set()
    for rel in package.iter_rels():
        if rel.is_external or rel.reltype not in RT_EMBEDDED:
            continue
        part = rel.target_part
        name = str(part.partname).lstrip("/")
        if name not in seen:
            seen.add(name)
            yield Member(name, part.blob)


class RowOneHeader:
    """The header rule of Word and PowerPoint tables: row 1 heads the columns below it.

    Row 1's cells are ``HEADER`` segments; every other cell is a ``TABLE_CELL``
    whose context is the text of the row-1 cell above it (a column headed 手机
    makes its cells phone candidates). A merged row-1 cell heads every column it
    spans. Sheets and OpenDocument tables choose their header row differently
    (``xlsx.Headers``).
    """

    def __init__(self) -> None:
        self.labels: dict[int, str] = {}

    def cell(
        self, row: int, column: int, span: int, text: str
    ) -> tuple[SegmentKind, tuple[str, ...]]:
        """The kind and context of the cell at ``row``/``column`` spanning ``span`` columns."""
        if row == 1:
            for c in range(column, column + span):
                self.labels[c] = text.strip()
            return SegmentKind.HEADER, ()
        label = self.labels.get(column, "")
        return SegmentKind.TABLE_CELL, ((label,) if label else ())


# --- the places people forget: charts, names and alt text, loose parts -----------------------

C_NS = "http://schemas.openxmlformats.org/drawingml/2006/chart"
CX_NS = "http://schemas.microsoft.com/office/drawing/2014/chartex"
C_CHART, CX_CHART = f"{{{C_NS}}}chart", f"{{{CX_NS}}}chart"  # a drawing's reference to a chart
RT_HYPERLINK = f"{R_NS}/hyperlink"
CONTENT_TYPES_PART = "[Content_Types].xml"
# Attributes that name a font or a script, and elements that declare fonts: a typeface such
# as 宋体 is no client's name. Neither is read here nor rewritten in a redacted copy.
FONT_ATTRIBUTES = frozenset(
    {"typeface", "ascii", "hAnsi", "eastAsia", "cs", "panose", "pitchFamily", "charset",
     "hint", "lang", "bidi"}
)
FONT_ELEMENTS = frozenset({"font", "altName", "rFonts", "latin", "ea", "sym", "panose1", "sig"})
# Whether a string of a part nobody reads as text may hold a value: a CJK character, five
# digits (also with spaces, hyphens, dots, brackets or invisible characters between them:
# 138 0000 0001, 138\u200b0000\u200b0001), an @ or a letter-digit run long enough for an
# identifier. What passes is read by the scan and rewritten in a redacted copy; the rest
# (booleans, sizes, colour codes, GUID fragments) is structure.
_DIGIT_GAP = "[\\s\\-.()\u00ad\u200b-\u200d\u2060\ufeff]{0,3}"
MAY_HOLD_VALUE = re.compile(
    f"[\u3400-\u9fff\uf900-\ufaff]|\\d(?:{_DIGIT_GAP}\\d){{4}}|@|[0-9A-Z]{{15}}"
)
# Attribute values that are structure, not text: revision ids and colours (hex with a
# letter), sizes, angles and 32-bit ids (up to ten digits; a mobile or an ID number has
# more), GUIDs.
STRUCTURAL_VALUE = re.compile(
    r"(?=[0-9A-Fa-f]*[A-Fa-f])[0-9A-Fa-f]{1,8}|-?\d{1,10}"
    r"|\{?[0-9A-Fa-f]{8}(?:-[0-9A-Fa-f]{4}){3}-[0-9A-Fa-f]{12}\}?"
)
LOOSE_TEXT_CHARS = 1_000_000  # of one part read as loose text; beyond it, a notice
LOOSE_KEPT = 100_000  # characters of a part's loose text a redaction may remember


def local_name(element: Element) -> str:
    """The tag without its namespace ('' for comments and processing instructions)."""
    tag = element.tag
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


# --- charts ------------------------------------------------------------------------------

# Children of a chart series (classic ``c:ser``, chartex ``cx:series``) and what they hold.
SERIES_LABELS = {
    "tx": "系列名称",
    "cat": "类别",
    "xVal": "类别",
    "val": "数值",
    "yVal": "数值",
    "bubbleSize": "数值",
    "dLbls": "数据标签",
    "dLbl": "数据标签",
}
# Chartex keeps its data apart from the series, by dimension.
DIMENSION_LABELS = {"strDim": "类别", "numDim": "数值"}
CHART_KINDS = {
    "标题": SegmentKind.PROSE,
    "系列名称": SegmentKind.HEADER,
    "类别": SegmentKind.TABLE_CELL,
    "数值": SegmentKind.TABLE_CELL,
    "数据标签": SegmentKind.PROSE,
    "引用": SegmentKind.METADATA,
    "其他": SegmentKind.PROSE,
}


@dataclass
class ChartPiece:
    """One piece of a chart's text, read (and rewritten) as one string: a title, a
    series' name, its category or value cache, its data labels, the cell references,
    the rest. ``elements`` are DrawingML paragraphs (``a:p``) and value elements
    (``c:v``, ``c:f`` …) in document order, one line each; ``context`` is the series'
    name for its values (a series named 手机 makes its values phone candidates)."""

    label: str
    elements: list[Element] = field(default_factory=list)
    context: tuple[str, ...] = ()

    @property
    def kind(self) -> SegmentKind:
        return CHART_KINDS[self.label]

    @property
    def text(self) -> str:
        return "\n".join(_piece_line(e) for e in self.elements)


def _piece_line(element: Element) -> str:
    if element.tag == A_P:
        return "".join((e.text or "") if e.tag == A_T else "\n" for e in element.iter(A_T, A_BR))
    return element.text or ""


def chart_pieces(root: Element) -> list[ChartPiece]:
    """Every text of a chart part (classic or chartex) in one walk, each in one piece:
    nothing is read twice and nothing is left out (the rest is ``其他``)."""
    pieces: dict[tuple[int, str], ChartPiece] = {}

    def add(anchor: Element, label: str, element: Element, context: tuple[str, ...]) -> None:
        key = (id(anchor), label)
        if key not in pieces:
            pieces[key] = ChartPiece(label, context=context)
        pieces[key].elements.append(element)

    def walk(parent: Element, anchor: Element, label: str, context: tuple[str, ...]) -> None:
        in_series = local_name(parent) in ("ser", "series")
        for child in parent:
            name = local_name(child)
            if not name:
                continue
            here, where, around = anchor, label, context
            if name == "title":
                here, where, around = child, "标题", ()
            elif name in ("ser", "series"):
                here, where, around = child, "其他", _series_name(child)
            elif in_series and name in SERIES_LABELS:
                here, where = anchor, SERIES_LABELS[name]
            elif name in DIMENSION_LABELS:
                here, where, around = child, DIMENSION_LABELS[name], ()
            if name == "f":
                add(root, "引用", child, ())  # a cell reference: a sheet's name
            elif child.tag == A_P:
                if _piece_line(child).strip():
                    add(here, where, child, around)
                continue
            elif child.text and child.text.strip():
                add(here, where, child, around)
            walk(child, here, where, around)

    walk(root, root, "其他", ())
    return list(pieces.values())


def _series_name(series: Element) -> tuple[str, ...]:
    """The cached name of a series (``c:tx``'s value or rich text), as context."""
    for child in series:
        if local_name(child) == "tx":
            for element in child.iter():
                if local_name(element) == "v" and (element.text or "").strip():
                    return (element.text.strip(),)
            text = " ".join(_piece_line(p) for p in child.iter(A_P)).strip()
            return (text,) if text else ()
    return ()


def chart_segments(root: Element, location: str) -> Iterator[Segment]:
    """A chart's text as ``<location> 标题`` / ``系列名称`` / ``类别`` / ``数值`` …"""
    for piece in chart_pieces(root):
        text = piece.text
        if text.strip():
            yield Segment(text, f"{location} {piece.label}", piece.kind, context=piece.context)


# --- names, alt text and other attributes a reader does not see as text -----------------------


@dataclass(frozen=True)
class AttributePlace:
    """Attributes read as one segment: ``label``, from elements ``tags`` (Clark names, or
    ``{*}name`` for any namespace), attributes ``names`` (Clark or plain)."""

    label: str
    tags: tuple[str, ...]
    names: tuple[str, ...]


def attribute_slots(
    root: Element, places: tuple[AttributePlace, ...]
) -> dict[str, list[tuple[Element, str]]]:
    """Label → (element, attribute) of every non-blank value, in document order, found
    in one pass over ``root``."""
    by_local: dict[str, list[AttributePlace]] = {}
    by_tag: dict[str, list[AttributePlace]] = {}
    tags: set[str] = set()
    for place in places:
        for tag in place.tags:
            tags.add(tag)
            target = by_local if tag.startswith("{*}") else by_tag
            target.setdefault(tag.removeprefix("{*}"), []).append(place)
    found: dict[str, list[tuple[Element, str]]] = {place.label: [] for place in places}
    for element in root.iter(*tags):
        for place in by_tag.get(element.tag, []) + by_local.get(local_name(element), []):
            for name in place.names:
                if (element.get(name) or "").strip():
                    found[place.label].append((element, name))
    return found


def attribute_segments(
    root: Element, places: tuple[AttributePlace, ...], prefix: str = ""
) -> Iterator[Segment]:
    """One METADATA segment per place (``<prefix><label>``), its values one per line,
    each value once; only values that may hold one (``MAY_HOLD_VALUE``), so that the
    default names (``TextBox 3``) of every shape do not crowd the scan."""
    for label, slots in attribute_slots(root, places).items():
        values = [element.get(name).strip() for element, name in slots]
        values = list(dict.fromkeys(v for v in values if MAY_HOLD_VALUE.search(v)))
        if values:
            yield Segment("\n".join(values), f"{prefix}{label}", SegmentKind.METADATA)


def tag_segments(root: Element, location: str) -> Iterator[Segment]:
    """A PowerPoint tags part (``p:tagLst``): names and values of its ``p:tag`` entries."""
    names: list[str] = []
    values: list[str] = []
    for tag in root.iter("{*}tag"):
        for into, attribute in ((names, "name"), (values, "val")):
            value = (tag.get(attribute) or "").strip()
            if value:
                into.append(value)
    if values:
        yield Segment("\n".join(values), location, SegmentKind.METADATA)
    if names:
        yield Segment("\n".join(names), f"{location}名称", SegmentKind.METADATA)


# --- loose parts: what no reader of the document shows ---------------------------------------


def loose_strings(root: Element) -> Iterator[tuple[Element, str]]:
    """(element, attribute name | ".text" | ".tail") of every string of a part that may
    hold a value (``MAY_HOLD_VALUE``), font names left out: what a redacted copy rewrites
    in a part no writer understands (less structural attribute values)."""
    for element in root.iter():
        local = local_name(element)
        if not local:
            continue
        for attribute, value in element.attrib.items():
            if local in FONT_ELEMENTS or attribute.rsplit("}", 1)[-1] in FONT_ATTRIBUTES:
                continue
            if MAY_HOLD_VALUE.search(value) and not STRUCTURAL_VALUE.fullmatch(value):
                yield element, attribute
        if element.text and MAY_HOLD_VALUE.search(element.text):
            yield element, ".text"
        if element.tail and MAY_HOLD_VALUE.search(element.tail):
            yield element, ".tail"


def loose_segments(name: str, root: Element, location: str) -> Iterator[Segment | Notice]:
    """A part's strings that may hold a value, one per line, as one segment (bounded by
    ``LOOSE_TEXT_CHARS``: a notice says when the rest was not read).

    Within a redaction (``remember.remembering``) a part's result is kept by a hash of the
    part as serialised: the original is read twice and the copy once, and the parts a
    redaction leaves alone are the same each time."""
    if not remember.active():  # a scan: nothing to remember, no hash to compute
        return _loose_segments(name, root, location)
    digest = hashlib.blake2b(etree.tostring(root), digest_size=20).digest()
    found = remember.remembered(
        ("loose", digest, name, location),
        lambda: tuple(_loose_segments(name, root, location)),
        lambda items: sum(len(i.text) for i in items if isinstance(i, Segment)) <= LOOSE_KEPT,
    )
    return iter(found)


def _loose_segments(name: str, root: Element, location: str) -> Iterator[Segment | Notice]:
    lines: list[str] = []
    size = 0
    for element, where in loose_strings(root):
        value = element.text if where == ".text" else element.tail if where == ".tail" else (
            element.get(where)
        )
        size += len(value) + 1
        if size > LOOSE_TEXT_CHARS:
            yield Notice(f"{name}: text beyond {LOOSE_TEXT_CHARS:,} characters not scanned")
            break
        lines.append(value.strip())
    if lines:
        yield Segment("\n".join(lines), location, SegmentKind.PROSE)


def parse_xml(data: bytes) -> Element | None:
    """``data`` parsed safely (no entities, DTD or network), None if it is not XML."""
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    try:
        return etree.fromstring(data, parser)
    except (etree.XMLSyntaxError, ValueError):
        return None


def looks_like_xml(data: bytes) -> bool:
    """Whether ``data`` starts like an XML document (a cheap test before parsing)."""
    head = data[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    return head.startswith((b"<", b"\xff\xfe<", b"\xfe\xff\x00<"))  # UTF-8, UTF-16 LE/BE


def zip_comments(archive: zipfile.ZipFile) -> Iterator[Segment]:
    """The archive comment and member comments: no Office reader shows them."""
    comments = [("压缩包注释", archive.comment)]
    comments += [(f"压缩包注释 {i.filename}", i.comment) for i in archive.infolist()]
    for location, raw in comments:
        text = _decode_comment(raw)
        if text.strip():
            yield Segment(text, location, SegmentKind.METADATA)


def _decode_comment(raw: bytes) -> str:
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1")


def part_name(part: Any) -> str:
    return str(part.partname).lstrip("/")


def external_targets(package: Package, hyperlinks: bool) -> Iterator[Segment]:
    """External relationship targets (a template under a user's folder; with
    ``hyperlinks``, link targets too) as ``外部链接``, each once."""
    seen: set[str] = set()
    for rel in package.iter_rels():
        if not rel.is_external or (rel.reltype == RT_HYPERLINK and not hyperlinks):
            continue
        target = rel.target_ref or ""
        if target.strip() and target not in seen:
            seen.add(target)
            yield Segment(target, "外部链接", SegmentKind.METADATA)


def unread_parts(
    source: Source,
    package: Any,
    read: set[str],
    reader: Callable[[str, Element, str], Iterator[Segment | Notice]] | None = None,
) -> Iterator[Segment | Notice]:
    """What the format's reader did not read: every other XML part the relationships
    reach (``部件 <name>``), every part they do not reach (``孤立部件 <name>``: no
    reader shows it, a redacted copy does not carry it), and the zip's comments.

    ``package`` is the library's (python-docx's, python-pptx's); ``read`` the part names
    already read; ``reader`` may read a part its own way (a tags part), else None.
    """
    reachable: dict[str, Any] = {part_name(p): p for p in package.iter_parts()}
    for name, part in reachable.items():
        if name in read:
            continue
        element = getattr(part, "_element", None)  # parsed by the library already
        if element is None and not looks_like_xml(part.blob):
            yield from image_metadata(name, part.blob)  # embedded files are members
            continue
        root = element if element is not None else parse_xml(part.blob)
        if root is not None:
            yield from _loose_or_own(name, root, f"部件 {name}", reader)
    with zipfile.ZipFile(source.stream()) as archive:
        yield from zip_comments(archive)
        for info in archive.infolist():
            name = info.filename
            if info.is_dir() or name in reachable or name == CONTENT_TYPES_PART:
                continue
            if name.endswith(".rels") and _rels_source(name) in reachable.keys() | {""}:
                continue  # the relationships of a part that is read: targets are read above
            try:
                data = read_member(archive, info, source.limits, source.budget)
            except LimitExceeded as exc:
                yield Notice(f"{name}: {exc}")
                continue
            except DAMAGED:
                yield Notice(f"{name}: unreadable part, not scanned")
                continue
            yield from image_metadata(f"孤立部件 {name}", data)
            root = parse_xml(data) if looks_like_xml(data) else None
            if root is not None:
                yield from _loose_or_own(name, root, f"孤立部件 {name}", reader)


def image_metadata(name: str, data: bytes) -> Iterator[Segment]:
    """The text an image part carries besides its pixels (PNG text chunks, EXIF, XMP,
    JPEG comments): a redacted copy strips it, so the scan reports it."""
    text = metadata_text(data)
    if text:
        yield Segment(text, f"图片元数据 {name}", SegmentKind.METADATA)


def _loose_or_own(
    name: str,
    root: Element,
    location: str,
    reader: Callable[[str, Element, str], Iterator[Segment | Notice]] | None,
) -> Iterator[Segment | Notice]:
    own = reader(name, root, location) if reader is not None else None
    yield from own if own is not None else loose_segments(name, root, location)


def _rels_source(rels: str) -> str:
    """The part whose relationships ``rels`` holds ('' for the package's own)."""
    folder, base = rels.rsplit("/", 1) if "/" in rels else ("", rels)
    owner = folder.rsplit("/", 1)[0] if "/" in folder else ""
    source = base.removesuffix(".rels")
    return f"{owner}/{source}".lstrip("/") if source else ""
