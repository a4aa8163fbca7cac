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
  ``open_failure``), and the header rule of their tables (``RowOneHeader``).
"""

from __future__ import annotations

import zipfile
import zlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import IO, Any, Protocol, TypeVar

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException
from lxml import etree

from scanner.extract import CorruptError, EncryptedError, LimitExceeded, Member, Notice, Source
from scanner.extract.archive import read_declared
from scanner.limits import MB
from scanner.models import Segment, SegmentKind

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
