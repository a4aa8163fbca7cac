"""PowerPoint (.pptx, .pptm, .potx, .ppsx and their macro variants): every slide's text.

Covered, with the location a finding carries:

* the text of every shape on a slide — text boxes, placeholders (title, body,
  footer, date; not the slide number), shapes inside groups at any depth, the
  shapes of an ``mc:AlternateContent`` (the branch PowerPoint itself would show)
  and SmartArt (from the diagram's data part) — ``幻灯片 N``, one segment per
  shape. Hidden slides are read like the others and located the same way
  (``幻灯片 N``, N counting every slide in presentation order, hidden or not):
  hiding a slide does not hide what is in the file;
* tables — ``幻灯片 N 表格 T 行 R 列 C``, T counting the slide's tables in shape
  order. Row 1 is the header row: its cells are HEADER segments, every other
  cell carries the header of its column as ``context``. A merged cell is
  yielded once, where it starts;
* speaker notes — ``幻灯片 N 备注``;
* slide comments, classic and modern (threaded, replies included) —
  ``幻灯片 N 批注 M``, and the author's name as ``幻灯片 N 批注 M 作者``;
* document properties — ``属性 author`` etc., as for Word documents;
* embedded packages and OLE objects (an Excel sheet, a chart's workbook) as
  ``Member`` items, scanned in turn as ``a.pptx!ppt/embeddings/…``;
* shape names and alt text of every shape, picture, group, frame and connector
  (``幻灯片 N 形状名称``, ``幻灯片 N 替代文字``; notes pages likewise), default
  names such as ``TextBox 3`` left out;
* charts — ``幻灯片 N 图表 M 标题``, ``系列名称``, ``类别``, ``数值`` (a series'
  values with its name as context), ``数据标签``, ``引用``, ``其他``;
* tags parts (``ppt/tags/tagN.xml``, where add-ins keep names and ids): the
  values as ``幻灯片 N 标签``, the names as ``幻灯片 N 标签名称``; a tags part no
  slide relates to as ``标签``;
* section names (``节名称``) and custom-show names (``自定义放映名称``);
* everything else in the package (``scanner.scan.extract.ooxml.unread_parts``): the
  other XML parts the relationships reach (layouts, masters, themes …) as
  ``部件 <name>``, parts they do not reach as ``孤立部件 <name>``, external
  targets (links included) as ``外部链接``, the zip comments as ``压缩包注释``.

Not covered: text chunks of images, and Strict OOXML namespaces.

python-pptx opens the package (with entities unresolved); the text is read
from the XML, which also reaches what python-pptx's shape API skips
(``mc:AlternateContent``, SmartArt, comments). The package is checked against
the configured limits before anything is inflated (see ``scanner.scan.extract.ooxml``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, cast

from lxml import etree
from pptx.exc import PythonPptxError
from pptx.opc.package import PartFactory
from pptx.package import Package
from pptx.parts.presentation import PresentationPart

from scanner.models import Segment, SegmentKind
from scanner.scan.extract import Item, Notice, Source
from scanner.scan.extract.ooxml import (
    A_NS,
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
    local_name,
    malformed,
    open_main_part,
    package_properties,
    part_name,
    part_root,
    parts_related_by,
    related_part,
    tag_segments,
    unread_parts,
)
from scanner.scan.extract.ooxml import Package as OoxmlPackage
from scanner.scan.extract.pictures import package_pictures

P_NS = "http://schemas.openxmlformats.org/presentationml/2006/main"


def _p(name: str) -> str:
    return f"{{{P_NS}}}{name}"


def _a(name: str) -> str:
    return f"{{{A_NS}}}{name}"


SLD_ID_LST, C_SLD, SP_TREE = _p("sldIdLst"), _p("cSld"), _p("spTree")
SP, GRP_SP, GRAPHIC_FRAME, TX_BODY = _p("sp"), _p("grpSp"), _p("graphicFrame"), _p("txBody")
PH = _p("ph")
A_TBL, A_TR, A_TC, A_TX_BODY = _a("tbl"), _a("tr"), _a("tc"), _a("txBody")
MC_ALTERNATE_CONTENT, MC_CHOICE = f"{{{MC_NS}}}AlternateContent", f"{{{MC_NS}}}Choice"
# A slide number says nothing about anyone; every other placeholder may.
SKIPPED_PLACEHOLDERS = frozenset({"sldNum"})

_MS = "http://schemas.microsoft.com/office/2018/10/relationships"
RT_NOTES_SLIDE = f"{R_NS}/notesSlide"
RT_COMMENTS = (f"{R_NS}/comments", f"{_MS}/comments")  # classic, modern (threaded)
RT_COMMENT_AUTHORS = (f"{R_NS}/commentAuthors", f"{_MS}/authors")
RT_TAGS = f"{R_NS}/tags"
RT_PROPERTIES = frozenset(
    {
        "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties",
        f"{R_NS}/extended-properties",
        f"{R_NS}/custom-properties",
    }
)
# Attributes a reader does not see as text: what a shape is called in the selection pane
# and its alt text (``p:cNvPr`` of every shape, picture, group, frame and connector).
SHAPE_ATTRIBUTES = (
    AttributePlace("形状名称", ("{*}cNvPr",), ("name",)),
    AttributePlace("替代文字", ("{*}cNvPr",), ("descr", "title")),
)
# Names in the presentation part: its sections (``p14:section``) and custom shows.
PRESENTATION_ATTRIBUTES = (
    AttributePlace("节名称", ("{*}section",), ("name",)),
    AttributePlace("自定义放映名称", (_p("custShow"),), ("name",)),
)

PRESENTATION_MAIN_TYPES = (
    "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
    "application/vnd.ms-powerpoint.presentation.macroEnabled.main+xml",
    "application/vnd.openxmlformats-officedocument.presentationml.template.main+xml",
    "application/vnd.openxmlformats-officedocument.presentationml.slideshow.main+xml",
    "application/vnd.ms-powerpoint.template.macroEnabled.main+xml",
    "application/vnd.ms-powerpoint.slideshow.macroEnabled.main+xml",
)
# python-pptx maps the first four; the macro-enabled template and show have the
# same XML.
for _content_type in PRESENTATION_MAIN_TYPES:
    PartFactory.part_type_for.setdefault(_content_type, PresentationPart)


def extract(source: Source) -> Iterator[Item]:
    part = open_main_part(
        source,
        "PowerPoint presentation",
        Package.open,
        PresentationPart,
        PRESENTATION_MAIN_TYPES,
        errors=(PythonPptxError,),
    )
    read = {part_name(part)}
    yield from _slides(part, read)
    yield from attribute_segments(part_root(part), PRESENTATION_ATTRIBUTES)
    package = _package(part)
    yield from package_properties(package)
    yield from embedded_members(package)
    yield from external_targets(package, hyperlinks=True)
    read |= {
        part_name(rel.target_part)
        for rel in part.package.iter_rels()
        if not rel.is_external and (rel.reltype in RT_PROPERTIES or rel.reltype in RT_EMBEDDED)
    }
    # _tags_part returns None for a part it leaves to the default reading, as unread_parts
    # expects (_loose_or_own); unread_parts' annotation of ``reader`` leaves out the None.
    yield from unread_parts(source, part.package, read, _tags_part)  # type: ignore[arg-type]
    yield from package_pictures(source)  # OCR of ppt/media/*


def _package(part: PresentationPart) -> OoxmlPackage:
    """The part's package as the ooxml helpers take it. python-pptx's relationships have
    what ``ooxml.Relationship`` asks for, but mypy compares a protocol member with
    python-pptx's ``lazyproperty`` descriptor itself, not with the value it gives."""
    return cast(OoxmlPackage, part.package)


def _rels(part: PresentationPart) -> Mapping[str, Relationship]:
    """``part.rels`` as the ooxml helpers take it (see ``_package``)."""
    return cast(Mapping[str, Relationship], part.rels)


def _tags_part(name: str, root: Element, location: str) -> Iterator[Segment] | None:
    """A tags part no slide relates to: ``标签`` (an unreachable one keeps its
    ``孤立部件`` location); None for any other part."""
    if local_name(root) != "tagLst":
        return None
    return tag_segments(root, location if location.startswith("孤立部件") else "标签")


def _slides(presentation: PresentationPart, read: set[str]) -> Iterator[Segment | Notice]:
    """Every slide's shapes, names, charts, tags, notes and comments; the part names read
    are added to ``read``."""
    authors = _comment_authors(presentation, read)
    slide_ids = part_root(presentation).find(SLD_ID_LST)
    for number, slide_id in enumerate(slide_ids if slide_ids is not None else (), start=1):
        location = f"幻灯片 {number}"
        slide = related_part(_rels(presentation), slide_id.get(R_ID))
        if slide is None:
            yield Notice(f"{location}: missing from the file, not scanned")
            continue
        yield from _ShapeReader(slide, location, read).read(part_root(slide))
        yield from _tags(slide, location, read)
        for notes in parts_related_by(slide.rels, RT_NOTES_SLIDE):
            yield from _ShapeReader(notes, f"{location} 备注", read).read(part_root(notes))
        yield from _comments(slide, location, authors, read)


def _tags(slide: Any, location: str, read: set[str]) -> Iterator[Segment | Notice]:
    """The tags parts of a slide and its shapes (add-ins keep names and ids there)."""
    for part in parts_related_by(slide.rels, RT_TAGS):
        if part_name(part) in read:
            continue
        read.add(part_name(part))
        try:
            root = part_root(part)
        except etree.XMLSyntaxError:
            yield malformed(part)
            continue
        yield from tag_segments(root, f"{location} 标签")


class _ShapeReader:
    """The shapes of one slide (or notes page), tables counted in shape order."""

    def __init__(self, part: Any, location: str, read: set[str]) -> None:
        self.part = part
        self.location = location
        self.tables = 0
        self.charts = 0
        self.parts = read  # the part names read (SmartArt data, charts), for the sweep
        read.add(part_name(part))

    def read(self, root: Element) -> Iterator[Segment | Notice]:
        tree = root.find(f"{C_SLD}/{SP_TREE}")
        if tree is not None:
            yield from self._shapes(tree)
        yield from attribute_segments(root, SHAPE_ATTRIBUTES, f"{self.location} ")

    def _shapes(self, container: Element) -> Iterator[Segment | Notice]:
        for shape in container:
            tag = shape.tag
            if tag == SP:
                text = _shape_text(shape)
                if text:
                    yield Segment(text, self.location)
            elif tag == GRP_SP:
                yield from self._shapes(shape)
            elif tag == GRAPHIC_FRAME:
                yield from self._frame(shape)
            elif tag == MC_ALTERNATE_CONTENT:
                choice = shape.find(MC_CHOICE)  # the fallback repeats it (often as a picture)
                if choice is not None:
                    yield from self._shapes(choice)

    def _frame(self, frame: Element) -> Iterator[Segment | Notice]:
        for table in frame.iter(A_TBL):
            self.tables += 1
            yield from _table(table, f"{self.location} 表格 {self.tables}")
        for reference in frame.iter(C_CHART, CX_CHART):
            yield from self._chart(reference)
        for relids in frame.iter(DGM_REL_IDS):  # SmartArt: its text is in the data part
            data = related_part(self.part.rels, relids.get(R_DM))
            if data is None:
                continue
            self.parts.add(part_name(data))
            try:
                text = drawing_text(part_root(data))
            except etree.XMLSyntaxError:
                yield malformed(data)
                continue
            if text:
                yield Segment(text, self.location)

    def _chart(self, reference: Element) -> Iterator[Segment | Notice]:
        """A chart's titles, series, caches (``幻灯片 N 图表 M 标题`` …), M counting the
        slide's charts in shape order."""
        chart = related_part(self.part.rels, reference.get(R_ID))
        if chart is None:
            return
        self.charts += 1
        self.parts.add(part_name(chart))
        try:
            root = part_root(chart)
        except etree.XMLSyntaxError:
            yield malformed(chart)
            return
        yield from chart_segments(root, f"{self.location} 图表 {self.charts}")


def _shape_text(shape: Element) -> str:
    placeholder = shape.find(f"{_p('nvSpPr')}/{_p('nvPr')}/{PH}")
    if placeholder is not None and placeholder.get("type") in SKIPPED_PLACEHOLDERS:
        return ""
    body = shape.find(TX_BODY)
    return drawing_text(body) if body is not None else ""


def _table(table: Element, location: str) -> Iterator[Segment]:
    header = RowOneHeader()
    for r, row in enumerate(table.iterfind(A_TR), start=1):
        for c, cell in enumerate(row.iterfind(A_TC), start=1):
            if _is_true(cell.get("hMerge")) or _is_true(cell.get("vMerge")):
                continue  # covered by the merged cell, which was yielded where it starts
            body = cell.find(A_TX_BODY)
            text = drawing_text(body) if body is not None else ""
            kind, context = header.cell(r, c, _span(cell), text)
            if text:
                yield Segment(text, f"{location} 行 {r} 列 {c}", kind, context=context)


def _span(cell: Element) -> int:
    value = cell.get("gridSpan", "1")
    return max(1, int(value)) if value.isdigit() else 1


def _is_true(value: str | None) -> bool:
    return value in ("1", "true")


# --- comments -------------------------------------------------------------------------


def _comment_authors(presentation: PresentationPart, read: set[str]) -> Mapping[str, str]:
    """Author id → name, from the classic and the modern authors parts."""
    authors: dict[str, str] = {}
    for part in parts_related_by(_rels(presentation), *RT_COMMENT_AUTHORS):
        read.add(part_name(part))
        try:
            root = part_root(part)
        except etree.XMLSyntaxError:
            continue  # the comments are still read, without their authors' names
        for author in root:
            if local_name(author) in ("cmAuthor", "author") and author.get("id") is not None:
                authors[author.get("id")] = author.get("name") or ""
    return authors


def _comments(
    slide: Any, location: str, authors: Mapping[str, str], read: set[str]
) -> Iterator[Segment | Notice]:
    number = 0
    for part in parts_related_by(slide.rels, *RT_COMMENTS):
        read.add(part_name(part))
        try:
            root = part_root(part)
        except etree.XMLSyntaxError:
            yield malformed(part)
            continue
        for text, author_id in _comment_entries(root):
            number += 1
            where = f"{location} 批注 {number}"
            if text.strip():
                yield Segment(text, where)
            author = authors.get(author_id or "", "")
            if author.strip():
                yield Segment(author, f"{where} 作者", SegmentKind.METADATA, context=("author",))


def _comment_entries(root: Element) -> Iterator[tuple[str, str | None]]:
    """(text, author id) of each comment, a modern comment's replies after it."""
    for comment in root:
        if local_name(comment) != "cm":
            continue
        yield _comment_text(comment), comment.get("authorId")
        for reply in comment.iter():
            if local_name(reply) == "reply":
                yield _comment_text(reply), reply.get("authorId")


def _comment_text(comment: Element) -> str:
    for child in comment:
        name = local_name(child)
        if name == "text":  # classic: plain text
            return child.text or ""
        if name == "txBody":  # modern: DrawingML paragraphs
            return drawing_text(child)
    return ""
