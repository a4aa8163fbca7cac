"""What the Office Open XML writers (Word, PowerPoint) share: the zip package and its text.

The package is rewritten as a zip, part by part, never re-saved through
python-docx or python-pptx: those libraries drop what they do not model
(custom XML, extension parts, unknown markup). Only the parts where text was
changed are re-serialised; every other member keeps its bytes, its place in the
member order and its compression type.

Text is rewritten through *slots*: an element's text (``w:t``, ``a:t``, a
property value), an attribute (a comment author), or a fixed character a reader
sees without a text element (``w:tab`` is a tab). All slots of one paragraph are
handed to the rewriter as one string, because a value is often split across
runs of different formatting (``138`` bold, ``12345678`` plain), and the edits
land back in the slots with ``apply_to_runs``.

The extractors (``scanner.scan.extract.docx``/``pptx``/``ooxml``) define what must be
reached: the verification step re-extracts the output with them.
"""

from __future__ import annotations

import functools
import io
import posixpath
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol
from urllib.parse import unquote

from lxml import etree

from scanner.redact.edits import RedactionError, TextRewriter, apply_to_runs
from scanner.redact.writers import WriteContext, rebuild
from scanner.scan.extract.archive import read_declared
from scanner.scan.extract.ooxml import (
    A_BR,
    A_NS,
    A_P,
    A_T,
    CFB_SIGNATURE,
    ENCRYPTION_INFO,
    PROPERTY_PARTS,
    RT_EMBEDDED,
    TEXT_VARIANTS,
    AttributePlace,
    attribute_slots,
    chart_pieces,
    loose_strings,
)
from scanner.scan.limits import MB, Limits

Element = Any  # an lxml element

PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
RELATIONSHIP = f"{{{PKG_REL_NS}}}Relationship"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
RT_OFFICE_DOCUMENT = f"{R_NS}/officeDocument"
RT_HYPERLINK = f"{R_NS}/hyperlink"
RT_CHARTS = (f"{R_NS}/chart", "http://schemas.microsoft.com/office/2014/relationships/chartEx")
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
A_R, A_RPR = f"{{{A_NS}}}r", f"{{{A_NS}}}rPr"
A_TBL, A_TR, A_TC, A_FLD = f"{{{A_NS}}}tbl", f"{{{A_NS}}}tr", f"{{{A_NS}}}tc", f"{{{A_NS}}}fld"
# Reading a damaged member: what zipfile raises for bad data, truncation, encryption.
_DAMAGED = (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError, NotImplementedError)
AUTHOR_CONTEXT = ("author",)


def xml_parser() -> etree.XMLParser:
    """A parser that resolves no entity and fetches nothing (one per call: lxml parsers
    must not be shared between threads)."""
    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


# --- the package ------------------------------------------------------------------------


@dataclass
class Part:
    """One parsed XML member; ``dirty`` once a slot in it was rewritten."""

    name: str
    root: Element
    dirty: bool = False


@dataclass
class Relationship:
    type: str
    target: str  # the member name for an internal target, the raw value for an external one
    external: bool
    element: Element


@dataclass
class Package:
    """A zip package being rewritten: members read on demand, changed ones kept aside."""

    archive: zipfile.ZipFile
    what: str
    parts: dict[str, Part] = field(default_factory=dict)
    replaced: dict[str, bytes] = field(default_factory=dict)

    def names(self) -> list[str]:
        return [info.filename for info in self.archive.infolist()]

    def __contains__(self, name: str) -> bool:
        return name in self.archive.NameToInfo

    def read(self, name: str) -> bytes:
        try:
            return read_declared(self.archive, name)  # sizes held to the limits on open
        except _DAMAGED as exc:
            raise RedactionError(f"{self.what}: part {name} cannot be read ({exc})") from None

    def part(self, name: str) -> Part | None:
        """The parsed member ``name``, None if absent; a malformed one cannot be redacted."""
        if name in self.parts:
            return self.parts[name]
        if name not in self:
            return None
        try:
            root = etree.fromstring(self.read(name), xml_parser())
        except etree.XMLSyntaxError as exc:
            raise RedactionError(f"{self.what}: part {name} is malformed XML ({exc.msg})") from None
        if root.getroottree().docinfo.doctype:
            # Office never writes one; entities it declares could not be written back
            raise RedactionError(f"{self.what}: part {name} declares a DTD, not redacted")
        self.parts[name] = Part(name, root)
        return self.parts[name]

    def require_part(self, name: str) -> Part:
        """The parsed member ``name`` for a caller that knows it is there (a name from
        ``names``, ``related`` or ``main_part_name``)."""
        part = self.part(name)
        if part is None:
            raise RedactionError(f"{self.what}: part {name} is missing")
        return part

    def relationships(self, source: str) -> list[Relationship]:
        """The relationships of part ``source`` ('' for the package), targets resolved."""
        folder, base = posixpath.split(source)
        rels = self.part(posixpath.join(folder, "_rels", f"{base}.rels"))
        if rels is None:
            return []
        found = []
        for element in rels.root.iter(RELATIONSHIP):
            target = element.get("Target") or ""
            external = element.get("TargetMode") == "External"
            if not external:
                target = _resolve(folder, target)
            found.append(Relationship(element.get("Type") or "", target, external, element))
        return found

    def related(self, source: str, *types: str) -> list[str]:
        """Members that ``source`` relates to by one of ``types``, in relationship order."""
        return [
            r.target
            for r in self.relationships(source)
            if r.type in types and not r.external and r.target in self
        ]

    def reachable(self) -> set[str]:
        """The members the package's relationships reach, following every part's own."""
        seen: set[str] = set()
        queue = [""]
        while queue:
            for relationship in self.relationships(queue.pop()):
                target = relationship.target
                if not relationship.external and target in self and target not in seen:
                    seen.add(target)
                    queue.append(target)
        return seen

    def to_bytes(self, rewriter: TextRewriter, ctx: WriteContext) -> bytes:
        """The copy, rebuilt from an allow list (``rebuild``): the parts this writer
        parsed or replaced, rewritten where their text changed, and of the rest only
        what ``rebuild`` checks (XML text and attributes, images without metadata).

        A part the writer handled but no relationship reaches (an orphan named like a
        slide or a header) is left to ``rebuild`` as the orphan it is: dropped."""
        reachable = self.reachable()
        handled: dict[str, bytes] = {}
        for part in self.parts.values():
            body = rebuild.serialise(part.root) if part.dirty else self.read(part.name)
            handled[part.name] = body
        handled.update(self.replaced)
        handled = {
            name: body
            for name, body in handled.items()
            if name in reachable or name.endswith(".rels") or name == "[Content_Types].xml"
        }
        members = [
            rebuild.Member(info, functools.partial(self.read, info.filename))
            for info in self.archive.infolist()
        ]
        return rebuild.rebuild(members, handled, rewriter, ctx, self.archive.comment)


def _resolve(folder: str, target: str) -> str:
    target = unquote(target.split("#", 1)[0])
    if target.startswith("/"):
        return posixpath.normpath(target.lstrip("/"))
    return posixpath.normpath(posixpath.join(folder, target))


def open_package(data: bytes, what: str, limits: Limits) -> Package:
    """``data`` as a zip package, refused before anything is inflated if it cannot be
    redacted: encrypted (an OLE container), not a zip, or beyond the limits."""
    if data.startswith(CFB_SIGNATURE):
        if ENCRYPTION_INFO in data:
            raise RedactionError(f"password-protected {what}: decrypt it before redacting")
        raise RedactionError(f"not a valid {what}: an OLE compound file, not an OOXML package")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise RedactionError(f"not a valid {what}: not a zip package ({exc})") from None
    _check_members(archive.infolist(), what, limits)
    return Package(archive, what)


def _check_members(infos: list[zipfile.ZipInfo], what: str, limits: Limits) -> None:
    """The zip's declared sizes against the limits (zipfile never inflates past them)."""
    if len(infos) > limits.max_members:
        raise RedactionError(f"{len(infos)} parts in one {what} (limit {limits.max_members})")
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise RedactionError(f"{what}: part {info.filename} is encrypted")
        if info.file_size > limits.max_member_bytes:
            raise RedactionError(
                f"{what}: part {info.filename} is {info.file_size / MB:.1f} MB uncompressed "
                f"(limit {limits.max_member_mb:g} MB)"
            )
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > MB and ratio > limits.max_ratio:
            raise RedactionError(f"{what}: part {info.filename} compressed {ratio:.0f}:1")
        total += info.file_size
    if total > limits.max_archive_total_bytes:
        raise RedactionError(f"{what} is {total / MB:.1f} MB uncompressed")


def main_part_name(package: Package, default: str) -> str:
    """The main document part the package's relationships name, ``default`` otherwise."""
    found = package.related("", RT_OFFICE_DOCUMENT)
    name = found[0] if found else default
    if name not in package:
        raise RedactionError(f"not a valid {package.what}: no main part {name}")
    return name


# --- slots: where text is written back ----------------------------------------------------


class Slot(Protocol):
    @property
    def text(self) -> str: ...

    def write(self, text: str) -> None: ...


@dataclass
class TextSlot:
    """An element's text; ``preserve`` marks ``w:t``, whose edge spaces need xml:space."""

    element: Element
    preserve: bool = False

    @property
    def text(self) -> str:
        return self.element.text or ""

    def write(self, text: str) -> None:
        self.element.text = text
        if self.preserve and text != text.strip():
            self.element.set(XML_SPACE, "preserve")


@dataclass
class AttributeSlot:
    """An attribute value (an author's name, a link target)."""

    element: Element
    name: str

    @property
    def text(self) -> str:
        return self.element.get(self.name) or ""

    def write(self, text: str) -> None:
        self.element.set(self.name, text)


@dataclass
class CharacterSlot:
    """A character without a text element (``w:tab``, ``a:br``), read as the extractors
    read it so that offsets match. If an edit cuts it, it goes; if a replacement lands
    on it, ``make_text`` puts a text element with the replacement in its place."""

    element: Element
    character: str
    make_text: Callable[[Element, str], Element]

    @property
    def text(self) -> str:
        return self.character

    def write(self, text: str) -> None:
        if text:
            replacement = self.make_text(self.element, text)
            replacement.tail = self.element.tail
            self.element.getparent().replace(self.element, replacement)
        else:
            remove(self.element)


def remove(element: Element) -> None:
    """Remove ``element`` but not the text after it (lxml drops the tail with it)."""
    parent = element.getparent()
    if parent is None:
        return
    if element.tail:
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail
    parent.remove(element)


def rewrite_slots(
    slots: Sequence[Slot],
    rewriter: TextRewriter,
    location: str,
    context: Sequence[str] = (),
) -> bool:
    """Ask for the edits of the slots' joined text once, write them back; True if any."""
    texts = [slot.text for slot in slots]
    joined = "".join(texts)
    if not joined.strip():
        return False
    edits = rewriter.edits(joined, location, tuple(context))
    if not edits:
        return False
    changed = False
    for slot, old, new in zip(slots, texts, apply_to_runs(texts, edits), strict=True):
        if new != old:
            slot.write(new)
            changed = True
    return changed


def rewrite_attributes(
    part: Part,
    elements: Iterable[Element],
    names: Iterable[str],
    rewriter: TextRewriter,
    location: str,
    context: Sequence[str] = AUTHOR_CONTEXT,
) -> None:
    """Each attribute ``names`` of ``elements`` on its own (a name is a value by itself)."""
    wanted = tuple(names)
    for element in list(elements):
        for name in wanted:
            if element.get(name):
                slot = AttributeSlot(element, name)
                part.dirty |= rewrite_slots([slot], rewriter, location, context)


def rewrite_element_texts(
    part: Part,
    elements: Iterable[Element],
    rewriter: TextRewriter,
    location: str,
    context: Sequence[str] = (),
) -> None:
    """Each element's own text as one piece (a property value, a plain-text comment)."""
    for element in list(elements):
        part.dirty |= rewrite_slots([TextSlot(element)], rewriter, location, context)


# --- tables: the header row is the context of the cells below it ---------------------------


@dataclass(frozen=True)
class TableShape:
    """How a table dialect lays out rows and cells, for ``header_contexts``."""

    rows: Callable[[Element], Iterable[Element]]
    cells: Callable[[Element], Iterable[Element]]
    span: Callable[[Element], int]  # grid columns a cell spans
    text: Callable[[Element], str]


def header_contexts(tables: Iterable[Element], shape: TableShape) -> dict[Element, tuple[str, ...]]:
    """Cell → ``(header text,)`` for every cell below row 1, as the extractors give the
    scanner (a column headed 姓名 makes its cells names): the rewriter must see the same."""
    contexts: dict[Element, tuple[str, ...]] = {}
    for table in tables:
        rows = list(shape.rows(table))
        if not rows:
            continue
        labels: dict[int, str] = {}
        for column, span, cell in _grid(rows[0], shape):
            for c in range(column, column + span):
                labels[c] = shape.text(cell).strip()
        for row in rows[1:]:
            for column, _span, cell in _grid(row, shape):
                if labels.get(column):
                    contexts[cell] = (labels[column],)
    return contexts


def _grid(row: Element, shape: TableShape) -> Iterator[tuple[int, int, Element]]:
    column = 1
    for cell in shape.cells(row):
        span = shape.span(cell)
        yield column, span, cell
        column += span


def cell_context(
    paragraph: Element, cell_tag: str, contexts: dict[Element, tuple[str, ...]]
) -> tuple[str, ...]:
    """The header context of the table cell a paragraph is in (nearest cell)."""
    for cell in paragraph.iterancestors(cell_tag):
        return contexts.get(cell, ())
    return ()


# --- DrawingML text ------------------------------------------------------------------------


def _drawing_run(br: Element, text: str) -> Element:
    """An ``a:r`` in place of an ``a:br`` a replacement landed on, with its formatting."""
    run = etree.Element(A_R)
    properties = br.find(A_RPR)
    if properties is not None:
        run.append(etree.fromstring(etree.tostring(properties)))
    etree.SubElement(run, A_T).text = text
    return run


def drawing_slots(paragraph: Element) -> list[Slot]:
    """The slots of an ``a:p``: ``a:t`` of runs and fields, ``a:br`` as a line break."""
    slots: list[Slot] = []
    for element in paragraph.iter(A_T, A_BR):
        if element.tag == A_T:
            slots.append(TextSlot(element))
        else:
            slots.append(CharacterSlot(element, "\n", _drawing_run))
    return slots


def _a_cell_span(cell: Element) -> int:
    value = cell.get("gridSpan", "1")
    return max(1, int(value)) if value.isdigit() else 1


def _a_cell_text(cell: Element) -> str:
    return "\n".join("".join(t.text or "" for t in p.iter(A_T)) for p in cell.iter(A_P))


DRAWING_TABLES = TableShape(
    rows=lambda table: table.iterfind(A_TR),
    cells=lambda row: (c for c in row.iterfind(A_TC) if c.get("hMerge") not in ("1", "true")),
    span=_a_cell_span,
    text=_a_cell_text,
)


def rewrite_drawing_paragraphs(part: Part, rewriter: TextRewriter, location: str) -> None:
    """Every ``a:p`` of a part (shapes, groups, tables, SmartArt, both branches of an
    ``mc:AlternateContent``), one rewriter call each; table cells with their header."""
    contexts = header_contexts(part.root.iter(A_TBL), DRAWING_TABLES)
    for paragraph in list(part.root.iter(A_P)):
        context = cell_context(paragraph, A_TC, contexts)
        slots = drawing_slots(paragraph)
        part.dirty |= rewrite_slots(slots, rewriter, location, context)


# --- document properties, links, embedded files, custom XML ------------------------------


def rewrite_properties(package: Package, rewriter: TextRewriter) -> None:
    """Core, extended and custom properties, as the extractors name them (``属性 author``).

    Besides Company and Manager, every text value of app.xml is rewritten: its
    ``TitlesOfParts`` lists slide titles and the document title.
    """
    for spec in PROPERTY_PARTS:
        for name in package.related("", spec.reltype) or [spec.name]:
            part = package.part(name)
            if part is None:
                continue
            if spec.names is None:
                _rewrite_custom_properties(part, rewriter)
                continue
            for element in list(part.root):
                label = spec.names.get(element.tag)
                if label:
                    rewrite_element_texts(part, [element], rewriter, f"属性 {label}", (label,))
            variants = [e for e in part.root.iter() if e.tag in TEXT_VARIANTS]
            rewrite_element_texts(part, variants, rewriter, "属性 titles")


def _rewrite_custom_properties(part: Part, rewriter: TextRewriter) -> None:
    for prop in part.root:
        name = prop.get("name", "") if isinstance(prop.tag, str) else ""
        values = [e for e in prop.iter() if e.tag in TEXT_VARIANTS]
        context = (name,) if name else ()
        rewrite_element_texts(part, values, rewriter, f"属性 {name}", context)


def rewrite_hyperlink_targets(package: Package, rewriter: TextRewriter, folder: str) -> None:
    """External hyperlink targets (a ``mailto:`` behind 联系我们), read by the Word
    extractor as ``<location> 链接``; every relationships part under ``folder``."""
    for name in package.names():
        if not (name.startswith(folder) and name.endswith(".rels")):
            continue
        part = package.require_part(name)
        links = [
            e
            for e in part.root.iter(RELATIONSHIP)
            if e.get("TargetMode") == "External" and e.get("Type") == RT_HYPERLINK
        ]
        rewrite_attributes(part, links, ["Target"], rewriter, "链接", ())


def rewrite_embedded(package: Package, rewriter: TextRewriter, ctx: WriteContext) -> None:
    """Embedded packages and OLE objects (the extractors hand them back to be scanned),
    rewritten by the writer of their own type; one without a writer stops the redaction,
    since what it holds would otherwise survive unredacted."""
    seen: set[str] = set()
    for name in package.names():
        if not name.endswith(".rels"):
            continue
        folder = posixpath.dirname(posixpath.dirname(name))
        source = posixpath.join(folder, posixpath.basename(name).removesuffix(".rels"))
        for member in package.related(source, *RT_EMBEDDED):
            if member in seen:
                continue
            seen.add(member)
            try:
                data = package.read(member)
                package.replaced[member] = ctx.rewrite_member(member, data, rewriter)
            except RedactionError as exc:
                raise RedactionError(f"embedded {member}: {exc}") from None


def rewrite_custom_xml(package: Package, rewriter: TextRewriter) -> None:
    """Custom XML data (``customXml/itemN.xml``): data-bound content controls keep their
    values there, and Word refills the controls from it when the file is opened."""
    for name in package.names():
        folder, base = posixpath.split(name)
        if folder != "customXml" or not base.startswith("item") or base.startswith("itemProps"):
            continue
        part = package.part(name)
        if part is None:
            continue
        elements = [e for e in part.root.iter() if isinstance(e.tag, str) and e.text]
        rewrite_element_texts(part, elements, rewriter, "自定义 XML")


# --- strings a reader does not see as text: names, alt text, charts, loose parts -----------


@dataclass
class StringSlot:
    """An element's text (``.text``), the text after it (``.tail``) or an attribute."""

    element: Element
    where: str

    @property
    def text(self) -> str:
        if self.where == ".text":
            return self.element.text or ""
        if self.where == ".tail":
            return self.element.tail or ""
        return self.element.get(self.where) or ""

    def write(self, text: str) -> None:
        if self.where == ".text":
            self.element.text = text
        elif self.where == ".tail":
            self.element.tail = text
        else:
            self.element.set(self.where, text)


@dataclass
class LineBreak:
    """The line break between two values read as one string (the extractors join them
    so): nothing to write back."""

    @property
    def text(self) -> str:
        return "\n"

    def write(self, text: str) -> None:
        return None


def rewrite_lines(
    part: Part,
    lines: Sequence[Sequence[Slot]],
    rewriter: TextRewriter,
    location: str,
    context: Sequence[str] = (),
) -> None:
    """Values read as one string, one per line (names of one slide, a chart's cache):
    one rewriter call for all of them."""
    slots: list[Slot] = []
    for line in lines:
        if slots:
            slots.append(LineBreak())
        slots.extend(line)
    if slots:
        part.dirty |= rewrite_slots(slots, rewriter, location, context)


def rewrite_attribute_places(
    part: Part, places: tuple[AttributePlace, ...], rewriter: TextRewriter, prefix: str = ""
) -> None:
    """The attributes the extractors read as ``<prefix><label>`` (alt text, shape and
    content-control names, section names), each label's values in one call."""
    for label, found in attribute_slots(part.root, places).items():
        lines = [[AttributeSlot(element, name)] for element, name in found]
        rewrite_lines(part, lines, rewriter, f"{prefix}{label}")


def rewrite_loose(
    part: Part,
    rewriter: TextRewriter,
    location: str,
    skip: Callable[[Element], bool] = lambda element: False,
) -> None:
    """The strings of a part the extractors read as loose text (``部件 <name>``), except
    those of elements ``skip`` says are rewritten their own way."""
    lines = [[StringSlot(e, where)] for e, where in loose_strings(part.root) if not skip(e)]
    rewrite_lines(part, lines, rewriter, location)


def rewrite_charts(package: Package, rewriter: TextRewriter) -> None:
    """Every chart a part relates to (classic and chartex): titles, series names,
    category and value caches, data labels, cell references and the rest, piece by
    piece as the extractors read them (``chart_pieces``), values with their series'
    name as context."""
    for chart in reachable_related(package, *RT_CHARTS):
        part = package.part(chart)
        if part is None:
            continue
        for piece in chart_pieces(part.root):
            lines = [drawing_slots(e) if e.tag == A_P else [TextSlot(e)] for e in piece.elements]
            rewrite_lines(part, lines, rewriter, f"图表 {piece.label}", piece.context)


def reachable_related(package: Package, *types: str) -> list[str]:
    """Members related by one of ``types`` from any part the package's relationships
    reach, each once: a chart only an orphan part points to stays an orphan (dropped)."""
    reachable = package.reachable()
    found: dict[str, None] = {}
    for source in ["", *sorted(reachable)]:
        found.update(dict.fromkeys(t for t in package.related(source, *types) if t in reachable))
    return list(found)
