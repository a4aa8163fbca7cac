"""Word (.docx, .docm, .dotx, .dotm): the text a reader sees and the places people forget.

Covered, with the location a finding carries:

* body paragraphs — ``段落 N``. N counts every paragraph of the body outside
  tables, empty ones included (also those inside content controls), so that
  counting paragraph marks in Word (show ¶) leads to it; empty paragraphs are
  counted but not yielded;
* tables — ``表格 T 行 R 列 C``: T counts the body's top-level tables, R the
  rows, C the grid column the cell starts in; a nested table is located inside
  its cell (``表格 1 行 2 列 3 表格 1 行 1 列 1``). Row 1 is taken as the header
  row: its cells are HEADER segments, every other cell carries the text of the
  header cell above it as ``context`` (a column headed 手机 makes its cells
  phone candidates). A merged cell is yielded once, at its top-left position;
* headers and footers of every section, first-page and even-page variants
  included even where Word would not show them — ``页眉``, ``首页页眉``,
  ``偶数页页脚``, prefixed ``第 S 节`` when there is more than one section (the
  labels Word itself shows). A part shared by several sections is yielded once;
* footnotes and endnotes — ``脚注 N`` / ``尾注 N``, N in the order of their
  references in the body, as Word numbers them;
* comments — ``批注 N`` in the order of comment id, and the comment's author as
  a METADATA segment ``批注 N 作者``;
* text boxes (DrawingML and VML) — ``文本框 N`` in the body, ``页眉 文本框 N``
  etc. elsewhere;
* SmartArt text (from the diagram's data part) — ``<location> SmartArt``;
* tracked changes: inserted text is part of its paragraph (python-docx's
  ``Paragraph.text`` skips ``w:ins`` runs, so paragraphs are read from the XML
  here); deleted text, which Word keeps in the file and python-docx drops, is
  yielded as ``修订删除 <location>`` (one segment per stretch of adjacent
  deletions, so two unrelated deletions are never glued into one number);
* external hyperlink targets that the visible text does not show (a
  ``mailto:`` behind "联系我们") — ``<location> 链接``;
* document properties — ``属性 author``, ``属性 last_modified_by``, ``属性 title``,
  ``subject``, ``keywords``, ``comments``, ``category``, the extended properties
  ``company`` and ``manager``, and custom text properties by their name;
* embedded OOXML packages and OLE objects (an Excel sheet pasted into a
  proposal) are handed back as ``Member`` items, to be scanned in turn as
  ``a.docx!word/embeddings/…``; so are alternative-format chunks
  (``w:altChunk``: HTML, text or a document Word merges into the body when the
  file is opened), as ``a.docx!word/afchunk.htm``;
* what a reader does not see as text, one METADATA segment per kind and story
  (prefixed ``页眉 ``, ``脚注 ``, ``批注 `` … outside the body): the alt text of
  pictures and shapes (``图片替代文字``: ``descr``/``title``, VML ``alt``), their
  names (``图形名称``), content controls' titles, tags and list items
  (``内容控件 标题`` / ``标记`` / ``选项``); values that cannot hold one (the
  default ``Picture 3``) are left out;
* charts — ``图表 N 标题``, ``系列名称``, ``类别``, ``数值`` (a series' values
  with its name as context), ``数据标签``, ``引用``, ``其他``; N counts the
  document's charts in reading order;
* document variables (``w:docVar`` in the settings part) — ``文档变量`` with the
  variable's name as context, the names as ``文档变量名称``;
* everything else in the package (``scanner.scan.extract.ooxml.unread_parts``): every
  other XML part the relationships reach (custom XML data, themes, the
  glossary, ``people.xml``) as ``部件 <name>``, every part they do not reach as
  ``孤立部件 <name>`` (a redacted copy does not carry those), the strings that
  may hold a value (``MAY_HOLD_VALUE``) read, font names and structural values
  left out; external relationship targets other than links (a template under a
  user's folder) as ``外部链接``; the zip and member comments as ``压缩包注释``.

Not covered: field instructions (``HYPERLINK "mailto:…"`` codes; their displayed
result is read), text chunks of images (a redacted copy carries images without
them), and Strict OOXML namespaces.

python-docx opens the package (it parses with entities unresolved); the text
itself is read from the XML, because python-docx has no API for most of the
places above. Every part is held in memory, so the package is checked against
the configured limits before python-docx opens it, and parts python-docx does
not parse (footnotes, endnotes, properties) are parsed with a parser that
resolves no entities and loads no DTD or network resource: both with the
helpers the OOXML extractors share (``scanner.scan.extract.ooxml``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from docx.opc.exceptions import PackageNotFoundError
from docx.opc.package import OpcPackage
from docx.opc.part import PartFactory
from docx.parts.document import DocumentPart
from lxml import etree

from scanner.models import Segment, SegmentKind
from scanner.scan.extract import Item, Member, Notice, Source
from scanner.scan.extract.ooxml import (
    C_CHART,
    CX_CHART,
    DGM_REL_IDS,
    MC_NS,
    R_DM,
    R_ID,
    R_NS,
    RT_EMBEDDED,
    AttributePlace,
    Element,
    Relationship,
    RowOneHeader,
    attribute_segments,
    chart_segments,
    drawing_text,
    embedded_members,
    external_targets,
    loose_strings,
    malformed,
    open_main_part,
    package_properties,
    part_name,
    part_root,
    parts_related_by,
    related_part,
    unread_parts,
)
from scanner.scan.extract.pictures import package_pictures

# --- namespaces and tags ------------------------------------------------------------

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _w(name: str) -> str:
    return f"{{{W_NS}}}{name}"


P, TBL, TR, TC = _w("p"), _w("tbl"), _w("tr"), _w("tc")
BODY, SDT, SDT_CONTENT, CUSTOM_XML = _w("body"), _w("sdt"), _w("sdtContent"), _w("customXml")
T, DEL_TEXT, TAB, BR, CR = _w("t"), _w("delText"), _w("tab"), _w("br"), _w("cr")
NO_BREAK_HYPHEN = _w("noBreakHyphen")
DEL = _w("del")
HYPERLINK = _w("hyperlink")
TXBX_CONTENT = _w("txbxContent")
PPR, RPR, TCPR, TRPR = _w("pPr"), _w("rPr"), _w("tcPr"), _w("trPr")
GRID_SPAN, GRID_BEFORE = _w("gridSpan"), _w("gridBefore")
V_MERGE, H_MERGE = _w("vMerge"), _w("hMerge")
SECT_PR = _w("sectPr")
HEADER_REFERENCE, FOOTER_REFERENCE = _w("headerReference"), _w("footerReference")
FOOTNOTE, ENDNOTE, COMMENT = _w("footnote"), _w("endnote"), _w("comment")
FOOTNOTE_REFERENCE, ENDNOTE_REFERENCE = _w("footnoteReference"), _w("endnoteReference")
W_VAL, W_TYPE, W_ID, W_AUTHOR = _w("val"), _w("type"), _w("id"), _w("author")
MC_FALLBACK = f"{{{MC_NS}}}Fallback"

# Wrappers around block-level content (content controls, custom XML) that Word
# shows as if their content stood in their place.
BLOCK_WRAPPERS = frozenset({SDT, SDT_CONTENT, CUSTOM_XML})
# Inline elements whose content is not text a reader sees: properties, field
# instructions, the source of a moved passage (its text is also at the
# destination), and the fallback copy of an mc:AlternateContent (it repeats
# the text of the chosen branch, e.g. a text box in both DrawingML and VML).
SKIPPED_INLINE = frozenset(
    {PPR, RPR, _w("instrText"), _w("delInstrText"), _w("moveFrom"), MC_FALLBACK}
)

# --- relationship and content types ------------------------------------------------

RT_FOOTNOTES, RT_ENDNOTES = f"{R_NS}/footnotes", f"{R_NS}/endnotes"
RT_COMMENTS = f"{R_NS}/comments"
RT_SETTINGS = f"{R_NS}/settings"
RT_ALT_CHUNK = f"{R_NS}/aFChunk"
RT_PROPERTIES = frozenset(
    {
        "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties",
        f"{R_NS}/extended-properties",
        f"{R_NS}/custom-properties",
    }
)
DOC_VAR, W_NAME = _w("docVar"), _w("name")
O_TITLE = "{urn:schemas-microsoft-com:office:office}title"
# Attributes a reader does not see as text, each kind one segment per story: the alt
# text and names of pictures, shapes and charts (DrawingML ``wp:docPr``/``pic:cNvPr``
# …, VML ``alt``), and what a content control is called, tagged and offers.
HIDDEN_ATTRIBUTES = (
    AttributePlace("图片替代文字", ("{*}docPr", "{*}cNvPr"), ("descr", "title")),
    AttributePlace("图片替代文字", ("{*}shape", "{*}imagedata"), ("alt", O_TITLE)),
    AttributePlace("图形名称", ("{*}docPr", "{*}cNvPr"), ("name",)),
    AttributePlace("内容控件 标题", (_w("alias"),), (W_VAL,)),
    AttributePlace("内容控件 标记", (_w("tag"),), (W_VAL,)),
    AttributePlace("内容控件 选项", (_w("listItem"),), (_w("displayText"), _w("value"))),
)

WORD_MAIN_TYPES = (
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    "application/vnd.ms-word.document.macroEnabled.main+xml",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml",
    "application/vnd.ms-word.template.macroEnabledTemplate.main+xml",
)
# python-docx only knows the .docx main part; the macro-enabled and template
# variants have the same XML, so they are loaded the same way.
for _content_type in WORD_MAIN_TYPES:
    PartFactory.part_type_for.setdefault(_content_type, DocumentPart)

HEADER_LABELS = {
    (HEADER_REFERENCE, "default"): "页眉",
    (HEADER_REFERENCE, "first"): "首页页眉",
    (HEADER_REFERENCE, "even"): "偶数页页眉",
    (FOOTER_REFERENCE, "default"): "页脚",
    (FOOTER_REFERENCE, "first"): "首页页脚",
    (FOOTER_REFERENCE, "even"): "偶数页页脚",
}


# --- entry point ---------------------------------------------------------------------


def extract(source: Source) -> Iterator[Item]:
    part = open_main_part(
        source,
        "Word document",
        OpcPackage.open,
        DocumentPart,
        WORD_MAIN_TYPES,
        errors=(PackageNotFoundError,),
    )
    reader = _DocumentReader(part)
    yield from reader.items()
    yield from package_properties(part.package)
    yield from embedded_members(part.package)
    yield from _alternative_chunks(part.package, reader.read)
    yield from external_targets(part.package, hyperlinks=False)  # links: ``<location> 链接``
    read = reader.read | _properties_and_embedded(part.package)
    yield from unread_parts(source, part.package, read)
    yield from package_pictures(source)  # OCR of word/media/*


def _alternative_chunks(package: Any, read: set[str]) -> Iterator[Member]:
    """Alternative-format chunks (``w:altChunk``: HTML, RTF, text or a document that Word
    merges into the body when the file is opened), handed back to be scanned by their
    own type as ``a.docx!word/afchunk.htm``."""
    for rel in package.iter_rels():
        if rel.is_external or rel.reltype != RT_ALT_CHUNK:
            continue
        name = part_name(rel.target_part)
        if name not in read:
            read.add(name)
            yield Member(name, rel.target_part.blob)


def _properties_and_embedded(package: Any) -> set[str]:
    """The parts read as properties or handed back as embedded files."""
    return {
        part_name(rel.target_part)
        for rel in package.iter_rels()
        if not rel.is_external and (rel.reltype in RT_PROPERTIES or rel.reltype in RT_EMBEDDED)
    }


# --- reading WordprocessingML --------------------------------------------------------


@dataclass
class _Content:
    """What a run of paragraphs holds, in document order."""

    lines: list[str] = field(default_factory=list)
    deletions: list[str] = field(default_factory=list)
    boxes: list[Element] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    diagrams: list[str] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    parts: list[str] = field(default_factory=list)  # names of the SmartArt parts read

    @property
    def text(self) -> str:
        # an empty paragraph adds nothing to read; it still counts in ``段落 N``
        return "\n".join(line for line in self.lines if line.strip())


def _read_paragraphs(paragraphs: Iterable[Element], rels: Mapping[str, Relationship]) -> _Content:
    content = _Content()
    for paragraph in paragraphs:
        line: list[str] = []
        deleted: list[str] = []  # the current stretch of adjacent deletions
        for kind, value in _inline(paragraph, deleted=False):
            if kind == "text":
                if deleted and value:
                    content.deletions.append("".join(deleted))
                    deleted = []
                line.append(value)
            elif kind == "deleted":
                deleted.append(value)
            elif kind == "box":
                content.boxes.append(value)
            elif kind == "link":
                target = _external_target(rels, value)
                if target and target not in content.links:
                    content.links.append(target)
            elif kind == "diagram":
                _read_diagram(rels, value, content)
        if deleted:
            content.deletions.append("".join(deleted))
        content.lines.append("".join(line))
    return content


def _inline(element: Element, deleted: bool) -> Iterator[tuple[str, Any]]:
    """The text-bearing events inside a paragraph, in order.

    Text boxes are reported, not entered: their text is their own segment.
    """
    text_kind = "deleted" if deleted else "text"
    for child in element:
        tag = child.tag
        if not isinstance(tag, str) or tag in SKIPPED_INLINE:
            continue  # XML comments and processing instructions have no string tag
        if tag in (T, DEL_TEXT):
            yield ("deleted" if tag == DEL_TEXT else text_kind), child.text or ""
        elif tag == TAB:
            yield text_kind, "\t"
        elif tag in (BR, CR):
            yield text_kind, "\n"
        elif tag == NO_BREAK_HYPHEN:
            yield text_kind, "-"
        elif tag == TXBX_CONTENT:
            yield "box", child
        elif tag == DGM_REL_IDS:
            yield "diagram", child.get(R_DM)
        else:
            if tag == HYPERLINK and child.get(R_ID):
                yield "link", child.get(R_ID)
            yield from _inline(child, deleted or tag == DEL)


def _read_diagram(rels: Mapping[str, Relationship], rid: str | None, content: _Content) -> None:
    part = related_part(rels, rid)
    if part is None:
        return
    content.parts.append(part_name(part))
    try:
        text = drawing_text(part_root(part))
    except etree.XMLSyntaxError:
        content.notices.append(malformed(part))
        return
    if text:
        content.diagrams.append(text)


def _external_target(rels: Mapping[str, Relationship], rid: str) -> str | None:
    rel = rels.get(rid)
    return rel.target_ref if rel is not None and rel.is_external else None


def _children(container: Element, wanted: str) -> Iterator[Element]:
    """Children with tag ``wanted``, looking through content controls and custom XML."""
    for child in container:
        if child.tag == wanted:
            yield child
        elif child.tag in BLOCK_WRAPPERS:
            yield from _children(child, wanted)


def _blocks(container: Element) -> Iterator[Element]:
    """Paragraphs and tables of a block container, in order."""
    for child in container:
        if child.tag in (P, TBL):
            yield child
        elif child.tag in BLOCK_WRAPPERS:
            yield from _blocks(child)


def _all_paragraphs(container: Element) -> Iterator[Element]:
    """Every paragraph of a story, table cells included, text boxes excluded."""
    for child in container:
        if child.tag == P:
            yield child
        elif isinstance(child.tag, str) and child.tag not in (TCPR, TRPR, SECT_PR):
            yield from _all_paragraphs(child)


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


class _DocumentReader:
    def __init__(self, part: DocumentPart) -> None:
        self.part = part
        self.root: Element = part.element
        self.body: Element | None = self.root.find(BODY)
        self.boxes = 0  # text boxes of the body, in order
        self.charts = 0  # charts of the document, in reading order
        self.read: set[str] = {part_name(part)}  # the parts read, for ``unread_parts``

    def items(self) -> Iterator[Item]:
        if self.body is not None:
            yield from self._body()
        yield from self._drawings(self.root, self.part.rels, "")
        if self.body is not None:
            yield from self._headers_and_footers(self.body)
        yield from self._notes(RT_FOOTNOTES, FOOTNOTE, FOOTNOTE_REFERENCE, "脚注")
        yield from self._notes(RT_ENDNOTES, ENDNOTE, ENDNOTE_REFERENCE, "尾注")
        yield from self._comments()
        yield from self._variables()

    # what a reader does not see as text: alt text, names, content controls, charts --------

    def _drawings(
        self, root: Element, rels: Mapping[str, Relationship], prefix: str
    ) -> Iterator[Segment | Notice]:
        """The hidden attributes of one story part, and its charts (``图表 N …``, N
        counting the document's charts in reading order, each chart part read once)."""
        yield from attribute_segments(root, HIDDEN_ATTRIBUTES, prefix)
        for reference in root.iter(C_CHART, CX_CHART):
            chart = related_part(rels, reference.get(R_ID))
            if chart is None or part_name(chart) in self.read:
                continue
            self.read.add(part_name(chart))
            self.charts += 1
            try:
                chart_root = part_root(chart)
            except etree.XMLSyntaxError:
                yield malformed(chart)
                continue
            yield from chart_segments(chart_root, f"{prefix}图表 {self.charts}")

    def _parse(self, part: Any) -> Element | Notice:
        """A part marked as read and parsed, or the notice that it is malformed."""
        self.read.add(part_name(part))
        try:
            return part_root(part)
        except etree.XMLSyntaxError:
            return malformed(part)

    def _variables(self) -> Iterator[Segment | Notice]:
        """Document variables (``w:docVar`` in the settings part): macros and add-ins
        keep values there that no reader sees — ``文档变量``, the name as context."""
        for part in parts_related_by(self.part.rels, RT_SETTINGS):
            root = self._parse(part)
            if isinstance(root, Notice):  # malformed: noted, the rest is read
                yield root
                continue
            names: list[str] = []
            for variable in root.iter(DOC_VAR):
                name, value = variable.get(W_NAME) or "", variable.get(W_VAL) or ""
                if value.strip():
                    yield Segment(value, "文档变量", SegmentKind.METADATA, context=(name,))
                if name.strip():
                    names.append(name)
            if names:
                yield Segment("\n".join(names), "文档变量名称", SegmentKind.METADATA)
            rest = [_string(e, where) for e, where in loose_strings(root) if e.tag != DOC_VAR]
            if rest:  # a mail merge's data source, a template path …
                where = f"部件 {part_name(part)}"
                yield Segment("\n".join(rest), where, SegmentKind.PROSE)

    # body ----------------------------------------------------------------------

    def _body(self) -> Iterator[Segment | Notice]:
        paragraphs = tables = 0
        for block in _blocks(self.body):
            if block.tag == P:
                paragraphs += 1
                content = _read_paragraphs([block], self.part.rels)
                yield from self._content(
                    content, f"段落 {paragraphs}", self.part.rels, self._body_box
                )
            else:
                tables += 1
                yield from self._table(block, f"表格 {tables}")

    def _body_box(self) -> str:
        self.boxes += 1
        return f"文本框 {self.boxes}"

    def _table(self, table: Element, location: str) -> Iterator[Segment | Notice]:
        header = RowOneHeader()
        for r, row in enumerate(_children(table, TR), start=1):
            for column, span, cell in _cells(row):
                text_blocks = list(_blocks(cell))
                content = _read_paragraphs((b for b in text_blocks if b.tag == P), self.part.rels)
                kind, context = header.cell(r, column, span, content.text)
                where = f"{location} 行 {r} 列 {column}"
                yield from self._content(
                    content, where, self.part.rels, self._body_box, kind, context
                )
                nested = (b for b in text_blocks if b.tag == TBL)
                for t, inner in enumerate(nested, start=1):
                    yield from self._table(inner, f"{where} 表格 {t}")

    # content of one place ------------------------------------------------------

    def _content(
        self,
        content: _Content,
        location: str,
        rels: Mapping[str, Relationship],
        box_location: Callable[[], str],
        kind: SegmentKind = SegmentKind.PROSE,
        context: tuple[str, ...] = (),
    ) -> Iterator[Segment | Notice]:
        text = content.text
        if text.strip():
            yield Segment(text, location, kind, context=context)
        self.read.update(content.parts)
        for diagram in content.diagrams:
            yield Segment(diagram, f"{location} SmartArt", SegmentKind.PROSE)
        yield from content.notices
        for target in content.links:
            shown = target.split(":", 1)[-1] if target.startswith(("mailto:", "tel:")) else target
            if shown not in text:
                yield Segment(
                    target, f"{location} 链接", SegmentKind.METADATA, context=("hyperlink",)
                )
        for deleted in content.deletions:
            if deleted.strip():
                yield Segment(deleted, f"修订删除 {location}", SegmentKind.PROSE, context=context)
        for box in content.boxes:
            yield from self._story(box, box_location(), rels)

    def _story(
        self, container: Element, location: str, rels: Mapping[str, Relationship]
    ) -> Iterator[Segment | Notice]:
        """A header, footnote, comment or text box: one segment for all its text."""
        count = 0

        def box_location() -> str:
            nonlocal count
            count += 1
            return f"{location} 文本框 {count}"

        content = _read_paragraphs(_all_paragraphs(container), rels)
        yield from self._content(content, location, rels, box_location)

    # headers and footers ---------------------------------------------------------

    def _headers_and_footers(self, body: Element) -> Iterator[Segment | Notice]:
        sections = [s for s in body.iter(SECT_PR) if s.getparent().tag in (PPR, BODY)]
        seen: set[str] = set()
        for number, section in enumerate(sections, start=1):
            prefix = f"第 {number} 节 " if len(sections) > 1 else ""
            for reference in section:
                label = HEADER_LABELS.get((reference.tag, reference.get(W_TYPE, "default")))
                rel = self.part.rels.get(reference.get(R_ID) or "")
                if label is None or rel is None or rel.is_external:
                    continue
                part = rel.target_part
                if str(part.partname) in seen:
                    continue  # "link to previous" by sharing a part: already read
                seen.add(str(part.partname))
                root = self._parse(part)
                if isinstance(root, Notice):  # malformed: noted, the rest is read
                    yield root
                    continue
                yield from self._story(root, prefix + label, part.rels)
                yield from self._drawings(root, part.rels, f"{prefix}{label} ")

    # notes and comments ----------------------------------------------------------

    def _notes(
        self, reltype: str, note_tag: str, reference_tag: str, label: str
    ) -> Iterator[Segment | Notice]:
        for part in parts_related_by(self.part.rels, reltype):
            root = self._parse(part)
            if isinstance(root, Notice):  # malformed: noted, the rest is read
                yield root
                continue
            yield from self._drawings(root, part.rels, f"{label} ")
            # separators and continuation notices are layout, not notes
            notes = {
                note.get(W_ID): note
                for note in root
                if note.tag == note_tag and note.get(W_TYPE, "normal") == "normal"
            }
            order: dict[str, None] = {}  # Word numbers notes by where they are referenced
            for reference in self.root.iter(reference_tag):
                note_id = reference.get(W_ID)
                if note_id in notes:
                    order.setdefault(note_id)
            order.update(dict.fromkeys(notes))  # notes never referenced come last
            for number, note_id in enumerate(order, start=1):
                yield from self._story(notes[note_id], f"{label} {number}", part.rels)

    def _comments(self) -> Iterator[Segment | Notice]:
        for part in parts_related_by(self.part.rels, RT_COMMENTS):
            root = self._parse(part)
            if isinstance(root, Notice):  # malformed: noted, the rest is read
                yield root
                continue
            yield from self._drawings(root, part.rels, "批注 ")
            comments = [c for c in root if c.tag == COMMENT]
            comments.sort(key=lambda c: _int(c.get(W_ID), 1 << 62))
            for number, comment in enumerate(comments, start=1):
                location = f"批注 {number}"
                yield from self._story(comment, location, part.rels)
                author = comment.get(W_AUTHOR)
                if author and author.strip():
                    yield Segment(
                        author, f"{location} 作者", SegmentKind.METADATA, context=("author",)
                    )


def _cells(row: Element) -> Iterator[tuple[int, int, Element]]:
    """(first grid column, columns spanned, cell) for the cells that start a merge.

    Continuation cells of a vertical merge (and of the legacy horizontal merge)
    hold no text of their own: the merged cell was yielded where it starts.
    """
    properties = row.find(TRPR)
    before = properties.find(GRID_BEFORE) if properties is not None else None
    column = 1 + (_int(before.get(W_VAL), 0) if before is not None else 0)
    for cell in _children(row, TC):
        cell_properties = cell.find(TCPR)
        span, merged = 1, False
        if cell_properties is not None:
            grid_span = cell_properties.find(GRID_SPAN)
            if grid_span is not None:
                span = max(1, _int(grid_span.get(W_VAL), 1))
            for merge in (cell_properties.find(V_MERGE), cell_properties.find(H_MERGE)):
                if merge is not None and merge.get(W_VAL, "continue") == "continue":
                    merged = True
        if not merged:
            yield column, span, cell
        column += span


def _string(element: Element, where: str) -> str:
    """The value of a ``loose_strings`` slot, stripped."""
    if where in (".text", ".tail"):
        return (element.text if where == ".text" else element.tail or "").strip()
    return (element.get(where) or "").strip()
